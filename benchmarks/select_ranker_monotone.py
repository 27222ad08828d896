"""Model selection, round 16 (issue 22), on VALIDATION pairs only: does a ranker whose trees may
only rise with the path evidence hold the top of the list on a small network?

    .venv/bin/python benchmarks/select_ranker_monotone.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

On mDC specific (605 training edges) L3 alone leads the ranker at the top. With so few edges
300 trees can learn steps that go down as a path count goes up, which no link predictor
justifies. Variants of the ranker alone (the stack without GNT), each scored on round 11's
validation list (select_ranker.py):

- the default trees;
- the same trees constrained (LightGBM `monotone_constraints`) to be non-decreasing in the
  forward path and neighbourhood counts (common neighbours, Adamic-Adar, resource allocation,
  Jaccard, L3 and its forms, two-paths, shared regulators and targets, PageRank, the SVD score)
  and non-increasing in the shortest-path length; degrees, reverse-direction columns and
  expression stay free.

GNT is not fitted. Writes validation.csv / .md.
"""

from __future__ import annotations

from unittest.mock import patch

from select_ranker import free_predictor_cell, grid, write_validation

from gnt_core.science import ranker as ranker_module
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.pair_evidence import EVIDENCE_FEATURES
from gnt_core.science.ranker import TopRanker

RISING = ("common_neighbours", "adamic_adar", "resource_allocation", "jaccard", "l3_undirected",
          "pagerank", "shared_regulators", "shared_targets", "two_paths", "l3", "l3_normalised",
          "svd")
FALLING = ("shortest_path",)
MONOTONE = [1 if f in RISING else -1 if f in FALLING else 0 for f in EVIDENCE_FEATURES]
VARIANTS = {"ranker": {"TREE_PARAMS": ranker_module.TREE_PARAMS},  # as it is
            "ranker, monotone": {"TREE_PARAMS": ranker_module.TREE_PARAMS | {
                "monotone_constraints": MONOTONE, "monotone_constraints_method": "advanced"}}}


def variant_rows(name: str, protocol: str, seed: int, variants: dict[str, dict]) -> list[dict]:
    """Round 11's validation list of one cell, scored by the free predictors and by the ranker
    alone under each variant (name -> attributes of ranker.py it replaces while fitting)."""
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    edges = split.train.positives
    for method, replaced in variants.items():
        with patch.multiple(ranker_module, **replaced):
            ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, seed=seed)
        scores[method] = ranker(ranker.network(edges, data.n_genes), evidence, listed.pairs)
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0])}
            for method, s in scores.items()]


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    return variant_rows(name, protocol, seed, VARIANTS)


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round16")
    write_validation(args, table, "Round 16: monotone trees", "select_ranker_monotone.py")


if __name__ == "__main__":
    main()
