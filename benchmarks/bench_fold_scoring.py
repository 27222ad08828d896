"""One discovery fold's scoring, timed: the SVM, the ranker's evidence and trees, both directions.

    .venv/bin/python benchmarks/bench_fold_scoring.py --run RUN [--pairs 500000] [--repeats 3]

RUN is an evaluation run with the ranker (e.g. the `evaluation` folder that
`bench_realistic.py --keep DIR` leaves). Draws --pairs of its novel pairs at random (in
regulator order, as a discovery fold holds them), and prints the medians over --repeats of
`scores_both_ways` (what a fold costs) and of its parts: the SVM's pair features and kernel in
float64 and in float32, and the ranker both ways. Run it from two checkouts to compare code.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from gnt_core.store.run import Run
from gnt_core.workflows.discover import unknown_pairs


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True)
    parser.add_argument("--pairs", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run = Run(args.run)
    predictor, dataset = run.predictor(), run.dataset()
    _, unknown = unknown_pairs(dataset, "regulators")
    rng = np.random.default_rng(0)
    pairs = unknown[np.sort(rng.choice(len(unknown), min(args.pairs, len(unknown)),
                                       replace=False))]
    features = predictor.featurizer_.features(pairs)
    print(f"{len(pairs):,} pairs, {len(predictor.decision_.support_vectors):,} support vectors, "
          f"{len(predictor.ranker_.models)} ranker bags, torch threads {torch.get_num_threads()}")
    parts = {
        "scores_both_ways": lambda: predictor.scores_both_ways(pairs, "cpu"),
        "svm features": lambda: predictor.featurizer_.features(pairs),
        "svm kernel float64": lambda: predictor.decision_(features, dtype=torch.float64),
        "svm kernel float32": lambda: predictor.decision_(features, dtype=torch.float32),
        "ranker both ways": lambda: predictor.ranker_.both_ways(*predictor.evidence_, pairs),
    }
    for name, fn in parts.items():
        seconds = median_seconds(fn, args.repeats)
        print(f"{name:>20}: {seconds:7.2f} s  {len(pairs) / seconds:10,.0f} pairs/s")


if __name__ == "__main__":
    main()
