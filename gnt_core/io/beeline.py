"""BEELINE / GENELink conventions: the folder layout, and a given split's train/val/test files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..vocabulary import SPLIT_NAMES
from .assemble import load_dataset
from .dataset import Dataset, GntInputError, gene_index


def read_split_dir(folder: str | os.PathLike, genes: list[str]
                   ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A given split: train.csv, val.csv, test.csv with columns tf,target,label (0/1).

    Returns, per file, the (n, 2) gene-index pairs and their labels, exactly as listed.
    """
    root = Path(folder)
    index = gene_index(genes)
    out = {}
    for name in SPLIT_NAMES:
        path = root / f"{name}.csv"
        if not path.is_file():
            raise GntInputError(f"{root}: no {name}.csv. A split folder holds train.csv, "
                                "val.csv and test.csv with columns tf,target,label.")
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table.columns = [c.strip().lower() for c in table.columns]
        if not {"tf", "target", "label"} <= set(table.columns):
            raise GntInputError(f"{path}: columns tf, target and label are needed; found "
                                f"{', '.join(table.columns)}.")
        labels = pd.to_numeric(table["label"], errors="coerce")
        bad = np.flatnonzero(~labels.isin([0, 1]).to_numpy())
        if len(bad):
            raise GntInputError(f"{path}: line {bad[0] + 2}: the label "
                                f"{table['label'].iloc[bad[0]]!r} is not 0 or 1.")
        pairs = np.stack([table["tf"].map(index), table["target"].map(index)], axis=1)
        missing = np.flatnonzero(np.isnan(pairs).any(axis=1))
        if len(missing):
            row = table.iloc[missing[0]]
            raise GntInputError(f"{path}: line {missing[0] + 2}: {row['tf']!r} or "
                                f"{row['target']!r} is not a gene of the expression file. Use "
                                "the split made for this dataset.")
        out[name] = (pairs.astype(np.int64), labels.to_numpy(dtype=np.int8))
    return out


EXPRESSION_NAMES = ("BL--ExpressionData.csv", "ExpressionData.csv")
NETWORK_NAMES = ("BL--network.csv", "refNetwork.csv", "GroundTruthNetwork.csv")
TF_NAMES = ("TF.csv",)


def load_beeline_folder(folder: str | os.PathLike, **kwargs) -> Dataset:
    """Load a BEELINE or GENELink folder: expression + network (+ TF.csv when present).

    The expression may sit in the folder or in one of its sub-folders (BEELINE's `ex1/`), the
    network in the folder or its parent.
    """
    root = Path(folder)
    if not root.is_dir():
        raise GntInputError(f"{root}: no such folder. Give the folder that holds "
                            f"{' or '.join(EXPRESSION_NAMES)} and the network file.")
    expression = _find_file([root, *sorted(p for p in root.iterdir() if p.is_dir())],
                            EXPRESSION_NAMES, root, "expression")
    network = _find_file([root, expression.parent, root.parent], NETWORK_NAMES, root, "network")
    tf_file = next((root / n for n in TF_NAMES if (root / n).is_file()), None)
    name = kwargs.pop("name", None) or f"{root.parent.name}/{root.name}"
    return load_dataset(expression, network, tfs=tf_file, name=name, **kwargs)


def _find_file(folders: list[Path], names: tuple[str, ...], root: Path, role: str) -> Path:
    for folder in folders:
        for n in names:
            if (folder / n).is_file():
                return folder / n
    raise GntInputError(f"{root}: no {role} file found (looked for {', '.join(names)}). "
                        "Point to a BEELINE folder, or give the files one by one.")

