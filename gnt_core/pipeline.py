"""One run, start to finish: split, fit GNT and the GNE-MLP ablation, score baselines on the
same test pairs, compute metrics and curves, rank candidates, and save it all as a run."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .candidates import Candidates, score_candidates
from .evaluate import BASELINE_FUNCTIONS, BASELINES, curve_points, evaluation_metrics
from .io import Dataset, LoadReport, read_split_dir
from .predictor import (
    DEFAULT_CLASS_WEIGHT,
    DEFAULT_FEATURES,
    DEFAULT_GAMMA_SCALE,
    SVM_MAX_TRAIN_PAIRS,
    GNTLinkPredictor,
)
from .runs import (
    load_predictor,
    load_split,
    read_json,
    save_predictor,
    save_split,
    set_state,
    write_json,
    write_npz,
    write_table,
)
from .splits import (
    GIVEN,
    PairSplit,
    given_split,
    is_training_positive,
    pair_keys,
    split_pairs,
    unique_pairs,
)
from .train import EpochReport, TrainConfig

METHODS = ("gnt", "gne_mlp", *BASELINES)
PACKAGES = ("gnt-explorer", "torch", "numpy", "pandas", "scikit-learn", "networkx")

# progress(stage, step, total, info): stages "split", "gnt", "gne_mlp", "baselines", "score"
Progress = Callable[[str, int, int, dict], None]


@dataclass
class RunSettings:
    """Everything a run depends on. The defaults are GNT Explorer's configuration, chosen on
    validation pairs (benchmarks/RESULTS.md); `preset("paper")` is the thesis'."""

    protocol: str = "candidates"
    seed: int = 0
    train: TrainConfig = field(default_factory=TrainConfig)
    svm_c: float = 1.0
    svm_gamma_scale: float = DEFAULT_GAMMA_SCALE
    svm_class_weight: str | None = DEFAULT_CLASS_WEIGHT  # no change on 1:1 training pairs
    svm_max_train_pairs: int = SVM_MAX_TRAIN_PAIRS
    features: str = DEFAULT_FEATURES
    ablation: bool = True
    universe: str = "regulators"
    threshold: float = 0.0
    split_dir: str | None = None  # a given split (train/val/test.csv); protocol becomes "given"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> RunSettings:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        known["train"] = TrainConfig(**known.get("train", {}))
        return cls(**known)


PRESETS = {
    "default": {},
    # the thesis: Hadamard features, RBF SVM with sklearn's gamma, random negatives
    "paper": {"features": "hadamard", "svm_gamma_scale": 1.0, "svm_class_weight": None,
              "protocol": "random"},
}


def preset(name: str, **overrides) -> RunSettings:
    """RunSettings of a named preset, with overrides (e.g. protocol, seed, train)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, not {name!r}")
    return RunSettings(**(PRESETS[name] | overrides))


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_pipeline(dataset: Dataset, settings: RunSettings, run_dir: Path,
                 progress: Progress | None = None) -> dict:
    """Run everything and save it under run_dir; returns the metrics. The run's state is
    'complete' only once every file is written, 'failed' (with the error) otherwise."""
    settings = replace(settings, train=replace(settings.train, seed=settings.seed),
                       protocol=GIVEN if settings.split_dir else settings.protocol)
    report = progress or (lambda *args: None)
    try:
        _save_inputs(run_dir, dataset, settings)
        metrics = _run(dataset, settings, Path(run_dir), report)
    except BaseException as err:
        set_state(run_dir, "failed", error=f"{type(err).__name__}: {err}")
        raise
    set_state(run_dir, "complete")
    return metrics


def _run(dataset: Dataset, settings: RunSettings, run_dir: Path, report: Progress) -> dict:
    timings: dict[str, float] = {}
    split = make_split(dataset, settings, report, timings)
    save_split(run_dir, split, dataset.genes)
    fitted = fit_methods(dataset, split, settings, report, timings)
    for name, predictor in fitted.items():
        save_predictor(run_dir, predictor, prefix="model" if name == "gnt" else name)

    started = time.perf_counter()
    candidates = score_candidates(
        fitted["gnt"], dataset, split, universe=settings.universe,
        threshold=settings.threshold, device=settings.train.device,
        progress=lambda done, total: report("score", done, total, {}),
        stream_to=run_dir / "candidates.parquet")
    timings["score_candidates_s"] = time.perf_counter() - started
    timings["candidates_pairs_per_s"] = candidates.n_pairs / max(timings["score_candidates_s"],
                                                                 1e-9)
    known = None
    if candidates.pairs is not None:
        known = (candidates.pairs, candidates.scores)
    scores = test_scores(dataset, split, fitted, settings, report, known_gnt=known)
    metrics = _metrics(split, scores, fitted, settings, candidates, timings)
    _save_results(run_dir, dataset, split, scores, fitted, metrics, candidates.table)
    return metrics


def make_split(dataset: Dataset, settings: RunSettings, report: Progress,
               timings: dict) -> PairSplit:
    started = time.perf_counter()
    report("split", 0, 1, {})
    if settings.split_dir:
        split = given_split(read_split_dir(settings.split_dir, dataset.genes), dataset.edges,
                            dataset.n_genes, settings.seed)
    else:
        split = split_pairs(dataset.edges, dataset.n_genes, protocol=settings.protocol,
                            seed=settings.seed, regulators=dataset.regulators)
    timings["split_s"] = time.perf_counter() - started
    report("split", 1, 1, split.summary())
    return split


def fit_methods(dataset: Dataset, split: PairSplit, settings: RunSettings, report: Progress,
                timings: dict) -> dict[str, GNTLinkPredictor]:
    """GNT, and the GNE-MLP ablation when asked, fitted on the same split."""
    models = {"gnt": settings.train}
    if settings.ablation:
        models["gne_mlp"] = replace(settings.train, architecture="mlp")
    return {name: _fit(dataset, split, settings, config, name, report, timings)
            for name, config in models.items()}


def test_scores(dataset: Dataset, split: PairSplit, fitted: dict[str, GNTLinkPredictor],
                settings: RunSettings, report: Progress, *, timings: dict | None = None,
                known_gnt: tuple[np.ndarray, np.ndarray] | None = None
                ) -> dict[str, np.ndarray]:
    """Every method's scores of the test pairs (GNT's taken from `known_gnt` where there)."""
    pairs, scores = split.test.pairs, {}
    report("baselines", 0, 1, {})
    for name, predictor in fitted.items():
        started = time.perf_counter()
        if name == "gnt" and known_gnt is not None:
            scores[name] = lookup_scores(*known_gnt, pairs, dataset.n_genes, predictor)
        else:
            scores[name] = predictor.decision_function(pairs, device=settings.train.device)
        _record(timings, f"{name}_score_s", started)
    for name, function in BASELINE_FUNCTIONS.items():
        started = time.perf_counter()
        scores[name] = function(pairs, dataset.expression, split.train.positives, settings.seed)
        _record(timings, f"{name}_score_s", started)
    report("baselines", 1, 1, {})
    return scores


def _record(timings: dict | None, key: str, started: float) -> None:
    if timings is not None:
        timings[key] = time.perf_counter() - started


def _fit(dataset: Dataset, split, settings: RunSettings, config: TrainConfig, name: str,
         report: Progress, timings: dict) -> GNTLinkPredictor:
    def on_epoch(epoch: EpochReport) -> None:
        report(name, epoch.epoch, epoch.epochs, asdict(epoch))

    t0 = time.perf_counter()
    predictor = GNTLinkPredictor(config, svm_c=settings.svm_c, features=settings.features,
                                 svm_max_train_pairs=settings.svm_max_train_pairs,
                                 svm_gamma_scale=settings.svm_gamma_scale,
                                 class_weight=settings.svm_class_weight)
    predictor.fit(dataset.expression, split.train, split.val, progress=on_epoch)
    timings[f"{name}_total_s"] = time.perf_counter() - t0
    timings[f"{name}_phase1_s"] = predictor.training_.seconds
    timings[f"{name}_epoch_s"] = predictor.training_.seconds / max(config.epochs, 1)
    timings[f"{name}_svm_s"] = timings[f"{name}_total_s"] - predictor.training_.seconds
    return predictor


def lookup_scores(pairs: np.ndarray, scores: np.ndarray, query: np.ndarray, n_genes: int,
                  predictor: GNTLinkPredictor) -> np.ndarray:
    """Scores of `query` pairs taken from already scored `pairs`; the rest are scored now."""
    keys = pair_keys(pairs, n_genes)
    order = np.argsort(keys)
    query_keys = pair_keys(query, n_genes)
    at = np.clip(np.searchsorted(keys[order], query_keys), 0, max(len(keys) - 1, 0))
    found = (keys[order][at] == query_keys) if len(keys) else np.zeros(len(query), bool)
    out = np.empty(len(query))
    out[found] = scores[order][at[found]]
    if (~found).any():
        out[~found] = predictor.decision_function(query[~found])
    return out


def _metrics(split, scores: dict[str, np.ndarray], fitted: dict, settings: RunSettings,
             candidates: Candidates, timings: dict) -> dict:
    table = candidates.table
    return {
        "protocol": settings.protocol, "seed": settings.seed, "split": split.summary(),
        "test": {name: evaluation_metrics(split.test.labels, s) for name, s in scores.items()},
        **_leak_free_metrics(split, scores),
        "validation": {name: {"best_epoch": p.training_.best_epoch,
                              "probe_auroc": p.training_.best_val_auroc,
                              "device": p.training_.device, "softmax": p.training_.softmax,
                              "svm_train_pairs": p.svm_train_pairs_,
                              "svm_subsampled": p.svm_train_pairs_ < len(split.train)}
                       for name, p in fitted.items()},
        "candidates": {"universe": settings.universe, "n_pairs": candidates.n_pairs,
                       "streamed": candidates.streamed,
                       "top_k_per_regulator": candidates.top_k, "rows_kept": len(table),
                       "threshold": settings.threshold,
                       "n_above_threshold": int((table["score"] > settings.threshold).sum()),
                       "n_false_positives": int(table["false_positive"].sum())},
        "timings": timings,
    }


def _leak_free_metrics(split: PairSplit, scores: dict[str, np.ndarray]) -> dict:
    """For a given split whose test pairs include training positives (a peer's bug), the
    metrics again without those pairs."""
    leaked = is_training_positive(split.test.pairs, split.train, split.n_genes)
    if not leaked.any():
        return {}
    labels = split.test.labels[~leaked]
    return {"test_without_training_positives": {
        name: evaluation_metrics(labels, s[~leaked]) for name, s in scores.items()},
        "test_pairs_that_are_training_positives": {
            "labelled_0": int((split.test.labels[leaked] == 0).sum()),
            "labelled_1": int((split.test.labels[leaked] == 1).sum())}}


def _save_inputs(run_dir: Path, dataset: Dataset, settings: RunSettings) -> None:
    run_dir = Path(run_dir)
    write_json(run_dir / "config.json", {
        "created": time.time(), "protocol": settings.protocol, "seed": settings.seed,
        "features": settings.features, "settings": settings.to_dict(),
        "train": settings.train.to_dict(), "dataset": dataset.summary(),
        "load_report": dataset.report.to_dict(), "versions": package_versions()})
    regulators = np.zeros(dataset.n_genes, dtype=bool)
    regulators[dataset.regulators] = True
    listed = np.zeros(dataset.n_genes, dtype=bool)
    if dataset.tf_list is not None:
        listed[dataset.tf_list] = True
    write_table(run_dir / "data" / "genes.csv",
                pd.DataFrame({"gene": dataset.genes, "regulator": regulators, "listed_tf": listed}))
    write_table(run_dir / "data" / "network.csv", dataset.edge_table())
    write_npz(run_dir / "data" / "expression.npz", expression=dataset.expression,
              cells=np.asarray(dataset.cells, dtype=str))


def _save_results(run_dir: Path, dataset: Dataset, split, scores: dict, fitted: dict,
                  metrics: dict, table: pd.DataFrame) -> None:
    names = np.asarray(dataset.genes, dtype=object)
    predictions = pd.DataFrame({"gene_a": names[split.test.pairs[:, 0]],
                                "gene_b": names[split.test.pairs[:, 1]],
                                "label": split.test.labels})
    for method, values in scores.items():
        predictions[method] = values
    write_table(run_dir / "predictions" / "test.csv", predictions)
    write_json(run_dir / "curves.json", {m: curve_points(split.test.labels, s)
                                         for m, s in scores.items()})
    write_json(run_dir / "history.json", {name: [asdict(e) for e in p.training_.history]
                                          for name, p in fitted.items()})
    write_table(run_dir / "candidates.csv", table)
    write_json(run_dir / "metrics.json", metrics)


# ---------------------------------------------------------------- re-opening a run


def load_run_dataset(run_dir: Path) -> Dataset:
    """The dataset a run was trained on, from the copy inside the run directory."""
    run_dir = Path(run_dir)
    config = read_json(run_dir / "config.json")
    genes_table = pd.read_csv(run_dir / "data" / "genes.csv", dtype={"gene": str},
                              keep_default_na=False)
    genes = genes_table["gene"].tolist()
    index = {g: i for i, g in enumerate(genes)}
    network = pd.read_csv(run_dir / "data" / "network.csv", dtype=str, keep_default_na=False)
    edges = np.stack([network["regulator"].map(index), network["target"].map(index)],
                     axis=1).astype(np.int64)
    with np.load(run_dir / "data" / "expression.npz", allow_pickle=False) as arrays:
        expression, cells = arrays["expression"], arrays["cells"].tolist()
    listed = np.flatnonzero(genes_table["listed_tf"].to_numpy(dtype=bool))
    summary = config["dataset"]
    return Dataset(name=summary["name"], expression=expression, genes=genes, cells=cells,
                   edges=edges,
                   regulators=np.flatnonzero(genes_table["regulator"].to_numpy(dtype=bool)),
                   report=LoadReport(**config["load_report"]),
                   tf_list=listed if len(listed) else None, sources=summary["sources"],
                   sha256=summary["sha256"])


def load_run_split(run_dir: Path, dataset: Dataset):
    config = read_json(Path(run_dir) / "config.json")
    return load_split(run_dir, dataset.genes, unique_pairs(dataset.edges, dataset.n_genes),
                      config["protocol"], config["seed"])


def evaluate_run(run_dir: Path) -> dict:
    """Re-score the saved test pairs with the saved GNT model (no retraining) and recompute
    every method's metrics from the stored predictions."""
    run_dir = Path(run_dir)
    dataset = load_run_dataset(run_dir)
    split = load_run_split(run_dir, dataset)
    predictions = pd.read_csv(run_dir / "predictions" / "test.csv", keep_default_na=False,
                              dtype={"gene_a": str, "gene_b": str})
    predictions["gnt"] = load_predictor(run_dir).decision_function(split.test.pairs)
    scores = {m: predictions[m].to_numpy() for m in METHODS if m in predictions.columns}
    return {"protocol": split.protocol, "seed": split.seed,
            "test": {m: evaluation_metrics(split.test.labels, s) for m, s in scores.items()},
            **_leak_free_metrics(split, scores)}


def rescore_run(run_dir: Path, *, universe: str | None = None, threshold: float | None = None,
                device: str = "auto", progress: Callable[[int, int], None] | None = None,
                stream_to: Path | None = None) -> pd.DataFrame:
    """The ranked candidate table recomputed from the saved model (genome-scale universes
    stream every score to `stream_to` and keep the best pairs of each regulator)."""
    config = read_json(Path(run_dir) / "config.json")
    dataset = load_run_dataset(run_dir)
    split = load_run_split(run_dir, dataset)
    settings = config["settings"]
    return score_candidates(load_predictor(run_dir), dataset, split,
                            universe=universe or settings["universe"],
                            threshold=settings["threshold"] if threshold is None else threshold,
                            device=device, progress=progress, stream_to=stream_to).table
