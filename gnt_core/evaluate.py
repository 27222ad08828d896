"""Metrics, curves and the baselines every result is shown beside."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from .preprocess import standardise

BASELINES = ("degree", "pcc", "random")
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


def degree_scores(pairs: np.ndarray, expression: np.ndarray, train_positives: np.ndarray,
                  seed: int = 0) -> np.ndarray:
    """Sum of the two genes' degrees in the training network (undirected)."""
    degree = np.bincount(np.asarray(train_positives).ravel(), minlength=expression.shape[0])
    return (degree[pairs[:, 0]] + degree[pairs[:, 1]]).astype(np.float64)


def pcc_scores(pairs: np.ndarray, expression: np.ndarray, train_positives: np.ndarray | None = None,
               seed: int = 0, block: int = 1 << 16) -> np.ndarray:
    """|Pearson correlation| of the two genes' expression profiles."""
    z = standardise(expression)
    n_cells = z.shape[1]
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), block):
        p = pairs[start:start + block]
        out[start:start + block] = np.abs(np.einsum("ij,ij->i", z[p[:, 0]], z[p[:, 1]]) / n_cells)
    return out


def random_scores(pairs: np.ndarray, expression: np.ndarray | None = None,
                  train_positives: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random(len(pairs))


# every baseline: f(pairs, expression, training positives, seed) -> scores
BASELINE_FUNCTIONS = {"degree": degree_scores, "pcc": pcc_scores, "random": random_scores}


def baseline_scores(pairs: np.ndarray, expression: np.ndarray, train_positives: np.ndarray,
                    seed: int = 0) -> dict[str, np.ndarray]:
    """Scores of every baseline for the same pairs."""
    return {name: f(pairs, expression, train_positives, seed)
            for name, f in BASELINE_FUNCTIONS.items()}


def summarise_metrics(runs: list[dict], metrics: tuple[str, ...] = (
        "auroc", "auprc", "auprc_ratio", "epr")) -> pd.DataFrame:
    """Mean and sd over runs (seeds) of each method's test metrics: one row per method."""
    rows = []
    methods = [m for m in runs[0]["test"]] if runs else []
    for method in methods:
        row = {"method": method, "runs": sum(method in r["test"] for r in runs)}
        for name in metrics:
            values = np.array([r["test"][method][name] for r in runs if method in r["test"]])
            row[name] = values.mean()
            row[f"{name}_sd"] = values.std(ddof=1) if len(values) > 1 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


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
