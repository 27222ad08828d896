"""Model selection, round 7 (issue 12), on VALIDATION pairs only: is there expression evidence
that GNT's pair features lack? Candidate levers scored alone, beside the priors.

    .venv/bin/python benchmarks/select_expression_evidence.py [--seeds 0,1] [--out DIR]

For every shared BEELINE set: |partial correlation| (Ledoit-Wolf shrunk precision matrix of the
z-scored profiles) and GENIE3-style tree importance (for each gene, an ExtraTrees regression of
its profile on the listed TFs' profiles; the importance of regulator r for gene g), both computed
once per set from expression alone; scored on the validation pairs of tf-matched and candidates
splits (seeds as given) beside degree and |PCC|. A lever is worth adding to the pair features
only where it beats |PCC| and reaches GNT's own validation figures (round 5,
results/selection-round5/validation.csv), above all per regulator. Writes validation.csv / .md.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.covariance import LedoitWolf
from sklearn.ensemble import ExtraTreesRegressor
from tables import mean_sd_markdown

from gnt_core.io import load_beeline_folder
from gnt_core.science.baselines import degree_scores, pcc_scores
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.preprocess import standardise
from gnt_core.science.splits import split_pairs
from gnt_core.store.storage import write_bytes, write_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = ["beeline-mdc/specific", "beeline-mdc/nonspecific", "beeline-mesc/specific",
        "beeline-mesc/nonspecific", "beeline-mesc/string", "beeline-mhsc-l/specific"]
SHOWN = ("auroc", "auprc_ratio", "reg_auroc", "reg_auprc")


def partial_correlation(expression: np.ndarray) -> np.ndarray:
    """|partial correlation| of every gene pair, (genes, genes)."""
    precision = LedoitWolf().fit(standardise(expression).T).precision_
    scale = np.sqrt(np.diag(precision))
    return np.abs(precision / scale[:, None] / scale[None, :])


def tree_importance(expression: np.ndarray, regulators: np.ndarray, seed: int = 0,
                    trees: int = 100) -> np.ndarray:
    """GENIE3-style importance[r, g] of regulator r's profile for gene g's (ExtraTrees)."""
    profiles = standardise(expression)
    importance = np.zeros((len(expression), len(expression)))
    for gene in range(len(expression)):
        inputs = regulators[regulators != gene]
        model = ExtraTreesRegressor(trees, max_features="sqrt", random_state=seed, n_jobs=1)
        model.fit(profiles[inputs].T, profiles[gene])
        importance[inputs, gene] = model.feature_importances_
    return importance


def evidence(data, cache: dict) -> tuple[np.ndarray, float, np.ndarray, float]:
    """Partial correlations and tree importances with their seconds, once per expression
    matrix and TF list (the networks of one cell type share them)."""
    tfs = np.asarray(data.tf_list if data.tf_list is not None else data.regulators)
    key = hashlib.sha256(data.expression.tobytes() + tfs.tobytes()).hexdigest()
    if key not in cache:
        started = time.perf_counter()
        pcor = partial_correlation(data.expression)
        pcor_s = time.perf_counter() - started
        started = time.perf_counter()
        cache[key] = (pcor, pcor_s, tree_importance(data.expression, tfs),
                      time.perf_counter() - started)
    return cache[key]


def rows_of(name: str, seeds: list[int], cache: dict) -> list[dict]:
    data = load_beeline_folder(SHARED / name)
    pcor, pcor_s, trees, trees_s = evidence(data, cache)
    print(f"{name}: pcor {pcor_s:.1f} s, trees {trees_s:.1f} s", flush=True)
    rows = []
    for protocol in ("tf-matched", "candidates"):
        for seed in seeds:
            split = split_pairs(data.edges, data.n_genes, protocol=protocol, seed=seed,
                                regulators=data.regulators)
            val, (a, b) = split.val, split.val.pairs.T
            scores = {"degree": degree_scores(val.pairs, data.expression, split.train.positives),
                      "pcc": pcc_scores(val.pairs, data.expression),
                      "partial correlation": pcor[a, b],
                      "tree importance (regulator → gene)": trees[a, b],
                      "tree importance (max of both ways)": np.maximum(trees[a, b], trees[b, a])}
            for method, values in scores.items():
                metrics = evaluation_metrics(val.labels, values, a)
                rows.append({"dataset": name, "protocol": protocol, "seed": seed,
                             "method": method, "pcor_s": pcor_s, "trees_s": trees_s,
                             **{k: metrics[k] for k in SHOWN}})
    return rows


def summarise(table: pd.DataFrame, out: Path) -> str:
    text = "\n".join(mean_sd_markdown(table, ["dataset", "protocol", "method"], SHOWN)) + "\n"
    write_bytes(out / "validation.md", text.encode())
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "selection-round7")
    args = parser.parse_args()
    seeds, cache = [int(s) for s in args.seeds.split(",")], {}
    table = pd.DataFrame([row for name in args.sets.split(",") if (SHARED / name).is_dir()
                          for row in rows_of(name, seeds, cache)])
    write_table(args.out / "validation.csv", table)
    print(summarise(table, args.out))


if __name__ == "__main__":
    main()
