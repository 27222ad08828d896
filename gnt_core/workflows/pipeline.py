"""One run, start to finish: split, fit GNT and the GNE-MLP ablation, score baselines on the
same test pairs, compute metrics and curves, rank candidates, and save it all as a run."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import Dataset, read_split_dir
from ..science.baselines import BASELINE_FUNCTIONS
from ..science.candidates import Candidates, locate_pairs, score_candidates
from ..science.embedding import EpochReport
from ..science.metrics import curve_points, evaluation_metrics
from ..science.predictor import GNTLinkPredictor
from ..science.splits import (
    PairSplit,
    given_split,
    is_training_positive,
    split_pairs,
)
from ..settings import RunSettings, TrainConfig
from ..store.run import Run
from ..timings import timed
from ..vocabulary import GIVEN, METHODS, Progress, no_progress


def run_pipeline(dataset: Dataset, settings: RunSettings, run_dir: Path | Run,
                 progress: Progress | None = None) -> dict:
    """Run everything and save it under run_dir; returns the metrics. The run's state is
    'complete' only once every file is written, 'failed' (with the error) otherwise."""
    settings = replace(settings, train=replace(settings.train, seed=settings.seed),
                       protocol=GIVEN if settings.split_dir else settings.protocol)
    run = run_dir if isinstance(run_dir, Run) else Run(run_dir)
    try:
        run.save_inputs(dataset, settings)
        metrics = _run(dataset, settings, run, progress or no_progress)
    except BaseException as err:
        run.set_state("failed", error=f"{type(err).__name__}: {err}")
        raise
    run.set_state("complete")
    return metrics


def _run(dataset: Dataset, settings: RunSettings, run: Run, report: Progress) -> dict:
    timings: dict[str, float] = {}
    split = make_split(dataset, settings, report, timings)
    run.save_split(split, dataset.genes)
    fitted = fit_methods(dataset, split, settings, report, timings)
    for name, predictor in fitted.items():
        run.save_predictor(predictor, name)

    started = time.perf_counter()
    candidates = score_candidates(
        fitted["gnt"], dataset, split, universe=settings.universe,
        device=settings.train.device, progress=report,
        stream_to=run.candidates_parquet, keep=split.test.pairs)
    timings["score_candidates_s"] = time.perf_counter() - started
    timings["candidates_pairs_per_s"] = candidates.n_pairs / max(timings["score_candidates_s"],
                                                                 1e-9)
    scores = test_scores(dataset, split, fitted, settings, report, timings=timings,
                         known={"gnt": (candidates.pairs, candidates.scores),
                                "ranker": (candidates.pairs, candidates.ranker_scores)})
    metrics = _metrics(split, scores, fitted, settings, candidates, timings)
    run.save_results(_predictions(dataset, split, scores),
                     {m: curve_points(split.test.labels, s) for m, s in scores.items()},
                     {name: [asdict(e) for e in p.training_.history]
                      for name, p in fitted.items()},
                     candidates.table, metrics)
    return metrics


def check_split(dataset: Dataset, settings: RunSettings) -> PairSplit:
    """The split a run of these settings makes, made now (it takes well under a second): a
    network that the protocol cannot split raises GntInputError before a run is created."""
    return make_split(dataset, settings, no_progress, {})


def make_split(dataset: Dataset, settings: RunSettings, report: Progress,
               timings: dict) -> PairSplit:
    started = time.perf_counter()
    report("split", 0, 1, {})
    if settings.split_dir:
        split = given_split(read_split_dir(settings.split_dir, dataset.genes), dataset.edges,
                            dataset.n_genes, settings.seed, dataset.regulators)
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
    fitted: dict[str, GNTLinkPredictor] = {}
    for name, config in models.items():  # the ablation shares GNT's ranker (no GNT inside)
        ranker = getattr(fitted.get("gnt"), "ranker_", None)
        fitted[name] = _fit(dataset, split, settings, config, name, report, timings, ranker)
    return fitted


def test_scores(dataset: Dataset, split: PairSplit, fitted: dict[str, GNTLinkPredictor],
                settings: RunSettings, report: Progress, *, timings: dict | None = None,
                known: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
                ) -> dict[str, np.ndarray]:
    """Every method's scores of the test pairs, taken from `known` (method: scored pairs and
    their scores, e.g. the candidate stream's) where there."""
    pairs, scores, known = split.test.pairs, {}, known or {}
    scorers = {name: partial(predictor.decision_function, device=settings.train.device)
               for name, predictor in fitted.items()}
    if getattr(fitted["gnt"], "ranker_", None) is not None:
        scorers["ranker"] = fitted["gnt"].ranker_score
    report("baselines", 0, 1, {})
    for name, score in scorers.items():
        with timed(timings, f"{name}_score_s"):
            scores[name] = (lookup_scores(*known[name], pairs, dataset.n_genes, score)
                            if name in known else score(pairs))
    for name, function in BASELINE_FUNCTIONS.items():
        with timed(timings, f"{name}_score_s"):
            scores[name] = function(pairs, dataset.expression, split.train.positives,
                                    settings.seed)
    report("baselines", 1, 1, {})
    return scores


def _fit(dataset: Dataset, split: PairSplit, settings: RunSettings, config: TrainConfig,
         name: str, report: Progress, timings: dict, ranker=None) -> GNTLinkPredictor:
    def on_epoch(epoch: EpochReport) -> None:
        report(name, epoch.epoch, epoch.epochs, asdict(epoch))

    t0 = time.perf_counter()
    predictor = GNTLinkPredictor.from_settings(settings, config)
    predictor.fit(dataset.expression, split.train, split.val, progress=on_epoch,
                  ranker_negatives=split.ranker_negatives,
                  layer_negatives=split.layer_negatives, ranker=ranker)
    timings[f"{name}_total_s"] = time.perf_counter() - t0
    timings[f"{name}_phase1_s"] = predictor.training_.seconds
    epochs_run = len(predictor.training_.history)
    timings[f"{name}_epoch_s"] = predictor.training_.seconds / max(epochs_run, 1)
    timings[f"{name}_svm_s"] = timings[f"{name}_total_s"] - predictor.training_.seconds
    return predictor


def lookup_scores(pairs: np.ndarray, scores: np.ndarray, query: np.ndarray, n_genes: int,
                  score: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Scores of `query` pairs taken from already scored `pairs`; the rest are scored now."""
    found, at = locate_pairs(pairs, query, n_genes)
    out = np.empty(len(query))
    out[found] = scores[at[found]]
    if (~found).any():
        out[~found] = score(query[~found])
    return out


def _metrics(split, scores: dict[str, np.ndarray], fitted: dict, settings: RunSettings,
             candidates: Candidates, timings: dict) -> dict:
    table = candidates.table
    return {
        "protocol": settings.protocol, "seed": settings.seed, "split": split.summary(),
        "test": {name: evaluation_metrics(split.test.labels, s, split.test.pairs[:, 0])
                 for name, s in scores.items()},
        **_leak_free_metrics(split, scores),
        "validation": {name: {"best_epoch": p.training_.best_epoch,
                              "probe_auroc": p.training_.best_val_auroc,
                              "device": p.training_.device, "softmax": p.training_.softmax,
                              "svm_train_pairs": p.svm_train_pairs_,
                              "svm_subsampled": p.svm_train_pairs_ < len(split.train),
                              "prior_shift": p.prior_.to_report() if p.prior_ else None,
                              "stacking": p.stack_.weights() if p.stack_ else None,
                              "ranker_importance": p.ranker_.importance() if p.ranker_
                              else None}
                       for name, p in fitted.items()},
        "candidates": {"universe": settings.universe, "n_pairs": candidates.n_pairs,
                       "streamed": candidates.streamed,
                       "top_k_per_regulator": candidates.top_k, "rows_kept": len(table),
                       "statuses": table["status"].value_counts().to_dict()},
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
        name: evaluation_metrics(labels, s[~leaked], split.test.pairs[~leaked, 0])
        for name, s in scores.items()},
        "test_pairs_that_are_training_positives": {
            "labelled_0": int((split.test.labels[leaked] == 0).sum()),
            "labelled_1": int((split.test.labels[leaked] == 1).sum())}}


def _predictions(dataset: Dataset, split: PairSplit, scores: dict) -> pd.DataFrame:
    names = np.asarray(dataset.genes, dtype=object)
    table = pd.DataFrame({"gene_a": names[split.test.pairs[:, 0]],
                          "gene_b": names[split.test.pairs[:, 1]], "label": split.test.labels})
    for method, values in scores.items():
        table[method] = values
    return table


# ---------------------------------------------------------------- re-opening a run


def evaluate_run(run_dir: Path) -> dict:
    """Re-score the saved test pairs with the saved GNT model (no retraining) and recompute
    every method's metrics from the stored predictions."""
    run = Run(run_dir)
    dataset = run.dataset()
    split = run.split(dataset)
    predictions = run.predictions()
    predictions["gnt"] = run.predictor().decision_function(split.test.pairs)
    scores = {m: predictions[m].to_numpy() for m in METHODS if m in predictions.columns}
    return {"protocol": split.protocol, "seed": split.seed,
            "test": {m: evaluation_metrics(split.test.labels, s, split.test.pairs[:, 0])
                     for m, s in scores.items()},
            **_leak_free_metrics(split, scores)}


def rescore_run(run_dir: Path, *, universe: str | None = None, device: str = "auto",
                progress: Progress | None = None, stream_to: Path | None = None
                ) -> pd.DataFrame:
    """The ranked candidate table recomputed from the saved model (genome-scale universes
    stream every score to `stream_to` and keep the best pairs of each regulator)."""
    run = Run(run_dir)
    settings = run.settings
    dataset = run.dataset()
    return score_candidates(run.predictor(), dataset, run.split(dataset),
                            universe=universe or settings.universe,
                            device=device, progress=progress, stream_to=stream_to).table
