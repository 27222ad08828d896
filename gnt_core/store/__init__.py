"""What GNT Explorer keeps on disk, under `$GNT_HOME` (default ~/.gnt):

    storage    the home folder, safe names, atomic writes, JSON (no torch)
    run        `Run`: one run directory, the one owner of its file layout
    datasets   `DatasetSpec`: where a dataset comes from; validated uploads kept on disk
    verdicts   `VerdictStore`: the user's verdicts on pairs, in SQLite

The dataset and verdict stores never import torch; names are re-exported lazily.
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "gnt_home": ".storage", "safe_name": ".storage",
    "Run": ".run", "RunConfig": ".run", "RunMetrics": ".run", "RunStatus": ".run",
    "list_runs": ".run",
    "DatasetSpec": ".datasets", "DEMO": ".datasets",
    "VerdictStore": ".verdicts", "VERDICTS": ".verdicts",
}
__all__ = list(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
