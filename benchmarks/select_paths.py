"""Model selection, round 8 (issue 12), on VALIDATION pairs only: does a pair-feature block of
paths of length 3 in the training network (L3, `gnt_core.science.paths`) help the SVM choose the
targets of a regulator?

    .venv/bin/python benchmarks/select_paths.py [--seeds 0,1] [--sets ...] [--workers 2]

For every shared BEELINE set and protocol (tf-matched, candidates, the GENELink split), GNT's
gene embeddings are fitted once on the training pairs; the SVM is then fitted with today's
default pair features (hadamard+degree) and with the paths block added, on the same embeddings.
Both, and the priors (degree, |PCC|, and the L3 path score alone: `paths`), are scored on the
validation pairs; test pairs are never scored. Each set × seed is a task on Dask. Writes
validation.csv / .md.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from select_stacking import SETS, SHARED, run_cells, splits_for, validation_recorder
from tables import mean_sd_markdown

from gnt_core.io import load_beeline_folder
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.settings import preset
from gnt_core.store.storage import write_bytes

SHOWN = ("auroc", "auprc_ratio", "reg_auroc", "reg_auprc")
BEFORE, WITH_PATHS = "hadamard+degree", "hadamard+degree+paths"  # the default before and after


def rows_for(data, name: str, protocol: str, split, seed: int, epochs: int | None
             ) -> list[dict]:
    rows, record = validation_recorder(data, split, {"dataset": name, "protocol": protocol,
                                                     "seed": seed}, SHOWN, seed)
    settings = preset("default", seed=seed)
    config = replace(settings.train, seed=seed, epochs=epochs or settings.train.epochs)
    started = time.perf_counter()
    model = GNTLinkPredictor.from_settings(settings, config).fit_embeddings(
        data.expression, split.train, split.val)
    embedding_s = time.perf_counter() - started
    for features in (BEFORE, WITH_PATHS):
        started = time.perf_counter()
        model.set_params(features=features).fit_classifier(split.train)
        record(f"gnt {features}", model.svm_decision(split.val.pairs), embedding_s=embedding_s,
               classifier_s=time.perf_counter() - started)
    return rows


def cell(name: str, seed: int, epochs: int | None) -> list[dict]:
    """Every protocol of one set and seed (a task on the cluster)."""
    folder = SHARED / name
    data = load_beeline_folder(folder)
    return [row for protocol, split in splits_for(data, folder, seed)
            for row in rows_for(data, name, protocol, split, seed, epochs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--epochs", type=int, help="phase-1 epochs (default: the default's)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "selection-round8")
    parser.add_argument("--workers", type=int, help="local Dask workers (0: this process)")
    parser.add_argument("--scheduler", help="an existing Dask cluster's address")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    names = [n for n in args.sets.split(",") if (SHARED / n).is_dir()]
    table = run_cells(cell, {(n, s): (n, s, args.epochs) for n in names for s in seeds},
                      args.out, args.scheduler, args.workers)
    lines = [f"# Round 8: paths of length 3 as pair features, validation pairs only (seeds "
             f"{args.seeds})", "", "Command: `.venv/bin/python benchmarks/select_paths.py "
             f"--seeds {args.seeds}`", ""]
    lines += mean_sd_markdown(table, ["dataset", "protocol", "method"], SHOWN)
    write_bytes(args.out / "validation.md", "\n".join(lines).encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
