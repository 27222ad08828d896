"""Orchestration: the science put together, start to finish.

    pipeline   one evaluation run: split, fit GNT and the ablation, baselines, metrics,
               candidates, all saved as a `Run`
    benchmark  a resumable grid of datasets × protocols × seeds × methods
    infer      one call from data to a ranked edge list (arboreto style)
    jobs       runs in worker processes, one at a time per device (the app's service)
    cluster    independent tasks on Dask distributed (a local cluster, or one by address)
    genome     genome-scale candidate scoring split by regulator blocks across workers
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "run_pipeline": ".pipeline", "evaluate_run": ".pipeline", "rescore_run": ".pipeline",
    "run_benchmark": ".benchmark", "infer": ".infer",
    "open_client": ".cluster", "score_distributed": ".genome",
    "submit": ".jobs", "job_status": ".jobs", "active_jobs": ".jobs", "cancel": ".jobs",
}
__all__ = list(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
