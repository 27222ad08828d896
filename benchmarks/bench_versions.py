"""Wall time of the full default `run_pipeline` on BEELINE mDC, this checkout against an earlier
revision, side by side (alternating runs in fresh processes, so that both meet the same machine).

    .venv/bin/python benchmarks/bench_versions.py --base REV [--network nonspecific]
        [--repeats 3] [--protocol candidates]   (given: GENELink's split, splits-genelink)

Prints each run's seconds, the medians and their ratio (this checkout / base). The base is
checked out into a temporary git worktree; both use this .venv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "beeline-mdc"
CHILD = """
import sys, tempfile, time
from pathlib import Path
from gnt_core.io import load_beeline_folder
from gnt_core.settings import RunSettings
from gnt_core.workflows.pipeline import run_pipeline
data = load_beeline_folder(sys.argv[1])
with tempfile.TemporaryDirectory() as folder:
    start = time.perf_counter()
    given = str(Path(sys.argv[1]) / "splits-genelink") if sys.argv[2] == "given" else None
    run_pipeline(data, RunSettings(protocol=sys.argv[2], split_dir=given), Path(folder) / "run")
    print(time.perf_counter() - start)
"""


def timed(tree: Path, folder: Path, protocol: str) -> float:
    env = os.environ | {"PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(folder), protocol], env=env,
                          cwd=tree, check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier git revision")
    parser.add_argument("--network", default="nonspecific", choices=["specific", "nonspecific"])
    parser.add_argument("--protocol", default="candidates")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = DATA / args.network
    if not folder.is_dir():
        raise SystemExit(f"{folder} is absent: the benchmark needs ../shared/data")
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base),
                        args.base], check=True, capture_output=True)
        try:
            times = {"base": [], "this": []}
            for repeat in range(args.repeats):
                for name, tree in (("base", base), ("this", ROOT)):
                    times[name].append(timed(tree, folder, args.protocol))
                    print(f"repeat {repeat + 1}, {name}: {times[name][-1]:.1f} s", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=True, capture_output=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"run_pipeline, mDC {args.network}, {args.protocol}: base {args.base} "
          f"{medians['base']:.1f} s, this checkout {medians['this']:.1f} s, ratio "
          f"{medians['this'] / medians['base']:.2f}")


if __name__ == "__main__":
    main()
