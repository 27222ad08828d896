"""Novel pairs against a reference that the training network does not contain, and the
reliability of the expected precision.

    .venv/bin/python benchmarks/bench_reference.py [--seeds 0,1,2] [--sets ...]
        [--curated TABLE] [--out DIR]

For each training set and seed, one evaluation run (candidates protocol, the default settings)
ranks the test pairs. Its test negatives are the pairs that are NOT edges of the training
network and were never fitted on: novel pairs. Each method's top 100 and top 1,000 novel pairs
are checked against a reference network of the same cells that was not trained on (edges by
gene symbol, either direction, pairs of genes that both data sets hold), and against chance
(the reference's share of the novel pairs). The references here are other BEELINE networks
(ChIP-seq of the cell type, STRING). `--curated TABLE` adds a literature-curated reference to
every training set: any TF-target table the app reads, e.g. TRRUST v2's
trrust_rawdata.mouse.tsv as published (not shipped here; the figures in RESULTS.md name the
copy used and its checksum).

The same runs check the calibrated head (science/calibration.py): for each seed, the expected
precision fitted on the other seeds' test rankings against the precision observed on its own,
by rank bin (reliability.md).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from select_stacking import SHARED
from tables import mean_sd_markdown

from gnt_core.io import load_beeline_folder, read_network
from gnt_core.science.calibration import held_out_reliability
from gnt_core.settings import RunSettings
from gnt_core.store.run import Run
from gnt_core.store.storage import write_bytes, write_table
from gnt_core.workflows.pipeline import run_pipeline

PAIRS = {  # training set: references (other networks of the same cells)
    "beeline-mesc/nonspecific": ["beeline-mesc/specific", "beeline-mesc/string"],
    "beeline-mesc/string": ["beeline-mesc/specific", "beeline-mesc/nonspecific"],
    "beeline-mdc/nonspecific": ["beeline-mdc/specific"],
    "beeline-mesc/specific": ["beeline-mesc/string"],  # STRING is not built from TRRUST
}
METHODS = ("gnt", "gne_mlp", "ranker", "paths", "degree", "pcc")
TOPS = (100, 1000)


def edge_keys(frame: pd.DataFrame, a: str, b: str) -> set[tuple[str, str]]:
    """Unordered symbol pairs, upper-cased."""
    return {tuple(sorted((str(x).upper(), str(y).upper())))
            for x, y in zip(frame[a], frame[b], strict=True)}


def reference_edges(name: str | Path) -> tuple[set[tuple[str, str]], set[str] | None]:
    """A reference's edges, and its genes when it is a data set of its own (None: a curated
    table, whose genes outside the data set are simply never ranked)."""
    if isinstance(name, Path):
        table = read_network(name)
        return edge_keys(pd.DataFrame({"a": table.regulators, "b": table.targets}), "a",
                         "b"), None
    table = pd.read_csv(SHARED / name / "BL--network.csv")
    genes = {g.upper() for g in load_beeline_folder(SHARED / name).genes}
    return edge_keys(table, table.columns[0], table.columns[1]), genes


def novel_hits(run: Run, reference: set, genes: set[str]) -> list[dict]:
    predictions = run.predictions()
    novel = predictions[predictions["label"] == 0]
    both = novel["gene_a"].str.upper().isin(genes) & novel["gene_b"].str.upper().isin(genes)
    novel = novel[both]
    hit = np.array([tuple(sorted((a.upper(), b.upper()))) in reference
                    for a, b in zip(novel["gene_a"], novel["gene_b"], strict=True)])
    rows = []
    for method in (m for m in METHODS if m in novel.columns):
        order = np.argsort(-novel[method].to_numpy(), kind="stable")
        rows.append({"method": method, "novel_pairs": len(novel),
                     **{f"top_{k}": int(hit[order[:k]].sum()) for k in TOPS}})
    rows.append({"method": "chance", "novel_pairs": len(novel),
                 **{f"top_{k}": k * hit.mean() for k in TOPS}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--sets", default=",".join(PAIRS))
    parser.add_argument("--curated", type=Path, help="a literature-curated TF-target table")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "reference")
    args = parser.parse_args()
    rows, reliability = [], []
    for name in args.sets.split(","):
        if not (SHARED / name).is_dir():
            continue
        references = PAIRS.get(name, []) + ([args.curated] if args.curated else [])
        data = load_beeline_folder(SHARED / name)
        rankings = []
        for seed in map(int, args.seeds.split(",")):
            settings = RunSettings(protocol="candidates", seed=seed)
            settings = replace(settings, train=replace(settings.train, seed=seed))
            with tempfile.TemporaryDirectory() as folder:
                run = Run(Path(folder) / "run")
                run_pipeline(data, settings, run)
                predictions = run.predictions()
                rankings.append((predictions["label"].to_numpy(),
                                 predictions["gnt"].to_numpy()))
                for reference in references:
                    edges, other = reference_edges(reference)
                    genes = {g.upper() for g in data.genes} & (other or {
                        g.upper() for g in data.genes})
                    known = edge_keys(pd.DataFrame(np.asarray(data.genes)[data.edges]), 0, 1)
                    found = edges - known
                    label = reference.name if isinstance(reference, Path) else reference
                    rows += [{"training set": name, "reference": label, "seed": seed,
                              "reference_edges_novel": len(found), **row}
                             for row in novel_hits(run, found, genes)]
            write_table(args.out / "reference.csv", pd.DataFrame(rows))
            print(f"{name} / seed {seed}: done", flush=True)
        if len(rankings) > 1:
            reliability.append(held_out_reliability(rankings).assign(**{"training set": name}))
    lines = [f"# Novel pairs against references not trained on (seeds {args.seeds})", "",
             f"Command: `.venv/bin/python benchmarks/bench_reference.py --seeds {args.seeds} "
             f"--sets {args.sets}" + (f" --curated {args.curated.name}`" if args.curated
                                     else "`"),
             "", "Reference edges among each method's top 100 and top 1,000 novel pairs.", "",
             *mean_sd_markdown(pd.DataFrame(rows), ["training set", "reference", "method"],
                               tuple(f"top_{k}" for k in TOPS))]
    write_bytes(args.out / "reference.md", ("\n".join(lines) + "\n").encode())
    if reliability:
        table = pd.concat(reliability)
        write_table(args.out / "reliability.csv", table)
        lines = [f"# Reliability of the expected precision (seeds {args.seeds})", "",
                 "Each seed's test ranking against the calibration fitted on the other seeds; "
                 "mean over held-out seeds (observed: ± sd).", "",
                 "| training set | ranks | pairs | expected | observed |", "|---|---|---|---|---|"]
        lines += [f"| {r['training set']} | {r.ranks} | {r.pairs} | {r.predicted:.3f} | "
                  f"{r.observed:.3f} ± {r.observed_sd:.3f} |" for _, r in table.iterrows()]
        write_bytes(args.out / "reliability.md", ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
