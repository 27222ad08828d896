"""Model selection, round 18 (issue 22), on VALIDATION pairs only: can the ranker's fold shift be
removed at the cost of one extra network, not five?

    .venv/bin/python benchmarks/select_ranker_shift.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

Round 15 measured the shift (the trees are fitted on rows described by the training network
without one fold, and score pairs described by the whole network): scoring each pair on the
five fold networks and averaging the log-odds lifted the AUPRC ratio on four of five sets, at
five times the network evidence. This round tries a cheap form: quantile matching
(ranker.FoldShift). A reference sample of universe pairs is described by the whole network and
by one fold network (bag 0's fold 0); each network column gets the monotone map that takes the
whole network's values to the fold network's at the same quantile (beyond the sample's largest
value, the ratio of the two largest). The ranker then scores the whole network's evidence,
mapped. Variants, each the ranker alone (the stack without GNT), scored on round 11's
validation list:

- scored on the whole network, unmapped (the default before this round);
- scored on each fold network, the log-odds averaged (round 15's "as fitted");
- scored on the whole network, quantile-matched (the default since this round).

Writes validation.csv / .md.
"""

from __future__ import annotations

from unittest.mock import patch

from select_ranker import free_predictor_cell, grid, write_validation
from select_ranker_folds import scored_as_fitted

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.ranker import FoldShift, TopRanker


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    edges = split.train.positives
    ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, seed=seed)
    with patch.object(FoldShift, "__call__", lambda self, rows: rows):
        scores["ranker"] = ranker(ranker.network(edges, data.n_genes), evidence, listed.pairs)
    scores["ranker, scored as fitted"] = scored_as_fitted(ranker, edges, data.n_genes, evidence,
                                                          listed.pairs)
    scores["ranker, quantile-matched"] = ranker(ranker.network(edges, data.n_genes), evidence,
                                                listed.pairs)
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0])}
            for method, s in scores.items()]


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round18")
    write_validation(args, table, "Round 18: the fold shift by quantile matching",
                     "select_ranker_shift.py")


if __name__ == "__main__":
    main()
