"""The baselines every result is shown beside, scored on the same pairs: the training-network
degree sum, |Pearson correlation| of the two profiles, paths of length 3 in the training network
(L3), and chance."""

from __future__ import annotations

import numpy as np
import torch

from .pair_evidence import pair_dots
from .paths import ThreePaths
from .preprocess import standardise


def degree_scores(pairs: np.ndarray, expression: np.ndarray, train_positives: np.ndarray,
                  seed: int = 0) -> np.ndarray:
    """Sum of the two genes' degrees in the training network (undirected)."""
    degree = np.bincount(np.asarray(train_positives).ravel(), minlength=expression.shape[0])
    return (degree[pairs[:, 0]] + degree[pairs[:, 1]]).astype(np.float64)


def pcc_scores(pairs: np.ndarray, expression: np.ndarray, train_positives: np.ndarray | None = None,
               seed: int = 0) -> np.ndarray:
    """|Pearson correlation| of the two genes' expression profiles (all cells)."""
    z = standardise(expression)
    return np.abs(pair_dots(z, np.asarray(pairs, dtype=np.int64).reshape(-1, 2)) / z.shape[1])


def path_scores(pairs: np.ndarray, expression: np.ndarray, train_positives: np.ndarray,
                seed: int = 0) -> np.ndarray:
    """L3: weighted paths i → t ← r → j of the training network, both ways (a pair is
    unordered); the strongest network-only prior we know of for "which target?"."""
    paths = ThreePaths.from_edges(train_positives, expression.shape[0])
    i, j = torch.as_tensor(pairs[:, 0]), torch.as_tensor(pairs[:, 1])
    return (paths.score(i, j) + paths.score(j, i)).double().numpy()


def random_scores(pairs: np.ndarray, expression: np.ndarray | None = None,
                  train_positives: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random(len(pairs))


# every baseline: f(pairs, expression, training positives, seed) -> scores
BASELINE_FUNCTIONS = {"degree": degree_scores, "pcc": pcc_scores, "paths": path_scores,
                      "random": random_scores}
