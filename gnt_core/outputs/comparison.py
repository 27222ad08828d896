"""Two runs side by side: one method's metrics in each (mean ± sd over the run's seeds) and the
difference, with the sd of a difference of independent means."""

from __future__ import annotations

import numpy as np
import pandas as pd


def compare_runs(first: pd.DataFrame, second: pd.DataFrame, metrics: dict[str, str],
                 method: str = "gnt") -> pd.DataFrame:
    """One row per metric (`metrics`: name -> label) of `method` in two metrics frames (a row
    per method, `<metric>` and `<metric>_sd` columns): each run's 'mean ± sd' and the
    difference second − first, its sd √(sd₁² + sd₂²) from the sds that exist."""
    a, b = first.set_index("method").loc[method], second.set_index("method").loc[method]
    rows = []
    for name, label in metrics.items():
        sds = [s for s in (a[f"{name}_sd"], b[f"{name}_sd"]) if not np.isnan(s)]
        difference_sd = float(np.sqrt(np.sum(np.square(sds)))) if sds else np.nan
        rows.append({"metric": label, "first": mean_sd(a[name], a[f"{name}_sd"]),
                     "second": mean_sd(b[name], b[f"{name}_sd"]),
                     "difference": mean_sd(b[name] - a[name], difference_sd, signed=True)})
    return pd.DataFrame(rows)


def mean_sd(mean: float, sd: float, signed: bool = False) -> str:
    """'0.812 ± 0.010' ('+0.012 ± 0.014' signed); '—' for a metric the run lacks."""
    if np.isnan(mean):
        return "—"
    return f"{mean:{'+' if signed else ''}.3f}" + ("" if np.isnan(sd) else f" ± {sd:.3f}")
