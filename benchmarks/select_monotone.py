"""Model selection, round 24d (issue 22), on validation pairs and the validation analogs only:
the ranker's trees constrained to rise with every neighbourhood and path predictor.

    .venv/bin/python benchmarks/select_monotone.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Where L3 orders the top best (GENELink's mDC specific split: validation P@50 L3 0.380, ranker
0.347), the trees, free to split any column either way, may rank a pair with more paths below
one with fewer. LightGBM's monotone constraints forbid that: the log-odds can only rise with
the shared-neighbour and path counts (common neighbours, Adamic–Adar, resource allocation,
Jaccard, L3 and its forms, two-paths, shared regulators / targets, PageRank, SVD) and only
fall with the shortest path; degrees and expression stay free. Variants, the ranker alone (the
stack without GNT; round 23's prior in both): free trees (the default), constrained trees
(LightGBM's "basic" and "intermediate" methods). Writes validation.csv / .md and analog.md.
"""

from __future__ import annotations

from unittest import mock

from select_prior_shape import analog_round, analog_rows
from select_ranker import free_predictor_cell

from gnt_core.science import ranker as ranker_module
from gnt_core.science.pair_evidence import EVIDENCE_FEATURES
from gnt_core.science.ranker import TopRanker

RISING = {"common_neighbours", "adamic_adar", "resource_allocation", "jaccard",
          "l3_undirected", "pagerank", "shared_regulators", "shared_targets", "two_paths",
          "l3", "l3_normalised", "svd"}
FALLING = {"shortest_path"}
CONSTRAINTS = [1 if f in RISING else -1 if f in FALLING else 0 for f in EVIDENCE_FEATURES]


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    for label, method in (("free trees", None), ("monotone, basic", "basic"),
                          ("monotone, intermediate", "intermediate")):
        params = ranker_module.TREE_PARAMS | ({} if method is None else {
            "monotone_constraints": CONSTRAINTS, "monotone_constraints_method": method})
        with mock.patch.object(ranker_module, "TREE_PARAMS", params):
            fitted = TopRanker.fit(split.train, evidence, split.ranker_negatives, seed=seed)
        network = fitted.network(split.train.positives, data.n_genes)
        scores[f"ranker, {label}"] = fitted(network, evidence, listed.pairs)
    return analog_rows(name, protocol, seed, data.genes, listed, scores)


def main() -> None:
    analog_round(cell, __doc__.splitlines()[0], "selection-round24-monotone", "Round 24d",
                 "monotone trees", "select_monotone.py")


if __name__ == "__main__":
    main()
