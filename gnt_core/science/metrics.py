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

from ..vocabulary import BASELINES, METHODS, METRIC_LABELS, METRICS, TOP_K

CURVE_POINTS = 400
MIN_REGULATOR_POSITIVES = 3


def evaluation_metrics(labels: np.ndarray, scores: np.ndarray,
                       regulators: np.ndarray | None = None) -> dict[str, float]:
    """AUROC, AUPRC, AUPRC / prevalence, early precision ratio (k = number of positives) and
    precision among the top k for k in TOP_K (NaN where fewer pairs); with `regulators`
    (each pair's regulator side), also the per-regulator macro AUROC and
    AUPRC (see per_regulator_metrics)."""
    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=np.float64)
    n_pos = int(labels.sum())
    if n_pos == 0 or n_pos == len(labels):
        raise ValueError("metrics need test pairs of both classes")
    prevalence = n_pos / len(labels)
    auprc = float(average_precision_score(labels, scores))
    metrics = {"auroc": float(roc_auc_score(labels, scores)), "auprc": auprc,
               "auprc_ratio": auprc / prevalence,
               "epr": early_precision(labels, scores, n_pos) / prevalence,
               **{f"p_at_{k}": early_precision(labels, scores, k) if k <= len(labels)
                  else float("nan") for k in TOP_K},
               "prevalence": prevalence, "n_pos": n_pos, "n_neg": int(len(labels) - n_pos)}
    if regulators is not None:
        metrics |= per_regulator_metrics(labels, scores, regulators)
    return metrics


def per_regulator_metrics(labels: np.ndarray, scores: np.ndarray, regulators: np.ndarray,
                          min_positives: int = MIN_REGULATOR_POSITIVES) -> dict[str, float]:
    """Which targets of MY regulator? AUROC and AUPRC within each regulator that has at least
    `min_positives` test positives and one test negative, macro-averaged (NaN when none has)."""
    order = np.argsort(regulators, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(regulators[order])) + 1)
    aurocs, auprcs = [], []
    for group in groups:
        positives = int(labels[group].sum())
        if positives >= min_positives and positives < len(group):
            aurocs.append(roc_auc_score(labels[group], scores[group]))
            auprcs.append(average_precision_score(labels[group], scores[group]))
    return {"reg_auroc": float(np.mean(aurocs)) if aurocs else float("nan"),
            "reg_auprc": float(np.mean(auprcs)) if auprcs else float("nan"),
            "n_regulators": len(aurocs)}


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
    """ROC and PR curves, and precision among the top k pairs: the head of the ranking (where a
    biologist looks) at full resolution, then log-spaced points, at most ~CURVE_POINTS each."""
    fpr, tpr, _ = roc_curve(labels, scores)
    precision, recall, _ = precision_recall_curve(labels, scores)
    roc_keep = _head_first(len(fpr))
    pr_keep = len(recall) - 1 - _head_first(len(recall))[::-1]  # sklearn lists the head last
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    hits = np.cumsum(np.asarray(labels)[order])
    k = _head_first(len(order)) + 1
    return {"roc": {"fpr": fpr[roc_keep].tolist(), "tpr": tpr[roc_keep].tolist()},
            "pr": {"recall": recall[pr_keep].tolist(), "precision": precision[pr_keep].tolist()},
            "precision_at_k": {"k": k.tolist(), "precision": (hits[k - 1] / k).tolist()}}


def _head_first(n: int, head: int = 200) -> np.ndarray:
    """Indices 0..n-1 thinned: the first `head` all kept, then log-spaced to the last."""
    tail = np.geomspace(min(head, n), n, CURVE_POINTS - head).round().astype(int) - 1
    return np.unique(np.concatenate([np.arange(min(head, n)), tail[tail >= 0], [n - 1]]))


def precision_recall_at(labels: np.ndarray, scores: np.ndarray, top_n: int) -> dict[str, float]:
    """Counts, precision and recall when the top N pairs are called edges."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    called = np.zeros(len(order), dtype=bool)
    called[order[:top_n]] = True
    truth = np.asarray(labels).astype(bool)
    tp, fp = int((called & truth).sum()), int((called & ~truth).sum())
    fn, tn = int((~called & truth).sum()), int((~called & ~truth).sum())
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan")}


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
            values = np.array([r[method].get(name, np.nan) for r in results if method in r],
                              dtype=np.float64)  # NaN: a run older than the metric
            row[name] = values.mean()
            row[f"{name}_sd"] = values.std(ddof=1) if len(values) > 1 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def format_metrics(frame: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A metrics_frame as text: 'mean ± sd' per metric, methods named by `labels`."""
    shown = pd.DataFrame({"method": frame["method"].map(lambda m: (labels or {}).get(m, m))})
    for name in METRICS:
        shown[METRIC_LABELS[name]] = ["—" if np.isnan(m) else f"{m:.3f}" + (
            "" if np.isnan(s) else f" ± {s:.3f}") for m, s in zip(frame[name],
                                                                  frame[f"{name}_sd"],
                                                                  strict=True)]
    return shown


def compare_methods(frame: pd.DataFrame, metrics: tuple[str, ...] = (
        "auroc", "auprc", "epr", "reg_auroc", "reg_auprc")) -> dict[str, dict]:
    """Per metric: GNT against the best baseline and against the GNE-MLP ablation.

    Each comparison is 'ahead' (GNT's mean above the other's by more than one sd over seeds),
    'tie' (within one sd) or 'behind'. With a single seed (no sd) the tolerance is 2 % of GNT's
    value. Also names the metric's winner.
    """
    rows = frame.set_index("method")
    out = {}
    for metric in metrics:
        if rows[metric].isna().all():  # per-regulator metrics of a run older than them
            continue
        gnt_mean, gnt_sd = rows.loc["gnt", metric], rows.loc["gnt", f"{metric}_sd"]
        baselines = rows.loc[[b for b in BASELINES if b in rows.index]]
        result = {"winner": rows[metric].idxmax()}
        if len(baselines):
            result["best_baseline"] = baselines[metric].idxmax()
        for name, other in (("baseline", result.get("best_baseline")), ("ablation", "gne_mlp")):
            if other not in rows.index:
                continue
            sds = [v for v in (gnt_sd, rows.loc[other, f"{metric}_sd"]) if not np.isnan(v)]
            tolerance = max(sds) if sds else 0.02 * abs(gnt_mean)
            difference = gnt_mean - rows.loc[other, metric]
            result[name] = ("ahead" if difference > tolerance else
                            "behind" if difference < -tolerance else "tie")
        out[metric] = result
    return out


def verdict_line(comparison: dict[str, dict], labels: dict[str, str]) -> str:
    """One sentence across the metrics: where GNT is ahead of, tied with or behind the best
    baseline and the ablation."""
    words = {"ahead": "ahead of", "tie": "tied with", "behind": "behind"}
    parts = []
    for metric, result in comparison.items():
        baseline = labels.get(result["best_baseline"], result["best_baseline"])
        against = [f"{words[result['baseline']]} the {baseline}"]
        if "ablation" in result:
            against.append(f"{words[result['ablation']]} the GNE-MLP ablation")
        parts.append(f"{METRIC_LABELS[metric]}: GNT {' and '.join(against)}")
    return "; ".join(parts) + "."


