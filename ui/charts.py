"""Plotly figures for the pages."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gnt_core.vocabulary import METHOD_LABELS, METRIC_LABELS

METHOD_STYLE = {"gnt": ("#3366cc", "solid", 3), "gne_mlp": ("#990099", "solid", 2),
                "ranker": ("#0099c6", "dashdot", 2),
                "degree": ("#dc3912", "dash", 2), "pcc": ("#ff9900", "dash", 2),
                "paths": ("#109618", "dash", 2),
                "random": ("#7f7f7f", "dot", 2)}


# a log axis labelled at decades only (1, 10, 100), with unlabelled minor ticks between
LOG_AXIS = {"type": "log", "dtick": 1, "minor": {"ticks": "outside", "dtick": "D1"}}


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    """Common layout: the title just above the plot area, clear of the chart's toolbar, which
    sits in the top margin."""
    fig.update_layout(title={"text": title, "x": 0, "xref": "paper", "y": 1, "yref": "paper",
                             "yanchor": "bottom", "pad": {"b": 10}},
                      xaxis_title=x, yaxis_title=y, height=440,
                      margin={"l": 50, "r": 10, "t": 80, "b": 40},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def _precision_axis(fig: go.Figure, log: bool, lowest: float) -> None:
    """Precision runs up to 1 and never past it; on a log axis down to `lowest`."""
    if log:
        fig.update_yaxes(LOG_AXIS, range=[np.log10(max(lowest, 1e-6)) - 0.1, 0])
    else:
        fig.update_yaxes(range=[0, 1])


def roc_figure(curves: dict, metrics: dict) -> go.Figure:
    fig = go.Figure()
    for method, curve in curves.items():
        colour, dash, width = METHOD_STYLE.get(method, ("#000", "solid", 1))
        auc = metrics[method]["auroc"]
        fig.add_trace(go.Scatter(x=curve["roc"]["fpr"], y=curve["roc"]["tpr"], mode="lines",
                                 name=f"{METHOD_LABELS.get(method, method)} — {auc:.3f}",
                                 line={"color": colour, "dash": dash, "width": width}))
    fig.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line={"color": "#ccc", "dash": "dot"})
    return _layout(fig, "ROC curve (AUROC in legend)", "false positive rate",
                   "true positive rate")


def pr_figure(curves: dict, metrics: dict, log_precision: bool = False) -> go.Figure:
    fig = go.Figure()
    for method, curve in curves.items():
        colour, dash, width = METHOD_STYLE.get(method, ("#000", "solid", 1))
        auprc = metrics[method]["auprc"]
        fig.add_trace(go.Scatter(x=curve["pr"]["recall"], y=curve["pr"]["precision"],
                                 mode="lines",
                                 name=f"{METHOD_LABELS.get(method, method)} — {auprc:.3f}",
                                 line={"color": colour, "dash": dash, "width": width}))
    prevalence = next(iter(metrics.values()))["prevalence"]
    fig.add_hline(y=prevalence, line={"color": "#ccc", "dash": "dot"},
                  annotation_text=f"prevalence {prevalence:.4f}")
    lowest = min([prevalence, *(min((p for p in c["pr"]["precision"] if p > 0), default=1.0)
                                for c in curves.values())])
    _precision_axis(fig, log_precision, lowest)
    return _layout(fig, "Precision–recall curve (AUPRC in legend)", "recall", "precision")


def precision_at_k_figure(curves: dict, prevalence: float) -> go.Figure:
    """Precision among the k best-ranked test pairs, k on a log axis: the head of the ranking,
    where a biologist picks pairs to test."""
    fig = go.Figure()
    for method, curve in curves.items():
        colour, dash, width = METHOD_STYLE.get(method, ("#000", "solid", 1))
        fig.add_trace(go.Scatter(x=curve["precision_at_k"]["k"],
                                 y=curve["precision_at_k"]["precision"], mode="lines",
                                 name=METHOD_LABELS.get(method, method),
                                 line={"color": colour, "dash": dash, "width": width}))
    fig.add_hline(y=prevalence, line={"color": "#ccc", "dash": "dot"},
                  annotation_text="chance (prevalence)")
    fig.update_xaxes(LOG_AXIS)
    _precision_axis(fig, log=False, lowest=prevalence)
    return _layout(fig, "Precision among the top k test pairs", "k (log scale)", "precision")


# the curves of curves.json: (x, y, title, x title, y title)
CURVE_KINDS = {
    "roc": ("fpr", "tpr", "ROC curve", "false positive rate", "true positive rate"),
    "pr": ("recall", "precision", "Precision–recall curve", "recall", "precision"),
    "precision_at_k": ("k", "precision", "Precision among the top k", "k (log scale)",
                       "precision"),
}
OVERLAY_COLOURS = ("#3366cc", "#dc3912", "#109618", "#990099")


def overlay_figure(curves: dict[str, dict], kind: str) -> go.Figure:
    """One method's curve of several runs (name -> that method's curves), overlaid."""
    x, y, title, x_title, y_title = CURVE_KINDS[kind]
    fig = go.Figure()
    for (name, curve), colour in zip(curves.items(), OVERLAY_COLOURS, strict=False):
        fig.add_trace(go.Scatter(x=curve[kind][x], y=curve[kind][y], mode="lines", name=name,
                                 line={"color": colour, "width": 2}))
    if kind == "roc":
        fig.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line={"color": "#ccc",
                                                                  "dash": "dot"})
    else:
        _precision_axis(fig, log=False, lowest=0.0)
    if kind == "precision_at_k":
        fig.update_xaxes(LOG_AXIS)
    return _layout(fig, title, x_title, y_title)


def reliability_figure(table: pd.DataFrame) -> go.Figure:
    """Expected precision (the calibration, fitted on the other seeds) against the precision
    observed on each held-out seed, by rank bin; on the diagonal when the estimate holds."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=table["predicted"], y=table["observed"], mode="markers+text", text=table["ranks"],
        textposition="top center", name="rank bins",
        error_y={"type": "data", "array": table["observed_sd"].fillna(0.0)}))
    top = float(max(table["predicted"].max(), table["observed"].max(), 0.01)) * 1.1
    fig.add_shape(type="line", x0=0, y0=0, x1=top, y1=top, line={"color": "#ccc",
                                                                  "dash": "dot"})
    return _layout(fig, "Reliability: expected against observed precision, by rank bin",
                   "expected precision (other seeds)", "observed precision (held-out seed)")


def highlight_winners(shown: pd.DataFrame, frame: pd.DataFrame):
    """The text metrics table with each metric's best mean in bold (every method that ties
    it at the three decimals shown)."""
    best = {column: set(frame.index[frame[name].round(3) == frame[name].round(3).max()])
            for name, column in METRIC_LABELS.items() if column in shown.columns}

    def bold(column: pd.Series) -> list[str]:
        return ["font-weight: bold; background-color: #e8f0fe" if i in best.get(column.name, ())
                else "" for i in column.index]

    return shown.style.apply(bold)


def training_figure(history: dict) -> go.Figure:
    fig = go.Figure()
    for model, epochs in history.items():
        frame = pd.DataFrame(epochs)
        label = METHOD_LABELS.get(model, model)
        fig.add_trace(go.Scatter(x=frame["epoch"], y=frame["loss"], name=f"{label} loss",
                                 mode="lines+markers"))
        fig.add_trace(go.Scatter(x=frame["epoch"], y=frame["val_auroc"], yaxis="y2",
                                 name=f"{label} validation AUROC", mode="lines+markers",
                                 line={"dash": "dot"}))
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "range": [0, 1], "dtick": 0.2,
                              "title": "validation AUROC (probe)", "showgrid": False})
    return _layout(fig, "Training", "epoch", "loss")


def degree_figure(edges: pd.DataFrame) -> go.Figure:
    out_degree = edges["regulator"].value_counts()
    in_degree = edges["target"].value_counts()
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=out_degree.to_numpy(), name="targets per regulator",
                               opacity=0.7, marker_color="#d95f02"))
    fig.add_trace(go.Histogram(x=in_degree.to_numpy(), name="regulators per target",
                               opacity=0.7, marker_color="#1b9e77"))
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(LOG_AXIS)
    return _layout(fig, "Degree distribution", "degree", "genes (log scale)")


def expression_figure(expression: np.ndarray, max_values: int = 200_000) -> go.Figure:
    values = expression.ravel()
    if len(values) > max_values:
        values = np.random.default_rng(0).choice(values, max_values, replace=False)
    zero_fraction = (expression == 0).mean(axis=1)
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=values[values != 0], name="non-zero values", nbinsx=60))
    fig.add_trace(go.Histogram(x=zero_fraction, name="zero fraction per gene", nbinsx=40,
                               xaxis="x2", yaxis="y2"))
    fig.update_layout(grid={"rows": 1, "columns": 2, "pattern": "independent"},
                      xaxis2={"title": "fraction of cells with 0"})
    return _layout(fig, "Expression distribution", "expression value", "count")


SCATTER_MAX_CELLS = 3_000  # past this many cells, a density view


def pair_scatter_figure(x: np.ndarray, y: np.ndarray, regulator: str, target: str,
                        groups: np.ndarray | None = None, group_name: str = "") -> go.Figure:
    """The two genes' values across the cells: points (coloured by group), or a density view
    past SCATTER_MAX_CELLS cells."""
    regulator, target = html.escape(regulator), html.escape(target)
    fig = go.Figure()
    if len(x) > SCATTER_MAX_CELLS and groups is None:
        fig.add_trace(go.Histogram2d(x=x, y=y, nbinsx=60, nbinsy=60, colorscale="Blues",
                                     colorbar={"title": "cells"}))
    elif groups is None:
        fig.add_trace(go.Scattergl(x=x, y=y, mode="markers", name="cells",
                                   marker={"size": 5, "opacity": 0.6, "color": "#3366cc"}))
    else:
        for label in pd.unique(groups):
            members = groups == label
            fig.add_trace(go.Scattergl(x=x[members], y=y[members], mode="markers",
                                       name=html.escape(str(label)),
                                       marker={"size": 5, "opacity": 0.6}))
    title = f"{regulator} and {target} in each cell" + (
        f", coloured by {html.escape(group_name)}" if groups is not None else "")
    return _layout(fig, title, f"{regulator} expression", f"{target} expression")


def paths_figure(regulator: str, target: str, paths: list[list[str]],
                 shown: int = 8) -> go.Figure:
    """The pair's paths of length 3, regulator → t ← r → target, in four columns: the
    regulator, its targets t, their other regulators r, the target."""
    paths = paths[:shown]
    middle = sorted({t for t, _ in paths}), sorted({r for _, r in paths})
    place = {("regulator", regulator): (0, 0.5), ("target", target): (3, 0.5)}
    for column, genes in ((1, middle[0]), (2, middle[1])):
        for k, gene in enumerate(genes):
            place[("t" if column == 1 else "r", gene)] = (column, 1 - (k + 0.5) / len(genes))
    fig = go.Figure()
    for t, r in paths:
        for start, end in ((("regulator", regulator), ("t", t)), (("r", r), ("t", t)),
                           (("r", r), ("target", target))):
            (x0, y0), (x1, y1) = place[start], place[end]
            fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x",
                               ayref="y", showarrow=True, arrowhead=2, arrowsize=1,
                               arrowwidth=1.2, arrowcolor="#999", standoff=9, startstandoff=9)
    (x0, y0), (x1, y1) = place[("regulator", regulator)], place[("target", target)]
    fig.add_trace(go.Scatter(x=[x0, x1], y=[y0 - 0.08, y1 - 0.08], mode="lines",
                             line={"color": "#dc3912", "dash": "dash"},
                             name="the predicted edge", hoverinfo="skip"))
    colours = {"regulator": "#3366cc", "target": "#dc3912", "t": "#109618", "r": "#ff9900"}
    for role, name, side in (("regulator", "regulator", "middle left"),  # middle columns:
                             ("t", "its known targets", "top center"),  # above, clear of
                             ("r", "their other regulators", "top center"),  # the arrows
                             ("target", "target", "middle right")):
        nodes = [(gene, xy) for (kind, gene), xy in place.items() if kind == role]
        fig.add_trace(go.Scatter(
            x=[xy[0] for _, xy in nodes], y=[xy[1] for _, xy in nodes], mode="markers+text",
            text=[html.escape(gene) for gene, _ in nodes], textposition=side,
            marker={"size": 14, "color": colours[role]}, name=name, hoverinfo="text"))
    fig.update_xaxes(visible=False, range=[-0.9, 3.9])
    fig.update_yaxes(visible=False, range=[-0.05, 1.05])
    return _layout(fig, f"The {len(paths)} best-weighted paths of length 3", "", "")


def contributions_figure(families: dict[str, float]) -> go.Figure:
    """What moved the ranker's log-odds for the pair, by family of evidence."""
    ordered = sorted(families.items(), key=lambda item: abs(item[1]))
    fig = go.Figure(go.Bar(x=[v for _, v in ordered], y=[n for n, _ in ordered],
                           orientation="h",
                           marker={"color": ["#109618" if v > 0 else "#dc3912"
                                             for _, v in ordered]}))
    fig = _layout(fig, "What drove the score (SHAP, log-odds)", "contribution", "")
    fig.update_layout(showlegend=False, height=320)
    return fig


def curated_figure(curve: pd.DataFrame) -> go.Figure:
    """Curated edges among the top N of each list, and the number expected by chance."""
    fig = go.Figure()
    styles = {"GNT": METHOD_STYLE["gnt"], "paths of length 3": METHOD_STYLE["paths"],
              "degree": METHOD_STYLE["degree"], "expected": METHOD_STYLE["random"]}
    for name, (colour, dash, width) in styles.items():
        label = "expected by chance" if name == "expected" else name
        fig.add_trace(go.Scatter(x=curve["top_n"], y=curve[name], mode="lines+markers",
                                 name=label, line={"color": colour, "dash": dash,
                                                   "width": width}))
    fig.update_xaxes(LOG_AXIS)
    return _layout(fig, "Curated edges among the top N novel pairs", "top N pairs",
                   "curated edges")
