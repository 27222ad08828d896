"""The benchmark grid: datasets × protocols × seeds × methods, on the same test pairs per cell.

Each finished cell (dataset, protocol, seed) appends one row per method to `results.csv`, so a
run that stops resumes where it stopped; `summary.md` gives mean ± sd per method and protocol,
says which method wins where, and names the machine, versions and settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from ..io import Dataset, GntInputError
from ..science.device import resolve_device
from ..science.metrics import compare_methods, evaluation_metrics
from ..science.splits import is_training_positive
from ..settings import RunSettings
from ..store.run import package_versions
from ..store.storage import write_bytes, write_json, write_table
from ..vocabulary import (
    FREE_PREDICTORS,
    GIVEN,
    METHODS,
    METRIC_LABELS,
    METRICS,
    TOP_K,
    Progress,
    no_progress,
)
from .cluster import describe, run_tasks, scatter
from .pipeline import check_split, fit_methods, make_split, test_scores

COLUMNS = ("dataset", "protocol", "seed", "method", *METRICS, "train_s", "score_s", "n_pos",
           "n_neg", "device", "config")
GIVEN_CLEAN = "given-clean"  # a given split without its test pairs that are training positives


def environment(device: str) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    gpu = torch.cuda.get_device_name(0) if device == "cuda" else "none"
    return {"device": device, "cpu": cpu, "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(), "gpu": gpu,
            "versions": package_versions(), "date": time.strftime("%Y-%m-%d")}


def config_id(settings: RunSettings) -> str:
    """A short hash of everything a cell depends on but protocol and seed: rows of other
    settings never mix. Stacking counts as the protocol uses it (off under tf-matched), so a
    tf-matched cell is the same cell with the layer switched on or off."""
    values = settings.to_dict() | {"stacking": settings.uses_stacking, "protocol": None,
                                   "seed": None, "split_dir": None}
    values["train"] = values["train"] | {"seed": None, "device": None}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:10]


def run_benchmark(datasets: dict[str, Callable[[], Dataset]], protocols: list[str],
                  seeds: list[int], settings: RunSettings, out_dir: Path,
                  progress: Progress | None = None, command: str = "",
                  split_dirs: dict[str, str] | None = None, client: Any = None) -> pd.DataFrame:
    """Compute every missing cell of the grid; returns all rows for these settings.

    Cells run as tasks on a Dask `client` (cluster.open_client), or in this process when it is
    None. Rows are appended to results.csv as cells finish, by this process only, so a grid
    that stops resumes where it stopped and no row is written twice. Protocol 'given' uses
    split_dirs[dataset] (a peer's split) and adds 'given-clean' rows: the same scores without
    the test pairs that are training positives."""
    split_dirs = split_dirs or {}
    out_dir = Path(out_dir)
    settings = replace(settings, ablation=True)
    device = resolve_device(settings.train.device)
    configs = {p: config_id(replace(settings, protocol=p)) for p in [*protocols, GIVEN_CLEAN]}
    results_path = out_dir / "results.csv"
    results = pd.read_csv(results_path) if results_path.exists() else pd.DataFrame(
        columns=COLUMNS)
    cells = [(d, p, s) for d in datasets for p in protocols for s in seeds
             if p != GIVEN or d in split_dirs]
    todo = [c for c in cells if not _finished(results, *c, configs[c[1]])]
    report = progress or no_progress
    report("benchmark", len(cells) - len(todo), len(cells), {"label": "cells kept"})
    data = {name: datasets[name]() for name in dict.fromkeys(name for name, _, _ in todo)}
    for name, protocol, seed in {(n, p): (n, p, s) for n, p, s in todo}.values():
        _check_cell(data[name], name, replace(settings, protocol=protocol, seed=seed,
                                              split_dir=split_dirs.get(name) if protocol == GIVEN
                                              else None))
    loaded = {name: scatter(client, dataset) for name, dataset in data.items()}
    tasks = {(name, protocol, seed): (loaded[name], name, replace(
        settings, protocol=protocol, seed=seed, train=replace(settings.train, seed=seed,
                                                              device=device),
        split_dir=split_dirs.get(name) if protocol == GIVEN else None), device,
        configs[protocol])
        for name, protocol, seed in todo}

    finished: list[tuple] = []

    def keep(cell: tuple, rows: list[dict]) -> None:
        nonlocal results
        frame = pd.DataFrame(rows, columns=COLUMNS)
        results = pd.concat([results, frame], ignore_index=True) if len(results) else frame
        write_table(results_path, results)
        finished.append(cell)
        report("benchmark", len(cells) - len(todo) + len(finished), len(cells),
               {"label": " / ".join(map(str, cell))})

    run_tasks(client, _cell_rows, tasks, keep,
              resources={"GPU": 1} if device == "cuda" and client is not None else None)
    shown = [*protocols, *([GIVEN_CLEAN] if GIVEN in protocols else [])]
    mine = results[(results["config"] == results["protocol"].map(configs))
                   & results["dataset"].isin(datasets) & results["protocol"].isin(shown)
                   & results["seed"].isin(seeds)]
    rank = {name: i for i, name in enumerate([*datasets, *shown])}  # the order asked for
    mine = mine.sort_values(["dataset", "protocol"], key=lambda column: column.map(rank),
                            kind="stable")
    write_json(out_dir / "environment.json", environment(device) | {
        "settings": settings.to_dict(), "config": configs, "command": command,
        "cluster": describe(client)})
    write_bytes(out_dir / "summary.md",
                summary_markdown(mine, environment(device), settings, command).encode())
    return mine


def _check_cell(dataset: Dataset, name: str, settings: RunSettings) -> None:
    """Refuse, before any task starts, a protocol that cannot split a dataset's network."""
    try:
        check_split(dataset, settings)
    except GntInputError as err:
        raise GntInputError(f"{name}: {err} (gnt benchmark: leave {settings.protocol} out of "
                            "--protocols for this dataset)") from None


def _finished(results: pd.DataFrame, name: str, protocol: str, seed: int, config: str) -> bool:
    rows = results[(results["dataset"] == name) & (results["protocol"] == protocol)
                   & (results["seed"] == seed) & (results["config"] == config)]
    return {"gnt", "random"} <= set(rows["method"])


def _cell_rows(dataset: Dataset, name: str, settings: RunSettings, device: str,
               config: str) -> list[dict]:
    """One cell of the grid (a task): every method on the same split, one row per method."""
    timings: dict[str, float] = {}
    split = make_split(dataset, settings, no_progress, timings)
    fitted = fit_methods(dataset, split, settings, no_progress, timings)
    scores = test_scores(dataset, split, fitted, settings, no_progress, timings=timings)
    evaluations = {settings.protocol: (split.test.labels, scores, split.test.pairs[:, 0])}
    if settings.protocol == GIVEN:
        leaked = is_training_positive(split.test.pairs, split.train, split.n_genes)
        evaluations[GIVEN_CLEAN] = (split.test.labels[~leaked],
                                    {m: s[~leaked] for m, s in scores.items()},
                                    split.test.pairs[~leaked, 0])
    rows = []
    for protocol, (labels, method_scores, regulators) in evaluations.items():
        for method in (m for m in METHODS if m in method_scores):
            metrics = evaluation_metrics(labels, method_scores[method], regulators)
            rows.append({"dataset": name, "protocol": protocol, "seed": settings.seed,
                         "method": method, **{m: metrics[m] for m in METRICS},
                         "train_s": timings.get(f"{method}_total_s", 0.0),
                         "score_s": timings[f"{method}_score_s"], "n_pos": metrics["n_pos"],
                         "n_neg": metrics["n_neg"], "device": device, "config": config})
    return rows


# ---------------------------------------------------------------- the Markdown summary


def _mean_sd(values: pd.Series) -> str:
    sd = values.std(ddof=1) if len(values) > 1 else float("nan")
    return f"{values.mean():.3f}" + ("" if np.isnan(sd) else f" ± {sd:.3f}")


def summary_markdown(results: pd.DataFrame, env: dict, settings: RunSettings,
                     command: str = "") -> str:
    train = settings.train
    lines = ["# Benchmark summary", "",
             f"Command: `{command}`" if command else "",
             f"Machine: {env['cpu']}, {env['cpu_count']} CPUs (torch threads "
             f"{env['torch_threads']}), device {env['device']}, GPU {env['gpu']}; "
             f"{env['date']}.",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()) + ".",
             f"Settings: d {train.dim}, alpha {train.alpha}, cell groups {train.cell_groups}, "
             f"{train.epochs} epochs, batch "
             f"{train.batch_size}, lr {train.learning_rate}, softmax {train.softmax}, SVM C "
             f"{settings.svm_c} (gamma × {settings.svm_gamma_scale}), features "
             f"{settings.features}, stacking {'on' if settings.stacking else 'off'}, "
             f"regulator prior shift {'on' if settings.prior_shift else 'off'}; config "
             f"{', '.join(dict.fromkeys(results['config']))}.",
             "Cells: mean ± sd over seeds; every method is scored on the same test pairs.", "",
             *who_wins_table(results), ""]
    for dataset, rows in results.groupby("dataset", sort=False):
        seeds = sorted(rows["seed"].unique())
        lines += [f"## {dataset}", "", f"Seeds: {', '.join(map(str, seeds))}.", ""]
        protocols = list(dict.fromkeys(rows["protocol"]))
        for metric in ("auroc", "auprc_ratio", "auprc", *(f"p_at_{k}" for k in TOP_K), "epr",
                       "reg_auroc", "reg_auprc"):
            lines += [f"### {METRIC_LABELS[metric]}", "",
                      "| method | " + " | ".join(protocols) + " |",
                      "|---|" + "---|" * len(protocols)]
            for method in (m for m in METHODS if m in set(rows.method)):
                cells = [_mean_sd(rows[(rows.method == method) & (rows.protocol == p)][metric])
                         for p in protocols]
                lines.append(f"| {method} | " + " | ".join(cells) + " |")
            lines.append("")
        lines += ["### Who wins", ""] + [f"- {p}: {_verdict(rows[rows.protocol == p])}"
                                         for p in protocols] + [""]
        lines += ["### Time per cell (median seconds: train / score test pairs)", "",
                  "| method | " + " | ".join(protocols) + " |",
                  "|---|" + "---|" * len(protocols)]
        for method in (m for m in METHODS if m in set(rows.method)):
            cells = []
            for p in protocols:
                sel = rows[(rows.method == method) & (rows.protocol == p)]
                cells.append(f"{sel.train_s.median():.2f} / {sel.score_s.median():.3f}")
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


MARKS = {"ahead": "✓", "tie": "≈", "behind": "✗"}


def who_wins_table(results: pd.DataFrame) -> list[str]:
    """Markdown: per dataset and protocol, GNT against the best single free predictor (degree,
    |PCC| or L3), against the stack without GNT (what GNT adds to the ranker) and against the
    GNE-MLP ablation, per metric: ✓ ahead by more than one sd, ≈ within one sd, ✗ behind.
    Every cell without ✓ is a place where GNT is not ahead."""
    shown = ("auroc", "auprc", "p_at_50", "reg_auroc", "reg_auprc")
    lines = ["## Who wins", "", "GNT against the best single free predictor (degree, |PCC|, "
             "L3) / against the stack without GNT / against the GNE-MLP ablation: ✓ ahead by "
             "more than one sd over seeds, ≈ within one sd, ✗ behind, – not in this run.", "",
             "| dataset | protocol | " + " | ".join(METRIC_LABELS[m] for m in shown) + " |",
             "|---|---|" + "---|" * len(shown)]
    for (dataset, protocol), rows in results.groupby(["dataset", "protocol"], sort=False):
        stats = rows.groupby("method")[list(shown)].agg(["mean", "std"])
        frame = pd.DataFrame({"method": stats.index} | {
            (m if kind == "mean" else f"{m}_sd"): stats[(m, kind)].to_numpy()
            for m in shown for kind in ("mean", "std")})
        against = [compare_methods(frame[frame["method"].isin(("gnt", "gne_mlp", *priors))],
                                   shown) for priors in (FREE_PREDICTORS, ("ranker",))]
        cells = [" / ".join(MARKS.get(c.get("baseline"), "–") for c in
                            (against[0].get(m, {}), against[1].get(m, {})))
                 + f" / {MARKS.get(against[0].get(m, {}).get('ablation'), '–')}"
                 for m in shown]
        lines.append(f"| {dataset} | {protocol} | " + " | ".join(cells) + " |")
    return lines


def _verdict(rows: pd.DataFrame) -> str:
    """Which method wins on AUROC and on AUPRC ratio, and whether by more than one sd."""
    parts = []
    for metric in ("auroc", "auprc_ratio"):
        stats = rows.groupby("method")[metric].agg(["mean", "std"]).fillna(0.0)
        ranked = stats.sort_values("mean", ascending=False)
        best, second = ranked.index[0], ranked.index[1]
        margin = ranked["mean"].iloc[0] - ranked["mean"].iloc[1]
        clear = margin > max(ranked["std"].iloc[0], ranked["std"].iloc[1])
        gnt = stats.loc["gnt", "mean"]
        relation = "ahead by more than one sd of" if clear else "tied within one sd with"
        parts.append(f"{METRIC_LABELS[metric]}: **{best}** ({ranked['mean'].iloc[0]:.3f}) "
                     f"{relation} "
                     f"{second} ({ranked['mean'].iloc[1]:.3f})"
                     + ("" if best == "gnt" else f", GNT {gnt:.3f}"))
    return "; ".join(parts) + "."
