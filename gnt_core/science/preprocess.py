"""Expression preprocessing applied before the encoder and the correlation baseline."""

from __future__ import annotations

import numpy as np

STANDARDISE_BLOCK_VALUES = 1 << 23  # float64 values of each block (64 MiB)


def standardise(expression: np.ndarray) -> np.ndarray:
    """Z-score each gene over cells (float32); genes with zero variance become all zeros.
    Computed in float64 a block of genes at a time, so that a large matrix needs no float64
    copy of itself."""
    out = np.empty(np.shape(expression), dtype=np.float32)
    step = max(1, STANDARDISE_BLOCK_VALUES // max(out.shape[1], 1))
    for start in range(0, len(out), step):
        values = np.asarray(expression[start:start + step], dtype=np.float64)
        mean = values.mean(axis=1, keepdims=True)
        std = values.std(axis=1, keepdims=True)
        out[start:start + step] = np.divide(values - mean, std, out=np.zeros_like(values),
                                            where=std > 0)
    return out


def cell_groups(expression: np.ndarray, n_groups: int, seed: int = 0) -> np.ndarray:
    """A group label per cell: k-means of the cells on the top principal components of the
    standardised expression, so that each group holds cells in a similar state."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA

    cells = standardise(expression).T
    components = min(20, *cells.shape)
    coords = PCA(components, random_state=seed).fit_transform(cells)
    return KMeans(n_groups, n_init=4, random_state=seed).fit_predict(coords)


MAX_PROFILE_CELLS = 4096
PROFILE_COMPONENTS = 512


def compress_profiles(profiles: np.ndarray, groups: np.ndarray | None = None, seed: int = 0
                      ) -> tuple[np.ndarray, np.ndarray | None]:
    """The encoder's expression input when a gene's profile runs over many cells.

    Past MAX_PROFILE_CELLS cells (in a group), a gene's standardised profile x is replaced by
    its coordinates on the top PROFILE_COMPONENTS principal axes of the cells, x V_k: a linear
    map of x restricted to the span of the profiles, which is all of it when there are fewer
    genes than components. The encoder's first layer then costs k, not the number of cells,
    per gene (20,000 cells: about 40 times less). Coordinates are scaled by sqrt(k / cells) so
    that the first layer starts at the scale it has on the raw profile. Returns the columns
    and each column's group (None when `groups` is None).
    """
    labels = np.zeros(profiles.shape[1], dtype=np.int64) if groups is None else groups
    blocks, block_groups = [], []
    for group in np.unique(labels):
        block = profiles[:, labels == group]
        if block.shape[1] > MAX_PROFILE_CELLS:
            block = _principal_coordinates(block, seed)
        blocks.append(block)
        block_groups.append(np.full(block.shape[1], group))
    compressed = np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=np.float32)
    return compressed, None if groups is None else np.concatenate(block_groups)


def _principal_coordinates(block: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.utils.extmath import randomized_svd

    n_genes, n_cells = block.shape
    k = min(PROFILE_COMPONENTS, n_genes)
    u, s, _ = randomized_svd(block, k, n_iter=2, random_state=seed)
    return (u * (s * np.sqrt(k / n_cells))).astype(np.float32)
