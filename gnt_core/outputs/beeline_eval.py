"""An evaluation set that BEELINE's BLEval scores fairly, and BLEval's AUPRC computed here.

BEELINE (Pratapa et al. 2020) ranks a method's `rankedEdges.csv` (TAB-separated Gene1, Gene2,
EdgeWeight) against a `refNetwork.csv` (comma-separated Gene1, Gene2): its universe is every
ordered pair of two different genes of the reference, a pair not listed scores 0, a listed pair
scores |EdgeWeight|, and the AUPRC is PRROC's Davis–Goadrich area (BLEval/computeDGAUC.py,
`PRROC(directed=True, selfEdges=False)`).

A run's ranked list holds its training and validation edges, which BLEval would count as hits,
and BLEval's universe holds only the genes of the reference, which leaves out every gene without
a held-out edge (on BEELINE mDC it raised AUPRC from 0.19 to 0.26). An evaluation set holds only
what the run never fitted on, over the run's own genes:

- rankedEdges: the run's test pairs, both directions where both genes can regulate (each
  direction's own score);
- refNetwork: the test pairs' known edges in their known directions, then one self-pair row
  `G,G` per gene of the run. BLEval (selfEdges=False, its setting) never scores a self-pair;
  the rows only put every gene of the run into its universe.

BLEval is directed: a two-regulator pair listed the wrong way is a false positive, and a pair
with edges both ways counts twice. Its figure is therefore the run's DIRECTED test AUPRC
(`directed_auprc`), lower than the unordered one the run reports by what the direction costs.
`bleval_auprc` gives the figure BLEval reports for the two tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score


def ranked_edges(regulators: np.ndarray, targets: np.ndarray, forward: np.ndarray,
                 reverse: np.ndarray) -> pd.DataFrame:
    """BEELINE's rankedEdges table: regulator → target at `forward`, and target → regulator at
    `reverse` where it is not NaN. EdgeWeight is the row's rank among all rows turned into a
    weight in (0, 1] (ties kept): positive, as BLEval ranks |EdgeWeight| and scores an unlisted
    pair 0."""
    both = ~np.isnan(reverse)
    table = pd.DataFrame({"Gene1": np.r_[regulators, targets[both]],
                          "Gene2": np.r_[targets, regulators[both]],
                          "score": np.r_[forward, reverse[both]]})
    below = table["score"].rank(method="max", ascending=True).to_numpy()
    table["EdgeWeight"] = below / len(table)
    return (table.sort_values("EdgeWeight", ascending=False, kind="stable")
            [["Gene1", "Gene2", "EdgeWeight"]].reset_index(drop=True))


def reference_edges(positive_pairs: np.ndarray, edges: np.ndarray, genes: list[str]
                    ) -> pd.DataFrame:
    """BEELINE's refNetwork table: the known edges (index pairs, in their direction) whose
    unordered pair is one of `positive_pairs`, then a self-pair row per gene (see above)."""
    n = len(genes)
    wanted = np.union1d(positive_pairs[:, 0] * n + positive_pairs[:, 1],
                        positive_pairs[:, 1] * n + positive_pairs[:, 0])
    held = edges[np.isin(edges[:, 0] * n + edges[:, 1], wanted)]
    names = np.asarray(genes, dtype=object)
    return pd.DataFrame({"Gene1": np.r_[names[held[:, 0]], names],
                         "Gene2": np.r_[names[held[:, 1]], names]})


def directed_auprc(ranked: pd.DataFrame, reference: pd.DataFrame) -> float:
    """Average precision of the ranked directed pairs against the reference's edges (self-pairs
    left out); an edge that is not ranked counts below every ranked pair."""
    edges = reference[reference["Gene1"] != reference["Gene2"]]
    true = set(zip(edges["Gene1"], edges["Gene2"], strict=True))
    labels = np.array([pair in true for pair in zip(ranked["Gene1"], ranked["Gene2"],
                                                    strict=True)], dtype=bool)
    missed = len(true) - int(labels.sum())
    weights = ranked["EdgeWeight"].to_numpy(dtype=np.float64)
    return float(average_precision_score(np.r_[labels, np.ones(missed, bool)],
                                         np.r_[weights, np.full(missed, -1.0)]))


def bleval_auprc(ranked: pd.DataFrame, reference: pd.DataFrame, directed: bool = True
                 ) -> float:
    """The AUPRC BLEval reports for these tables (see the module docstring); `directed=False`
    is its undirected mode: a pair is true when an edge joins it either way, and its score is
    the larger |EdgeWeight| of its two rows."""
    genes = np.unique(reference[["Gene1", "Gene2"]].to_numpy().astype(str))
    index = pd.Index(genes)
    n = len(genes)

    def keys(table: pd.DataFrame) -> np.ndarray:
        a, b = (index.get_indexer(table[c].astype(str)) for c in ("Gene1", "Gene2"))
        if not directed:
            a, b = np.minimum(a, b), np.maximum(a, b)
        keep = (a >= 0) & (b >= 0) & (a != b)
        return np.where(keep, a * n + b, -1)

    true = np.unique(keys(reference))
    true = true[true >= 0]  # self-pairs are never scored
    listed = pd.DataFrame({"key": keys(ranked), "weight": ranked["EdgeWeight"].abs()})
    listed = listed[listed["key"] >= 0]
    listed = (listed.drop_duplicates("key") if directed  # BLEval reads the first row
              else listed.groupby("key", as_index=False)["weight"].max())
    labels = np.isin(listed["key"].to_numpy(), true)
    universe = n * (n - 1) // (1 if directed else 2)
    n_zero_pos = len(true) - int(labels.sum())
    n_zero_neg = universe - len(true) - int((~labels).sum())
    weights = listed["weight"].to_numpy(dtype=np.float64)
    return davis_goadrich_auprc(np.r_[weights, 0.0, 0.0], np.r_[labels, True, False],
                                np.r_[np.ones(len(labels)), n_zero_pos, n_zero_neg])


def davis_goadrich_auprc(scores: np.ndarray, labels: np.ndarray,
                         counts: np.ndarray | None = None) -> float:
    """Area under the precision–recall curve with Davis & Goadrich's (2006) interpolation
    between the points of successive thresholds (PRROC's `auc.davis.goadrich`): between two
    points, true positives rise one by one and false positives in proportion. `counts`: how
    many pairs each (score, label) row stands for."""
    counts = np.ones(len(scores)) if counts is None else np.asarray(counts, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    frame = pd.DataFrame({"score": scores[order], "tp": counts[order] * labels[order],
                          "fp": counts[order] * ~labels[order]})
    steps = frame.groupby("score", sort=False)[["tp", "fp"]].sum()
    tp = np.r_[0.0, np.cumsum(steps["tp"].to_numpy())]
    fp = np.r_[0.0, np.cumsum(steps["fp"].to_numpy())]
    a, b, rise, false = tp[:-1], fp[:-1], np.diff(tp), np.diff(fp)
    rising = rise > 0
    a, b, rise, false = a[rising], b[rising], rise[rising], false[rising]
    slope = false / rise
    start = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        curve = np.log((start + (1 + slope) * rise) / start) * (b - slope * a) / (1 + slope)
    area = np.where(start == 0, rise, rise - np.nan_to_num(curve)) / (1 + slope)
    return float(area.sum() / tp[-1])
