"""Markdown tables of benchmark rows for the model-selection scripts."""

from __future__ import annotations

import pandas as pd


def mean_sd_markdown(table: pd.DataFrame, keys: list[str], shown: tuple[str, ...]) -> list[str]:
    """One row per group of `keys`: each metric of `shown` as mean ± sd over the group's rows
    (seeds)."""
    groups = table.dropna(subset=list(shown)).groupby(keys, sort=False)[list(shown)]
    mean, sd = groups.mean(), groups.std().fillna(0.0)
    lines = ["| " + " | ".join(keys + list(shown)) + " |", "|" + "---|" * (len(keys) + len(shown))]
    for key, row in mean.iterrows():
        cells = [f"{row[m]:.3f} ± {sd.loc[key, m]:.3f}" for m in shown]
        lines.append("| " + " | ".join(map(str, key)) + " | " + " | ".join(cells) + " |")
    return lines
