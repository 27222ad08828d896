"""Model selection, round 15 (issue 22), on VALIDATION pairs only: does the ranker lose the top
of the list to the shift between the network it is fitted on and the one it scores on?

    .venv/bin/python benchmarks/select_ranker_folds.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

The ranker's rows are cross-fitted: a held-out edge (and each negative) is described by the
training network without its fold, a fifth of the edges fewer, but every pair it ranks is
described by the whole training network. Path counts grow with the edges (L3 ~ edges³), so the
trees' thresholds meet other values when they score; on a small network (mDC specific, 605
training edges) that may be what keeps the ranker behind L3 alone. Variants of the ranker
alone (the stack without GNT; the layer adds GNT to it as before), each scored on round 11's
validation list (select_ranker.py):

- 5 folds, scored on the whole network (the default then; since round 18 the whole
  network's columns are quantile-matched to a fold network: select_ranker_shift.py);
- 10 folds, scored on the whole network (fitted on 90 % of the edges: a smaller shift);
- 5 folds, scored on each fold's network (80 % of the edges, as it was fitted) and the
  log-odds averaged: no shift at all, at five times the network evidence.

GNT is not fitted (the ranker does not use it). Writes validation.csv / .md.
"""

from __future__ import annotations

import numpy as np
from select_ranker import free_predictor_cell, grid, write_validation

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.pair_evidence import ExpressionEvidence, NetworkEvidence
from gnt_core.science.ranker import TopRanker, edge_folds


def scored_as_fitted(ranker: TopRanker, edges: np.ndarray, n_genes: int,
                     evidence: ExpressionEvidence, pairs: np.ndarray) -> np.ndarray:
    """The ranker's log-odds averaged over its fold networks (each without one fold)."""
    folds = edge_folds(len(edges), ranker.folds, ranker.seed)
    return np.mean([ranker(NetworkEvidence.from_edges(edges[folds != k], n_genes, ranker.seed),
                           evidence, pairs) for k in range(ranker.folds)], axis=0)


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    edges = split.train.positives
    for folds in (5, 10):
        ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, folds=folds,
                               seed=seed)
        scores[f"ranker, {folds} folds"] = ranker(ranker.network(edges, data.n_genes), evidence,
                                                  listed.pairs)
        if folds == 5:
            scores["ranker, 5 folds, scored as fitted"] = scored_as_fitted(
                ranker, edges, data.n_genes, evidence, listed.pairs)
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0])}
            for method, s in scores.items()]


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round15")
    write_validation(args, table, "Round 15: the ranker's fold shift", "select_ranker_folds.py")


if __name__ == "__main__":
    main()
