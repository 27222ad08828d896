"""Discover: rank every pair that is not a known edge, with models trained on all known edges.

Evaluation chose the configuration and the phase-1 epoch count; discovery reuses them, trains on
every known edge, scores the unknown pairs by cross-fitting (no pair is scored by a model that
used it as a negative) over several seeds, and turns ranks into expected precision with the
evaluation's calibration at natural prevalence. The result is a run directory whose
candidates.csv lists the novel pairs, best first.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import Dataset
from ..science.calibration import Calibration
from ..science.candidates import candidate_pairs, rank_table
from ..science.device import resolve_device
from ..science.discovery import Consensus, cross_fit_percentiles
from ..science.pair_evidence import ExpressionEvidence
from ..science.splits import pair_keys, unique_pairs
from ..science.stacking import Stacker
from ..settings import DiscoverySettings, RunSettings
from ..store.run import Run
from ..timings import timed
from ..vocabulary import DISCOVER, NOVEL, Progress, no_progress

MAX_DISCOVERY_PAIRS = 5_000_000  # per-pair running sums stay in memory
DISCOVERY_COLUMNS = ("regulator", "target", "score", "rank", "status", "stability",
                     "expected_precision", "expected_precision_low", "expected_precision_high",
                     "expected_recall", "score_forward", "score_reverse", "rank_sd", "percentile",
                     "rank_in_regulator", "rank_in_target", "regulator_degree", "target_degree",
                     "target_adjusted")


def chosen_epochs(evaluations: list[Run], default: int) -> int:
    """The phase-1 epoch count the evaluation runs chose on validation pairs (their median)."""
    epochs = [r.metrics.validation["gnt"]["best_epoch"] for r in evaluations]
    return int(np.median(epochs)) if epochs else default


def evaluated_stacker(evaluations: list[Run]) -> Stacker | None:
    """The stacking layer the first evaluation fitted on its validation pairs (discovery has
    no validation pairs of its own), if it fitted one."""
    return getattr(evaluations[0].predictor(), "stack_", None) if evaluations else None


def calibrate(evaluations: list[Run]) -> Calibration | None:
    """Expected precision from the evaluation runs at natural prevalence (`candidates`)."""
    usable = [r for r in evaluations if r.config.protocol == "candidates"]
    return Calibration.fit(test_rankings(usable), [r.id for r in usable]) if usable else None


def test_rankings(evaluations: list[Run]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(labels, GNT scores) of each evaluation run's test pairs."""
    rankings = []
    for run in evaluations:
        predictions = run.predictions()
        rankings.append((predictions["label"].to_numpy(), predictions["gnt"].to_numpy()))
    return rankings


def unknown_pairs(dataset: Dataset, universe: str) -> tuple[np.ndarray, np.ndarray]:
    """The known pairs, and the universe's pairs that are not known edges."""
    known = unique_pairs(dataset.edges, dataset.n_genes)
    pairs = candidate_pairs(dataset, universe)
    unknown = pairs[~np.isin(pair_keys(pairs, dataset.n_genes), pair_keys(known, dataset.n_genes))]
    if len(unknown) > MAX_DISCOVERY_PAIRS:
        raise ValueError(f"discovery ranks at most {MAX_DISCOVERY_PAIRS:,} pairs; this universe "
                         f"has {len(unknown):,}. Use a TF list (universe 'tf-list') or fewer "
                         "genes.")
    return known, unknown


def run_discovery(dataset: Dataset, settings: RunSettings, discovery: DiscoverySettings,
                  run_dir: Path | Run, evaluations: list[Run],
                  progress: Progress | None = None) -> dict:
    """Discover and save it as a run; returns the summary. The run is 'complete' only once
    every file is written, 'failed' (with the error) otherwise."""
    run = run_dir if isinstance(run_dir, Run) else Run(run_dir)
    epochs = discovery.epochs or chosen_epochs(evaluations, settings.train.epochs)
    settings = replace(settings, train=replace(settings.train, epochs=epochs))
    try:
        run.save_inputs(dataset, settings, mode=DISCOVER, discovery=discovery.to_dict(),
                        evaluations=[str(r.path.resolve()) for r in evaluations])
        summary = _discover(dataset, settings, discovery, run, evaluations,
                            progress or no_progress)
    except BaseException as err:
        run.set_state("failed", error=f"{type(err).__name__}: {err}")
        raise
    run.set_state("complete")
    return summary


def _discover(dataset: Dataset, settings: RunSettings, discovery: DiscoverySettings, run: Run,
              evaluations: list[Run], report: Progress) -> dict:
    started = time.perf_counter()
    device = resolve_device(settings.train.device)
    known, unknown = unknown_pairs(dataset, settings.universe)
    consensus = Consensus(len(unknown), discovery.top_n)
    seeds = [settings.seed + i for i in range(discovery.seeds)]
    stacker = evaluated_stacker(evaluations) if settings.uses_stacking else None
    steps = len(seeds) * discovery.folds  # a step per fold model, for the ETA
    timings: dict[str, float] = {}
    with timed(timings, "evidence_s"):  # the ranker's expression evidence, shared by the seeds
        evidence = (ExpressionEvidence.from_expression(dataset.expression, settings.seed)
                    if stacker is not None else None)
    report("discover", 0, steps, {})
    for done, seed in enumerate(seeds):
        percentile, _, directions = cross_fit_percentiles(
            dataset.expression, known, unknown, settings, seed=seed, folds=discovery.folds,
            device=device, stacker=stacker, timings=timings, evidence=evidence,
            on_fold=lambda fold, done=done: report("discover", done * discovery.folds + fold,
                                                   steps, {}))
        consensus.add(seed, percentile, directions)
    calibration = calibrate(evaluations)
    table = discovery_table(dataset, unknown, consensus.result(), calibration)
    summary = {"n_known_pairs": len(known), "n_pairs": len(unknown), "seeds": seeds,
               "folds": discovery.folds, "top_n": discovery.top_n,
               "epochs": settings.train.epochs, "device": device,
               "cross_fitting": f"unknown pairs split at random into {discovery.folds} folds "
                                "per seed; each fold scored by an SVM whose negatives come "
                                "from the other folds only",
               "calibrated_on": calibration.sources if calibration else [],
               "stacking": stacker.weights() if stacker is not None else None,
               "seconds": time.perf_counter() - started, "timings": timings}
    run.save_discovery(table, calibration, summary)
    return summary


def discovery_table(dataset: Dataset, pairs: np.ndarray, values: dict[str, np.ndarray],
                    calibration: Calibration | None) -> pd.DataFrame:
    """The ranked novel pairs with stability, rank sd and expected precision / recall; a pair
    of two regulators in its likelier direction, with the mean scores of both (over seeds)."""
    forward, reverse = values["score_forward"], values["score_reverse"]
    flip = reverse > forward
    pairs = np.where(flip[:, None], pairs[:, ::-1], pairs)
    directions = (np.where(flip, reverse, forward), np.where(flip, forward, reverse))
    table = rank_table(pairs, values["score"], dataset, np.full(len(pairs), NOVEL, dtype=object),
                       extra={"stability": values["stability"], "rank_sd": values["rank_sd"]},
                       directions=directions)
    if calibration is None:
        for column in ("expected_precision", "expected_precision_low",
                       "expected_precision_high", "expected_recall"):
            table[column] = np.nan
    else:
        ranks = table["rank"].to_numpy()
        table["expected_precision"], table["expected_recall"] = calibration.expected(
            ranks, len(table))
        table["expected_precision_low"], table["expected_precision_high"] = (
            calibration.interval(ranks, len(table)))
    return table[list(DISCOVERY_COLUMNS)]
