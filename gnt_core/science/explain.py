"""The evidence behind one predicted edge regulator → target, as a curator reads it: from the
user's cells (correlations with a permutation p-value, the partial correlation given the other
regulators, the correlation within each group of cells), from the known network (the paths of
length 3 with their intermediate genes, shared regulators and targets, degrees) and from the
ranker (each evidence column's SHAP value for the pair, and the same in words).

Every function takes gene indices and returns plain values (JSON-ready); workflows/explain.py
puts them together for a run.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy import stats
from sklearn.covariance import LedoitWolf

from .pair_evidence import EVIDENCE_FEATURES, ExpressionEvidence, NetworkEvidence, pair_dots
from .ranker import TopRanker

PERMUTATIONS = 999
PERMUTATION_BLOCK = 100
MAX_PARTIAL_CELLS = 5_000
LISTED_PATHS = 50

# the evidence columns in families a biologist recognises
FEATURE_FAMILIES = {
    "paths of length 3": ("l3_undirected", "l3", "l3_reverse", "l3_normalised",
                          "l3_normalised_reverse"),
    "shared neighbours": ("common_neighbours", "adamic_adar", "resource_allocation", "jaccard",
                          "shared_regulators", "shared_targets", "two_paths",
                          "two_paths_reverse"),
    "how connected the genes are": ("out_degree_i", "in_degree_i", "out_degree_j",
                                    "in_degree_j", "preferential_attachment"),
    "closeness in the network": ("shortest_path", "pagerank", "svd", "svd_reverse"),
    "a known edge the other way": ("reverse_edge",),
    "co-expression": ("pearson", "spearman", "partial_correlation"),
    "expression levels": ("mean_i", "mean_j"),
}


def correlations(x: np.ndarray, y: np.ndarray, permutations: int = PERMUTATIONS,
                 seed: int = 0) -> dict:
    """Pearson and Spearman correlation of two profiles over the cells, each with a two-sided
    permutation p-value ((1 + permutations at least as extreme) / (1 + permutations))."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.std() == 0 or y.std() == 0:
        return {"pearson": None, "spearman": None, "pearson_p": None, "spearman_p": None,
                "n_cells": len(x), "note": "a gene is constant over these cells"}
    pearson = float(np.corrcoef(x, y)[0, 1])
    spearman = float(stats.spearmanr(x, y).statistic)
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    return {"pearson": pearson, "spearman": spearman,
            "pearson_p": _permutation_p(x, y, pearson, permutations, seed),
            "spearman_p": _permutation_p(rx, ry, spearman, permutations, seed),
            "n_cells": len(x), "permutations": permutations}


def p_text(p: float, permutations: int = PERMUTATIONS) -> str:
    """'p = 0.034', or 'p ≤ 0.001' at the floor that `permutations` permutations can reach."""
    floor = 1 / (1 + permutations)
    return f"p ≤ {floor:.3g}" if p <= floor else f"p = {p:.3g}"


def _permutation_p(x: np.ndarray, y: np.ndarray, observed: float, permutations: int,
                   seed: int) -> float:
    rng = np.random.default_rng(seed)
    zx = (x - x.mean()) / (x.std() * len(x))
    zy = (y - y.mean()) / y.std()
    extreme = 0
    for start in range(0, permutations, PERMUTATION_BLOCK):
        block = min(PERMUTATION_BLOCK, permutations - start)
        shuffled = rng.permuted(np.broadcast_to(zy, (block, len(zy))), axis=1)
        extreme += int((np.abs(shuffled @ zx) >= abs(observed) - 1e-12).sum())
    return (1 + extreme) / (1 + permutations)


def partial_correlation(expression: np.ndarray, i: int, j: int, regulators: np.ndarray,
                        seed: int = 0) -> float | None:
    """Partial correlation of genes i and j given every other regulator, from the Ledoit–Wolf
    shrunk precision matrix of the standardised profiles (at most MAX_PARTIAL_CELLS cells)."""
    others = np.setdiff1d(np.asarray(regulators, dtype=np.int64), [i, j])
    values = np.asarray(expression[np.r_[i, j, others]], dtype=np.float64).T  # cells × genes
    if values.shape[0] > MAX_PARTIAL_CELLS:
        keep = np.random.default_rng(seed).choice(values.shape[0], MAX_PARTIAL_CELLS,
                                                  replace=False)
        values = values[np.sort(keep)]
    spread = values.std(axis=0)
    if spread[0] == 0 or spread[1] == 0:
        return None
    values = values[:, spread > 0]
    precision = LedoitWolf().fit((values - values.mean(axis=0)) / values.std(axis=0)).precision_
    return float(-precision[0, 1] / np.sqrt(precision[0, 0] * precision[1, 1]))


def group_correlations(x: np.ndarray, y: np.ndarray, groups: np.ndarray,
                       min_cells: int = 10) -> list[dict]:
    """Pearson and Spearman within each group of cells (a cell type, a cluster) with at least
    `min_cells` cells, largest group first."""
    out = []
    names, counts = np.unique(np.asarray(groups).astype(str), return_counts=True)
    for name in names[np.argsort(-counts, kind="stable")]:
        members = np.asarray(groups).astype(str) == name
        if members.sum() < min_cells:
            continue
        found = correlations(x[members], y[members], permutations=0)
        out.append({"group": str(name), "n_cells": int(members.sum()),
                    "pearson": found["pearson"], "spearman": found["spearman"]})
    return out


def evidence_columns(expression: np.ndarray, adjacency: sp.csr_matrix, pairs: np.ndarray
                     ) -> dict[str, np.ndarray]:
    """Per pair (i, j), the columns an export carries: Pearson over all the cells, and the
    number of L3 paths i → t ← r → j in A (none through the pair's own edge: network_evidence's
    count)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    values = np.asarray(expression, dtype=np.float64)
    spread = values.std(axis=1, keepdims=True) * np.sqrt(values.shape[1])
    z = (values - values.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, np.nan)
    return {"pearson": pair_dots(z, pairs),
            "l3_path_count": _l3_counts(sp.csr_matrix(adjacency), pairs)}


def _l3_counts(adjacency: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    binary = (adjacency != 0).astype(np.float64).tocsr()
    binary.setdiag(0)
    binary.eliminate_zeros()
    shared = (binary.T @ binary).tocsr()  # [t, j]: regulators of both t and j
    rows, local = np.unique(pairs[:, 0], return_inverse=True)
    reach = (binary[rows] @ shared).tocsr()
    counts = np.asarray(reach[local, pairs[:, 1]]).ravel()
    own = np.asarray(binary[pairs[:, 0], pairs[:, 1]]).ravel()
    out_degree, in_degree = np.diff(binary.indptr), np.asarray(binary.sum(axis=0)).ravel()
    return (counts - own * (out_degree[pairs[:, 0]] + in_degree[pairs[:, 1]] - 1)).astype(
        np.int64)


def network_evidence(adjacency: sp.csr_matrix, i: int, j: int, genes: list[str]) -> dict:
    """The pair in the known network A (A[r, t] = 1 for r → t): its L3 paths i → t ← r → j
    with the intermediate genes [t, r] named (the best-weighted LISTED_PATHS of them; weight
    1/sqrt(in-degree of t · out-degree of r), as the L3 score counts them), the genes that
    regulate both, the targets both share, and the degrees."""
    adjacency = sp.csr_matrix(adjacency)
    columns = adjacency.tocsc()
    out_degree = np.diff(adjacency.indptr)
    in_degree = np.diff(columns.indptr)

    def targets(gene: int) -> np.ndarray:
        return adjacency.indices[adjacency.indptr[gene]:adjacency.indptr[gene + 1]]

    def regulators(gene: int) -> np.ndarray:
        return columns.indices[columns.indptr[gene]:columns.indptr[gene + 1]]

    paths = []
    for r in np.setdiff1d(regulators(j), [i, j]):
        for t in np.setdiff1d(np.intersect1d(targets(i), targets(r)), [i, j]):
            paths.append((1 / np.sqrt(in_degree[t] * out_degree[r]), int(t), int(r)))
    paths.sort(key=lambda path: (-path[0], path[1], path[2]))
    names = np.asarray(genes, dtype=object)
    return {"l3_paths": [[str(names[t]), str(names[r])] for _, t, r in paths[:LISTED_PATHS]],
            "l3_path_count": len(paths),
            "l3_score": float(sum(weight for weight, _, _ in paths)),
            "shared_regulators": sorted(map(str, names[np.setdiff1d(
                np.intersect1d(regulators(i), regulators(j)), [i, j])])),
            "shared_targets": sorted(map(str, names[np.setdiff1d(
                np.intersect1d(targets(i), targets(j)), [i, j])])),
            "regulator_degree": int(out_degree[i]), "target_degree": int(in_degree[j]),
            "known_edge": bool(adjacency[i, j]), "known_reverse_edge": bool(adjacency[j, i])}


def model_evidence(ranker: TopRanker, network: NetworkEvidence,
                   expression: ExpressionEvidence, i: int, j: int) -> dict:
    """What drove the ranker's log-odds of i → j: each evidence column's SHAP value, the
    families' sums, and a sentence."""
    row = ranker.contributions(network, expression, np.array([[i, j]]))[0]
    by_feature = dict(zip(EVIDENCE_FEATURES, map(float, row[:-1]), strict=True))
    families = {name: float(sum(by_feature[f] for f in members))
                for name, members in FEATURE_FAMILIES.items()}
    return {"log_odds": float(row.sum()), "base_value": float(row[-1]),
            "contributions": by_feature, "families": families,
            "summary": summary_in_words(families)}


def summary_in_words(families: dict[str, float]) -> str:
    """"mostly paths of length 3 and co-expression; held back by how connected the genes are"."""
    ranked = sorted(families.items(), key=lambda item: -abs(item[1]))
    up = [(n, v) for n, v in ranked if v > 0]
    down = [(n, v) for n, v in ranked if v < 0]
    total = sum(v for _, v in up)
    chosen, covered = [], 0.0
    for name, value in up[:3]:
        chosen.append(name)
        covered += value
        if covered >= 0.7 * total:
            break
    words = ("mostly " + " and ".join(chosen)) if chosen else "nothing raised the score"
    if down and abs(down[0][1]) >= 0.25 * max(total, 1e-12):
        words += f"; held back by {down[0][0]}"
    return words
