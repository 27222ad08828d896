"""Wall time of `gnt discover --seeds 5` on BEELINE mDC (default: the non-specific network),
as a user runs it: the evaluation it starts with (candidates protocol, no ablation) and the
discovery (phase 1 on every known edge for the evaluation's epoch count, 3-fold cross-fitted
SVMs, consensus over seeds).

    .venv/bin/python benchmarks/bench_discover.py [--network nonspecific] [--seeds 5]
        [--repeats 1] [--device auto]

Prints the median wall time over repeats, the evaluation's and the discovery's share (from the
runs' own timings), the pairs ranked and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "beeline-mdc"


def once(folder: Path, seeds: int, device: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "discover"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gnt_core.cli", "discover", "--data", str(folder),
                        "--seeds", str(seeds), "--device", device, "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        summary = json.loads((out / "discovery.json").read_text())
        timings = json.loads((out / "evaluation" / "metrics.json").read_text())["timings"]
    return {"wall_s": wall, "discovery_s": summary["seconds"],
            "evaluation_gnt_s": timings["gnt_total_s"], "pairs": summary["n_pairs"],
            "epochs": summary["epochs"], "device": summary["device"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", default="nonspecific")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    folder = DATA / args.network
    if not folder.is_dir():
        sys.exit(f"{folder} is absent (public data kept outside the project)")
    runs = [once(folder, args.seeds, args.device) for _ in range(args.repeats)]
    median = {k: statistics.median(r[k] for r in runs) for k in ("wall_s", "discovery_s",
                                                                  "evaluation_gnt_s")}
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"device {runs[0]['device']}")
    print(f"mDC {args.network}: gnt discover --seeds {args.seeds}, {args.repeats} repeat(s)")
    print(f"pairs ranked: {runs[0]['pairs']:,}; phase-1 epochs (the evaluation's choice): "
          f"{runs[0]['epochs']}")
    print(f"wall (median): {median['wall_s']:.1f} s  [goal < 90 s on the CPU]")
    print(f"  evaluation, GNT fit: {median['evaluation_gnt_s']:.1f} s; discovery: "
          f"{median['discovery_s']:.1f} s ({median['discovery_s'] / args.seeds:.1f} s per seed)")


if __name__ == "__main__":
    main()
