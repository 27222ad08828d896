"""The whole list against a curated database (CollecTRI, DoRothEA, or the user's own reference):
how many of the top N novel pairs are curated edges, against how many a random draw from the
same universe would hold, beside the lists that need no model (L3 and degree on the known
network). Curated edges already known (in the network the run used) do not count; a pair counts
when the curated edge joins its two genes in either direction, as a ranked pair is unordered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .baselines import degree_scores, path_scores

TOP_N = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
SENTENCE_N = 100
FREE_LISTS = {"paths of length 3": path_scores, "degree": degree_scores}


@dataclass
class CuratedCheck:
    """Hits among the top N of each list, and the number a random draw would hold."""

    curve: pd.DataFrame  # top_n, expected, then one column of hits per list ("GNT", L3, …)
    curated_in_universe: int
    universe: int
    curated_known: int  # curated edges already in the known network, left out

    def sentence(self, n: int | None = None) -> str:
        """The check at the top `n` (default: 100, what a curator reads, or all if fewer)."""
        shown = self.curve["top_n"].tolist()
        n = n or (SENTENCE_N if SENTENCE_N in shown else shown[-1])
        row = self.curve.set_index("top_n").loc[n]
        return (f"{int(row['GNT'])} of your top {n:,} novel pairs are curated edges, against "
                f"{_expected(row['expected'])} expected by chance in this universe "
                f"({self.curated_in_universe:,} curated of {self.universe:,} pairs); the "
                f"top {n:,} of the lists that need no model hold "
                + ", ".join(f"{int(row[name])} ({name})" for name in FREE_LISTS))


def _expected(count: float) -> str:
    """A chance count readable below 1 (0.04, not 0.0)."""
    return f"{count:.1f}" if count >= 1 else f"{count:.2g}"


def curated_check(pairs: np.ndarray, expression: np.ndarray, known_edges: np.ndarray,
                  curated_edges: np.ndarray, top_n: tuple[int, ...] = TOP_N) -> CuratedCheck:
    """`pairs`: the novel pairs (gene indices), best first, i.e. the universe the list ranks;
    `known_edges` and `curated_edges`: (regulator, target) index pairs."""
    n_genes = expression.shape[0]
    curated = _unordered(curated_edges, n_genes)
    known = _unordered(known_edges, n_genes)
    keys = _unordered(pairs, n_genes)
    hit = np.isin(keys, np.setdiff1d(curated, known))
    lists = {"GNT": hit}
    for name, score in FREE_LISTS.items():
        order = np.argsort(-score(pairs, expression, known_edges), kind="stable")
        lists[name] = hit[order]
    shown = [n for n in top_n if n <= len(pairs)] or [len(pairs)]
    curve = pd.DataFrame({"top_n": shown,
                          "expected": [n * hit.sum() / max(len(pairs), 1) for n in shown]})
    for name, hits in lists.items():
        curve[name] = np.cumsum(hits)[np.asarray(shown) - 1] if len(hits) else 0
    return CuratedCheck(curve, int(hit.sum()), len(pairs),
                        int(np.isin(curated, known).sum()))


def _unordered(pairs: np.ndarray, n_genes: int) -> np.ndarray:
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return np.minimum(pairs[:, 0], pairs[:, 1]) * n_genes + np.maximum(pairs[:, 0], pairs[:, 1])
