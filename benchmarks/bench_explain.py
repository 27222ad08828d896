"""Evidence for one pair, and the curated check of a list, timed (issue 24).

    .venv/bin/python benchmarks/bench_explain.py [--run DIR] [--pairs 20] [--repeats 3]

On the bundled BEELINE mDC example (non-specific network; an evaluation run under candidates is
trained first unless --run names one): `explain_pair` for the best test pairs (the first call,
cold, apart), the curated check of the whole list against a curated reference read from the
OmniPath cache (a CollecTRI-format file written into a temporary $GNT_HOME/priors from the
cell-type-specific mDC network, which stands in for CollecTRI: no download), and 1,000 PubMed
counts from the literature cache. Prints medians over the repeats; GNT_OFFLINE=1 throughout.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from gnt_core.cli import main as gnt
from gnt_core.io.examples import load_example
from gnt_core.outputs.literature import PubMedCounts, pubmed_term
from gnt_core.store.run import Run
from gnt_core.workflows.curated import check_run, curated_reference
from gnt_core.workflows.explain import PairExplainer, explain_pair


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="gnt-bench-explain-"))
    os.environ.update(GNT_HOME=str(home), GNT_OFFLINE="1")
    run_dir = args.run or home / "run"
    if args.run is None:
        gnt(["train", "--example", "mdc-nonspecific", "--protocol", "candidates", "--seed", "0",
             "--no-ablation", "--out", str(run_dir)])
    table = Run(run_dir).candidates()
    pairs = table[table["status"] == "test positive"].head(args.pairs)
    pairs = list(zip(pairs["regulator"], pairs["target"], strict=True))
    cold = [timed(lambda p=p: explain_pair(run_dir, *p)) for p in pairs[:args.repeats]]
    explainer = PairExplainer(run_dir)
    explainer.explain(*pairs[0])
    warm = [timed(lambda p=p: explainer.explain(*p)) for p in pairs]
    print(f"evidence for one pair, mDC non-specific: gnt explain's call (the run read, the "
          f"ranker's evidence built) median {statistics.median(cold):.3f} s; then each pair "
          f"(the app's PairExplainer) median of {len(warm)} {statistics.median(warm):.3f} s, "
          f"max {max(warm):.3f} s")

    specific = load_example("mdc-specific")
    names = pd.Series(specific.genes)
    (home / "priors").mkdir()
    pd.DataFrame({"source_genesymbol": names[specific.edges[:, 0]].to_numpy(),
                  "target_genesymbol": names[specific.edges[:, 1]].to_numpy()}).to_csv(
        home / "priors" / "collectri-mouse.tsv.gz", sep="\t", index=False)
    check = [timed(lambda: check_run(run_dir, curated_reference("collectri", "mouse")))
             for _ in range(args.repeats)]
    found = check_run(run_dir, curated_reference("collectri", "mouse"))
    print(f"curated check (reference from the cache, {len(specific.edges):,} edges; the whole "
          f"list, {found.universe:,} pairs, curve to the top "
          f"{int(found.curve['top_n'].iloc[-1]):,}): median {statistics.median(check):.3f} s")
    print(f"  {found.sentence(1000)}")

    literature = PubMedCounts(home / "literature.sqlite")
    top = list(zip(table["regulator"].head(1000), table["target"].head(1000), strict=True))
    with sqlite3.connect(home / "literature.sqlite") as db:  # filled, as after a batch check
        db.executemany("INSERT OR REPLACE INTO counts VALUES (?, ?, ?)",
                       [(pubmed_term(a, b, "mouse"), 1, "2026-12-05") for a, b in top])
    batch = [timed(lambda: literature.counts(top, "mouse")) for _ in range(args.repeats)]
    print(f"PubMed counts of the top 1,000 pairs from the cache: median "
          f"{statistics.median(batch):.3f} s")


if __name__ == "__main__":
    main()
