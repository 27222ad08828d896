"""Genome scale on the CPU: 20,000 genes × 1,000 cells, 2,000 regulators, ~100k edges.

    .venv/bin/python benchmarks/bench_genome.py [--epochs 30] [--protocol tf-matched]
                                                [--device auto]

Writes the synthetic dataset under benchmarks/_out/genome/ (once; not committed), runs
`gnt train` on it under `/usr/bin/time -v` (where it is installed; else the peak comes from
getrusage, the same kernel counter), and prints the wall time, the peak resident memory
and the run's own timings: phase 1 (softmax chosen automatically), the SVM's bounded training
set, and all ~4×10^7 regulator × gene pairs scored in streaming chunks to Parquet.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from gnt_core.io import write_demo

OUT = Path(__file__).resolve().parent / "_out" / "genome"
SIZE = {"n_genes": 20_000, "n_regulators": 2_000, "n_cells": 1_000,
        "max_regulators_per_target": 12}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--protocol", default="tf-matched")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    args = parser.parse_args()
    data = OUT / "data"
    if not (data / "ExpressionData.csv").exists():
        print("writing the synthetic genome-scale dataset …", flush=True)
        write_demo(data, **SIZE)
    run = OUT / f"run-{args.protocol}-{args.epochs}"
    shutil.rmtree(run, ignore_errors=True)
    command = [sys.executable, "-m", "gnt_core.cli", "train", "--data", str(data),
               "--protocol", args.protocol, "--epochs", str(args.epochs), "--device",
               args.device, "--no-ablation", "--out", str(run)]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    print(" ".join(command[1:]), flush=True)
    started = time.perf_counter()
    result = subprocess.run(timer + command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    wall = time.perf_counter() - started
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    peak_kb = int(found[1]) if found else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(result.stdout)
    print(f"wall time {wall:.0f} s; peak RSS {peak_kb / 2**20:.2f} GiB")
    metrics = json.loads((run / "metrics.json").read_text())
    for name, value in metrics["timings"].items():
        print(f"  {name}: {value:,.2f}")
    print("  phase 1:", json.dumps(metrics["validation"]["gnt"]))
    print("  candidates:", json.dumps(metrics["candidates"]))
    parquet = run / "candidates.parquet"
    print(f"  candidates.parquet: {parquet.stat().st_size / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
