"""The Runs page's tables and charts: one line per run (what an evaluation measured, what a
discovery found), and two evaluation runs compared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gnt_core.outputs.comparison import compare_runs
from gnt_core.science.metrics import metrics_frame
from gnt_core.store.run import Run, RunSummary
from gnt_core.vocabulary import DISCOVER, METHOD_LABELS, METRIC_LABELS
from ui import charts
from ui.text import counted, plain

NO_VALUE = "—"
COMPARED_METRICS = {name: METRIC_LABELS[name] for name in (
    "auroc", "auprc", "auprc_ratio", "epr", "p_at_50", "reg_auroc", "reg_auprc")}


def run_table(runs: list[RunSummary]) -> pd.DataFrame:
    """One line per run; an evaluation's test metrics, a discovery's outcome."""
    return pd.DataFrame([{
        "run": r.run_id,
        "created": pd.Timestamp(r.created, unit="s").strftime("%Y-%m-%d %H:%M"),
        "dataset": r.dataset, "mode": r.mode, "protocol": r.protocol, "seed": r.seed,
        "state": r.state, "GNT AUROC": _test_metric(r, "gnt", "auroc"),
        "degree AUROC": _test_metric(r, "degree", "auroc"),
        "GNT AUPRC ratio": _test_metric(r, "gnt", "auprc_ratio"),
        "discovery": _discovery_outcome(r)} for r in runs])


def _test_metric(summary: RunSummary, method: str, metric: str) -> str:
    value = summary.metrics.test.get(method, {}).get(metric) if summary.metrics else None
    return NO_VALUE if value is None or np.isnan(value) else f"{value:.3f}"


def _discovery_outcome(summary: RunSummary) -> str:
    if summary.mode != DISCOVER or not summary.complete:
        return ""
    found = Run(summary.path).discovery_outcome()
    precision = ("no calibration" if found["expected_precision"] is None
                 else f"expected precision {found['expected_precision']:.3f}")
    return (f"{counted(found['n_pairs'], 'novel pair')} ranked over "
            f"{counted(found['seeds'], 'seed')}; top {found['top_n']:,}: {precision}")


def compare(first: Run, second: Run) -> None:
    """The two runs' metrics of a method (mean ± sd over each run's seeds) and the
    difference; their curves overlaid."""
    frames = [metrics_frame([r.metrics.test for r in run.evaluation_runs()] or
                            [run.metrics.test]) for run in (first, second)]
    methods = [m for m in frames[0]["method"] if m in set(frames[1]["method"])]
    method = st.selectbox("Method", methods, format_func=METHOD_LABELS.get,
                          key="compare_method")
    table = compare_runs(*frames, COMPARED_METRICS, method).rename(columns={
        "first": f"A: {first.id}", "second": f"B: {second.id}", "difference": "B − A"})
    st.dataframe(table, hide_index=True)
    st.caption(plain(f"A: {first.config.dataset_name}, protocol {first.config.protocol}, "
                     f"{counted(len(first.evaluation_runs()) or 1, 'seed')} · B: "
                     f"{second.config.dataset_name}, protocol {second.config.protocol}, "
                     f"{counted(len(second.evaluation_runs()) or 1, 'seed')}. Mean ± sd over "
                     "each run's seeds; the difference's sd is √(sd A² + sd B²), seeds taken "
                     "as independent. Curves: each run's own seed."))
    curves = {"A": first.curves[method], "B": second.curves[method]}  # named in the table
    columns = st.columns(3)
    for column, kind in zip(columns, charts.CURVE_KINDS, strict=True):
        if all(kind in c for c in curves.values()):
            column.plotly_chart(charts.overlay_figure(curves, kind))
