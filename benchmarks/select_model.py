"""Model selection for issue 6, on VALIDATION pairs only (test pairs are never scored here).

    .venv/bin/python benchmarks/select_model.py [--seeds 0,1,2] [--out benchmarks/results/selection]

For each mDC network and each protocol (tf-matched, candidates, and GENELink's own split),
phase 1 is trained once per phase-1 setting and seed; every pair-feature / SVM variant is then
fitted on the same embeddings and scored on the validation pairs, beside the baselines and the
GNE-MLP ablation on the same pairs. Writes validation.csv and validation.md.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from gnt_core.io import load_beeline_folder, read_split_dir
from gnt_core.science.baselines import BASELINE_FUNCTIONS
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import given_split, split_pairs
from gnt_core.settings import TrainConfig
from gnt_core.store.storage import write_bytes, write_table

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "beeline-mdc"
PHASE1 = {"paper": TrainConfig(), "alpha0": TrainConfig(alpha=0.0),
          "mlp": TrainConfig(architecture="mlp"),
          "groups4": TrainConfig(cell_groups=4), "groups8": TrainConfig(cell_groups=8),
          "mlp groups4": TrainConfig(architecture="mlp", cell_groups=4)}
# name -> predictor settings for phases 2-3 (pair features, SVM C, class weight, gamma scale)
CLASSIFIERS = {
    "hadamard": {"features": "hadamard"},
    "hadamard+degree": {"features": "hadamard+degree"},
    "hadamard+logits": {"features": "hadamard+logits"},
    "hadamard+logits+degree": {"features": "hadamard+logits+degree"},
    "logits+degree": {"features": "logits+degree"},
    "directed+logits+degree": {"features": "directed+logits+degree"},
    "hadamard+logits+degree C=10": {"features": "hadamard+logits+degree", "svm_c": 10.0},
    "hadamard+logits+degree balanced": {"features": "hadamard+logits+degree",
                                        "class_weight": "balanced"},
    "degree (SVM on degrees only)": {"features": "degree"},
    "logits": {"features": "logits"},
}
SWEEP = {  # second round, around the best of the first (hadamard+degree)
    "hadamard+degree*0.5": {"features": "hadamard+degree*0.5"},
    "hadamard+degree": {"features": "hadamard+degree"},
    "hadamard+degree*2": {"features": "hadamard+degree*2"},
    "hadamard+degree*4": {"features": "hadamard+degree*4"},
    "hadamard+degree gamma/2": {"features": "hadamard+degree", "svm_gamma_scale": 0.5},
    "hadamard+degree gamma*2": {"features": "hadamard+degree", "svm_gamma_scale": 2.0},
    "hadamard+degree C=0.3": {"features": "hadamard+degree", "svm_c": 0.3},
    "hadamard+degree C=3": {"features": "hadamard+degree", "svm_c": 3.0},
    "hadamard+degree*2 C=3": {"features": "hadamard+degree*2", "svm_c": 3.0},
    "hadamard (paper)": {"features": "hadamard"},
}
BALANCED = {  # third round: class weights, which only change fits on imbalanced training sets
    "hadamard+degree gamma/2": {"features": "hadamard+degree", "svm_gamma_scale": 0.5},
    "hadamard+degree gamma/2 balanced": {"features": "hadamard+degree", "svm_gamma_scale": 0.5,
                                         "class_weight": "balanced"},
    "hadamard+degree*2 gamma/2 balanced": {"features": "hadamard+degree*2",
                                           "svm_gamma_scale": 0.5, "class_weight": "balanced"},
}
CURRENT = {  # fourth round: the default classifier on phase-1 variants (cell-group tokens)
    "hadamard+degree gamma/2 balanced": {"features": "hadamard+degree", "svm_gamma_scale": 0.5,
                                         "class_weight": "balanced"},
}
DEFAULT_CLASSIFIER = {"features": "hadamard", "svm_c": 1.0, "class_weight": None,
                      "svm_gamma_scale": 1.0}


def splits_for(data, network: str, seed: int, protocols: list[str]) -> dict:
    out = {protocol: split_pairs(data.edges, data.n_genes, protocol=protocol, seed=seed,
                                 regulators=data.regulators)
           for protocol in protocols if protocol != "genelink"}
    if "genelink" in protocols:
        given = read_split_dir(DATA / network / "splits-genelink", data.genes)
        out["genelink"] = given_split(given, data.edges, data.n_genes, seed)
    return out


def rows_for(data, network: str, protocol: str, split, seed: int, classifiers: dict,
             phase1_configs: dict) -> list[dict]:
    base = {"network": network, "protocol": protocol, "seed": seed}
    val = split.val
    rows = []
    for name, function in BASELINE_FUNCTIONS.items():
        scores = function(val.pairs, data.expression, split.train.positives, seed)
        rows.append(base | {"phase1": "-", "classifier": name}
                    | _metrics(val.labels, scores))
    for phase1, config in phase1_configs.items():
        started = time.perf_counter()
        model = GNTLinkPredictor(replace(config, seed=seed)).fit_embeddings(
            data.expression, split.train, split.val)
        phase1_s = time.perf_counter() - started
        for name, options in classifiers.items():
            if phase1 != "paper" and name not in ("hadamard", "hadamard+logits+degree",
                                                  "hadamard+degree*2",
                                                  "hadamard+degree gamma/2 balanced"):
                continue
            model.set_params(**(DEFAULT_CLASSIFIER | options)).fit_classifier(split.train)
            rows.append(base | {"phase1": phase1, "classifier": name, "phase1_s": phase1_s}
                        | _metrics(val.labels, model.decision_function(val.pairs)))
    return rows


def _metrics(labels, scores) -> dict:
    m = evaluation_metrics(labels, scores)
    return {"auroc": m["auroc"], "auprc": m["auprc"], "auprc_ratio": m["auprc_ratio"]}


def markdown_table(frame: pd.DataFrame) -> list[str]:
    columns = [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c)
               for c in frame.columns]
    lines = ["| phase 1 | classifier | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for index, row in frame.iterrows():
        lines.append(f"| {index[0]} | {index[1]} | " + " | ".join(f"{v:.3f}" for v in row)
                     + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/selection"))
    parser.add_argument("--protocols", default="tf-matched,candidates,genelink")
    parser.add_argument("--networks", default="specific,nonspecific")
    parser.add_argument("--round", type=int, default=1, choices=[1, 2, 3, 4],
                        help="1: feature blocks; 2: weights, gamma, C around hadamard+degree; "
                             "3: class weights; 4: cell-group tokens in phase 1")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for network in args.networks.split(","):
        data = load_beeline_folder(DATA / network)
        for seed in seeds:
            for protocol, split in splits_for(data, network, seed,
                                              args.protocols.split(",")).items():
                print(f"{network} {protocol} seed {seed}", flush=True)
                classifiers = {1: CLASSIFIERS, 2: SWEEP, 3: BALANCED, 4: CURRENT}[args.round]
                phase1 = {1: ("paper", "alpha0", "mlp"), 2: ("paper", "mlp"), 3: ("paper",),
                          4: ("paper", "groups4", "groups8", "mlp", "mlp groups4")}[args.round]
                rows += rows_for(data, network, protocol, split, seed, classifiers,
                                 {k: PHASE1[k] for k in phase1})
    table = pd.DataFrame(rows)
    write_table(args.out / "validation.csv", table)
    summary = table.groupby(["phase1", "classifier", "network", "protocol"])[
        ["auroc", "auprc_ratio"]].mean().unstack(["network", "protocol"])
    lines = [f"# Validation results (mean over seeds {args.seeds}; no test pair scored)", "",
             f"Command: `.venv/bin/python benchmarks/select_model.py --seeds {args.seeds} "
             f"--protocols {args.protocols} --networks {args.networks} --out {args.out} "
             f"--round {args.round}`", ""]
    for metric in ("auroc", "auprc_ratio"):
        part = summary[metric].round(3)
        lines += [f"## {metric}", "", *markdown_table(part), ""]
    write_bytes(args.out / "validation.md", "\n".join(lines).encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
