"""Readers for expression matrices, networks and regulator lists, with validation.

Each reader accepts a path or a binary file object (an upload) holding plain or gzipped text.
What can be repaired is repaired and written into the load report; what cannot raises
`GntInputError`, whose message names the file, the line or gene, and what to do.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import itertools
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
import pandas as pd

from .literature import is_valid_symbol

Source = str | os.PathLike | BinaryIO

REGULATOR_HEADERS = ("gene1", "tf", "source", "regulator", "from", "reg", "tf_name")
TARGET_HEADERS = ("gene2", "target", "to", "gene", "target_gene", "targets")
WEIGHT_HEADERS = ("edgeweight", "weight", "score", "importance", "confidence")
SIGN_HEADERS = ("type", "sign", "mode", "effect", "regulation")
TF_HEADERS = ("tf", "tfs", "regulator", "gene", "symbol", "gene_symbol", "name")
SIGNS = {"+": 1, "activation": 1, "activator": 1, "1": 1, "-": -1, "repression": -1,
         "repressor": -1, "inhibition": -1, "-1": -1}
DELIMITERS = ("\t", ",", ";")
MIN_CELLS = 2
MIN_GENES = 2
# Documented limits (README, docs/bad-inputs.md): beyond them a load stops with a clear message
MAX_GENES = 60_000
MAX_CELLS = 250_000
MAX_VALUES = 600_000_000  # genes × cells: 2.4 GB as float32
MAX_EDGES = 5_000_000
MAX_NAME_LENGTH = 200
CHUNK_ROWS = 2_000
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+([eE][-+]?\d+)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class GntInputError(ValueError):
    """An input cannot be used as is; the message names the file, where, and what to do."""


@dataclass
class LoadReport:
    """What was read and every repair made on the way, in countable form."""

    n_genes: int = 0
    n_cells: int = 0
    n_regulators: int = 0
    n_edges: int = 0
    n_tfs_listed: int = 0
    orientation: str = ""
    self_loops_dropped: int = 0
    duplicate_edges_merged: int = 0
    reciprocal_pairs: int = 0
    edges_dropped_missing_gene: int = 0
    missing_genes: list[str] = field(default_factory=list)
    case_insensitive_matches: dict[str, str] = field(default_factory=dict)
    zero_variance_genes: list[str] = field(default_factory=list)
    tfs_not_in_expression: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The report in plain sentences, most important first."""
        layout = self.orientation.replace("_x_", " × ").replace("_", " ")
        out = [f"{self.n_genes} genes × {self.n_cells} cells (file read as {layout}); "
               f"{self.n_edges} edges from {self.n_regulators} regulators."]
        if self.self_loops_dropped:
            out.append(f"Dropped {self.self_loops_dropped} self-loops (a gene regulating itself "
                       "cannot be scored as a pair).")
        if self.duplicate_edges_merged:
            out.append(f"Merged {self.duplicate_edges_merged} duplicate edge rows.")
        if self.reciprocal_pairs:
            out.append(f"{self.reciprocal_pairs} gene pairs are listed in both directions; each "
                       "counts as one pair when splitting.")
        if self.edges_dropped_missing_gene:
            out.append(f"Dropped {self.edges_dropped_missing_gene} edges whose genes are not in "
                       f"the expression file ({len(self.missing_genes)} genes: "
                       f"{_preview(self.missing_genes)}).")
        if self.case_insensitive_matches:
            pairs = [f"{k}→{v}" for k, v in self.case_insensitive_matches.items()]
            out.append(f"{len(pairs)} network genes match an expression gene only when case is "
                       f"ignored ({_preview(pairs)}); load with ignore_case (CLI: --ignore-case) "
                       "to use them.")
        if self.zero_variance_genes:
            out.append(f"{len(self.zero_variance_genes)} genes have the same value in every cell "
                       f"({_preview(self.zero_variance_genes)}); their expression carries no "
                       "information and is set to zero after standardising.")
        if self.tfs_not_in_expression:
            out.append(f"{len(self.tfs_not_in_expression)} listed TFs are not in the expression "
                       f"file and were ignored ({_preview(self.tfs_not_in_expression)}).")
        out.extend(self.notes)
        return out


@dataclass
class ExpressionTable:
    values: np.ndarray  # float32, genes x cells
    genes: list[str]
    cells: list[str]
    orientation: str
    notes: list[str]


@dataclass
class EdgeTable:
    regulators: list[str]
    targets: list[str]
    weights: np.ndarray | None
    signs: np.ndarray | None
    notes: list[str]


@dataclass
class Dataset:
    """Expression (genes × cells, float32) and a cleaned directed network over the same genes."""

    name: str
    expression: np.ndarray
    genes: list[str]
    cells: list[str]
    edges: np.ndarray  # int64 (E, 2): regulator index, target index
    regulators: np.ndarray  # indices of genes with at least one out-edge
    report: LoadReport
    tf_list: np.ndarray | None = None  # indices of user-listed TFs found in the expression
    edge_weights: np.ndarray | None = None
    edge_signs: np.ndarray | None = None
    sources: dict[str, str] = field(default_factory=dict)  # role -> file name
    sha256: dict[str, str] = field(default_factory=dict)  # role -> digest

    @property
    def n_genes(self) -> int:
        return len(self.genes)

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    @cached_property
    def gene_index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.genes)}

    def edge_table(self) -> pd.DataFrame:
        table = pd.DataFrame({"regulator": np.asarray(self.genes)[self.edges[:, 0]],
                              "target": np.asarray(self.genes)[self.edges[:, 1]]})
        if self.edge_weights is not None:
            table["weight"] = self.edge_weights
        if self.edge_signs is not None:
            table["sign"] = self.edge_signs
        return table

    def summary(self) -> dict:
        return {"name": self.name, "n_genes": self.n_genes, "n_cells": self.n_cells,
                "n_edges": int(len(self.edges)), "n_regulators": int(len(self.regulators)),
                "sources": self.sources, "sha256": self.sha256}


# ---------------------------------------------------------------- opening files


def source_name(src: Source) -> str:
    if isinstance(src, str | os.PathLike):
        return os.fspath(src)
    return getattr(src, "name", None) or "<uploaded file>"


def sha256_of(src: Source) -> str:
    digest = hashlib.sha256()
    with _open_binary(src) as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _open_binary(src: Source) -> Iterator[BinaryIO]:
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        if not path.is_file():
            raise GntInputError(f"{path}: no such file. Check the path and try again.")
        with open(path, "rb") as raw:
            yield raw
    else:
        src.seek(0)
        yield src
        src.seek(0)


@contextmanager
def open_text(src: Source) -> Iterator[TextIO]:
    """Open plain or gzipped UTF-8 text (a byte-order mark is skipped)."""
    with _open_binary(src) as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            yield text
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise GntInputError(f"{source_name(src)}: the gzip data is truncated or corrupt "
                                f"({err}). Download or compress the file again.") from None
        except UnicodeDecodeError:
            raise GntInputError(f"{source_name(src)}: this is not UTF-8 text (a binary file, or "
                                "another encoding). Save it as UTF-8 CSV or TSV.") from None
        finally:
            text.detach()
            if gzipped:
                stream.close()


@dataclass
class _Layout:
    delimiter: str
    header: list[str]
    first_row: list[str]
    header_line: int  # 1-based line number of the header
    decimal: str = "."
    second_row: list[str] = field(default_factory=list)


def _sniff(src: Source, role: str) -> _Layout:
    """Find the delimiter, the header and the first data row of a delimited text file."""
    name = source_name(src)
    with open_text(src) as text:
        lines: list[tuple[int, str]] = []
        for number, line in enumerate(text, start=1):
            if line.strip() and not line.startswith("#"):
                lines.append((number, line))
            if len(lines) == 3 or number > 10_000:
                break
    if not lines:
        raise GntInputError(f"{name}: the {role} file is empty. Choose the file that holds the "
                            "data, saved as CSV or TSV.")
    header_line, header_text = lines[0]
    if "\x00" in header_text:
        raise GntInputError(f"{name}: this looks like a binary file, not CSV/TSV text. Export "
                            f"the {role} as CSV or TSV.")
    counts = {d: header_text.count(d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = " "
    header = _split_line(header_text, delimiter)
    first_row = _split_line(lines[1][1], delimiter) if len(lines) > 1 else []
    second_row = _split_line(lines[2][1], delimiter) if len(lines) > 2 else []
    decimal = "," if delimiter == ";" and any(_DECIMAL_COMMA.match(f) for f in first_row) else "."
    return _Layout(delimiter, header, first_row, header_line, decimal, second_row)


def _split_line(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return line.split()
    return [f.strip() for f in next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter))]


@dataclass
class _Place:
    line: int
    column: int  # the offending column, or for a ragged row its number of fields
    text: str
    ragged: bool = False


def _locate(src: Source, layout: _Layout, bad: Callable[[str], bool],
            n_fields: int | None = None) -> _Place | None:
    """The first value (after the name column) for which bad(), or with n_fields the first row
    with another number of fields, whichever comes first."""
    with open_text(src) as text:
        rows = csv.reader(text, delimiter=layout.delimiter) if layout.delimiter != " " else (
            line.split() for line in text)
        for number, row in enumerate(rows, start=1):
            line = getattr(rows, "line_num", number)
            if line <= layout.header_line or not "".join(row).strip() or row[0].startswith("#"):
                continue
            if n_fields is not None and len(row) != n_fields:
                return _Place(line, len(row), "", ragged=True)
            for column, cell in enumerate(row[1:], start=2):
                if bad(cell.strip()):
                    return _Place(line, column, cell)
    return None


# ---------------------------------------------------------------- expression


def read_expression(src: Source, *, orientation: str = "auto",
                    network_genes: set[str] | None = None) -> ExpressionTable:
    """Read a delimited expression matrix, genes × cells or cells × genes.

    orientation: "genes_x_cells", "cells_x_genes", or "auto" (the axis whose labels match more
    network genes holds the genes; genes × cells, BEELINE's layout, when nothing decides).
    """
    name = source_name(src)
    if name.endswith(".h5ad"):
        return read_h5ad(src)
    layout = _sniff(src, "expression")
    header, notes = _expression_header(layout, name)
    if layout.decimal == ",":
        notes.append("Read decimal commas (1,5 = 1.5): the file uses ';' between values.")
    values, row_labels = _read_numeric_body(src, layout, header, name)
    col_labels = header[1:]
    orientation = _choose_orientation(orientation, row_labels, col_labels, network_genes, notes)
    if orientation == "cells_x_genes":
        values, row_labels, col_labels = values.T, col_labels, row_labels
    return _validated_expression(np.ascontiguousarray(values, dtype=np.float32), row_labels,
                                 col_labels, orientation, notes, name)


def _expression_header(layout: _Layout, name: str) -> tuple[list[str], list[str]]:
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


def _read_numeric_body(src: Source, layout: _Layout, header: list[str],
                       name: str) -> tuple[np.ndarray, list[str]]:
    """The values as float32, parsed by numpy's C reader a block of rows at a time into a
    preallocated array: memory stays near the size of the matrix, and wide files (many cells)
    parse as fast as tall ones. Stops as soon as a documented limit is passed."""
    n = len(header)
    max_rows = max(MAX_GENES, MAX_CELLS)
    if n - 1 > max_rows:
        raise _too_large(name, f"the header has {n - 1:,} columns")
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
                raise _too_large(name, f"more than {max_rows:,} rows")
            if (start + len(block)) * (n - 1) > MAX_VALUES:
                raise _too_large(name, f"more than {MAX_VALUES:,} values")
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


def _split_name(line: str, layout: _Layout, trailing: int) -> tuple[str, str]:
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
    with _open_binary(src) as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        try:
            for block in iter(lambda: stream.read(1 << 22), b""):
                count += block.count(b"\n")
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise GntInputError(f"{source_name(src)}: the gzip data is truncated or corrupt "
                                f"({err}). Download or compress the file again.") from None
    return count


def _too_large(name: str, what: str) -> GntInputError:
    return GntInputError(f"{name}: {what}, beyond what GNT Explorer handles: at most "
                         f"{MAX_GENES:,} genes, {MAX_CELLS:,} cells and {MAX_VALUES:,} values. "
                         "Keep the most variable genes (or subsample cells) and load again.")


def _explain_bad_value(src: Source, layout: _Layout, name: str, n_fields: int,
                       err: Exception) -> GntInputError:
    def not_number(cell: str) -> bool:
        try:
            float(cell.replace(",", ".") if layout.decimal == "," else cell.strip('"'))
        except ValueError:
            return True
        return False

    where = _locate(src, layout, not_number, n_fields)
    if where is None:
        return GntInputError(f"{name}: could not read the expression values ({err}). Check that "
                             "every row has the same number of fields as the header.")
    if where.ragged:
        return _ragged(name, where, n_fields)
    return GntInputError(f"{name}: {_describe(where)}, which is not a number. Every value "
                         "after the gene name must be numeric.")


def _describe(where: _Place) -> str:
    if where.text.strip() == "":
        return f"line {where.line}, column {where.column} is empty"
    return f"line {where.line}, column {where.column} holds {where.text[:40]!r}"


def _ragged(name: str, where: _Place, expected: int) -> GntInputError:
    return GntInputError(f"{name}: line {where.line} has {where.column} fields but the header "
                         f"has {expected}. Every row needs a name and one value per column; look "
                         "for a missing or extra delimiter on that line.")


def _check_finite(src: Source, layout: _Layout, values: np.ndarray, name: str,
                  n_fields: int) -> None:
    if all(np.isfinite(block).all() for block in _row_blocks(values)):
        return

    def not_finite(cell: str) -> bool:
        try:
            number = float(cell.replace(",", ".") if layout.decimal == "," else cell)
            return not np.isfinite(number)
        except ValueError:
            return cell == ""

    where = _locate(src, layout, not_finite, n_fields)
    if where is not None and where.ragged:
        raise _ragged(name, where, n_fields)
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
    if network_genes:
        in_rows = len(network_genes.intersection(rows))
        in_cols = len(network_genes.intersection(cols))
        if in_cols > in_rows:
            notes.append(f"Read as cells × genes: {in_cols} network genes are column names, "
                         f"{in_rows} are row names.")
            return "cells_x_genes"
        if in_rows:
            return "genes_x_cells"
    notes.append("Assumed genes × cells (BEELINE layout): no network genes decided the "
                 "orientation.")
    return "genes_x_cells"


def _validated_expression(values: np.ndarray, genes: list[str], cells: list[str],
                          orientation: str, notes: list[str], name: str) -> ExpressionTable:
    genes = [str(g).strip() for g in genes]
    cells = [str(c).strip() for c in cells]
    if any(g == "" or g.lower() == "nan" for g in genes):
        position = next(i for i, g in enumerate(genes) if g == "" or g.lower() == "nan")
        raise GntInputError(f"{name}: gene number {position + 1} has an empty name. Give every "
                            "gene a name.")
    _check_names(genes, "gene", name)
    _check_names(cells, "cell", name)
    if len(genes) > MAX_GENES or len(cells) > MAX_CELLS:
        raise _too_large(name, f"{len(genes):,} genes × {len(cells):,} cells")
    duplicated = pd.Index(genes)[pd.Index(genes).duplicated()].unique().tolist()
    if duplicated:
        raise GntInputError(f"{name}: {len(duplicated)} gene names occur more than once "
                            f"({_preview(duplicated)}). Make gene names unique (sum or drop "
                            "duplicate rows) and load again.")
    if len(cells) < MIN_CELLS:
        raise GntInputError(f"{name}: only {len(cells)} cell. At least {MIN_CELLS} cells are "
                            "needed; check the orientation (genes × cells or cells × genes).")
    if len(genes) < MIN_GENES:
        raise GntInputError(f"{name}: only {len(genes)} gene. At least {MIN_GENES} genes are "
                            "needed; check the orientation (genes × cells or cells × genes).")
    if pd.Index(cells).has_duplicates:
        cells = _make_unique(cells)
        notes.append("Some cell names occurred more than once; suffixes (-1, -2, …) make them "
                     "unique.")
    unusual = [g for g in genes if not is_valid_symbol(g)]
    if unusual:
        notes.append(f"{len(unusual)} gene names hold spaces or other characters than letters, "
                     f"digits, '.', '-' and '_', or more than 40 characters "
                     f"({_preview([repr(g) for g in unusual])}); they "
                     "are kept, but literature links are not offered for them.")
    negative = sum(int((block < 0).sum()) for block in _row_blocks(values))
    if negative:
        notes.append(f"{negative} expression values are negative; BEELINE "
                     "expects log-scale values ≥ 0. Values are used as given (standardised per "
                     "gene).")
    if values.size and values.max() > 100 and all(
            (block == np.round(block)).all() for block in _row_blocks(values)):
        notes.append("All values are whole numbers up to "
                     f"{values.max():.0f}: these look like raw counts. GNT expects log-scale "
                     "values such as log2(x + 1).")
    return ExpressionTable(values, genes, cells, orientation, notes)


def _check_names(names: list[str], kind: str, source: str) -> None:
    for position, label in enumerate(names, start=1):
        if _CONTROL.search(label):
            raise GntInputError(f"{source}: {kind} number {position} ({label[:40]!r}) holds a "
                                "control character. Remove it from the name and load again.")
        if len(label) > MAX_NAME_LENGTH:
            raise GntInputError(f"{source}: {kind} number {position} has a name of {len(label)} "
                                f"characters ({label[:30]!r}…); names are limited to "
                                f"{MAX_NAME_LENGTH}. Check the file's orientation and columns.")


def _row_blocks(values: np.ndarray, rows: int = 512) -> Iterator[np.ndarray]:
    """Row blocks, so that checks on a large matrix make only small temporaries."""
    for start in range(0, len(values), rows):
        yield values[start:start + rows]


def _constant_rows(values: np.ndarray) -> np.ndarray:
    return np.concatenate([(block == block[:, :1]).all(axis=1) for block in
                           _row_blocks(values)] or [np.zeros(0, bool)])


def _make_unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        count = seen.get(n, 0)
        seen[n] = count + 1
        out.append(n if count == 0 else f"{n}-{count}")
    return out


def read_h5ad(src: Source) -> ExpressionTable:
    """Read an AnnData .h5ad file (cells × genes; `X` dense or sparse). Needs `anndata`."""
    name = source_name(src)
    try:
        import anndata
    except ImportError:
        raise GntInputError(f"{name}: reading .h5ad needs the optional package anndata "
                            "(pip install anndata), or export the matrix as CSV.") from None
    try:
        with _as_path(src) as path:
            adata = anndata.read_h5ad(path)
    except GntInputError:
        raise
    except Exception as err:  # h5py and anndata raise many types for damaged files
        raise GntInputError(f"{name}: not a readable .h5ad file ({type(err).__name__}: "
                            f"{str(err)[:200]}). Save it again with anndata.") from None
    matrix = adata.X.toarray() if hasattr(adata.X, "toarray") else np.asarray(adata.X)
    values = np.asarray(matrix, dtype=np.float32).T
    if not np.isfinite(values).all():
        raise GntInputError(f"{name}: X holds NaN or infinite values. Expression values must be "
                            "finite numbers.")
    return _validated_expression(values, list(map(str, adata.var_names)),
                                 list(map(str, adata.obs_names)), "cells_x_genes (h5ad)", [],
                                 name)


@contextmanager
def _as_path(src: Source) -> Iterator[str]:
    if isinstance(src, str | os.PathLike):
        if not Path(src).is_file():
            raise GntInputError(f"{src}: no such file. Check the path and try again.")
        yield os.fspath(src)
        return
    with tempfile.NamedTemporaryFile(suffix=".h5ad") as tmp:
        src.seek(0)
        tmp.write(src.read())
        tmp.flush()
        yield tmp.name


# ---------------------------------------------------------------- network and TF list


def read_network(src: Source) -> EdgeTable:
    """Read a directed edge list: regulator, target, optional weight and sign columns."""
    name = source_name(src)
    layout = _sniff(src, "network")
    table = _read_strings(src, layout)
    lowered = [h.lower() for h in layout.header]
    notes: list[str] = []
    reg_col = _find_column(lowered, REGULATOR_HEADERS)
    tgt_col = _find_column(lowered, TARGET_HEADERS, exclude=reg_col)
    if reg_col is None or tgt_col is None:
        if len(layout.header) < 2:
            raise GntInputError(f"{name}: line {layout.header_line} has a single column. A "
                                "network file needs a regulator and a target column, e.g. a "
                                "header 'Gene1,Gene2'.")
        table = pd.concat([pd.DataFrame([layout.header]), table], ignore_index=True)
        reg_col, tgt_col = 0, 1
        weight_col = sign_col = None
        notes.append("The network file has no recognised header (Gene1,Gene2 / TF,target / "
                     "source,target / regulator,target); columns 1 and 2 were read as "
                     "regulator and target.")
    else:
        weight_col = _find_column(lowered, WEIGHT_HEADERS)
        sign_col = _find_column(lowered, SIGN_HEADERS)
    if table.empty:
        raise GntInputError(f"{name}: the network file holds a header but no edges. Add one "
                            "line per regulator → target edge.")
    regs = table[reg_col].fillna("").str.strip()
    tgts = table[tgt_col].fillna("").str.strip()
    blank = np.flatnonzero((regs == "").to_numpy() | (tgts == "").to_numpy())
    if len(blank):
        line = layout.header_line + 1 + int(blank[0])
        raise GntInputError(f"{name}: edge on line {line} has an empty regulator or target. "
                            "Fill it in or delete the line.")
    weights = _parse_weights(table, weight_col, layout, name)
    signs = _parse_signs(table, sign_col, notes)
    return EdgeTable(regs.tolist(), tgts.tolist(), weights, signs, notes)


def _read_strings(src: Source, layout: _Layout) -> pd.DataFrame:
    """Every field as text, read in chunks; stops with a clear error beyond MAX_EDGES rows."""
    max_rows = MAX_EDGES
    sep = r"\s+" if layout.delimiter == " " else layout.delimiter
    n = max(len(layout.header), 2)
    chunks, rows = [], 0
    try:
        with open_text(src) as text, warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # fields would be dropped
            for chunk in pd.read_csv(text, sep=sep, header=None, skiprows=layout.header_line,
                                     dtype=str, keep_default_na=False, skip_blank_lines=True,
                                     engine="python" if sep == r"\s+" else "c",
                                     index_col=False, names=list(range(n)),
                                     chunksize=200_000):
                rows += len(chunk)
                if rows > max_rows:
                    raise GntInputError(f"{source_name(src)}: more than {max_rows:,} lines; "
                                        f"GNT Explorer reads at most {max_rows:,} edges. Keep "
                                        "the most confident edges and load again.")
                chunks.append(chunk)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=range(n))
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        where = _locate(src, layout, lambda cell: False, n)
        if where is not None and where.ragged:
            raise _ragged(source_name(src), where, n) from None
        raise GntInputError(f"{source_name(src)}: {err}. Every line must have the same number "
                            "of fields as the header.") from None
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=range(n))


def _find_column(lowered: list[str], names: tuple[str, ...], exclude: int | None = None):
    for wanted in names:
        for i, h in enumerate(lowered):
            if h == wanted and i != exclude:
                return i
    return None


def _parse_weights(table: pd.DataFrame, col: int | None, layout: _Layout,
                   name: str) -> np.ndarray | None:
    if col is None:
        return None
    numbers = pd.to_numeric(table[col], errors="coerce")
    bad = np.flatnonzero(~np.isfinite(numbers.to_numpy(dtype=float)))
    if len(bad):
        line = layout.header_line + 1 + int(bad[0])
        raise GntInputError(f"{name}: line {line}: the weight {table[col].iloc[bad[0]]!r} is "
                            f"not a number. Fix it, or remove the '{layout.header[col]}' "
                            "column.")
    return numbers.to_numpy(dtype=np.float64)


def _parse_signs(table: pd.DataFrame, col: int | None, notes: list[str]) -> np.ndarray | None:
    if col is None:
        return None
    signs = table[col].str.strip().str.lower().map(SIGNS).fillna(0).astype(np.int8).to_numpy()
    unknown = int((signs == 0).sum())
    if unknown:
        notes.append(f"{unknown} edges have a sign other than +/- and are kept as unsigned.")
    return signs


def read_regulator_list(src: Source) -> list[str]:
    """Read a TF list: one symbol per line, or a table with a TF/gene/symbol column."""
    name = source_name(src)
    layout = _sniff(src, "TF list")
    table = _read_strings(src, layout)
    lowered = [h.lower() for h in layout.header]
    col = _find_column(lowered, TF_HEADERS)
    if col is None:
        col = 0 if len(layout.header) == 1 else None
        if col is None:
            raise GntInputError(f"{name}: cannot tell which column holds the TF symbols. Use "
                                "one symbol per line, or a header named TF, gene or symbol.")
        table = pd.concat([pd.DataFrame([layout.header]), table], ignore_index=True)
    symbols = [s.strip() for s in table[col].tolist() if s.strip()]
    if not symbols:
        raise GntInputError(f"{name}: the TF list is empty. Add one TF symbol per line.")
    return list(dict.fromkeys(symbols))


# ---------------------------------------------------------------- assembling a dataset


def build_dataset(expression: ExpressionTable, network: EdgeTable, *,
                  tfs: list[str] | None = None, ignore_case: bool = False, name: str = "dataset",
                  network_name: str = "network file") -> Dataset:
    """Match the network to the expression genes and clean it into a Dataset."""
    report = LoadReport(n_genes=len(expression.genes), n_cells=len(expression.cells),
                        orientation=expression.orientation, notes=list(expression.notes))
    report.notes.extend(network.notes)
    index = {g: i for i, g in enumerate(expression.genes)}
    regs, tgts = _match_genes(network.regulators, network.targets, index, ignore_case, report)
    keep = (regs >= 0) & (tgts >= 0)
    report.edges_dropped_missing_gene = int((~keep).sum())
    if not keep.any():
        raise GntInputError(_no_edge_message(network_name, network.regulators, report))
    edges = np.stack([regs[keep], tgts[keep]], axis=1).astype(np.int64)
    weights = network.weights[keep] if network.weights is not None else None
    signs = network.signs[keep] if network.signs is not None else None
    edges, weights, signs = _clean_edges(edges, weights, signs, report)
    if len(edges) == 0:
        raise GntInputError(f"{network_name}: no edge is left after dropping self-loops. The "
                            "network needs edges between two different genes.")
    regulators = np.unique(edges[:, 0])
    report.n_edges, report.n_regulators = len(edges), len(regulators)
    tf_list = _match_tfs(tfs, index, report) if tfs is not None else None
    report.zero_variance_genes = [expression.genes[i] for i in
                                  np.flatnonzero(_constant_rows(expression.values))]
    return Dataset(name=name, expression=expression.values, genes=expression.genes,
                   cells=expression.cells, edges=edges, regulators=regulators, report=report,
                   tf_list=tf_list, edge_weights=weights, edge_signs=signs)


def _match_genes(regs: list[str], tgts: list[str], index: dict[str, int], ignore_case: bool,
                 report: LoadReport) -> tuple[np.ndarray, np.ndarray]:
    lower = {}
    for g, i in index.items():
        lower.setdefault(g.lower(), i)
    names = list(index)
    missing: dict[str, None] = {}

    def lookup(symbol: str) -> int:
        if symbol in index:
            return index[symbol]
        alt = lower.get(symbol.lower())
        if alt is not None:
            report.case_insensitive_matches[symbol] = names[alt]
            if ignore_case:
                return alt
        missing[symbol] = None
        return -1

    reg_idx = np.fromiter((lookup(s) for s in regs), dtype=np.int64, count=len(regs))
    tgt_idx = np.fromiter((lookup(s) for s in tgts), dtype=np.int64, count=len(tgts))
    report.missing_genes = list(missing)
    if ignore_case and report.case_insensitive_matches:
        report.notes.append(f"Matched {len(report.case_insensitive_matches)} network genes to "
                            "expression genes ignoring case.")
        report.case_insensitive_matches = {}
    return reg_idx, tgt_idx


def _no_edge_message(network_name: str, regulators: list[str], report: LoadReport) -> str:
    message = (f"{network_name}: none of its {len(regulators)} edges connects two genes of the "
               f"expression file (network genes not found: {_preview(report.missing_genes)}).")
    if report.case_insensitive_matches:
        return message + (" Some names match when case is ignored: load with ignore_case "
                          "(CLI: --ignore-case).")
    return message + (" Check that both files use the same gene identifiers (symbols vs "
                      "Ensembl IDs) and that the network columns are regulator, target.")


def _clean_edges(edges: np.ndarray, weights: np.ndarray | None, signs: np.ndarray | None,
                 report: LoadReport):
    self_loop = edges[:, 0] == edges[:, 1]
    report.self_loops_dropped = int(self_loop.sum())
    edges = edges[~self_loop]
    weights = weights[~self_loop] if weights is not None else None
    signs = signs[~self_loop] if signs is not None else None
    _, first = np.unique(edges, axis=0, return_index=True)
    first = np.sort(first)
    report.duplicate_edges_merged = int(len(edges) - len(first))
    edges = edges[first]
    weights = weights[first] if weights is not None else None
    signs = signs[first] if signs is not None else None
    as_set = {(int(a), int(b)) for a, b in edges}
    report.reciprocal_pairs = sum((b, a) in as_set for a, b in as_set) // 2
    return edges, weights, signs


def _match_tfs(tfs: list[str], index: dict[str, int], report: LoadReport) -> np.ndarray:
    found = [index[t] for t in tfs if t in index]
    report.tfs_not_in_expression = [t for t in tfs if t not in index]
    report.n_tfs_listed = len(found)
    return np.array(sorted(set(found)), dtype=np.int64)


def load_dataset(expression: Source, network: Source, *, tfs: Source | None = None,
                 orientation: str = "auto", ignore_case: bool = False,
                 name: str | None = None) -> Dataset:
    """Read an expression file, a network file and optionally a TF list into a Dataset."""
    edges = read_network(network)
    expr = read_expression(expression, orientation=orientation,
                           network_genes=set(edges.regulators) | set(edges.targets))
    tf_symbols = read_regulator_list(tfs) if tfs is not None else None
    dataset = build_dataset(expr, edges, tfs=tf_symbols, ignore_case=ignore_case,
                            name=name or Path(source_name(expression)).stem,
                            network_name=source_name(network))
    roles = {"expression": expression, "network": network} | ({"tfs": tfs} if tfs else {})
    dataset.sources = {role: source_name(s) for role, s in roles.items()}
    dataset.sha256 = {role: sha256_of(s) for role, s in roles.items()}
    return dataset


SPLIT_FILES = ("train", "val", "test")


def read_split_dir(folder: str | os.PathLike, genes: list[str]
                   ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A given split: train.csv, val.csv, test.csv with columns tf,target,label (0/1).

    Returns, per file, the (n, 2) gene-index pairs and their labels, exactly as listed.
    """
    root = Path(folder)
    index = {g: i for i, g in enumerate(genes)}
    out = {}
    for name in SPLIT_FILES:
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


def _preview(items: list[str], n: int = 5) -> str:
    shown = ", ".join(str(i) for i in items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")
