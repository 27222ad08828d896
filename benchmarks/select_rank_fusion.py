"""Model selection, round 24c (issue 22), on validation pairs and the validation analogs only:
the ranker's list fused with L3's by rank.

    .venv/bin/python benchmarks/select_rank_fusion.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

On the analogs L3 finds more of the other reference's edges than the ranker on some sets
(mESC non-specific → specific, STRING → specific) and fewer on others (round 24). Variants on
round 11's validation lists, the ranker fitted once per cell (the stack without GNT): the
ranker alone; (1 - w) · its rank + w · L3's rank, w = 0.25, 0.5; the lower of the two ranks.
Writes validation.csv / .md and analog.md.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata
from select_prior_shape import analog_round, analog_rows
from select_ranker import free_predictor_cell

from gnt_core.science.ranker import TopRanker

L3_WEIGHTS = (0.25, 0.5)


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, seed=seed)
    network = ranker.network(split.train.positives, data.n_genes)
    scores["ranker alone"] = ranker(network, evidence, listed.pairs)
    own, l3 = rankdata(scores["ranker alone"]), rankdata(scores["paths"])
    for weight in L3_WEIGHTS:
        scores[f"rank fusion, L3 weight {weight:g}"] = (1 - weight) * own + weight * l3
    scores["lower rank"] = np.minimum(own, l3)
    return analog_rows(name, protocol, seed, data.genes, listed, scores)


def main() -> None:
    analog_round(cell, __doc__.splitlines()[0], "selection-round24-fusion", "Round 24c",
                 "the ranker fused with L3", "select_rank_fusion.py", protocols="candidates")


if __name__ == "__main__":
    main()
