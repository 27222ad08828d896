"""Model selection, round 25 (issue 22), on VALIDATION pairs and the validation analogs of the
curated check only: does the expression evidence this machine has add what the training
network lacks?

    .venv/bin/python benchmarks/select_expression_analogs.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

Rounds 22–24 re-weighted what the training network says (prior shapes, layer weights, the
target's in-degree, fusion with L3, monotone trees); none reached 1.5× L3's analog edges in
the top 1,000 novel pairs from a cell-type-specific network. Evidence the network lacks must
come from elsewhere; offline, the only other evidence is the expression matrix. Round 7 scored
it alone within regulators (near chance); here each piece is scored alone and combined with
the network's orderings by rank product (both must be high), free except the ranker's fit:

- |PCC|, |partial correlation| and GENIE3-style tree importance (regulator → gene;
  select_expression_evidence.py, computed once per set);
- each × L3, each × the ranker (TopRanker as the default fits it, its neighbourhood prior
  included), and the ranker × √|PCC| (a softer weight on expression).

Rows: validation metrics and the analog hits (top 100 / 1,000 novel pairs). Writes
validation.csv / .md and analog.md.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata
from select_expression_evidence import evidence
from select_prior_shape import analog_round, analog_rows
from select_ranker import free_predictor_cell

from gnt_core.science.ranker import TopRanker

EXPRESSION_CACHE: dict = {}


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, expression, scores = free_predictor_cell(name, protocol, seed)
    ranker = TopRanker.fit(split.train, expression, split.ranker_negatives, seed=seed)
    network = ranker.network(split.train.positives, data.n_genes)
    scores["ranker"] = ranker(network, expression, listed.pairs)
    pcor, _, trees, _ = evidence(data, EXPRESSION_CACHE)
    a, b = listed.pairs.T
    scores |= {"partial correlation": pcor[a, b], "tree importance": trees[a, b]}
    ranks = {m: rankdata(scores[m]) / len(listed) for m in scores}
    for method in ("pcc", "partial correlation", "tree importance"):
        scores[f"L3 x {method}"] = ranks["paths"] * ranks[method]
        scores[f"ranker x {method}"] = ranks["ranker"] * ranks[method]
    scores["ranker x sqrt(pcc)"] = ranks["ranker"] * np.sqrt(ranks["pcc"])
    return analog_rows(name, protocol, seed, data.genes, listed, scores)


def main() -> None:
    analog_round(cell, __doc__.splitlines()[0], "selection-round25", "Round 25",
                 "expression evidence beside the network", "select_expression_analogs.py",
                 protocols="candidates")


if __name__ == "__main__":
    main()
