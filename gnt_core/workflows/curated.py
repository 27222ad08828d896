"""A run's novel pairs against a curated database (science/curated.py): the reference is the
user's own edge list, or CollecTRI / DoRothEA fetched once from OmniPath and cached under
$GNT_HOME/priors (the same cache as the prior networks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..io import read_network
from ..io.dataset import EdgeTable
from ..io.priors import PRIORS, get_prior, prior_source
from ..io.sniff import Source
from ..science.curated import CuratedCheck, curated_check
from ..store.run import Run
from ..store.storage import gnt_home
from ..vocabulary import KNOWN_STATUSES, TEST_POSITIVE, TRAINING_NEGATIVE


def curated_reference(source: Source, organism: str | None = None) -> EdgeTable:
    """A curated edge list: "collectri" or "dorothea" (OmniPath, for `organism`), or a file
    (a path or an upload)."""
    if str(source) in PRIORS:
        return read_network(prior_source(get_prior(str(source), organism or "",
                                                   gnt_home() / "priors")))
    return read_network(source)


def check_run(run_dir: Path, reference: EdgeTable) -> CuratedCheck:
    """The run's ranked pairs that are not known edges (best first) against `reference`; its
    genes outside the run are ignored, its edges already in the run's network do not count."""
    run = Run(run_dir)
    dataset = run.dataset()
    table = run.candidates()
    unfitted = ~table["status"].isin([*KNOWN_STATUSES, TEST_POSITIVE, TRAINING_NEGATIVE])
    table = table[unfitted].sort_values("rank", kind="stable")
    index = dataset.gene_index
    pairs = np.column_stack([table["regulator"].map(index), table["target"].map(index)])
    curated = np.array([(index[r], index[t]) for r, t in zip(
        reference.regulators, reference.targets, strict=True) if r in index and t in index],
        dtype=np.int64).reshape(-1, 2)
    return curated_check(pairs.astype(np.int64), dataset.expression, dataset.edges, curated)
