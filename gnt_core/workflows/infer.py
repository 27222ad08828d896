"""One call from data to a ranked list of novel edges, in the spirit of arboreto's `grnboost2`:

    edges = gnt_core.infer(expression, network, tfs=None, seeds=5, epochs=30)

It does what `gnt discover` does: an evaluation under the `candidates` protocol chooses the
phase-1 epoch count and calibrates expected precision, then discovery trains on every known edge
(cross-fitted, `seeds` seeds) and ranks every pair that is not a known edge.

`expression` is a path (CSV/TSV/.h5ad) or a DataFrame (genes × cells or cells × genes: the axis
whose names match the network's genes holds the genes); `network` a path or a DataFrame of
regulator → target edges; `tfs` a path or a list of symbols. Tables are checked by the same
readers as files, so a bad input raises the same `GntInputError`.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import fields, replace
from pathlib import Path

import pandas as pd

from ..io import Source, load_dataset
from ..outputs.export import to_spreadsheet
from ..settings import DiscoverySettings, RunSettings, TrainConfig, preset
from ..store.run import Run
from .discover import run_discovery
from .pipeline import run_pipeline

Table = str | os.PathLike | pd.DataFrame


def infer(expression: Table, network: Table, tfs: str | os.PathLike | Iterable[str] | None = None,
          *, seeds: int = DiscoverySettings.seeds, preset_name: str = "default",
          **settings) -> pd.DataFrame:
    """Rank the novel regulator → target pairs, best first.

    `settings` are RunSettings fields (seed, universe, features, …) or TrainConfig fields
    (epochs, dim, device, …). Returns `Gene1, Gene2, EdgeWeight` (non-negative, higher = more
    confident), then score, rank, status, stability, expected_precision, expected_recall and the
    hub-aware columns (known degrees, ranks within the regulator and the target).
    """
    run_settings = _settings(preset_name, settings)
    dataset = load_dataset(_source(expression, "expression"), _source(network, "network"),
                           tfs=None if tfs is None else _source(tfs, "tfs"), name="infer")
    with tempfile.TemporaryDirectory(prefix="gnt-infer-") as folder:
        evaluation = Run.create(Path(folder), "evaluation")
        run_pipeline(dataset, run_settings, evaluation)
        discovery = Run.create(Path(folder), "discovery")
        run_discovery(dataset, run_settings, DiscoverySettings(seeds=seeds), discovery,
                      [evaluation])
        return to_spreadsheet(discovery.candidates())


def _settings(name: str, values: dict) -> RunSettings:
    train_fields = {f.name for f in fields(TrainConfig)}
    run_fields = {f.name for f in fields(RunSettings)} - {"train"}
    unknown = sorted(set(values) - train_fields - run_fields)
    if unknown:
        raise TypeError(f"infer() got unknown settings {', '.join(unknown)}")
    base = preset(name, ablation=False, protocol="candidates",
                  **{k: v for k, v in values.items() if k in run_fields})
    train = replace(base.train, seed=base.seed,
                    **{k: v for k, v in values.items() if k in train_fields})
    return replace(base, train=train)


def _source(value, role: str) -> Source:
    """A path as it is; a DataFrame or a list of symbols as an in-memory CSV for the readers."""
    if isinstance(value, str | os.PathLike):
        return value
    if isinstance(value, pd.DataFrame):
        buffer = io.BytesIO(value.to_csv(index=role == "expression").encode())
    else:
        buffer = io.BytesIO(("TF\n" + "\n".join(map(str, value)) + "\n").encode())
    buffer.name = f"<{role} table>"
    return buffer
