"""Model selection, round 21 (issue 22), on VALIDATION pairs only: the size of the ranker's trees
and the number of bags.

    .venv/bin/python benchmarks/select_ranker_trees.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Rounds 11–18 chose the ranker's inputs, objective and fold shift with the trees' settings left
at round 11's first guess (300 trees of 15 leaves, learning rate 0.05, at least 20 rows a
leaf, 3 bags). Ghasemian et al. select their stacked forest's size by cross-validation; this
round does it on validation pairs. Variants, each the ranker alone (the stack without GNT, GNT
not fitted), scored on round 11's validation list:

- the default;
- smaller trees: 7 leaves, at least 50 rows a leaf (for networks of a few hundred edges);
- larger trees: 31 leaves, at least 10 rows a leaf, 600 trees (to follow the extremes of the
  path counts, where the top of the list lies);
- six bags instead of three (the head averaged over more folds and draws).

Writes validation.csv / .md.
"""

from __future__ import annotations

from unittest.mock import patch

from select_ranker import free_predictor_cell, grid, write_validation

from gnt_core.science import ranker as ranker_module
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.ranker import TopRanker

VARIANTS = {  # name: (tree parameters replaced, trees, bags)
    "ranker (default)": ({}, ranker_module.TREES, ranker_module.RANKER_BAGS),
    "smaller trees": ({"num_leaves": 7, "min_data_in_leaf": 50}, ranker_module.TREES,
                      ranker_module.RANKER_BAGS),
    "larger trees": ({"num_leaves": 31, "min_data_in_leaf": 10}, 600,
                     ranker_module.RANKER_BAGS),
    "six bags": ({}, ranker_module.TREES, 6),
}


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    edges = split.train.positives
    for variant, (params, trees, bags) in VARIANTS.items():
        with patch.dict(ranker_module.TREE_PARAMS, params), \
                patch.object(ranker_module, "TREES", trees):
            ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, bags=bags,
                                   seed=seed)
        scores[variant] = ranker(ranker.network(edges, data.n_genes), evidence, listed.pairs)
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0])}
            for method, s in scores.items()]


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round21", seeds="0,1,2")
    write_validation(args, table, "Round 21: the ranker's trees and bags", "select_ranker_trees.py")


if __name__ == "__main__":
    main()
