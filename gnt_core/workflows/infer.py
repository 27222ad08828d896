"""One call from data to a ranked list of novel edges, in the spirit of arboreto's `grnboost2`
and decoupler's network tables:

    edges = gnt_core.infer(adata, network, layer="counts", cells_column="cell_type",
                           cells_values=["HSC"], seeds=5, output="decoupler")

It does what `gnt discover` does: an evaluation under the `candidates` protocol chooses the
phase-1 epoch count and calibrates expected precision, then discovery trains on every known edge
(cross-fitted, `seeds` seeds) and ranks every pair that is not a known edge.

`expression` is an AnnData object (cells × genes; `layer`, `gene_column`, `cells_column` /
`cells_values`, `top_genes` choose as the CLI's single-cell options do), a path (CSV/TSV,
.h5ad, .loom, a 10x folder) or a DataFrame (genes × cells or cells × genes: the axis whose names
match the network's genes holds the genes); `network` a path or a DataFrame of regulator →
target edges (`source, target[, weight]` as decoupler writes them, or Gene1/Gene2, TF/target);
`tfs` a path or a list of symbols. Inputs are checked by the same readers as files, so a bad
input raises the same `GntInputError`.
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
from ..io.singlecell import SingleCellOptions
from ..io.sniff import is_anndata
from ..outputs.export import to_spreadsheet
from ..settings import DiscoverySettings, RunSettings, TrainConfig, preset
from ..store.run import Run
from .discover import run_discovery
from .pipeline import run_pipeline

Table = str | os.PathLike | pd.DataFrame
OUTPUTS = ("table", "decoupler")
SINGLE_CELL_CHOICES = ("layer", "gene_column", "cells_column", "cells_values", "top_genes")


def infer(expression, network: Table, tfs: str | os.PathLike | Iterable[str] | None = None,
          *, seeds: int = DiscoverySettings.seeds, preset_name: str = "default",
          output: str = "table", **settings) -> pd.DataFrame:
    """Rank the novel regulator → target pairs, best first.

    `settings` are RunSettings fields (seed, universe, features, …), TrainConfig fields
    (epochs, dim, device, …) or single-cell choices (layer, gene_column, cells_column,
    cells_values, top_genes). `output="table"` returns `Gene1, Gene2, EdgeWeight`
    (non-negative, higher = more confident), then score, rank, status, stability,
    expected_precision, expected_recall, the direction scores and the hub-aware columns;
    `output="decoupler"` returns a network as decoupler takes one: `source, target, weight`.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, not {output!r}")
    run_settings, single_cell = _settings(preset_name, settings)
    dataset = load_dataset(_source(expression, "expression"), _source(network, "network"),
                           tfs=None if tfs is None else _source(tfs, "tfs"), name="infer",
                           single_cell=single_cell)
    with tempfile.TemporaryDirectory(prefix="gnt-infer-") as folder:
        evaluation = Run.create(Path(folder), "evaluation")
        run_pipeline(dataset, run_settings, evaluation)
        discovery = Run.create(Path(folder), "discovery")
        run_discovery(dataset, run_settings, DiscoverySettings(seeds=seeds), discovery,
                      [evaluation])
        table = to_spreadsheet(discovery.candidates())
    if output == "decoupler":
        return table[["Gene1", "Gene2", "EdgeWeight"]].set_axis(
            ["source", "target", "weight"], axis=1)
    return table


def _settings(name: str, values: dict) -> tuple[RunSettings, SingleCellOptions | None]:
    train_fields = {f.name for f in fields(TrainConfig)}
    run_fields = {f.name for f in fields(RunSettings)} - {"train"}
    cell_fields = set(SINGLE_CELL_CHOICES)
    unknown = sorted(set(values) - train_fields - run_fields - cell_fields)
    if unknown:
        raise TypeError(f"infer() got unknown settings {', '.join(unknown)}")
    base = preset(name, ablation=False, protocol="candidates",
                  **{k: v for k, v in values.items() if k in run_fields})
    train = replace(base.train, seed=base.seed,
                    **{k: v for k, v in values.items() if k in train_fields})
    choices = {k: v for k, v in values.items() if k in cell_fields}
    if "cells_values" in choices:
        choices["cells_values"] = tuple(choices["cells_values"])
    return replace(base, train=train), SingleCellOptions(**choices) if choices else None


def _source(value, role: str) -> Source:
    """A path or an AnnData as it is; a DataFrame or a list of symbols as an in-memory CSV for
    the readers."""
    if isinstance(value, str | os.PathLike) or is_anndata(value):
        return value
    if isinstance(value, pd.DataFrame):
        buffer = io.BytesIO(value.to_csv(index=role == "expression").encode())
    else:
        buffer = io.BytesIO(("TF\n" + "\n".join(map(str, value)) + "\n").encode())
    buffer.name = f"<{role} table>"
    return buffer
