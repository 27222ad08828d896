"""Model selection, round 6 (issue 12), on VALIDATION pairs only: after regulator-balanced
training (GENELink's splits of non-specific and STRING networks), does the regulator prior shift
rank a natural universe better than the SVM alone, and as well as the priors?

    .venv/bin/python benchmarks/select_prior_shift.py [--seeds 0,1] [--out DIR]

GENELink's validation pairs are balanced per TF like its training pairs, so they cannot show how
a model ranks all TF × gene pairs. This script builds a natural validation universe instead:
the validation positives and, as in GENELink's test, negatives whose TF is drawn uniformly from
all listed TFs (edgeless ones included) and whose gene is drawn uniformly from all genes, at 2 %
prevalence; no known edge and no pair of the split's train/val/test files is drawn. Test labels
and test scores are never used. Writes validation.csv / .md.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from tables import mean_sd_markdown

from gnt_core.io import load_beeline_folder
from gnt_core.science.baselines import BASELINE_FUNCTIONS
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.splits import PairSet, is_regulator_balanced, pair_keys
from gnt_core.settings import RunSettings
from gnt_core.store.storage import write_bytes, write_table
from gnt_core.vocabulary import no_progress
from gnt_core.workflows.pipeline import fit_methods, make_split

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = ["beeline-mdc/nonspecific", "beeline-mesc/nonspecific", "beeline-mesc/string",
        "beeline-mdc/specific", "beeline-mesc/specific", "beeline-mhsc-l/specific"]
PREVALENCE = 0.02
SHOWN = ("auroc", "auprc_ratio", "reg_auroc")


def natural_validation(data, split, seed: int) -> PairSet:
    """Validation positives among uniform (listed TF, gene) non-pairs at PREVALENCE."""
    rng = np.random.default_rng(1000 + seed)
    tfs = data.tf_list if data.tf_list is not None else data.regulators
    blocked = set(pair_keys(np.concatenate([split.known_pairs, split.train.pairs,
                                            split.val.pairs, split.test.pairs]),
                            data.n_genes).tolist())
    positives = split.val.positives
    negatives = []
    while len(negatives) < int(len(positives) / PREVALENCE) - len(positives):
        a, b = int(tfs[rng.integers(len(tfs))]), int(rng.integers(data.n_genes))
        key = min(a, b) * data.n_genes + max(a, b)
        if a != b and key not in blocked:
            blocked.add(key)
            negatives.append((a, b))
    pairs = np.concatenate([positives, np.array(negatives, dtype=np.int64)])
    return PairSet(pairs, np.repeat([1, 0], [len(positives), len(negatives)]).astype(np.int8))


def rows_of(name: str, seed: int) -> list[dict]:
    folder = SHARED / name
    data = load_beeline_folder(folder)
    settings = RunSettings(protocol="given", seed=seed, split_dir=str(folder / "splits-genelink"),
                           ablation=False)
    settings = replace(settings, train=replace(settings.train, seed=seed))
    split = make_split(data, settings, no_progress, {})
    if not is_regulator_balanced(split.train, data.n_genes):
        return [{"dataset": name, "seed": seed, "method": "(not regulator-balanced: no shift)"}]
    started = time.perf_counter()
    model = fit_methods(data, split, settings, no_progress, {})["gnt"]
    seconds = time.perf_counter() - started
    val = natural_validation(data, split, seed)
    scores = {"gnt svm": model.svm_decision(val.pairs),
              "gnt svm + prior shift": model.decision_function(val.pairs)}
    for method, function in BASELINE_FUNCTIONS.items():
        scores[method] = function(val.pairs, data.expression, split.train.positives, seed)
    return [{"dataset": name, "seed": seed, "method": method, "fit_s": seconds,
             "platt_slope": model.prior_.slope,
             **{k: v for k, v in evaluation_metrics(val.labels, s, val.pairs[:, 0]).items()
                if k in SHOWN}} for method, s in scores.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "selection-round6")
    args = parser.parse_args()
    rows = [row for name in args.sets.split(",") if (SHARED / name).is_dir()
            for seed in map(int, args.seeds.split(",")) for row in rows_of(name, seed)]
    table = pd.DataFrame(rows)
    write_table(args.out / "validation.csv", table)
    print(summarise(table, args.out))


def summarise(table: pd.DataFrame, out: Path) -> str:
    """Mean ± sd over seeds per set and method, as validation.md."""
    lines = mean_sd_markdown(table, ["dataset", "method"], SHOWN)
    skipped = sorted(set(table.dataset) - set(table.dropna(subset=list(SHOWN)).dataset))
    if skipped:
        lines += ["", f"Not regulator-balanced (no shift): {', '.join(skipped)}"]
    text = "\n".join(lines) + "\n"
    write_bytes(out / "validation.md", text.encode())
    return text


if __name__ == "__main__":
    main()
