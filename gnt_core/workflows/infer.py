"""One call from data to a ranked edge list, in the spirit of arboreto's `grnboost2`:

    edges = gnt_core.infer(expression, network, tfs=None, epochs=30)

`expression` is a path (CSV/TSV/.h5ad) or a DataFrame (genes × cells or cells × genes: the axis
whose names match the network's genes holds the genes); `network` a path or a DataFrame of
regulator → target edges; `tfs` a path or a list of symbols. Tables are checked by the same
readers as files, so a bad input raises the same `GntInputError`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import fields, replace

import pandas as pd

from ..io import Source, load_dataset
from ..science.candidates import score_candidates
from ..science.predictor import GNTLinkPredictor
from ..science.splits import split_pairs
from ..settings import RunSettings, TrainConfig, preset

Table = str | os.PathLike | pd.DataFrame


def infer(expression: Table, network: Table, tfs: str | os.PathLike | Iterable[str] | None = None,
          *, preset_name: str = "default", **settings) -> pd.DataFrame:
    """Train GNT on the known network and rank every regulator × gene pair.

    `settings` are RunSettings fields (protocol, seed, universe, features, …) or TrainConfig
    fields (epochs, dim, device, …). Returns `Gene1, Gene2, EdgeWeight` (the pair's score,
    higher = more confident), then rank, percentile, rank_in_regulator and `known` (the split
    the pair is a known edge in, or '' for pairs not in the network).
    """
    run = _settings(preset_name, settings)
    dataset = load_dataset(_source(expression, "expression"), _source(network, "network"),
                           tfs=None if tfs is None else _source(tfs, "tfs"), name="infer")
    split = split_pairs(dataset.edges, dataset.n_genes, protocol=run.protocol, seed=run.seed,
                        regulators=dataset.regulators)
    predictor = GNTLinkPredictor.from_settings(run)
    predictor.fit(dataset.expression, split.train, split.val)
    table = score_candidates(predictor, dataset, split, universe=run.universe,
                             device=run.train.device).table
    table = table.rename(columns={"regulator": "Gene1", "target": "Gene2",
                                  "score": "EdgeWeight"})
    return table[["Gene1", "Gene2", "EdgeWeight", "rank", "percentile", "rank_in_regulator",
                  "known"]]


def _settings(name: str, values: dict) -> RunSettings:
    train_fields = {f.name for f in fields(TrainConfig)}
    run_fields = {f.name for f in fields(RunSettings)} - {"train"}
    unknown = sorted(set(values) - train_fields - run_fields)
    if unknown:
        raise TypeError(f"infer() got unknown settings {', '.join(unknown)}")
    base = preset(name, ablation=False, **{k: v for k, v in values.items() if k in run_fields})
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
