"""Discovery: score every pair that is not a known edge with models trained on all known edges,
so that no pair is scored by a model that used it as a training negative (cross-fitting), and
combine several seeds into a consensus with a stability per pair.

Per seed: phase 1 learns gene embeddings from every known edge (a fixed number of epochs, the
one an evaluation chose; phase 1 sees positives only). The unknown pairs are split at random into
`folds` parts. For each part k an SVM is fitted on all known edges (label 1) and as many
negatives drawn from the OTHER parts (label 0), and scores part k only. Scores of different
folds come from different SVMs, so each is turned into its percentile within its own fold (the
folds are random samples of the same universe, so their percentiles are comparable).

Across seeds: the consensus score is the mean percentile; a pair's stability is the fraction of
seeds in which it ranked in the top `top_n`; rank_sd is the sd of its rank over seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.stats import rankdata

from ..settings import RunSettings
from ..timings import timed
from .pair_evidence import ExpressionEvidence
from .predictor import GNTLinkPredictor
from .ranker import TopRanker
from .splits import RANKER_NEGATIVES_PER_POSITIVE, RANKER_SHARE, PairSet, pair_keys
from .stacking import Stacker


@dataclass
class FoldRecord:
    """Which pairs one fold's SVM was fitted on as negatives, and which it scored (pair keys)."""

    seed: int
    fold: int
    negatives: np.ndarray
    scored: np.ndarray


@dataclass
class Consensus:
    """Running sums over seeds, then the per-pair consensus."""

    n_pairs: int
    top_n: int
    seeds: list[int] = field(default_factory=list)
    percentile_sum: np.ndarray | None = None
    rank_sum: np.ndarray | None = None
    rank_squares: np.ndarray | None = None
    top_hits: np.ndarray | None = None
    direction_sum: np.ndarray | None = None  # (n, 2): scores i → j and j → i, summed
    direction_count: np.ndarray | None = None

    def add(self, seed: int, percentile: np.ndarray,
            directions: np.ndarray | None = None) -> None:
        """One seed's percentiles, and its directed scores (n, 2; NaN where not scored)."""
        rank = rankdata(-percentile, method="ordinal").astype(np.float64)
        if self.percentile_sum is None:
            self.percentile_sum, self.rank_sum = np.zeros(self.n_pairs), np.zeros(self.n_pairs)
            self.rank_squares, self.top_hits = np.zeros(self.n_pairs), np.zeros(self.n_pairs)
            self.direction_sum = np.zeros((self.n_pairs, 2))
            self.direction_count = np.zeros((self.n_pairs, 2))
        self.seeds.append(seed)
        self.percentile_sum += percentile
        self.rank_sum += rank
        self.rank_squares += rank * rank
        self.top_hits += rank <= self.top_n
        if directions is not None:
            self.direction_sum += np.nan_to_num(directions)
            self.direction_count += ~np.isnan(directions)

    def result(self) -> dict[str, np.ndarray]:
        k = len(self.seeds)
        mean_rank = self.rank_sum / k
        variance = (self.rank_squares - k * mean_rank**2) / max(k - 1, 1)
        with np.errstate(invalid="ignore"):
            directions = self.direction_sum / self.direction_count  # NaN: never scored
        return {"score": self.percentile_sum / k, "stability": self.top_hits / k,
                "rank_sd": np.sqrt(np.clip(variance, 0.0, None)) if k > 1
                else np.full(self.n_pairs, np.nan),
                "score_forward": directions[:, 0], "score_reverse": directions[:, 1]}


def cross_fit_percentiles(expression: np.ndarray, known: np.ndarray, unknown: np.ndarray,
                          settings: RunSettings, *, seed: int, folds: int = 3,
                          device: str = "auto", stacker: Stacker | None = None,
                          on_fold: Callable[[int], None] | None = None,
                          timings: dict | None = None,
                          evidence: ExpressionEvidence | None = None
                          ) -> tuple[np.ndarray, list[FoldRecord], np.ndarray]:
    """Each unknown pair's percentile within its fold (1 = the fold's best), scored by the fold
    model that never saw it; and what each fold model was fitted on and scored. With a
    `stacker` (the evaluation's, fitted on its validation pairs: discovery has none) each fold
    also fits the ranker (ranker.py) on the known edges and negatives of the other folds, and
    the stacker turns its score and the fold's SVM score into the final score, and pairs of
    two genes that can regulate are scored both ways (the third result, (n, 2), NaN
    elsewhere). `on_fold(k)` is told when k folds are scored (progress); `timings` sums the
    seconds of each step; `evidence` is the ranker's expression evidence when made already
    (it does not depend on the seed but for a subsample of many cells)."""
    if folds < 2:
        raise ValueError("cross-fitting needs at least 2 folds")
    n_genes = len(expression)
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(unknown)) % folds
    config = replace(settings.train, seed=seed, device=device)
    predictor = GNTLinkPredictor.from_settings(settings, config)
    positives = PairSet(known, np.ones(len(known), dtype=np.int8))
    with timed(timings, "phase1_s"):
        predictor.fit_embeddings(expression, positives, None)
    if stacker is not None and evidence is None:
        with timed(timings, "evidence_s"):
            evidence = ExpressionEvidence.from_expression(expression, seed)
    percentile = np.empty(len(unknown))
    directions = np.full((len(unknown), 2), np.nan)
    records = []
    for fold in range(folds):
        scored = np.flatnonzero(fold_of == fold)
        pool = np.flatnonzero(fold_of != fold)
        n_svm = min(len(known), len(pool))
        n_ranker = 0 if stacker is None else min(RANKER_NEGATIVES_PER_POSITIVE * len(known),
                                                 int(RANKER_SHARE * len(pool)))
        drawn = unknown[rng.choice(pool, min(n_svm + n_ranker, len(pool)), replace=False)]
        negatives = drawn[:n_svm]
        train = PairSet(np.concatenate([known, negatives]),
                        np.r_[np.ones(len(known)), np.zeros(len(negatives))].astype(np.int8))
        with timed(timings, "svm_fit_s"):
            predictor.fit_classifier(train)
        if stacker is not None:
            with timed(timings, "ranker_fit_s"):
                ranker = TopRanker.fit(train, evidence, drawn[n_svm:], bags=1, seed=seed)
                predictor.use_ranking(ranker, stacker, expression, evidence)
        with timed(timings, "score_s"):
            scores, forward, reverse = predictor.scores_both_ways(unknown[scored], device)
        if stacker is not None:
            both = ranker.can_regulate[unknown[scored]].all(axis=1)
            directions[scored[both]] = np.column_stack([forward[both], reverse[both]])
        percentile[scored] = rankdata(scores, method="average") / len(scores)
        records.append(FoldRecord(seed, fold, pair_keys(drawn, n_genes),
                                  pair_keys(unknown[scored], n_genes)))
        if on_fold is not None:
            on_fold(fold + 1)
    return percentile, records, directions
