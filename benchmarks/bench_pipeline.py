"""Wall time of each pipeline step on BEELINE mDC (default: non-specific network).

    .venv/bin/python benchmarks/bench_pipeline.py [--network nonspecific] [--repeats 3]

Prints the median over repeats of: load, split, phase-1 training (total and per epoch), SVM
fit, candidate scoring (all regulator × gene pairs, pairs/s), the GNT pipeline (load + train +
SVM + scoring) and the full `run_pipeline` (adds the GNE-MLP ablation, baselines, metrics and
writing the run), with the default's stacking layer and, side by side, without it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch

from gnt_core.io import load_beeline_folder
from gnt_core.science.candidates import candidate_pairs, score_pairs
from gnt_core.science.device import resolve_device
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import split_pairs
from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.store.run import new_run_dir
from gnt_core.workflows.pipeline import run_pipeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "beeline-mdc"


def once(folder: Path, epochs: int, device: str) -> dict[str, float]:
    t = {}
    start = time.perf_counter()
    data = load_beeline_folder(folder)
    t["load_s"] = time.perf_counter() - start
    mark = time.perf_counter()
    split = split_pairs(data.edges, data.n_genes, protocol="random", seed=0)
    t["split_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    model = GNTLinkPredictor(TrainConfig(epochs=epochs, device=device)).fit(
        data.expression, split.train, split.val)
    fit_s = time.perf_counter() - mark
    t["phase1_s"] = model.training_.seconds
    t["epoch_s"] = model.training_.seconds / epochs
    t["svm_fit_s"] = fit_s - model.training_.seconds
    pairs = candidate_pairs(data, "regulators")
    mark = time.perf_counter()
    score_pairs(model, pairs, device=device)
    t["score_s"] = time.perf_counter() - mark
    t["score_pairs"] = len(pairs)
    t["pairs_per_s"] = len(pairs) / t["score_s"]
    t["gnt_pipeline_s"] = time.perf_counter() - start
    for stacking, key in ((True, "full_run_pipeline_s"), (False, "without_stacking_s")):
        with tempfile.TemporaryDirectory() as root:
            mark = time.perf_counter()
            run_pipeline(data, RunSettings(stacking=stacking, train=TrainConfig(
                epochs=epochs, device=device)), new_run_dir(root, "bench"))
            t[key] = time.perf_counter() - mark
    t["stacking_cost_ratio"] = t["full_run_pipeline_s"] / t["without_stacking_s"]
    return t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", default="nonspecific", choices=["specific", "nonspecific"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    folder = DATA / args.network
    if not folder.is_dir():
        raise SystemExit(f"{folder} is absent: the benchmark needs ../shared/data")
    device = resolve_device(args.device)
    gpu = torch.cuda.get_device_name(0) if device == "cuda" else "none"
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"torch threads {torch.get_num_threads()}, device {device}, GPU {gpu}")
    print(f"data: mDC {args.network}, epochs {args.epochs}, repeats {args.repeats}")
    runs = [once(folder, args.epochs, device) for _ in range(args.repeats)]
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"{key:>22}: median {statistics.median(values):12.3f}   "
              f"(all: {', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
