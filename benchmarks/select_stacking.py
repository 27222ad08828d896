"""Model selection, round 5 (issue 12), on VALIDATION pairs only: does a stacking layer over
[SVM score, training degrees, |PCC|] make GNT at least as good as the priors a user computes in
one line, on every shared BEELINE set?

    .venv/bin/python benchmarks/select_stacking.py [--seeds 0,1] [--out DIR]

For every BEELINE set in ../shared/data (mDC ×2, mESC ×3, mHSC-L) and protocol (tf-matched,
candidates, the GENELink split), GNT and the GNE-MLP ablation are fitted on the training pairs;
on the validation pairs we score the SVM alone, the stacked score, degree and |PCC|. The
stacker is itself fitted on validation pairs, so its validation score is cross-fitted: the
validation pairs are split in two (stratified), the layer is fitted on one half and scores the
other, and the other way round. Test pairs are never scored. Each set × seed is a task on
Dask (a local cluster by default, --workers 0 for this process, --scheduler for a cluster).
Writes validation.csv / .md.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from gnt_core.io import load_beeline_folder, read_split_dir
from gnt_core.science.baselines import BASELINE_FUNCTIONS, pcc_scores
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import given_split, split_pairs
from gnt_core.science.stacking import Stacker
from gnt_core.settings import preset
from gnt_core.store.storage import write_bytes, write_table
from gnt_core.workflows.cluster import open_client, run_tasks

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = ["beeline-mdc/specific", "beeline-mdc/nonspecific", "beeline-mesc/specific",
        "beeline-mesc/nonspecific", "beeline-mesc/string", "beeline-mhsc-l/specific"]
PROTOCOLS = ("tf-matched", "candidates", "genelink")
SHOWN = ("auroc", "auprc", "reg_auroc", "reg_auprc")


def splits_for(data, folder: Path, seed: int):
    for protocol in PROTOCOLS:
        if protocol == "genelink":
            yield protocol, given_split(read_split_dir(folder / "splits-genelink", data.genes),
                                        data.edges, data.n_genes, seed)
        else:
            yield protocol, split_pairs(data.edges, data.n_genes, protocol=protocol, seed=seed,
                                        regulators=data.regulators)


def cross_fitted_stack(model: GNTLinkPredictor, expression: np.ndarray, val, seed: int
                       ) -> np.ndarray:
    """Stacked validation scores, each from a layer fitted on the other half of val. Round 5's
    inputs: SVM score, training degrees and |PCC| (round 10 added L3 to the product's layer)."""
    inputs = np.column_stack([model.svm_decision(val.pairs),
                              model.featurizer_.degree_features(val.pairs),
                              pcc_scores(val.pairs, expression)])
    rng = np.random.default_rng(seed)
    half = np.zeros(len(val), dtype=bool)
    for label in (0, 1):
        members = np.flatnonzero(val.labels == label)
        half[rng.choice(members, len(members) // 2, replace=False)] = True
    scores = np.empty(len(val))
    for fit_on in (half, ~half):
        layer = Stacker.fit(inputs[fit_on], val.labels[fit_on], seed)
        scores[~fit_on] = layer(inputs[~fit_on])
    return scores


def validation_recorder(data, split, base: dict, shown: tuple[str, ...], seed: int):
    """(rows, record): record(method, scores) appends the validation metrics of `scores` to
    rows; the priors (every baseline but random) are recorded already."""
    val, rows = split.val, []

    def record(method: str, scores: np.ndarray, **extra) -> None:
        metrics = evaluation_metrics(val.labels, scores, val.pairs[:, 0])
        rows.append(base | {"method": method, **{m: metrics[m] for m in shown}, **extra})

    for prior, function in BASELINE_FUNCTIONS.items():
        if prior != "random":
            record(prior, function(val.pairs, data.expression, split.train.positives, seed))
    return rows, record


def rows_for(data, name: str, protocol: str, split, seed: int) -> list[dict]:
    val = split.val
    rows, record = validation_recorder(data, split, {"dataset": name, "protocol": protocol,
                                                     "seed": seed}, SHOWN, seed)
    settings = preset("default", seed=seed)
    for architecture, label in (("transformer", "gnt"), ("mlp", "gne_mlp")):
        started = time.perf_counter()
        config = replace(settings.train, seed=seed, architecture=architecture)
        model = GNTLinkPredictor.from_settings(settings, config).fit(
            data.expression, split.train, split.val)
        seconds = time.perf_counter() - started
        record(f"{label} svm", model.svm_decision(val.pairs), fit_s=seconds)
        record(f"{label} stacked", cross_fitted_stack(model, data.expression, val, seed),
               fit_s=seconds)
    return rows


def cell(name: str, seed: int) -> list[dict]:
    """Every protocol of one set and seed (a task on the cluster)."""
    folder = SHARED / name
    data = load_beeline_folder(folder)
    return [row for protocol, split in splits_for(data, folder, seed)
            for row in rows_for(data, name, protocol, split, seed)]


def run_cells(function, tasks: dict, out: Path, scheduler: str | None,
              workers: int | None) -> pd.DataFrame:
    """function(*args) for each task on Dask (the engine of gnt benchmark); the rows are
    written to out/validation.csv as each task finishes, so a stopped run keeps its rows."""
    rows: list[dict] = []

    def keep(key, found: list[dict]) -> None:
        rows.extend(found)
        print(f"{' / '.join(map(str, key))}: done", flush=True)
        write_table(out / "validation.csv", pd.DataFrame(rows))

    with open_client(scheduler, workers) as client:
        run_tasks(client, function, tasks, keep)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/selection-round5"))
    parser.add_argument("--workers", type=int, help="local Dask workers (0: this process)")
    parser.add_argument("--scheduler", help="an existing Dask cluster's address")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    names = [n for n in args.sets.split(",") if (SHARED / n).is_dir()]
    table = run_cells(cell, {(n, s): (n, s) for n in names for s in seeds}, args.out,
                      args.scheduler, args.workers)
    summary = table.groupby(["dataset", "protocol", "method"], sort=False)[list(SHOWN)].mean()
    lines = [f"# Round 5: stacking, validation pairs only (mean over seeds {args.seeds})", "",
             f"Command: `.venv/bin/python benchmarks/select_stacking.py --seeds {args.seeds} "
             f"--out {args.out}`", "", "| dataset | protocol | method | " + " | ".join(SHOWN)
             + " |", "|---|---|---|" + "---|" * len(SHOWN)]
    lines += [f"| {' | '.join(index)} | " + " | ".join(f"{v:.3f}" for v in row) + " |"
              for index, row in summary.iterrows()]
    write_bytes(args.out / "validation.md", "\n".join(lines).encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
