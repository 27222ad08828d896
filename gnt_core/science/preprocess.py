"""Expression preprocessing applied before the encoder and the correlation baseline."""

from __future__ import annotations

import numpy as np


def standardise(expression: np.ndarray) -> np.ndarray:
    """Z-score each gene over cells; genes with zero variance become all zeros."""
    values = np.asarray(expression, dtype=np.float64)
    mean = values.mean(axis=1, keepdims=True)
    std = values.std(axis=1, keepdims=True)
    return np.divide(values - mean, std, out=np.zeros_like(values), where=std > 0).astype(
        np.float32)


def cell_groups(expression: np.ndarray, n_groups: int, seed: int = 0) -> np.ndarray:
    """A group label per cell: k-means of the cells on the top principal components of the
    standardised expression, so that each group holds cells in a similar state."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA

    cells = standardise(expression).T
    components = min(20, *cells.shape)
    coords = PCA(components, random_state=seed).fit_transform(cells)
    return KMeans(n_groups, n_init=4, random_state=seed).fit_predict(coords)
