"""The checks every expression reader ends with (delimited text and single-cell files alike):
names (empty, control characters, length, duplicates), the minimum of genes and cells, the
size limits, and the notes a load report gives on values (negative, raw counts)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..vocabulary import is_valid_symbol
from . import limits
from .dataset import CONTROL_CHARACTERS, ExpressionTable, GntInputError, make_unique, preview


def too_large(name: str, what: str) -> GntInputError:
    return GntInputError(f"{name}: {what}, beyond what GNT Explorer handles: at most "
                         f"{limits.MAX_GENES:,} genes, {limits.MAX_CELLS:,} cells and "
                         f"{limits.MAX_VALUES:,} values. Keep the most variable genes (or "
                         "subsample cells) and load again.")


def validated_table(values: np.ndarray, genes: list[str], cells: list[str],
                    orientation: str, notes: list[str], name: str) -> ExpressionTable:
    """The table, once its names and shape pass the checks; GntInputError naming the first
    problem otherwise."""
    genes = [str(g).strip() for g in genes]
    cells = [str(c).strip() for c in cells]
    if any(g == "" or g.lower() == "nan" for g in genes):
        position = next(i for i, g in enumerate(genes) if g == "" or g.lower() == "nan")
        raise GntInputError(f"{name}: gene number {position + 1} has an empty name. Give every "
                            "gene a name.")
    check_names(genes, "gene", name)
    check_names(cells, "cell", name)
    if len(genes) > limits.MAX_GENES or len(cells) > limits.MAX_CELLS:
        raise too_large(name, f"{len(genes):,} genes × {len(cells):,} cells")
    duplicated = pd.Index(genes)[pd.Index(genes).duplicated()].unique().tolist()
    if duplicated:
        raise GntInputError(f"{name}: {len(duplicated)} gene names occur more than once "
                            f"({preview(duplicated)}). Make gene names unique (sum or drop "
                            "duplicate rows) and load again.")
    if len(cells) < limits.MIN_CELLS:
        raise GntInputError(f"{name}: only {len(cells)} cell. At least {limits.MIN_CELLS} "
                            "cells are needed; check the orientation (genes × cells or cells × "
                            "genes).")
    if len(genes) < limits.MIN_GENES:
        raise GntInputError(f"{name}: only {len(genes)} gene. At least {limits.MIN_GENES} "
                            "genes are needed; check the orientation (genes × cells or cells × "
                            "genes).")
    if pd.Index(cells).has_duplicates:
        cells = make_unique(cells)
        notes.append("Some cell names occurred more than once; suffixes (-1, -2, …) make them "
                     "unique.")
    unusual = [g for g in genes if not is_valid_symbol(g)]
    if unusual:
        notes.append(f"{len(unusual)} gene names hold spaces or other characters than letters, "
                     f"digits, '.', '-' and '_', or more than 40 characters "
                     f"({preview([repr(g) for g in unusual])}); they "
                     "are kept, but literature links are not offered for them.")
    negative = sum(int((block < 0).sum()) for block in row_blocks(values))
    if negative:
        notes.append(f"{negative} expression values are negative; BEELINE "
                     "expects log-scale values ≥ 0. Values are used as given (standardised per "
                     "gene).")
    if values.size and values.max() > 100 and all(
            (block == np.round(block)).all() for block in row_blocks(values)):
        notes.append("All values are whole numbers up to "
                     f"{values.max():.0f}: these look like raw counts. GNT expects log-scale "
                     "values such as log2(x + 1).")
    return ExpressionTable(values, genes, cells, orientation, notes)


def check_names(names: list[str], kind: str, source: str) -> None:
    for position, label in enumerate(names, start=1):
        if CONTROL_CHARACTERS.search(label):
            raise GntInputError(f"{source}: {kind} number {position} ({label[:40]!r}) holds a "
                                "control character. Remove it from the name and load again.")
        if len(label) > limits.MAX_NAME_LENGTH:
            raise GntInputError(f"{source}: {kind} number {position} has a name of {len(label)} "
                                f"characters ({label[:30]!r}…); names are limited to "
                                f"{limits.MAX_NAME_LENGTH}. Check the file's orientation and "
                                "columns.")


def row_blocks(values: np.ndarray, rows: int = 512) -> Iterator[np.ndarray]:
    """Row blocks, so that checks on a large matrix make only small temporaries."""
    for start in range(0, len(values), rows):
        yield values[start:start + rows]


def constant_rows(values: np.ndarray) -> np.ndarray:
    return np.concatenate([(block == block[:, :1]).all(axis=1) for block in
                           row_blocks(values)] or [np.zeros(0, bool)])


