"""Issue 22's goals, read off a benchmark grid's results.csv (`gnt benchmark ... --out DIR`).

    .venv/bin/python benchmarks/grid_goals.py DIR/results.csv [MORE/results.csv ...]
        [--before OLD/results.csv]

Prints, per set and protocol, GNT's mean ± sd over seeds beside the best single free predictor
(degree, |PCC| or L3, the best mean per metric), the stack without GNT (`ranker`) and the
GNE-MLP ablation; then how often GNT is ahead by more than one sd (GNT's), tied, or behind
each of them, over the metric cells; with --before, the same against an earlier grid's GNT.
Several results files are read as one grid, a later file's (set, protocol) cells replacing an
earlier one's (e.g. a grid scored again on some sets only).
"""

from __future__ import annotations

import argparse

import pandas as pd

METRICS = ("auroc", "auprc_ratio", "p_at_10", "p_at_50", "reg_auroc")
FREE = ("degree", "pcc", "paths")


def summary(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    groups = table.groupby(["dataset", "protocol", "method"])[list(METRICS)]
    return groups.mean(), groups.std().fillna(0.0)


def one_grid(paths: list[str]) -> pd.DataFrame:
    table = pd.DataFrame()
    for path in paths:
        later = pd.read_csv(path)
        cells = later.set_index(["dataset", "protocol"]).index
        table = pd.concat([table[~table.set_index(["dataset", "protocol"]).index.isin(cells)]
                           if len(table) else table, later])
    return table


def verdict(mean: float, sd: float, other: float) -> str:
    return "ahead" if mean - other > sd else "behind" if other - mean > sd else "tied"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+")
    parser.add_argument("--before")
    args = parser.parse_args()
    mean, sd = summary(one_grid(args.results))
    before = summary(pd.read_csv(args.before))[0] if args.before else None
    counts: dict[str, dict[str, int]] = {}
    for (dataset, protocol), _ in mean.groupby(level=[0, 1]):
        cells = []
        for metric in METRICS:
            gnt, spread = mean.loc[(dataset, protocol, "gnt"), metric], sd.loc[
                (dataset, protocol, "gnt"), metric]
            free = {m: mean.loc[(dataset, protocol, m), metric] for m in FREE}
            best = max(free, key=free.get)
            others = {"best free": free[best],
                      "ranker": mean.loc[(dataset, protocol, "ranker"), metric],
                      "gne_mlp": mean.loc[(dataset, protocol, "gne_mlp"), metric]}
            if before is not None and (dataset, protocol, "gnt") in before.index:
                others["before"] = before.loc[(dataset, protocol, "gnt"), metric]
            for name, value in others.items():
                counts.setdefault(name, {"ahead": 0, "tied": 0, "behind": 0})[
                    verdict(gnt, spread, value)] += 1
            cells.append(f"{metric} {gnt:.3f} ± {spread:.3f} ({best} {free[best]:.3f} / "
                         + " / ".join(f"{others[n]:.3f}" for n in list(others)[1:]) + ")")
        print(f"{dataset} {protocol}: " + "; ".join(cells))
    for name, tally in counts.items():
        print(f"GNT against {name}: " + ", ".join(f"{k} {v}" for k, v in tally.items()))


if __name__ == "__main__":
    main()
