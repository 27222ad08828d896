"""Expression readers: delimited text (either orientation, read in row blocks into a
preallocated float32 array); single-cell files are handed to `singlecell`. Names and values
are checked."""

from __future__ import annotations

import csv
import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import numpy as np

from . import limits
from .dataset import ExpressionTable, GntInputError
from .singlecell import SingleCellOptions, is_single_cell, read_single_cell
from .sniff import (
    Layout,
    Place,
    Source,
    is_anndata,
    locate,
    open_decompressed,
    open_text,
    ragged_error,
    sniff,
    source_name,
)
from .validate import row_blocks, too_large, validated_table

CHUNK_ROWS = 2_000


def read_expression(src: Source, *, orientation: str = "auto",
                    network_genes: set[str] | None = None,
                    single_cell: SingleCellOptions | None = None) -> ExpressionTable:
    """Read a delimited expression matrix, genes × cells or cells × genes (a single-cell file
    or folder, or an AnnData object, through read_single_cell).

    orientation: "genes_x_cells", "cells_x_genes", or "auto" (the axis whose labels match more
    network genes holds the genes; genes × cells, BEELINE's layout, when nothing decides).
    """
    name = source_name(src)
    if is_anndata(src):
        return read_single_cell(src, single_cell, wanted=network_genes)
    if is_single_cell(name):  # .h5ad, .loom or a 10x folder: `network_genes` are kept
        with _as_path(src) as path:
            return read_single_cell(path, single_cell, wanted=network_genes)
    if single_cell is not None and single_cell.choices_made():
        raise GntInputError(f"{name}: single-cell choices ({', '.join(single_cell.choices_made())})"
                            " apply only to single-cell files (.h5ad, .loom, a 10x folder); "
                            "this one is delimited text. Leave them out (rename genes in the "
                            "file itself).")
    layout = sniff(src, "expression")
    header, notes = _expression_header(layout, name)
    if layout.decimal == ",":
        notes.append("Read decimal commas (1,5 = 1.5): the file uses ';' between values.")
    values, row_labels = _read_numeric_body(src, layout, header, name)
    col_labels = header[1:]
    orientation = _choose_orientation(orientation, row_labels, col_labels, network_genes, notes)
    if orientation == "cells_x_genes":
        values, row_labels, col_labels = values.T, col_labels, row_labels
    return validated_table(np.ascontiguousarray(values, dtype=np.float32), row_labels,
                                 col_labels, orientation, notes, name)


def _expression_header(layout: Layout, name: str) -> tuple[list[str], list[str]]:
    header, notes = list(layout.header), []
    rows = [r for r in (layout.first_row, layout.second_row) if r]
    if rows and all(len(r) == len(header) + 1 for r in rows):
        header = [""] + header  # R's write.csv leaves out the row-label field
        notes.append("The header has no field above the gene names (R style); read it as such.")
    while len(header) > 2 and header[-1] == "" and (
            not layout.first_row or len(layout.first_row) < len(header)
            or layout.first_row[len(header) - 1] == ""):
        header.pop()
        notes.append("Dropped an empty trailing column (a spreadsheet export's trailing "
                     "delimiter).")
    if len(header) < 2:
        raise GntInputError(f"{name}: line {layout.header_line} has a single column. An "
                            "expression file needs gene names and at least 2 cells, separated "
                            "by commas or tabs.")
    if not layout.first_row:
        raise GntInputError(f"{name}: the file holds only a header line, no data. Choose the "
                            "file with the expression values.")
    return header, notes


def _read_numeric_body(src: Source, layout: Layout, header: list[str],
                       name: str) -> tuple[np.ndarray, list[str]]:
    """The values as float32, parsed by numpy's C reader a block of rows at a time into a
    preallocated array: memory stays near the size of the matrix, and wide files (many cells)
    parse as fast as tall ones. Stops as soon as a documented limit is passed."""
    n = len(header)
    max_rows = max(limits.MAX_GENES, limits.MAX_CELLS)
    if n - 1 > max_rows:
        raise too_large(name, f"the header has {n - 1:,} columns")
    capacity = min(_count_lines(src) - layout.header_line, max_rows + 1)
    values = np.empty((max(capacity, 0), n - 1), dtype=np.float32)
    labels: list[str] = []
    block_rows = max(1, min(CHUNK_ROWS, 4_000_000 // (n - 1)))
    trailing = max(0, len(layout.first_row) - n) if layout.first_row[n:] == [""] * max(
        0, len(layout.first_row) - n) else 0
    delimiter = None if layout.delimiter == " " else layout.delimiter
    with open_text(src) as text:
        rows = _data_lines(text, layout.header_line)
        while block := list(itertools.islice(rows, block_rows)):
            start = len(labels)
            if start + len(block) > max_rows:
                raise too_large(name, f"more than {max_rows:,} rows")
            if (start + len(block)) * (n - 1) > limits.MAX_VALUES:
                raise too_large(name, f"more than {limits.MAX_VALUES:,} values")
            names, bodies = zip(*(_split_name(line, layout, trailing) for line in block),
                                strict=True)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # a row with a name only
                    parsed = np.loadtxt(bodies, delimiter=delimiter, dtype=np.float32,
                                        comments=None, quotechar='"', ndmin=2)
            except ValueError as err:
                raise _explain_bad_value(src, layout, name, n, err) from None
            if parsed.shape != (len(block), n - 1):
                raise _explain_bad_value(src, layout, name, n, ValueError("field count"))
            values[start:start + len(parsed)] = parsed
            labels.extend(names)
    values = values[:len(labels)]
    _check_finite(src, layout, values, name, n)
    return values, labels


def _data_lines(text: TextIO, header_line: int) -> Iterator[str]:
    for number, line in enumerate(text, start=1):
        if number > header_line and line.strip() and not line.startswith("#"):
            yield line.rstrip("\r\n")


def _split_name(line: str, layout: Layout, trailing: int) -> tuple[str, str]:
    """(row label, the rest of the line) with trailing empty fields and decimal commas fixed."""
    if layout.delimiter == " ":
        label, _, rest = line.strip().partition(" ")
        rest = rest.strip()
    elif line.startswith('"'):
        fields = next(csv.reader([line], delimiter=layout.delimiter))
        label, rest = fields[0], layout.delimiter.join(fields[1:])
    else:
        label, _, rest = line.partition(layout.delimiter)
    for _ in range(trailing):
        rest = rest.removesuffix(layout.delimiter)
    if layout.decimal == ",":
        rest = rest.replace(",", ".")
    return label.strip(), rest


def _count_lines(src: Source) -> int:
    """Newlines in the (decompressed) file, plus one: an upper bound on its rows."""
    count = 1
    with open_decompressed(src) as stream:
        for block in iter(lambda: stream.read(1 << 22), b""):
            count += block.count(b"\n")
    return count


def _explain_bad_value(src: Source, layout: Layout, name: str, n_fields: int,
                       err: Exception) -> GntInputError:
    def not_number(cell: str) -> bool:
        try:
            float(cell.replace(",", ".") if layout.decimal == "," else cell.strip('"'))
        except ValueError:
            return True
        return False

    where = locate(src, layout, not_number, n_fields)
    if where is None:
        return GntInputError(f"{name}: could not read the expression values ({err}). Check that "
                             "every row has the same number of fields as the header.")
    if where.ragged:
        return ragged_error(name, where, n_fields)
    return GntInputError(f"{name}: {_describe(where)}, which is not a number. Every value "
                         "after the gene name must be numeric.")


def _describe(where: Place) -> str:
    if where.text.strip() == "":
        return f"line {where.line}, column {where.column} is empty"
    return f"line {where.line}, column {where.column} holds {where.text[:40]!r}"


def _check_finite(src: Source, layout: Layout, values: np.ndarray, name: str,
                  n_fields: int) -> None:
    if all(np.isfinite(block).all() for block in row_blocks(values)):
        return

    def not_finite(cell: str) -> bool:
        try:
            number = float(cell.replace(",", ".") if layout.decimal == "," else cell)
            return not np.isfinite(number)
        except ValueError:
            return cell == ""

    where = locate(src, layout, not_finite, n_fields)
    if where is not None and where.ragged:
        raise ragged_error(name, where, n_fields)
    place = _describe(where) if where else "a value is missing, NaN or infinite"
    raise GntInputError(f"{name}: {place}. Expression values must be finite numbers (within "
                        "±3.4e38): fill missing values (with 0 for undetected expression) or "
                        "remove the row.")


def _choose_orientation(orientation: str, rows: list[str], cols: list[str],
                        network_genes: set[str] | None, notes: list[str]) -> str:
    if orientation in ("genes_x_cells", "cells_x_genes"):
        return orientation
    if orientation != "auto":
        raise GntInputError(f"orientation must be 'auto', 'genes_x_cells' or 'cells_x_genes', "
                            f"not {orientation!r}.")
    if network_genes:  # case-blind: which axis holds the genes, whatever --ignore-case says
        wanted = {gene.casefold() for gene in network_genes}
        in_rows = sum(name.casefold() in wanted for name in rows)
        in_cols = sum(name.casefold() in wanted for name in cols)
        if in_cols > in_rows:
            notes.append(f"Read as cells × genes: {in_cols} network genes are column names, "
                         f"{in_rows} are row names.")
            return "cells_x_genes"
        if in_rows:
            return "genes_x_cells"
    notes.append("Assumed genes × cells (BEELINE layout): no network genes decided the "
                 "orientation.")
    return "genes_x_cells"


@contextmanager
def _as_path(src: Source) -> Iterator[str]:
    """A path for readers that need one: the path itself, or an upload copied to a file."""
    if isinstance(src, str | os.PathLike):
        yield os.fspath(src)
        return
    with tempfile.NamedTemporaryFile(suffix=Path(source_name(src)).suffix) as tmp:
        src.seek(0)
        shutil.copyfileobj(src, tmp, 1 << 20)
        tmp.flush()
        yield tmp.name


# ---------------------------------------------------------------- network and TF list
