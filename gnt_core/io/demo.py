"""A deterministic synthetic dataset with a known regulator → target network.

Cells lie along a branching pseudotime. A few latent programs drive the first-layer regulators;
second-layer regulators and targets follow their regulators' expression (signed, weighted) plus
noise; some genes have no regulator at all. Values are then put on a log scale with dropout, as
in single-cell data. Gene names (TF01…, G001…) are made up: the demo has no literature.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .assemble import build_dataset
from .dataset import Dataset, EdgeTable, ExpressionTable

DEMO_FILES = {"expression": "ExpressionData.csv", "network": "refNetwork.csv",
              "tfs": "TFs.csv"}


def make_demo_tables(n_genes: int = 300, n_regulators: int = 30, n_cells: int = 300,
                     seed: int = 7, max_regulators_per_target: int = 3,
                     ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(expression genes × cells, network Gene1/Gene2/Type, TF list), all deterministic.

    Each regulated gene draws 1 to max_regulators_per_target regulators, hubs more often.
    """
    rng = np.random.default_rng(seed)
    width = len(str(n_genes))
    regulators = [f"TF{i + 1:0{max(2, len(str(n_regulators)))}d}" for i in range(n_regulators)]
    genes = regulators + [f"G{i + 1:0{max(3, width)}d}" for i in range(n_genes - n_regulators)]
    latent = np.zeros((n_genes, n_cells))
    time, branch = rng.random(n_cells), rng.random(n_cells) < 0.5
    n_first = n_regulators // 3
    programs = _programs(time, branch, n_first, rng)
    latent[:n_first] = programs + 0.3 * rng.standard_normal((n_first, n_cells))
    edges: list[tuple[int, int, int]] = []
    hub_weight = 1.0 / np.arange(1, n_regulators + 1) ** 0.8
    for gene in range(n_first, n_genes):
        pool = n_first if gene < n_regulators else n_regulators
        if gene >= n_regulators and rng.random() < 0.2:
            latent[gene] = rng.standard_normal(n_cells)  # not regulated by anything listed
            continue
        weights = hub_weight[:pool] / hub_weight[:pool].sum()
        size = min(pool, rng.integers(1, max_regulators_per_target + 1))
        chosen = rng.choice(pool, size=size, replace=False, p=weights)
        signal = np.zeros(n_cells)
        for reg in chosen:
            sign = 1 if rng.random() < 0.7 else -1
            signal += sign * rng.uniform(0.6, 1.2) * _z(latent[reg])
            edges.append((int(reg), gene, sign))
        latent[gene] = _z(signal) + 0.6 * rng.standard_normal(n_cells)
    values = _log_scale_with_dropout(latent, rng)
    cells = [f"cell{i + 1:04d}" for i in range(n_cells)]
    expression = pd.DataFrame(values.round(4), index=genes, columns=cells)
    network = pd.DataFrame([(genes[a], genes[b], "+" if s > 0 else "-") for a, b, s in edges],
                           columns=["Gene1", "Gene2", "Type"])
    return expression, network, regulators


def _programs(time: np.ndarray, branch: np.ndarray, k: int, rng) -> np.ndarray:
    centres = np.linspace(0.1, 0.9, k)
    out = np.exp(-((time[None, :] - centres[:, None]) ** 2) / 0.02)
    out[1::2] *= np.where(branch, 1.0, 0.3)[None, :]
    return np.apply_along_axis(_z, 1, out)


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-12)


def _log_scale_with_dropout(latent: np.ndarray, rng) -> np.ndarray:
    level = rng.uniform(0.5, 3.0, size=(latent.shape[0], 1))
    spread = rng.uniform(0.5, 1.2, size=(latent.shape[0], 1))
    values = np.clip(level + spread * latent, 0.0, None)
    dropout = rng.random(values.shape) < np.exp(-1.5 * values)
    return np.where(dropout, 0.0, values)


def demo_dataset(**kwargs) -> Dataset:
    """The demo as a Dataset, built in memory (no files)."""
    expression, network, tfs = make_demo_tables(**kwargs)
    table = ExpressionTable(expression.to_numpy(np.float32), list(expression.index),
                            list(expression.columns), "genes_x_cells", [])
    edges = EdgeTable(network["Gene1"].tolist(), network["Gene2"].tolist(), None,
                      network["Type"].map({"+": 1, "-": -1}).to_numpy(np.int8), [])
    dataset = build_dataset(table, edges, tfs=tfs, name="demo (synthetic)")
    dataset.sources = {"expression": "built-in demo", "network": "built-in demo"}
    return dataset


def write_demo(out_dir: str | Path, **kwargs) -> dict[str, Path]:
    """Write the demo in BEELINE's layout: ExpressionData.csv, refNetwork.csv, TFs.csv."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    expression, network, tfs = make_demo_tables(**kwargs)
    paths = {role: out / name for role, name in DEMO_FILES.items()}
    expression.to_csv(paths["expression"])
    network.to_csv(paths["network"], index=False)
    pd.DataFrame({"TF": tfs}).to_csv(paths["tfs"], index=False)
    return paths
