"""Candidate universe, chunked scoring and the ranked candidate table."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .io import Dataset
from .predictor import GNTLinkPredictor
from .splits import PairSplit, pair_keys, regulator_gene_pairs

UNIVERSES = ("regulators", "tf-list", "all")
CANDIDATE_COLUMNS = ("regulator", "target", "score", "rank", "percentile", "rank_in_regulator",
                     "known", "test_negative", "false_positive")


def candidate_pairs(dataset: Dataset, universe: str = "regulators") -> np.ndarray:
    """Unordered pairs to score: network regulators × genes, listed TFs × genes, or all pairs."""
    if universe == "regulators":
        regulators = dataset.regulators
    elif universe == "tf-list":
        if dataset.tf_list is None or not len(dataset.tf_list):
            raise ValueError("universe 'tf-list' needs a TF list; none was loaded")
        regulators = dataset.tf_list
    elif universe == "all":
        regulators = np.arange(dataset.n_genes)
    else:
        raise ValueError(f"universe must be one of {', '.join(UNIVERSES)}, not {universe!r}")
    return orient_by_network(regulator_gene_pairs(dataset.n_genes, regulators), dataset.edges,
                             dataset.n_genes)


def orient_by_network(pairs: np.ndarray, edges: np.ndarray, n_genes: int) -> np.ndarray:
    """Flip pairs whose only known direction is the reverse one (regulator listed first)."""
    directed = edges[:, 0] * n_genes + edges[:, 1]
    flip = (np.isin(pairs[:, 1] * n_genes + pairs[:, 0], directed)
            & ~np.isin(pairs[:, 0] * n_genes + pairs[:, 1], directed))
    out = pairs.copy()
    out[flip] = pairs[flip][:, ::-1]
    return out


def known_status(pairs: np.ndarray, split: PairSplit | None, edges: np.ndarray,
                 n_genes: int) -> tuple[np.ndarray, np.ndarray]:
    """For each pair: 'train'/'val'/'test' (a known edge in that split), 'network' (a known edge
    outside the split) or '' (not known); and whether it is a negative of the test set."""
    keys = pair_keys(pairs, n_genes)
    status = np.where(np.isin(keys, pair_keys(edges, n_genes)), "network", "").astype(object)
    test_negative = np.zeros(len(pairs), dtype=bool)
    if split is not None:
        for name, pair_set in split.sets().items():
            status[np.isin(keys, pair_keys(pair_set.positives, n_genes))] = name
        negatives = split.test.pairs[split.test.labels == 0]
        test_negative = np.isin(keys, pair_keys(negatives, n_genes))
    return status, test_negative


def rank_table(pairs: np.ndarray, scores: np.ndarray, genes: list[str], status: np.ndarray,
               test_negative: np.ndarray, threshold: float = 0.0) -> pd.DataFrame:
    """The ranked candidate table (rank 1 = highest score)."""
    names = np.asarray(genes, dtype=object)
    table = pd.DataFrame({"regulator": names[pairs[:, 0]], "target": names[pairs[:, 1]],
                          "score": scores})
    table["rank"] = table["score"].rank(ascending=False, method="first").astype(np.int64)
    table["percentile"] = 100.0 * (1.0 - (table["rank"] - 1) / len(table))
    table["rank_in_regulator"] = table.groupby("regulator")["score"].rank(
        ascending=False, method="first").astype(np.int64)
    table["known"] = status
    table["test_negative"] = test_negative
    table["false_positive"] = test_negative & (table["score"].to_numpy() > threshold)
    return table.sort_values("rank", ignore_index=True)


def score_pairs(predictor: GNTLinkPredictor, pairs: np.ndarray, *, device: str = "auto",
                progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Scores of many pairs, computed chunk by chunk (bounded memory)."""
    scores = np.empty(len(pairs))
    done = 0
    for chunk in predictor.iter_decision(pairs, device=device):
        scores[done:done + len(chunk)] = chunk
        done += len(chunk)
        if progress is not None:
            progress(done, len(pairs))
    return scores


def score_candidates(predictor: GNTLinkPredictor, dataset: Dataset,
                     split: PairSplit | None = None, *, universe: str = "regulators",
                     threshold: float = 0.0, device: str = "auto",
                     progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Score every candidate pair in chunks and return the ranked table."""
    pairs = candidate_pairs(dataset, universe)
    scores = score_pairs(predictor, pairs, device=device, progress=progress)
    status, test_negative = known_status(pairs, split, dataset.edges, dataset.n_genes)
    return rank_table(pairs, scores, dataset.genes, status, test_negative, threshold)
