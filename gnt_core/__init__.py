"""GNT Explorer: predict missing gene regulatory edges with the GeneNet Transformer, and see
honestly how good the predictions are.

The data flows through the packages in this order:

    io/         readers: files in, a validated `Dataset` out
    science/    splits → phase 1 (gene embeddings) → pair features + SVM → metrics → candidates
    workflows/  a whole run (`run_pipeline`), a benchmark grid, one-call `infer`, app jobs
    store/      what is kept on disk: `Run`, datasets, verdicts
    outputs/    export formats, literature links, candidate filters
    settings    every parameter (`TrainConfig`, `RunSettings`, presets)
    vocabulary  the shared names (stages, protocols, metrics, statuses)
    cli         the `gnt` command

Nothing in gnt_core imports streamlit, plotly or pyvis. Public names load lazily, so
`import gnt_core` is cheap and torch loads only when a model is needed.
"""

from ._lazy import lazy_exports

_EXPORTS = {
    "infer": ".workflows.infer",
    "run_pipeline": ".workflows.pipeline",
    "GNTLinkPredictor": ".science.predictor",
    "split_pairs": ".science.splits",
    "TrainConfig": ".settings", "RunSettings": ".settings", "preset": ".settings",
    "Dataset": ".io", "GntInputError": ".io", "load_dataset": ".io",
    "load_beeline_folder": ".io", "demo_dataset": ".io",
    "Run": ".store.run",
}
__all__ = list(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
