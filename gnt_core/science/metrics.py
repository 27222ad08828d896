"""Metrics and curves of pair scores, and the per-method metrics table over seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from ..vocabulary import BASELINES, METHODS, METRIC_LABELS, METRICS

CURVE_POINTS = 400


def evaluation_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """AUROC, AUPRC, AUPRC / prevalence and early precision ratio (k = number of positives)."""
    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=np.float64)
    n_pos = int(labels.sum())
    if n_pos == 0 or n_pos == len(labels):
        raise ValueError("metrics need test pairs of both classes")
    prevalence = n_pos / len(labels)
    auprc = float(average_precision_score(labels, scores))
    return {"auroc": float(roc_auc_score(labels, scores)), "auprc": auprc,
            "auprc_ratio": auprc / prevalence,
            "epr": early_precision(labels, scores, n_pos) / prevalence,
            "prevalence": prevalence, "n_pos": n_pos, "n_neg": int(len(labels) - n_pos)}


def early_precision(labels: np.ndarray, scores: np.ndarray, k: int) -> float:
    """Expected precision among the top k scores, ties at the cut broken uniformly at random."""
    order = np.argsort(-scores, kind="stable")
    cut = scores[order[k - 1]]
    above = scores > cut
    tied = scores == cut
    slots = k - int(above.sum())
    tied_pos = labels[tied].sum()
    expected_hits = labels[above].sum() + slots * tied_pos / tied.sum()
    return float(expected_hits / k)


def curve_points(labels: np.ndarray, scores: np.ndarray) -> dict[str, dict[str, list[float]]]:
    """ROC and PR curves, thinned to at most CURVE_POINTS points each."""
    fpr, tpr, _ = roc_curve(labels, scores)
    precision, recall, _ = precision_recall_curve(labels, scores)
    roc_keep, pr_keep = _thin(len(fpr)), _thin(len(recall))
    return {"roc": {"fpr": fpr[roc_keep].tolist(), "tpr": tpr[roc_keep].tolist()},
            "pr": {"recall": recall[pr_keep].tolist(), "precision": precision[pr_keep].tolist()}}


def _thin(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, CURVE_POINTS)).round().astype(int))


def metrics_frame(results: list[dict[str, dict]]) -> pd.DataFrame:
    """The per-method metrics table: `results` holds one {method: metrics} dict per run (seed);
    one row per method (in METHODS order), each metric's mean and its sd over runs (NaN for a
    single run)."""
    methods = [m for m in METHODS if any(m in r for r in results)]
    methods += [m for m in dict.fromkeys(k for r in results for k in r) if m not in methods]
    rows = []
    for method in methods:
        row = {"method": method, "runs": sum(method in r for r in results)}
        for name in METRICS:
            values = np.array([r[method][name] for r in results if method in r])
            row[name] = values.mean()
            row[f"{name}_sd"] = values.std(ddof=1) if len(values) > 1 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def format_metrics(frame: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A metrics_frame as text: 'mean ± sd' per metric, methods named by `labels`."""
    shown = pd.DataFrame({"method": frame["method"].map(lambda m: (labels or {}).get(m, m))})
    for name in METRICS:
        shown[METRIC_LABELS[name]] = [f"{m:.3f}" + ("" if np.isnan(s) else f" ± {s:.3f}")
                                      for m, s in zip(frame[name], frame[f"{name}_sd"],
                                                      strict=True)]
    return shown


def close_baselines(test_metrics: dict, margin: float = 0.02) -> list[tuple[str, float]]:
    """Baselines whose AUROC comes within `margin` of GNT's (or beats it)."""
    gnt = test_metrics["gnt"]["auroc"]
    return [(name, test_metrics[name]["auroc"]) for name in BASELINES
            if name in test_metrics and test_metrics[name]["auroc"] >= gnt - margin]


def confusion_at(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Counts and precision/recall when pairs scoring above `threshold` are called edges."""
    labels = np.asarray(labels).astype(bool)
    called = np.asarray(scores) > threshold
    tp, fp = int((called & labels).sum()), int((called & ~labels).sum())
    fn, tn = int((~called & labels).sum()), int((~called & ~labels).sum())
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan")}
