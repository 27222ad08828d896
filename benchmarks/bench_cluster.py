"""Wall time of a benchmark grid on 1 and on 2 Dask workers, and the scheduler's overhead per
task, measured side by side in one run.

    .venv/bin/python benchmarks/bench_cluster.py [--cells 8] [--epochs 10] [--tasks 200]

The grid is the synthetic demo under tf-matched and candidates, over as many seeds as make
--cells cells, with the default configuration; each cell fits GNT, the ablation and the
baselines. The overhead is the median wall time of --tasks trivial tasks, per task.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from gnt_core.io import demo_dataset
from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.workflows.benchmark import run_benchmark
from gnt_core.workflows.cluster import open_client, run_tasks


def grid_seconds(workers: int, cells: int, epochs: int) -> float:
    demo = demo_dataset()
    seeds = list(range((cells + 1) // 2))
    settings = RunSettings(train=TrainConfig(epochs=epochs))
    with open_client(workers=workers) as client, tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run_benchmark({"demo": lambda: demo}, ["tf-matched", "candidates"], seeds, settings,
                      Path(out), client=client)
        return time.perf_counter() - started


def nothing(index: int) -> int:
    return index


def overhead_per_task(tasks: int) -> float:
    with open_client(workers=2) as client:
        run_tasks(client, nothing, {0: (0,)}, lambda *a: None)  # warm
        started = time.perf_counter()
        run_tasks(client, nothing, {i: (i,) for i in range(tasks)}, lambda *a: None)
        return (time.perf_counter() - started) / tasks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; a grid of {args.cells} cells (demo, {args.epochs} epochs, "
          "GNT + GNE-MLP + baselines per cell)")
    one = statistics.median(grid_seconds(1, args.cells, args.epochs)
                            for _ in range(args.repeats))
    two = statistics.median(grid_seconds(2, args.cells, args.epochs)
                            for _ in range(args.repeats))
    print(f"1 worker: {one:.1f} s; 2 workers: {two:.1f} s; speed-up {one / two:.2f} "
          "[goal >= 1.8 on 2 cores]")
    per_task = overhead_per_task(args.tasks)
    print(f"scheduler overhead: {per_task * 1000:.1f} ms per task ({args.tasks} trivial tasks "
          "on 2 workers)")


if __name__ == "__main__":
    main()
