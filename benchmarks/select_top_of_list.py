"""Model selection, round 9 (issue 12), on VALIDATION pairs only: the top of the candidate list.

    .venv/bin/python benchmarks/select_top_of_list.py [--seeds 0,1] [--sets ...]

The first grid with the paths block showed L3 alone ranking the top of a natural-prevalence
list far better than GNT (AUPRC), while GNT's AUROC is higher. This round asks, on validation
pairs only, whether weighting the paths block more, or an SVM on the network blocks alone,
closes that gap. GNT's embeddings are fitted once per split and the classifier refitted per
variant. Validation at natural prevalence: for the candidates protocol the validation negatives
are a uniform sample of the candidate universe, so AUPRC is prevalence-corrected by weighting
each negative by (universe non-edges / validation negatives); for GENELink's split the
validation universe of round 6 is used (validation positives + uniform TF × gene non-pairs at
2 %). Writes validation.csv / .md.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from select_prior_shift import natural_validation
from select_stacking import SHARED
from sklearn.metrics import average_precision_score, roc_auc_score
from tables import mean_sd_markdown

from gnt_core.io import load_beeline_folder
from gnt_core.science.baselines import BASELINE_FUNCTIONS
from gnt_core.science.metrics import per_regulator_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.prior_shift import RegulatorPrior
from gnt_core.science.splits import is_regulator_balanced
from gnt_core.settings import RunSettings
from gnt_core.store.storage import write_bytes, write_table
from gnt_core.vocabulary import no_progress
from gnt_core.workflows.pipeline import make_split

SETS = ["beeline-mdc/nonspecific", "beeline-mesc/nonspecific"]
VARIANTS = ("hadamard+degree+paths", "hadamard+degree+paths*2", "hadamard+degree+paths*4",
            "degree+paths")
SHOWN = ("auroc", "auprc_ratio_natural", "reg_auroc")


def measured(labels: np.ndarray, scores: np.ndarray, regulators: np.ndarray,
             negative_weight: float) -> dict[str, float]:
    weights = np.where(labels == 1, 1.0, negative_weight)
    prevalence = labels.sum() / weights.sum()
    return {"auroc": roc_auc_score(labels, scores),
            "auprc_ratio_natural": average_precision_score(labels, scores,
                                                           sample_weight=weights) / prevalence,
            "reg_auroc": per_regulator_metrics(labels, scores, regulators)["reg_auroc"]}


def natural_prevalence_split(name: str, protocol: str, seed: int):
    """(data, settings, split, val, weight): the split of the default settings, and validation
    pairs that rank as the test universe does, each negative standing for `weight` pairs."""
    folder = SHARED / name
    data = load_beeline_folder(folder)
    settings = RunSettings(protocol=protocol, seed=seed, ablation=False,
                           split_dir=str(folder / "splits-genelink") if protocol == "given"
                           else None)
    settings = replace(settings, train=replace(settings.train, seed=seed))
    split = make_split(data, settings, no_progress, {})
    if protocol == "tf-matched":  # balanced per regulator, as its test
        val, weight = split.val, 1.0
    elif protocol != "given":  # uniform validation negatives stand for every non-edge
        val = split.val
        weight = (len(split.test) - split.test.labels.sum()) / (len(val) - val.labels.sum())
    elif is_regulator_balanced(split.train, data.n_genes):
        val, weight = natural_validation(data, split, seed), 1.0
    else:  # GENELink's "specific" splits: exhaustive within each TF, as their test
        val, weight = split.val, 1.0
    return data, settings, split, val, weight


def rows_with_priors(name: str, protocol: str, seed: int, data, split, val, weight: float,
                     scores: dict[str, np.ndarray]) -> list[dict]:
    """One row per scored method, the degree and L3 priors added, measured at natural
    prevalence."""
    for method in ("degree", "paths"):
        scores[method] = BASELINE_FUNCTIONS[method](val.pairs, data.expression,
                                                    split.train.positives, seed)
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **measured(val.labels, s, val.pairs[:, 0], weight)} for method, s in scores.items()]


def rows_of(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, val, weight = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings, settings.train)
    model.fit_embeddings(data.expression, split.train, split.val)
    balanced, scores = is_regulator_balanced(split.train, data.n_genes), {}
    for features in VARIANTS:  # each scored as the default would: with the prior shift if due
        model.set_params(features=features).fit_classifier(split.train)
        model.prior_ = None
        if balanced:
            model.prior_ = RegulatorPrior.fit(split.train, data.n_genes,
                                              model.decision_function(split.val.pairs),
                                              split.val.labels)
        scores[f"gnt {features}"] = model.decision_function(val.pairs)
    return rows_with_priors(name, protocol, seed, data, split, val, weight, scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "selection-round9")
    args = parser.parse_args()
    rows = [row for name in args.sets.split(",") if (SHARED / name).is_dir()
            for protocol in ("candidates", "given") for seed in map(int, args.seeds.split(","))
            for row in rows_of(name, protocol, seed)]
    table = pd.DataFrame(rows)
    write_table(args.out / "validation.csv", table)
    lines = [f"# Round 9: the top of the list, validation pairs at natural prevalence (seeds "
             f"{args.seeds})", ""] + mean_sd_markdown(table, ["dataset", "protocol", "method"],
                                                      SHOWN)
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
