"""Model selection, round 11 (issue 22), on VALIDATION pairs only: the ranker for the top of the
list (science/ranker.py) and the layer that adds GNT to it.

    .venv/bin/python benchmarks/select_ranker.py [--seeds 0,1] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Per cell (set, protocol, seed) GNT is fitted once on the default split, which now holds the
ranker's negatives (20 non-edges per training positive, taken out of the candidates test). Each
variant is scored on a validation list that ranks as the test does:

- candidates: the validation positives among EVERY universe pair that is not a training,
  validation or ranker pair. Those pairs are scored with the label 0 whatever they are; their
  labels (some are test edges) are never read, so a test edge counts against every method
  alike, as an unknown edge does in discovery. This is the natural prevalence itself, not a
  weighted estimate, so precision at k is exact.
- given (GENELink's split): its validation pairs as they are.

Variants: the free predictors (degree, |PCC|, L3); the SVM alone; the ranker alone (the stack
without GNT) with 5 or 20 negatives per training positive; and the ranker with GNT through the
logistic layer fitted on the validation pairs, class-balanced or weighted to natural prevalence
(cross-fitted over two halves of the validation positives, so that no layer scores a pair it
was fitted on). Writes validation.csv and validation.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from select_rank_layer import stratified_half
from select_stacking import SHARED
from select_top_of_list import natural_prevalence_split
from tables import mean_sd_markdown

from gnt_core.science.baselines import BASELINE_FUNCTIONS
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.pair_evidence import ExpressionEvidence
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.ranker import TopRanker
from gnt_core.science.splits import PairSet, pair_keys, regulator_gene_pairs
from gnt_core.science.stacking import Stacker
from gnt_core.store.storage import write_bytes, write_table
from gnt_core.vocabulary import METRIC_LABELS

SETS = ["beeline-mdc/specific", "beeline-mdc/nonspecific", "beeline-mesc/nonspecific",
        "beeline-mesc/string", "beeline-mhsc-l/specific"]
SHOWN = ("auroc", "auprc_ratio", "p_at_10", "p_at_50", "p_at_100", "reg_auroc")


def validation_list(data, split) -> PairSet:
    """Validation positives among every universe pair not used for fitting (see above)."""
    if split.protocol != "candidates":
        return split.val
    pairs = regulator_gene_pairs(data.n_genes, data.regulators)
    used = pair_keys(np.concatenate([split.train.pairs, split.val.pairs,
                                     split.ranker_negatives]), data.n_genes)
    unknown = pairs[~np.isin(pair_keys(pairs, data.n_genes), used)]
    positives = split.val.positives
    return PairSet(np.concatenate([positives, unknown]),
                   np.r_[np.ones(len(positives)), np.zeros(len(unknown))].astype(np.int8))


def free_scores(pairs: np.ndarray, data, train_positives: np.ndarray, seed: int
                ) -> dict[str, np.ndarray]:
    """The free predictors' scores of `pairs` (degree, |PCC|, L3), by name."""
    return {m: BASELINE_FUNCTIONS[m](pairs, data.expression, train_positives, seed)
            for m in ("degree", "pcc", "paths")}


def free_predictor_cell(name: str, protocol: str, seed: int):
    """(data, split, listed, expression evidence, scores): one cell's validation list and the
    free predictors' scores on it, for the rounds that compare rankers alone."""
    from select_top_of_list import natural_prevalence_split

    data, _, split, _, _ = natural_prevalence_split(name, protocol, seed)
    listed = validation_list(data, split)
    evidence = ExpressionEvidence.from_expression(data.expression, seed)
    scores = free_scores(listed.pairs, data, split.train.positives, seed)
    return data, split, listed, evidence, scores


def layered(model: GNTLinkPredictor, val: PairSet, listed: PairSet, fit_layer,
            seed: int) -> np.ndarray:
    """The ranker + SVM layer, each half of the validation pairs fitting (`fit_layer(inputs,
    labels, negative_weight)`) the layer that scores the listed pairs of the other half (listed
    negatives are split at random; `negative_weight` brings the half's negatives to the listed
    universe's prevalence)."""
    fit_inputs = np.column_stack([model.ranker_score(val.pairs), model.svm_decision(val.pairs)])
    list_inputs = np.column_stack([model.ranker_score(listed.pairs),
                                   model.svm_decision(listed.pairs)])
    n_genes = model.featurizer_.embeddings.shape[0]
    half = stratified_half(val.labels, seed)
    listed_keys = pair_keys(listed.pairs, n_genes)
    in_half = np.isin(listed_keys, pair_keys(val.pairs[half], n_genes))
    elsewhere = ~np.isin(listed_keys, pair_keys(val.pairs, n_genes))  # candidates' unknown pairs
    in_half |= elsewhere & (np.random.default_rng(seed).random(len(listed)) < 0.5)
    scores = np.empty(len(listed))
    for fit_on, scored in ((half, ~in_half), (~half, in_half)):
        labels = val.labels[fit_on]
        weight = (listed.labels == 0).sum() / max((labels == 0).sum(), 1)
        scores[scored] = fit_layer(fit_inputs[fit_on], labels, weight)(list_inputs[scored])
    return scores


def _weighted_layer(inputs: np.ndarray, labels: np.ndarray, weight: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    mean, scale = inputs.mean(axis=0), inputs.std(axis=0) + 1e-9
    model = LogisticRegression(random_state=seed).fit(
        (inputs - mean) / scale, labels, sample_weight=np.where(labels == 1, 1.0, weight))
    return lambda x: model.decision_function((x - mean) / scale)


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, _, _ = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings).fit(
        data.expression, split.train, split.val, ranker_negatives=split.ranker_negatives)
    listed = validation_list(data, split)
    scores = free_scores(listed.pairs, data, split.train.positives, seed)
    scores["svm alone"] = model.svm_decision(listed.pairs)
    scores["ranker alone (20 per positive)"] = model.ranker_score(listed.pairs)
    fewer = split.ranker_negatives[:5 * int(split.train.labels.sum())]
    fewer_ranker = TopRanker.fit(split.train, ExpressionEvidence.from_expression(
        data.expression, seed), fewer, seed=seed)
    scores["ranker alone (5 per positive)"] = fewer_ranker(*model.evidence_, listed.pairs)
    layers = {"balanced": lambda x, y, _: Stacker.fit(x, y, seed),
              "natural": lambda x, y, weight: _weighted_layer(x, y, weight, seed)}
    return layered_rows(name, protocol, seed, model, split.val, listed, scores, layers)


def layered_rows(name: str, protocol: str, seed: int, model: GNTLinkPredictor, val: PairSet,
                 listed: PairSet, scores: dict, layers: dict) -> list[dict]:
    """`scores` and each of `layers` (label -> layer fitter, see `layered`) measured on the
    listed pairs, one row per method."""
    for label, fit_layer in layers.items():
        scores[f"ranker + GNT, layer {label}"] = layered(model, val, listed, fit_layer, seed)
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0])}
            for method, s in scores.items()]


def grid(cell, description: str, round_name: str, *, sets: list[str] = SETS,
         protocols: str = "candidates,given", seeds: str = "0,1"
         ) -> tuple[argparse.Namespace, pd.DataFrame]:
    """The command line of a selection round (its defaults: `sets`, `protocols`, `seeds`), and
    `cell(set, protocol, seed)`'s rows over its grid (validation.csv rewritten after each
    cell)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", default=seeds)
    parser.add_argument("--sets", default=",".join(sets))
    parser.add_argument("--protocols", default=protocols)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / round_name)
    args = parser.parse_args()
    rows = []
    for name in (n for n in args.sets.split(",") if (SHARED / n).is_dir()):
        for protocol in args.protocols.split(","):
            for seed in map(int, args.seeds.split(",")):
                rows += cell(name, protocol, seed)
                write_table(args.out / "validation.csv", pd.DataFrame(rows))
                print(f"{name} / {protocol} / {seed}: done", flush=True)
    return args, pd.DataFrame(rows)


def write_validation(args: argparse.Namespace, table: pd.DataFrame, title: str,
                     script: str) -> None:
    """A round's validation.md: "# {title}, validation pairs only (seeds …)", the command that
    made it (`script` with the grid's arguments), and the mean ± sd table."""
    lines = [f"# {title}, validation pairs only (seeds {args.seeds})", "",
             f"Command: `.venv/bin/python benchmarks/{script} --seeds {args.seeds} --sets "
             f"{args.sets} --protocols {args.protocols}`", "",
             "Columns: " + ", ".join(METRIC_LABELS.get(m, m) for m in SHOWN) + ".", "",
             *mean_sd_markdown(table, ["dataset", "protocol", "method"], SHOWN)]
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round11")
    write_validation(args, table, "Round 11: the ranker for the top of the list",
                     "select_ranker.py")


if __name__ == "__main__":
    main()
