"""Discovery on a realistic single-cell input (issue 25): stage times, peak memory, pairs/s.

    .venv/bin/python benchmarks/bench_realistic.py [--genes 5000] [--cells 20000]
        [--regulators 1000] [--edges 40000] [--device auto] [--keep DIR]

Writes (once, fixed seed; under --keep or a temporary folder) a sparse .h5ad of raw counts —
cells × genes with regulator → target structure: 30 cell programs drive the regulators'
activities, each target's rate follows its regulators' activities (sign ±) — and a prior network
the size of CollecTRI (`--regulators` regulators, `--edges` edges: the true edges, each
regulator's targets drawn with a heavy-tailed out-degree). Then runs `gnt discover` with the
defaults on it in a fresh process and prints the wall time of each stage (from the run's own
timings), the peak resident memory of the process (/usr/bin/time -v where installed, else
getrusage), the scoring rate, and the test metrics of the evaluation it ran.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PROGRAMS = 30
TARGET_NONZERO = 0.18  # share of stored counts, as in 10x data after gene filtering


def write_input(folder: Path, n_genes: int, n_cells: int, n_regulators: int, n_edges: int,
                seed: int = 0) -> tuple[Path, Path]:
    import anndata
    import pandas as pd
    from scipy import sparse

    rng = np.random.default_rng(seed)
    genes = np.array([f"Gene{i:05d}" for i in range(n_genes)])
    out_degree = rng.pareto(1.5, n_regulators) + 1
    out_degree = np.maximum(1, np.round(out_degree / out_degree.sum() * n_edges)).astype(int)
    regulators = np.repeat(np.arange(n_regulators), out_degree)[:n_edges]
    targets = rng.integers(0, n_genes, len(regulators))
    keep = regulators != targets
    edges = np.unique(np.column_stack([regulators[keep], targets[keep]]), axis=0)
    signs = rng.choice([-1.0, 1.0], len(edges), p=[0.3, 0.7])
    weight = sparse.csr_matrix((signs * 0.6, (edges[:, 0], edges[:, 1])),
                               shape=(n_regulators, n_genes))
    programs = rng.gamma(0.3, 1.0, (PROGRAMS, n_regulators))
    blocks = []
    for start in range(0, n_cells, 2_000):
        size = min(2_000, n_cells - start)
        state = rng.dirichlet(np.full(PROGRAMS, 0.2), size)
        activity = np.log1p(state @ programs)  # cells × regulators
        activity = (activity - activity.mean(axis=0)) / (activity.std(axis=0) + 1e-9)
        log_rate = np.asarray(weight.T.dot(activity.T).T) + rng.normal(0, 0.3, (size, n_genes))
        log_rate[:, :n_regulators] += activity
        rate = np.exp(np.clip(log_rate, -8, 3) + np.log(-np.log(1 - TARGET_NONZERO)) - 0.5)
        blocks.append(sparse.csr_matrix(rng.poisson(rate).astype(np.float32)))
    counts = sparse.vstack(blocks, format="csr")
    obs = pd.DataFrame({"cell_type": [f"type{i % 8}" for i in range(n_cells)]},
                       index=[f"cell{i}" for i in range(n_cells)])
    h5ad, network = folder / "cells.h5ad", folder / "prior.csv"
    anndata.AnnData(counts, obs=obs, var=pd.DataFrame(index=genes)).write_h5ad(h5ad)
    pd.DataFrame({"source": genes[edges[:, 0]], "target": genes[edges[:, 1]],
                  "weight": signs}).to_csv(network, index=False)
    return h5ad, network


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, default=5_000)
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--regulators", type=int, default=1_000)
    parser.add_argument("--edges", type=int, default=40_000)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--keep", type=Path, help="write (or reuse) the input here")
    parser.add_argument("--evaluate-only", action="store_true",
                        help="time the evaluation stage alone (gnt train under candidates, "
                             "as discover runs it first)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gnt-realistic-"))
    folder.mkdir(parents=True, exist_ok=True)
    h5ad, network = folder / "cells.h5ad", folder / "prior.csv"
    if not h5ad.is_file():
        started = time.perf_counter()
        write_input(folder, args.genes, args.cells, args.regulators, args.edges)
        print(f"input written in {time.perf_counter() - started:.0f} s: {h5ad} "
              f"({h5ad.stat().st_size / 2**20:,.0f} MB), {network}", flush=True)
    run = folder / f"discover-{time.strftime('%H%M%S')}"
    command = [sys.executable, "-m", "gnt_core.cli", "discover", "--expression", str(h5ad),
               "--network", str(network), "--device", args.device, "--out", str(run)]
    if args.evaluate_only:
        command[3:4] = ["train", "--protocol", "candidates", "--no-ablation"]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    print(" ".join(command[2:]), flush=True)
    started = time.perf_counter()
    done = subprocess.run(timer + command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(done.returncode)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak = int(found.group(1)) * 1024 if found else resource.getrusage(
        resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    report(run, wall, peak)


def report(run: Path, wall: float, peak: int) -> None:
    evaluated = run / "evaluation" if (run / "evaluation").is_dir() else run
    evaluation = json.loads((evaluated / "metrics.json").read_text())
    discovery = json.loads((run / "discovery.json").read_text()) if (
        run / "discovery.json").is_file() else {}
    timings = evaluation.get("timings", {})
    print(f"{'gnt discover' if discovery else 'evaluation (gnt train)'}: {wall / 60:.1f} min "
          f"wall, peak RSS {peak / 2**30:.2f} GiB")
    print("evaluation stages: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()
                                            if isinstance(v, float)))
    if discovery:
        print(f"discovery: {discovery.get('seconds', float('nan')):.0f} s, "
              f"{discovery.get('n_pairs', 0):,} novel pairs; stages (s, summed over seeds "
              "and folds): " + ", ".join(f"{k} {v:.1f}" for k, v in
                                         discovery.get("timings", {}).items()))
    test = evaluation["test"]["gnt"]
    print(f"evaluation test: AUROC {test['auroc']:.3f}, AUPRC ratio {test['auprc_ratio']:.1f}, "
          f"P@50 {test['p_at_50']:.2f}; best free predictor AUPRC ratio "
          f"{max(evaluation['test'][m]['auprc_ratio'] for m in ('degree', 'pcc', 'paths')):.1f}")


if __name__ == "__main__":
    main()
