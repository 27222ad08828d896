"""Model selection, round 24b (issue 22), on the validation analogs of the curated check only:
does a target's in-degree find another reference's edges, as it finds TRRUST's?

    .venv/bin/python benchmarks/select_target_degree.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

Round 23's TRRUST check read, as an oracle (not a selection), that ranking pairs by the
target's in-degree in the training network alone reaches the curated bar on mDC specific. A
lever may only be chosen on the analogs (a run's novel pairs against another shared network of
the same cell type, select_prior_shape.ANALOGS). Scores, free (no fit), on round 11's
validation lists (the same pairs as round 24's for the same seed):

- the free predictors (degree, |PCC|, L3);
- target in-degree: the training in-degree of the pair's target (of either gene where both
  can regulate), ties broken by L3;
- target in-degree × L3: in-degree's rank and L3's rank multiplied (both must be high).

Rows: validation metrics and the analog hits (top 100 / 1,000 novel pairs). Writes
validation.csv / .md and analog.md.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata
from select_prior_shape import analog_round, analog_rows
from select_ranker import free_predictor_cell


def target_in_degree(pairs: np.ndarray, edges: np.ndarray, n_genes: int,
                     regulators: np.ndarray) -> np.ndarray:
    in_degree = np.bincount(edges[:, 1], minlength=n_genes).astype(float)
    either = np.isin(pairs[:, 1], regulators)
    return np.where(either, np.maximum(in_degree[pairs[:, 0]], in_degree[pairs[:, 1]]),
                    in_degree[pairs[:, 1]])


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, _, scores = free_predictor_cell(name, protocol, seed)
    popularity = target_in_degree(listed.pairs, split.train.positives, data.n_genes,
                                  data.regulators)
    paths = rankdata(scores["paths"]) / len(listed)
    scores["target in-degree"] = popularity + 0.5 * paths
    scores["target in-degree x L3"] = rankdata(popularity) * paths
    return analog_rows(name, protocol, seed, data.genes, listed, scores)


def main() -> None:
    analog_round(cell, __doc__.splitlines()[0], "selection-round24-degree", "Round 24b",
                 "the target's in-degree", "select_target_degree.py", protocols="candidates")


if __name__ == "__main__":
    main()
