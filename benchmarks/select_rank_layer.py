"""Model selection, round 10 (issue 12), on VALIDATION pairs only: a rank-level layer for the
top of the candidate list.

    .venv/bin/python benchmarks/select_rank_layer.py [--seeds 0,1] [--sets ...]
        [--protocols candidates,given] [--workers 0] [--out DIR]

Round 9 left L3 alone ahead of GNT at the top of a natural-prevalence list (AUPRC) while GNT
leads on AUROC and per regulator. This round fits a logistic layer on the validation pairs over
the SVM's score, the training degrees and the two L3 path features (log paths both ways, and
their asymmetry), with the negatives either class-balanced (as the round-5 stacker) or weighted
up to the size of the universe they stand for (natural prevalence, so that the fit cares about
the pairs at the top). The layer is cross-fitted (fitted on one stratified half of the
validation pairs, scored on the other, both ways), and judged at natural prevalence exactly as
round 9 (candidates: uniform validation negatives weighted to the candidate universe; GENELink's
regulator-balanced splits: round 6's natural validation universe; its "specific" splits, which
are exhaustive within each TF like their test: the validation pairs as they are; tf-matched:
its regulator-balanced validation pairs, as its test). Test pairs are never scored.
Writes validation.csv / .md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from select_stacking import SHARED, run_cells
from select_top_of_list import natural_prevalence_split, rows_with_priors
from sklearn.linear_model import LogisticRegression
from tables import mean_sd_markdown

from gnt_core.science.baselines import pcc_scores
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.prior_shift import RegulatorPrior
from gnt_core.science.splits import is_regulator_balanced
from gnt_core.store.storage import write_bytes, write_table

SETS = ["beeline-mdc/specific", "beeline-mdc/nonspecific", "beeline-mesc/nonspecific",
        "beeline-mesc/string", "beeline-mhsc-l/specific"]
SHOWN = ("auroc", "auprc_ratio_natural", "reg_auroc")
LAYERS = {  # name: (input columns, negatives weighted to natural prevalence)
    "svm+degree+pcc balanced (round 5)": (["svm", "degree", "pcc"], False),
    "svm+degree+L3 balanced": (["svm", "degree", "paths"], False),
    "svm+degree+pcc+L3 balanced": (["svm", "degree", "pcc", "paths"], False),
    "svm+degree+L3 natural": (["svm", "degree", "paths"], True),
    "svm+L3 natural": (["svm", "paths"], True),
}


def stratified_half(labels: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    half = np.zeros(len(labels), dtype=bool)
    for label in (0, 1):
        members = np.flatnonzero(labels == label)
        half[rng.choice(members, len(members) // 2, replace=False)] = True
    return half


def fitted_layer(x: np.ndarray, y: np.ndarray, negative_weight: float | None = None):
    """A logistic layer on standardised inputs (negative_weight None: class-balanced)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    weights = None if negative_weight is None else np.where(y == 1, 1.0, negative_weight)
    layer = LogisticRegression(C=1.0, class_weight=None if weights is not None else "balanced",
                               max_iter=1000)
    layer.fit((x - mean) / scale, y, sample_weight=weights)
    return lambda inputs: layer.decision_function((inputs - mean) / scale)


def cross_fitted(inputs: np.ndarray, labels: np.ndarray, negative_weight: float | None,
                 seed: int) -> np.ndarray:
    """Scores of a logistic layer fitted on the other stratified half (None: balanced)."""
    half = stratified_half(labels, seed)
    scores = np.empty(len(labels))
    for fit_on in (half, ~half):
        layer = fitted_layer(inputs[fit_on], labels[fit_on], negative_weight)
        scores[~fit_on] = layer(inputs[~fit_on])
    return scores


def as_the_product_would(model: GNTLinkPredictor, data, split, val, seed: int) -> np.ndarray:
    """The balanced svm + degree + L3 layer fitted on the peer's own (regulator-balanced)
    validation pairs, then the regulator prior shift Platt-scaled on the layer's scores, as
    the product would do it; scored on the natural validation universe `val`. The universe
    shares its positives with the peer's validation pairs, so this is cross-fitted too: each
    half of the peer's pairs fits a layer that scores the other half's positives and half of
    the universe's negatives."""
    def inputs(pairs):
        return np.column_stack([model.svm_decision(pairs),
                                model.featurizer_.degree_features(pairs),
                                model.featurizer_.paths_features(pairs)])
    peer, peer_inputs, val_inputs = split.val, inputs(split.val.pairs), inputs(val.pairs)
    half = stratified_half(peer.labels, seed)
    fitted_on = {tuple(p) for p in peer.pairs[half].tolist()}
    positive_in_half = np.array([tuple(p) in fitted_on for p in val.pairs.tolist()])
    negative_in_half = (val.labels == 0) & np.random.default_rng(seed).integers(0, 2, len(val),
                                                                                dtype=bool)
    scores = np.full(len(val), np.nan)
    for fit_on, scored in ((half, (val.labels == 1) & ~positive_in_half | negative_in_half),
                           (~half, (val.labels == 1) & positive_in_half
                            | (val.labels == 0) & ~negative_in_half)):
        layer = fitted_layer(peer_inputs[fit_on], peer.labels[fit_on])
        prior = RegulatorPrior.fit(split.train, data.n_genes, layer(peer_inputs[fit_on]),
                                   peer.labels[fit_on])
        scores[scored] = prior(layer(val_inputs[scored]), val.pairs[scored])
    assert not np.isnan(scores).any()
    return scores


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, val, weight = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings).fit(data.expression, split.train,
                                                         split.val)
    svm = model.svm_decision(val.pairs)
    degree = model.featurizer_.degree_features(val.pairs)
    columns = {"svm": svm[:, None], "degree": degree,
               "pcc": pcc_scores(val.pairs, data.expression)[:, None],
               "paths": model.featurizer_.paths_features(val.pairs)}
    scores = {"gnt (default)": model.decision_function(val.pairs)}
    for layer, (inputs, natural) in LAYERS.items():
        scores[f"gnt + layer {layer}"] = cross_fitted(
            np.column_stack([columns[c] for c in inputs]), val.labels,
            weight if natural else None, seed)
    if protocol == "given" and is_regulator_balanced(split.train, data.n_genes):
        scores["gnt + layer svm+degree+L3 balanced, as the product"] = as_the_product_would(
            model, data, split, val, seed)
    return rows_with_priors(name, protocol, seed, data, split, val, weight, scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "selection-round10")
    parser.add_argument("--protocols", default="candidates,given")
    parser.add_argument("--workers", type=int, help="local Dask workers (0: this process)")
    parser.add_argument("--scheduler", help="an existing Dask cluster's address")
    args = parser.parse_args()
    tasks = {(name, protocol, int(seed)): (name, protocol, int(seed))
             for name in args.sets.split(",") if (SHARED / name).is_dir()
             for protocol in args.protocols.split(",") for seed in args.seeds.split(",")}
    table = run_cells(cell, tasks, args.out, args.scheduler, args.workers)
    write_table(args.out / "validation.csv", table)
    lines = [f"# Round 10: a rank-level layer on validation pairs (seeds {args.seeds})", "",
             f"Command: `.venv/bin/python benchmarks/select_rank_layer.py --seeds {args.seeds} "
             f"--protocols {args.protocols} --out {args.out}`", ""]
    lines += mean_sd_markdown(table, ["dataset", "protocol", "method"], SHOWN)
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
