"""Model selection, round 14 (issue 25), on VALIDATION pairs only: stop phase 1 early.

    .venv/bin/python benchmarks/select_patience.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Phase 1 keeps the epoch whose linear probe scores best on the validation pairs. Training is
deterministic, so a run stopped once `patience` epochs pass without a better probe keeps the
very same epoch as the full 30 whenever the best epoch comes before it stops: its model, and so
every later score, is then identical. Per cell this trains the 30 epochs once (patience 0, the
previous default) and reads, for each patience, the epoch it would stop at, whether it keeps
the same epoch, the probe AUROC it would keep instead and the share of phase-1 time it saves.
Writes validation.csv / .md.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from select_ranker import grid
from select_top_of_list import natural_prevalence_split
from tables import mean_sd_markdown

from gnt_core.science.embedding import train_gene_embeddings
from gnt_core.store.storage import write_bytes

PATIENCES = (3, 5, 10, 15)
SHOWN = ("stopped_at", "same_epoch", "probe_auroc_lost", "time_saved")


def stopping_epoch(probes: list[float], patience: int) -> int:
    """The epoch a run with this patience stops at (the last one when it never stops)."""
    best = 1
    for epoch, probe in enumerate(probes, start=1):
        if probe > probes[best - 1]:
            best = epoch
        if epoch - best >= patience:
            return epoch
    return len(probes)


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, _, _ = natural_prevalence_split(name, protocol, seed)
    config = replace(settings.train, patience=0)
    result = train_gene_embeddings(data.expression, split.train, split.val, config)
    probes = [report.val_auroc for report in result.history]
    rows = []
    for patience in PATIENCES:
        stop = stopping_epoch(probes, patience)
        kept = max(probes[:stop])
        rows.append({"dataset": name, "protocol": protocol, "seed": seed,
                     "method": f"patience {patience}", "stopped_at": stop,
                     "best_epoch": result.best_epoch,
                     "same_epoch": float(result.best_epoch <= stop),
                     "probe_auroc_lost": max(probes) - kept,
                     "time_saved": 1 - stop / len(probes)})
    return rows


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round14")
    lines = [f"# Round 14: phase 1 stopped early, validation pairs only (seeds {args.seeds})",
             "", f"Command: `.venv/bin/python benchmarks/select_patience.py --seeds "
             f"{args.seeds} --sets {args.sets} --protocols {args.protocols}`", "",
             "Columns: the epoch it stops at (of 30), whether it keeps the epoch the full run "
             "keeps (then every score is identical), the validation probe AUROC it gives up, "
             "the share of phase-1 epochs saved.", "",
             *mean_sd_markdown(table, ["dataset", "protocol", "method"], SHOWN), "",
             f"Same epoch in {table.groupby('method')['same_epoch'].mean().round(3).to_dict()} "
             "of the cells; best epochs seen: "
             f"{sorted(np.unique(table['best_epoch']).tolist())}."]
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
