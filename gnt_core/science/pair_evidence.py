"""Evidence for a directed pair i → j that needs no model: the topological predictors of the
training network and the expression evidence of the two profiles (the stacking ranker's inputs,
science/ranker.py).

Network (Ghasemian et al., PNAS 2020, use the same families): directed degrees; on the
undirected network common neighbours, Adamic–Adar, resource allocation, Jaccard, preferential
attachment, paths of length 3 normalised by degree (L3, Kovács et al. 2019), shortest-path length
(capped at 4) and personalised PageRank; on the directed network feed-forward paths i → t → j,
shared regulators and shared targets, L3 i → t ← r → j raw and degree-normalised, a rank-16 SVD
score, each both ways where the direction matters, and whether j → i is known. Expression:
Pearson and Spearman correlation, and the partial correlation under a probabilistic-PCA
covariance (Tipping & Bishop 1999: k components plus isotropic noise, whose precision matrix has
a closed form, so that it scales to any number of genes), and each gene's mean expression.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from scipy.stats import rankdata
from sklearn.utils.extmath import randomized_svd

from .paths import ThreePaths
from .preprocess import standardise

NETWORK_FEATURES = (
    "out_degree_i", "in_degree_i", "out_degree_j", "in_degree_j", "preferential_attachment",
    "common_neighbours", "adamic_adar", "resource_allocation", "jaccard", "l3_undirected",
    "shortest_path", "pagerank", "shared_regulators", "shared_targets", "two_paths",
    "two_paths_reverse", "l3", "l3_reverse", "l3_normalised", "l3_normalised_reverse", "svd",
    "svd_reverse", "reverse_edge")
EXPRESSION_FEATURES = ("pearson", "spearman", "partial_correlation", "mean_i", "mean_j")
EVIDENCE_FEATURES = NETWORK_FEATURES + EXPRESSION_FEATURES
# the evidence of j → i is that of i → j with these columns swapped (the others are symmetric),
# but for personalised PageRank and the reverse edge, which _block computes both ways
SWAPPED = (("out_degree_i", "out_degree_j"), ("in_degree_i", "in_degree_j"),
           ("two_paths", "two_paths_reverse"), ("l3", "l3_reverse"),
           ("l3_normalised", "l3_normalised_reverse"), ("svd", "svd_reverse"),
           ("mean_i", "mean_j"), ("pagerank", "pagerank_reverse"), ("reverse_edge", "edge"))

REVERSED = dict(SWAPPED) | {b: a for a, b in SWAPPED}  # a column's name for the pair j → i
NETWORK_COLUMNS = NETWORK_FEATURES + ("pagerank_reverse", "edge")  # NetworkEvidence.features

SVD_RANK = 16
PPCA_COMPONENTS = 20
MAX_EVIDENCE_CELLS = 4096  # correlations from 4,096 cells are within ~0.02 of all cells'
BLOCK_VALUES = 1 << 21  # rows × genes of each dense temporary
DENSE_SHARE = 32  # a block's correlations by one product when it holds ≥ 1/32 of its pairs
PAGERANK_RESTART = 0.15
PAGERANK_STEPS = 20


@dataclass
class ExpressionEvidence:
    """Per-gene profiles whose row dot products are the pair's correlations."""

    pearson: np.ndarray  # (N, C): z-scores / sqrt(C)
    spearman: np.ndarray  # (N, C): z-scored ranks / sqrt(C)
    partial: np.ndarray  # (N, k): partial correlation of i and j = partial[i] · partial[j]
    mean: np.ndarray  # (N,)

    @classmethod
    def from_expression(cls, expression: np.ndarray, seed: int = 0) -> ExpressionEvidence:
        values = np.asarray(expression, dtype=np.float32)
        if values.shape[1] > MAX_EVIDENCE_CELLS:
            keep = np.random.default_rng(seed).choice(values.shape[1], MAX_EVIDENCE_CELLS,
                                                      replace=False)
            values = values[:, np.sort(keep)]
        scale = np.float32(1 / np.sqrt(values.shape[1]))
        pearson = standardise(values) * scale
        spearman = standardise(rankdata(values, axis=1).astype(np.float32)) * scale
        return cls(pearson, spearman, _ppca_partial(pearson, seed),
                   np.asarray(expression, dtype=np.float64).mean(axis=1))

    def features(self, pairs: np.ndarray) -> np.ndarray:
        """Columns EXPRESSION_FEATURES of each directed pair."""
        i, j = pairs[:, 0], pairs[:, 1]
        return np.column_stack([pair_dots(self.pearson, pairs), pair_dots(self.spearman, pairs),
                                _dots(self.partial, i, j), self.mean[i], self.mean[j]])


def pair_dots(profiles: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """profiles[i] · profiles[j] for each pair (i, j), in bounded memory: a block of first
    genes by one matrix product when the block holds many of their pairs (a candidate block),
    pair by pair otherwise."""
    out = np.empty(len(pairs))
    for members, rows, local in row_blocks(pairs, len(profiles)):
        if len(members) * DENSE_SHARE >= len(rows) * len(profiles):
            out[members] = (profiles[rows] @ profiles.T)[local, pairs[members, 1]]
        else:
            out[members] = _dots(profiles, pairs[members, 0], pairs[members, 1])
    return out


def row_blocks(pairs: np.ndarray, n_genes: int
               ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Pairs grouped by their first gene, a block of first genes at a time (at most
    BLOCK_VALUES first genes × genes per block): the pairs' positions in `pairs`, the block's
    first genes (sorted) and each pair's row among them."""
    order = np.argsort(pairs[:, 0], kind="stable")
    rows, starts = np.unique(pairs[order, 0], return_index=True)
    per_block = max(1, BLOCK_VALUES // max(n_genes, 1))
    bounds = np.r_[starts, len(order)]
    for first in range(0, len(rows), per_block):
        last = min(first + per_block, len(rows))
        members = order[bounds[first]:bounds[last]]
        yield members, rows[first:last], np.searchsorted(rows[first:last], pairs[members, 0])


def _dots(rows: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """rows[i] · rows[j] per pair, a block of pairs at a time (bounded memory)."""
    out = np.empty(len(i))
    step = max(1, BLOCK_VALUES // max(rows.shape[1], 1))
    for start in range(0, len(i), step):
        end = start + step
        out[start:end] = np.einsum("ij,ij->i", rows[i[start:end]], rows[j[start:end]])
    return out


def _ppca_partial(pearson: np.ndarray, seed: int) -> np.ndarray:
    """Rows L with L_i · L_j the partial correlation of genes i and j when the correlation
    matrix R = pearson pearsonᵀ is modelled as U_k (s² − σ²) U_kᵀ + σ² I (probabilistic PCA):
    its precision is (I − U_k D U_kᵀ) / σ² with D = 1 − σ² / s², by Woodbury."""
    n_genes = len(pearson)
    k = min(PPCA_COMPONENTS, n_genes - 1, pearson.shape[1] - 1)
    if k < 1:
        return np.zeros((n_genes, 1))
    u, s, _ = randomized_svd(pearson.astype(np.float64), k, random_state=seed)
    variance = s**2
    noise = max((float((pearson.astype(np.float64) ** 2).sum()) - variance.sum())
                / max(n_genes - k, 1), 1e-6)
    shrink = np.clip(1 - noise / np.maximum(variance, 1e-12), 0, None)
    loadings = u * np.sqrt(shrink)
    diagonal = np.clip(1 - (loadings**2).sum(axis=1), 1e-6, None)
    return loadings / np.sqrt(diagonal)[:, None]


@dataclass
class NetworkEvidence:
    """The topological predictors of one (training) network, for any directed pair."""

    adjacency: sp.csr_matrix  # A[i, j] = 1 for a known edge i → j
    paths: ThreePaths
    svd_left: np.ndarray  # (N, k): U s
    svd_right: np.ndarray  # (N, k): V

    @classmethod
    def from_edges(cls, edges: np.ndarray, n_genes: int, seed: int = 0) -> NetworkEvidence:
        edges = np.unique(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=0)
        edges = edges[edges[:, 0] != edges[:, 1]]
        adjacency = sp.csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])),
                                  shape=(n_genes, n_genes))
        rank = min(SVD_RANK, n_genes - 1, max(len(edges), 1))
        if len(edges) and rank >= 1:
            u, s, vt = randomized_svd(adjacency, rank, random_state=seed)
        else:
            u, s, vt = np.zeros((n_genes, 1)), np.zeros(1), np.zeros((1, n_genes))
        return cls(adjacency, ThreePaths.from_edges(edges, n_genes), u * s, vt.T)

    @property
    def n_genes(self) -> int:
        return self.adjacency.shape[0]

    def features(self, pairs: np.ndarray) -> np.ndarray:
        """One row per directed pair (columns: NETWORK_FEATURES, then the reverse pair's
        PageRank and edge, see SWAPPED), a block of rows at a time."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        out = np.empty((len(pairs), len(NETWORK_FEATURES) + 2))
        for members, rows, local in row_blocks(pairs, self.n_genes):
            out[members] = self._block(rows, local, pairs[members, 1])
        return out

    def _block(self, rows: np.ndarray, local: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, at = self.adjacency, self._transposed
        s, k = self._undirected
        out_degree, in_degree = self._degrees
        a_rows, at_rows, s_rows = a[rows], at[rows], s[rows]

        def at_pairs(matrix) -> np.ndarray:
            dense = matrix.toarray() if sp.issparse(matrix) else matrix
            return np.asarray(dense[local, j], dtype=np.float64)

        common = (s_rows @ s).toarray()
        three = _times(common, s)
        inv_sqrt = sp.diags(1 / np.sqrt(np.maximum(k, 1)))
        l3_undirected = _times(_times((s_rows @ inv_sqrt).toarray(), s) * (1 / np.sqrt(
            np.maximum(k, 1))), s)
        shared_regulators, shared_targets = at_rows @ a, a_rows @ at
        i = rows[local]
        cn, ki, kj = at_pairs(common), k[i], k[j]
        pagerank = at_pairs(self._pagerank(rows))
        adjacent = at_pairs(s_rows) > 0
        shortest = np.where(adjacent, 1, np.where(cn > 0, 2, np.where(at_pairs(three) > 0, 3,
                                                                      4)))
        torch_i, torch_j = torch.as_tensor(i), torch.as_tensor(j)
        return np.column_stack([
            np.log1p(out_degree[i]), np.log1p(in_degree[i]), np.log1p(out_degree[j]),
            np.log1p(in_degree[j]), np.log1p(ki * kj), cn,
            at_pairs(s_rows @ sp.diags(1 / np.log(np.maximum(k, 2))) @ s),
            at_pairs(s_rows @ sp.diags(1 / np.maximum(k, 1)) @ s),
            cn / np.maximum(ki + kj - cn, 1), at_pairs(l3_undirected), shortest,
            pagerank, at_pairs(shared_regulators),
            at_pairs(shared_targets), at_pairs(a_rows @ a), at_pairs(at_rows @ at),
            at_pairs(shared_targets @ a), at_pairs(shared_regulators @ at),
            self.paths.score(torch_i, torch_j).double().numpy(),
            self.paths.score(torch_j, torch_i).double().numpy(),
            np.einsum("ij,ij->i", self.svd_left[i], self.svd_right[j]),
            np.einsum("ij,ij->i", self.svd_left[j], self.svd_right[i]), at_pairs(at_rows),
            pagerank * ki / np.maximum(kj, 1), at_pairs(a_rows)])

    def _pagerank(self, rows: np.ndarray) -> np.ndarray:
        """Personalised PageRank from each of `rows` on the undirected network (power
        iteration), dense (rows × N). On an undirected network a walk's probability times its
        start's degree is the same both ways, so PPR_j(i) = PPR_i(j) k_i / k_j (every term of
        the iteration; 0 where either is isolated)."""
        s, k = self._undirected
        # the walk's step matrix, transposed (column-stochastic where k > 0): the iteration
        # runs on visitᵀ, scipy's fast layout, in place (a block holds thousands of rows)
        step_transposed = (s @ sp.diags(1 / np.maximum(k, 1))).tocsr()
        starts = rows, np.arange(len(rows))
        visit = np.zeros((self.n_genes, len(rows)))
        visit[starts] = 1.0
        for _ in range(PAGERANK_STEPS):
            visit = step_transposed @ visit
            visit *= 1 - PAGERANK_RESTART
            visit[starts] += PAGERANK_RESTART
        return visit.T

    @property
    def _transposed(self) -> sp.csr_matrix:
        return self._cached("transposed", lambda: self.adjacency.T.tocsr())

    @property
    def _undirected(self) -> tuple[sp.csr_matrix, np.ndarray]:
        def build():
            s = ((self.adjacency + self.adjacency.T) > 0).astype(np.float64).tocsr()
            return s, np.asarray(s.sum(axis=1)).ravel()
        return self._cached("undirected", build)

    @property
    def _degrees(self) -> tuple[np.ndarray, np.ndarray]:
        return self._cached("degrees", lambda: (
            np.asarray(self.adjacency.sum(axis=1)).ravel(),
            np.asarray(self.adjacency.sum(axis=0)).ravel()))

    def _cached(self, name: str, build):
        cache = self.__dict__.setdefault("_cache", {})
        if name not in cache:
            cache[name] = build()
        return cache[name]


def _times(dense: np.ndarray, matrix: sp.spmatrix) -> np.ndarray:
    """dense @ sparse, computed as (sparseᵀ @ denseᵀ)ᵀ (scipy's fast direction)."""
    return np.asarray((matrix.T @ dense.T).T)


def pair_evidence(network: NetworkEvidence, expression: ExpressionEvidence,
                  pairs: np.ndarray) -> np.ndarray:
    """Every evidence column (EVIDENCE_FEATURES) of directed `pairs`, one row each."""
    return pair_evidence_both_ways(network, expression, pairs)[0]


def pair_evidence_both_ways(network: NetworkEvidence, expression: ExpressionEvidence,
                            pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The evidence rows of i → j and of j → i for each pair (i, j), both from the network
    rows of i: scoring both directions costs one pass over the first genes."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    rows = np.column_stack([network.features(pairs), expression.features(pairs)])
    columns = list(NETWORK_COLUMNS + EXPRESSION_FEATURES)
    forward = [columns.index(name) for name in EVIDENCE_FEATURES]
    backward = [columns.index(REVERSED.get(name, name)) for name in EVIDENCE_FEATURES]
    return rows[:, forward], rows[:, backward]
