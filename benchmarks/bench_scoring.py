"""The exact batched RBF scorer against scikit-learn's SVC.decision_function, side by side.

    .venv/bin/python benchmarks/bench_scoring.py [--pairs 200000] [--support 2000] [--repeats 3]

Fits an RBF SVC on synthetic 128-d Hadamard-like features so that it keeps about --support
support vectors, scores --pairs pairs both ways (median of --repeats), and prints as its last
line `speedup_vs_sklearn=<x> max_rel_diff=<y>` (float64 on the CPU). On a GPU it also prints the
float32 throughput (plain and fused, from host memory and resident on the card), TFLOP/s, and
the error against scikit-learn.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from functools import partial

import numpy as np
import torch
from sklearn.svm import SVC

from gnt_core.science.svm import RBFDecision


def fitted_svc(support: int, dim: int, seed: int) -> SVC:
    """An SVC with about `support` support vectors (noisy labels keep most points as SVs)."""
    rng = np.random.default_rng(seed)
    n = int(support * 1.25)
    x = rng.standard_normal((n, dim)) * rng.standard_normal((n, dim))
    y = (x[:, :8].sum(axis=1) + 2.0 * rng.standard_normal(n) > 0).astype(int)
    return SVC(kernel="rbf", C=1.0, gamma=1.0 / (dim * x.var())).fit(x, y)


def timed(fn, repeats: int) -> tuple[float, np.ndarray]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def max_rel_diff(ours: np.ndarray, reference: np.ndarray) -> float:
    """max |a - b| / max(|b|, 1e-3): relative, guarded where the score crosses zero."""
    return float(np.max(np.abs(ours - reference) / np.maximum(np.abs(reference), 1e-3)))


def gpu_throughput(decision: RBFDecision, features: np.ndarray, reference: np.ndarray,
                   args: argparse.Namespace) -> None:
    """float32 kernels on the GPU: features copied from the host each call (end to end), and
    features already on the card (the card's own limit), plain and fused (torch.compile)."""
    name = torch.cuda.get_device_name(0)
    resident = torch.as_tensor(features, dtype=torch.float32, device="cuda")
    many = resident.repeat(args.gpu_copies, 1)
    flop_per_pair = len(decision.dual_coef) * (2 * args.dim + 4)
    print(f"GPU: {name}; resident runs score {len(many):,} pairs "
          f"({args.gpu_copies} copies of the {args.pairs:,})")
    for fused in (False, True):
        label = "fused" if fused else "plain"
        score = partial(decision, device="cuda", fused=fused)
        score(resident[:4096])  # warm-up (and compile)
        host_s, host = timed(partial(score, features), args.repeats)
        print(f"cuda float32 {label}, from host: {host_s:.4f} s ({args.pairs / host_s:,.0f} "
              f"pairs/s), max_rel_diff {max_rel_diff(host, reference):.2e}, max_abs_diff "
              f"{np.max(np.abs(host - reference)):.1e}")
        gpu_s, _ = timed(partial(score, many), args.repeats)
        rate = len(many) / gpu_s
        print(f"cuda float32 {label}, resident: {gpu_s:.4f} s ({rate:,.0f} pairs/s, "
              f"{rate * flop_per_pair / 1e12:.1f} TFLOP/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--support", type=int, default=2_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gpu-copies", type=int, default=50,
                        help="GPU only: score this many copies of the pairs, resident on the card")
    args = parser.parse_args()
    svc = fitted_svc(args.support, args.dim, seed=0)
    decision = RBFDecision.from_svc(svc)
    rng = np.random.default_rng(1)
    features = rng.standard_normal((args.pairs, args.dim)) * rng.standard_normal(
        (args.pairs, args.dim))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, torch threads "
          f"{torch.get_num_threads()}, torch {torch.__version__}")
    print(f"model: {len(svc.support_)} support vectors, {args.dim}-d; {args.pairs:,} pairs; "
          f"median of {args.repeats}")
    sk_s, reference = timed(lambda: svc.decision_function(features), args.repeats)
    ours_s, ours = timed(lambda: decision(features), args.repeats)
    print(f"sklearn decision_function: {sk_s:.3f} s ({args.pairs / sk_s:,.0f} pairs/s)")
    print(f"batched float64 (cpu):     {ours_s:.3f} s ({args.pairs / ours_s:,.0f} pairs/s)")
    f32_s, f32 = timed(lambda: decision(features, dtype=torch.float32), args.repeats)
    print(f"batched float32 (cpu):     {f32_s:.3f} s ({args.pairs / f32_s:,.0f} pairs/s), "
          f"max_rel_diff vs sklearn {max_rel_diff(f32, reference):.2e}")
    if torch.cuda.is_available():
        gpu_throughput(decision, features, reference, args)
    error = max_rel_diff(ours, reference)
    print(f"speedup_vs_sklearn={sk_s / ours_s:.1f} max_rel_diff={error:.2e}")


if __name__ == "__main__":
    main()
