"""Model selection, round 17 (issue 22), on VALIDATION pairs only: does a ranker fitted to rank
(LambdaMART) rather than to classify hold the top of the list better?

    .venv/bin/python benchmarks/select_ranker_objective.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates] [--out DIR]

The default trees minimise the log-loss of every training row, the negatives weighted up to
natural prevalence: a pair in the middle of the list counts as much as one at the top. A
learning-to-rank objective counts only the order, and LambdaMART (LightGBM `lambdarank`,
truncated at the first 30 places of each list) mostly the order at the top of each list. The
rows are the ranker's own cross-fitted rows (ranker.py), cut into lists:

- random lists: the rows shuffled into lists of 256, as they are (about 1 edge in 21 rows);
- lists at natural prevalence: each list holds k training edges and 100 - k negatives drawn in
  proportion to the pairs they stand for, k = 100 x the universe's prevalence (at least 1), so
  that the first places of a list are the first places of the list a biologist reads;
- the same lists under `rank_xendcg` (a listwise loss, cross-entropy of the top-one
  probabilities).

A ranking objective gives scores, not log-odds: the two directions of a pair are combined as if
they were (ranker.either_way), which keeps the order within one direction. Each variant is the
ranker alone (the stack without GNT), GNT not fitted, scored on round 11's validation list.
Writes validation.csv / .md.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from select_ranker import grid, write_validation
from select_ranker_monotone import variant_rows

from gnt_core.science import ranker as ranker_module
from gnt_core.science.pair_evidence import EVIDENCE_FEATURES

UNBAGGED = {k: v for k, v in ranker_module.TREE_PARAMS.items()
            if k not in ("bagging_fraction", "bagging_freq")}  # bagging would cut the lists


def random_lists(labels: np.ndarray, weights: np.ndarray, rng: np.random.Generator,
                 size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """(row index, list sizes): every row once, in shuffled lists of `size`."""
    index = rng.permutation(len(labels))
    sizes = np.full(len(index) // size, size)
    if len(index) % size:
        sizes = np.r_[sizes, len(index) % size]
    return index, sizes


def natural_lists(labels: np.ndarray, weights: np.ndarray, rng: np.random.Generator,
                  size: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """(row index, list sizes): every edge once; each list k edges and size - k negatives
    drawn by the pairs they stand for (see the module docstring)."""
    edges, negatives = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    per_list = max(1, round(size * len(edges) / weights.sum()))
    chunks = np.array_split(rng.permutation(edges), max(1, len(edges) // per_list))
    drawn = rng.choice(negatives, size=(len(chunks), size - per_list),
                       p=weights[negatives] / weights[negatives].sum())
    index = np.concatenate([np.r_[chunk, row] for chunk, row in zip(chunks, drawn, strict=True)])
    return index, np.array([len(chunk) + drawn.shape[1] for chunk in chunks])


def fit_ranking(rows: np.ndarray, labels: np.ndarray, weights: np.ndarray, seed: int, *,
                objective: str, lists) -> str:
    """ranker._fit_trees's replacement: the trees fitted to order each list."""
    import lightgbm

    index, sizes = lists(labels, weights, np.random.default_rng(seed))
    params = UNBAGGED | {"objective": objective, "seed": seed, "num_threads": 1}
    data = lightgbm.Dataset(rows[index], labels[index], group=sizes,
                            feature_name=list(EVIDENCE_FEATURES), free_raw_data=True)
    return lightgbm.train(params, data, num_boost_round=ranker_module.TREES).model_to_string()


VARIANTS = {
    "ranker": {"TREE_PARAMS": ranker_module.TREE_PARAMS},  # as it is
    "ranker, lambdarank, random lists": {"_fit_trees": partial(
        fit_ranking, objective="lambdarank", lists=random_lists)},
    "ranker, lambdarank, natural lists": {"_fit_trees": partial(
        fit_ranking, objective="lambdarank", lists=natural_lists)},
    "ranker, xendcg, natural lists": {"_fit_trees": partial(
        fit_ranking, objective="rank_xendcg", lists=natural_lists)},
}


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    return variant_rows(name, protocol, seed, VARIANTS)


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round17")
    write_validation(args, table, "Round 17: a ranking objective", "select_ranker_objective.py")


if __name__ == "__main__":
    main()
