"""Single-cell formats, read the way scanpy users expect: AnnData `.h5ad`, a 10x Matrix Market
folder (`matrix.mtx(.gz)`, `features.tsv(.gz)` or `genes.tsv`, `barcodes.tsv(.gz)`) and `.loom`.

The matrix stays sparse, and on disk where the format allows (an .h5ad is opened backed; a
.loom is read a block of cells at a time), until the chosen cells and genes are taken:

- the matrix: `X`, `raw` or a named layer; raw counts (whole numbers) are normalised to 10,000
  per cell and log1p-transformed, and the report says so;
- gene symbols from `var_names` or a `var` column (common symbol columns are detected when the
  names are Ensembl IDs), optionally mapped through a two-column ID → symbol file;
- cells by an `obs` column and one or more of its values (a cell type);
- genes: those of the network and the TF list, plus the N most variable (scanpy's "seurat"
  flavour: dispersion normalised within bins of mean expression).

The dense size is computed, and refused with advice, before the dense matrix is built.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from . import limits
from .dataset import ExpressionTable, GntInputError, make_unique, preview
from .idmap import lookup_symbols

SYMBOL_COLUMNS = ("gene_symbols", "gene_symbol", "feature_name", "gene_name", "gene_names",
                  "symbol", "symbols", "name", "gene")
ENSEMBL = re.compile(r"^ENS[A-Z]*G\d{6,}(\.\d+)?$")
COUNTS_TARGET = 1e4
ONLINE = "online"  # gene_map: look the identifiers up on MyGene.info
READ_BLOCK_CELLS = 5_000
SINGLE_CELL_SUFFIXES = (".h5ad", ".loom")


@dataclass(frozen=True)
class SingleCellOptions:
    """How to take genes × cells out of a single-cell file."""

    layer: str = "X"  # "X", "raw", or the name of a layer
    gene_column: str | None = None  # a var column with symbols (None: var_names, or detected)
    cells_column: str | None = None  # an obs column ...
    cells_values: tuple[str, ...] = ()  # ... and the values of it to keep (a cell type)
    top_genes: int | None = None  # the most variable genes kept beside network genes and TFs
    gene_map: str | None = None  # a two-column file (identifier, symbol), or "online"
    organism: str | None = None  # for gene_map "online" (MyGene.info)
    cache: str | None = None  # where online answers are kept ($GNT_HOME/idmap by the CLI)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict | None) -> SingleCellOptions:
        values = dict(values or {})
        values["cells_values"] = tuple(values.get("cells_values") or ())
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


def is_single_cell(path: str | os.PathLike) -> bool:
    path = Path(path)
    return path.is_dir() or path.name.lower().endswith(SINGLE_CELL_SUFFIXES)


# ---------------------------------------------------------------- the formats


@dataclass
class Matrix:
    """A cells × genes matrix not yet read: its annotations and a reader of cell rows."""

    name: str
    obs: pd.DataFrame
    var: pd.DataFrame
    rows: Callable[[np.ndarray], sparse.csr_matrix]  # sorted cell indices -> csr rows
    layers: tuple[str, ...] = ()


def open_matrix(path: Path, layer: str = "X") -> Matrix:
    """The matrix of an .h5ad, a 10x folder or a .loom, without reading its values."""
    name = str(path)
    if path.is_dir():
        return _tenx(path)
    if not path.is_file():
        raise GntInputError(f"{name}: no such file or folder. Check the path and try again.")
    if name.lower().endswith(".loom"):
        return _loom(path)
    return _h5ad(path, layer)


def _h5py_file(path: Path):
    import h5py

    kind, owner = (".loom", "loompy") if path.name.lower().endswith(".loom") else (
        ".h5ad", "anndata")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise GntInputError(f"{path}: not a readable {kind} file ({str(err)[:150]}). Save it "
                            f"again with {owner}.") from None


def _h5ad(path: Path, layer: str) -> Matrix:
    import anndata.io as aio

    handle = _h5py_file(path)
    try:
        obs, var = aio.read_elem(handle["obs"]), aio.read_elem(handle["var"])
        layers = tuple(handle["layers"].keys()) if "layers" in handle else ()
        if layer == "raw":
            if "raw" not in handle:
                raise GntInputError(f"{path}: there is no raw matrix (adata.raw). Choose X or "
                                    f"one of the layers ({', '.join(layers) or 'none'}).")
            element, var = handle["raw/X"], aio.read_elem(handle["raw/var"])
        elif layer == "X":
            element = handle["X"]
        elif layer in layers:
            element = handle[f"layers/{layer}"]
        else:
            raise GntInputError(f"{path}: there is no layer {layer!r}. Choose X, raw or one of "
                                f"the layers: {', '.join(layers) or 'none'}.")
    except GntInputError:
        handle.close()
        raise
    except Exception as err:  # anndata and h5py raise many types for damaged files
        handle.close()
        raise GntInputError(f"{path}: not a readable .h5ad file ({type(err).__name__}: "
                            f"{str(err)[:150]}). Save it again with anndata.") from None
    matrix = aio.sparse_dataset(element) if hasattr(element, "keys") else element

    def rows(cells: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(matrix[cells], dtype=np.float32)

    obs.index, var.index = obs.index.astype(str), var.index.astype(str)
    return Matrix(str(path), obs, var, rows, layers)


def _tenx(folder: Path) -> Matrix:
    from scipy.io import mmread

    def find(*names: str) -> Path:
        for candidate in names:
            for suffix in ("", ".gz"):
                if (folder / f"{candidate}{suffix}").is_file():
                    return folder / f"{candidate}{suffix}"
        raise GntInputError(f"{folder}: a 10x folder needs {names[0]}(.gz); it is missing. "
                            "Give the folder Cell Ranger wrote (filtered_feature_bc_matrix/).")

    matrix_path = find("matrix.mtx")
    features = pd.read_csv(find("features.tsv", "genes.tsv"), sep="\t", header=None, dtype=str)
    barcodes = pd.read_csv(find("barcodes.tsv"), sep="\t", header=None, dtype=str)
    var = pd.DataFrame({"gene_ids": features[0].to_numpy(),
                        "gene_symbols": features[1 if features.shape[1] > 1 else 0].to_numpy()},
                       index=features[0].astype(str).to_numpy())
    opener = gzip.open if matrix_path.name.endswith(".gz") else open
    with opener(matrix_path, "rb") as handle:
        values = sparse.csr_matrix(mmread(handle).T, dtype=np.float32)  # 10x: genes × cells
    if values.shape != (len(barcodes), len(features)):
        raise GntInputError(f"{matrix_path}: {values.shape[1]} genes × {values.shape[0]} cells, "
                            f"but {len(features)} features and {len(barcodes)} barcodes. The "
                            "three files must come from the same run.")
    obs = pd.DataFrame(index=barcodes[0].astype(str).to_numpy())
    return Matrix(str(folder), obs, var, lambda cells: values[cells])


def _loom(path: Path) -> Matrix:
    handle = _h5py_file(path)
    if "matrix" not in handle or "row_attrs" not in handle:
        handle.close()
        raise GntInputError(f"{path}: not a loom file (no /matrix or /row_attrs). Save it "
                            "again with loompy.")
    row_attrs = {k: _text(handle["row_attrs"][k][()]) for k in handle["row_attrs"]}
    col_attrs = {k: _text(handle["col_attrs"][k][()]) for k in handle.get("col_attrs", {})
                 if handle["col_attrs"][k].ndim == 1}
    gene_key = next((k for k in ("Gene", "gene", "GeneName", "gene_name") if k in row_attrs),
                    None)
    if gene_key is None:
        handle.close()
        raise GntInputError(f"{path}: the loom file has no gene names (row attribute Gene). "
                            "Add them with loompy and load again.")
    var = pd.DataFrame(row_attrs, index=pd.Index(row_attrs[gene_key]).astype(str))
    cell_key = next((k for k in ("CellID", "cell_id", "obs_names") if k in col_attrs), None)
    index = col_attrs[cell_key] if cell_key else np.arange(handle["matrix"].shape[1])
    obs = pd.DataFrame(col_attrs, index=pd.Index(index).astype(str))
    matrix = handle["matrix"]  # genes × cells on disk

    def rows(cells: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(matrix[:, cells].T, dtype=np.float32)

    return Matrix(str(path), obs, var, rows)


def _text(values: np.ndarray) -> np.ndarray:
    return np.array([v.decode() if isinstance(v, bytes) else v for v in values], dtype=object) \
        if values.dtype.kind in "OS" else values


# ---------------------------------------------------------------- what a user chooses from


def inspect(path: str | os.PathLike) -> dict:
    """What a file offers: cells, genes, layers, var columns (symbol-like first) and obs columns
    with up to 50 of their values — for the choices in the app."""
    matrix = open_matrix(Path(path))
    obs_columns = {column: sorted(map(str, matrix.obs[column].astype(str).unique()))[:50]
                   for column in matrix.obs.columns
                   if matrix.obs[column].astype(str).nunique() <= 200}
    var_columns = [c for c in matrix.var.columns if matrix.var[c].dtype == object]
    var_columns.sort(key=lambda c: c.lower() not in SYMBOL_COLUMNS)
    return {"n_cells": len(matrix.obs), "n_genes": len(matrix.var),
            "layers": ["X", "raw", *matrix.layers] if str(path).endswith(".h5ad") else ["X"],
            "var_columns": var_columns, "obs_columns": obs_columns,
            "ensembl_ids": ensembl_share(list(matrix.var.index)) > 0.5}


# ---------------------------------------------------------------- reading


def read_single_cell(path: str | os.PathLike, options: SingleCellOptions | None = None, *,
                     wanted: set[str] | None = None) -> ExpressionTable:
    """Genes × cells (float32, log-scale) of the chosen cells and genes; `wanted` are the
    symbols that must be kept when present (the network's genes and the TFs)."""
    options = options or SingleCellOptions()
    matrix = open_matrix(Path(path), options.layer)
    notes: list[str] = [f"Read {matrix.name} ({len(matrix.obs):,} cells × "
                        f"{len(matrix.var):,} genes, matrix {options.layer})."]
    symbols = _symbols(matrix, options, notes)
    cells = _cells(matrix, options, notes)
    present = sum(s in (wanted or ()) for s in symbols)
    planned = len(symbols) if options.top_genes is None else min(
        len(symbols), present + options.top_genes)
    _check_dense_size(planned, len(cells), matrix.name, options)  # before reading any value
    values = _read_rows(matrix, cells)
    if _looks_like_counts(values):
        values = _normalise_counts(values)
        notes.append("The values are whole numbers (raw counts): each cell was normalised to "
                     f"{COUNTS_TARGET:,.0f} counts and log1p-transformed, as scanpy does.")
    genes = _choose_genes(values, symbols, wanted or set(), options.top_genes, notes)
    dense = np.ascontiguousarray(values[:, genes].toarray().T, dtype=np.float32)
    cell_names = matrix.obs.index[cells].astype(str).tolist()
    return ExpressionTable(dense, [symbols[g] for g in genes], cell_names,
                           "cells_x_genes (single-cell file)", notes)


def _symbols(matrix: Matrix, options: SingleCellOptions, notes: list[str]) -> list[str]:
    var = matrix.var
    if options.gene_column is not None:
        if options.gene_column not in var.columns:
            raise GntInputError(f"{matrix.name}: there is no var column "
                                f"{options.gene_column!r}. Columns: "
                                f"{', '.join(map(str, var.columns)) or 'none'}.")
        names = var[options.gene_column].astype(str)
        notes.append(f"Gene symbols from the var column {options.gene_column!r}.")
    elif ensembl_share(list(var.index)) > 0.5 and (column := _symbol_column(var)) is not None:
        names = var[column].astype(str)
        notes.append(f"var_names are Ensembl IDs; symbols taken from the var column {column!r}.")
    else:
        names = pd.Series(var.index, index=var.index)
    names = names.to_numpy(dtype=object)
    if options.gene_map == ONLINE:
        mapping = lookup_symbols(list(names), options.organism, Path(options.cache or "."),
                                 notes)
        names = map_identifiers(names, mapping, notes)
    elif options.gene_map:
        names = map_identifiers(names, read_gene_map(options.gene_map), notes)
    return _unique(list(names), notes)


def _symbol_column(var: pd.DataFrame) -> str | None:
    lowered = {str(c).lower(): c for c in var.columns}
    return next((lowered[c] for c in SYMBOL_COLUMNS if c in lowered), None)


def ensembl_share(names: list[str]) -> float:
    """The share of Ensembl gene IDs (human ENSG…, mouse ENSMUSG…) among the first names."""
    sample = names[:2000]
    return sum(bool(ENSEMBL.match(str(n))) for n in sample) / max(len(sample), 1)


def read_gene_map(path: str | os.PathLike) -> dict[str, str]:
    """A two-column file (identifier, symbol; a header is allowed): identifier -> symbol."""
    from .network import read_strings
    from .sniff import sniff

    layout = sniff(path, "gene map")
    table = read_strings(path, layout)
    if table.shape[1] < 2:
        raise GntInputError(f"{path}: a gene map needs two columns: identifier and symbol.")
    header = pd.DataFrame([layout.header[:2]], columns=[0, 1])
    if not ENSEMBL.match(layout.header[0]) and layout.header[0].lower() not in ("", "nan"):
        header = header.iloc[:0]  # a header row, not a mapping
    rows = pd.concat([header, table[[0, 1]]], ignore_index=True)
    return dict(zip(rows[0].str.strip(), rows[1].str.strip(), strict=True))


def map_identifiers(names, mapping: dict[str, str], notes: list[str]) -> np.ndarray:
    """Identifiers (version suffixes ignored) to symbols; unmapped ones stay as they are. The
    report counts the mapped, the ambiguous (one symbol for several identifiers) and the lost."""
    base = {k.split(".")[0]: v for k, v in mapping.items()}
    mapped = np.array([base.get(str(n).split(".")[0], "") for n in names], dtype=object)
    found = mapped != ""
    counts = pd.Series(mapped[found]).value_counts()
    ambiguous = int((counts > 1).sum())
    notes.append(f"Mapped {int(found.sum()):,} of {len(names):,} gene identifiers to symbols "
                 f"({ambiguous:,} symbols stand for more than one identifier: the first is "
                 f"kept; {int((~found).sum()):,} identifiers have no symbol and keep their ID).")
    return np.where(found, mapped, np.asarray(names, dtype=object))


def _unique(names: list[str], notes: list[str]) -> list[str]:
    out = make_unique(names, mark="-dup")
    repeated = list(dict.fromkeys(n for n, u in zip(names, out, strict=True) if n != u))
    if repeated:
        notes.append(f"{len(repeated)} gene symbols occur more than once "
                     f"({preview(repeated)}); the first of each keeps the symbol.")
    return out


def _cells(matrix: Matrix, options: SingleCellOptions, notes: list[str]) -> np.ndarray:
    if options.cells_column is None:
        return np.arange(len(matrix.obs))
    if options.cells_column not in matrix.obs.columns:
        raise GntInputError(f"{matrix.name}: there is no obs column {options.cells_column!r}. "
                            f"Columns: {', '.join(map(str, matrix.obs.columns)) or 'none'}.")
    column = matrix.obs[options.cells_column].astype(str)
    missing = [v for v in options.cells_values if v not in set(column)]
    if missing or not options.cells_values:
        values = sorted(column.unique())
        raise GntInputError(f"{matrix.name}: obs column {options.cells_column!r} has no value "
                            f"{', '.join(map(repr, missing)) or '(none given)'}. Its values: "
                            f"{preview(values, 12)}.")
    cells = np.flatnonzero(column.isin(options.cells_values).to_numpy())
    notes.append(f"Kept the {len(cells):,} cells whose {options.cells_column} is "
                 f"{' or '.join(options.cells_values)}.")
    return cells


def _read_rows(matrix: Matrix, cells: np.ndarray) -> sparse.csr_matrix:
    blocks = [matrix.rows(cells[start:start + READ_BLOCK_CELLS])
              for start in range(0, len(cells), READ_BLOCK_CELLS)]
    return sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix((0, 0))


def _looks_like_counts(values: sparse.csr_matrix) -> bool:
    data = values.data[:1_000_000]
    return bool(len(data)) and bool(np.all(data >= 0)) and bool(
        np.all(data == np.round(data))) and float(data.max()) > 20


def _normalise_counts(values: sparse.csr_matrix) -> sparse.csr_matrix:
    totals = np.asarray(values.sum(axis=1)).ravel()
    scale = np.divide(COUNTS_TARGET, totals, out=np.zeros_like(totals), where=totals > 0)
    out = sparse.diags(scale.astype(np.float32)) @ values
    out.data = np.log1p(out.data)
    return out.tocsr()


def _choose_genes(values: sparse.csr_matrix, symbols: list[str], wanted: set[str],
                  top_genes: int | None, notes: list[str]) -> np.ndarray:
    present = np.array([s in wanted for s in symbols])
    if top_genes is None:
        return np.arange(len(symbols))
    variable = highly_variable(values, top_genes)
    keep = np.flatnonzero(present | variable)
    notes.append(f"Kept {len(keep):,} genes: {int(present.sum()):,} of the network and TF "
                 f"list, and the {top_genes:,} most variable (scanpy's seurat flavour).")
    return keep


def highly_variable(values: sparse.csr_matrix, n: int, bins: int = 20) -> np.ndarray:
    """The n genes of highest dispersion (variance / mean) normalised within bins of mean
    expression, as scanpy's highly_variable_genes(flavor='seurat') ranks them."""
    mean = np.asarray(values.mean(axis=0)).ravel().astype(np.float64)
    squares = np.asarray(values.multiply(values).mean(axis=0)).ravel()
    variance = np.maximum(squares - mean**2, 0) * values.shape[0] / max(values.shape[0] - 1, 1)
    dispersion = np.log(np.divide(variance, mean, out=np.full_like(mean, 1e-12),
                                  where=mean > 0) + 1e-12)
    edges = pd.cut(np.log1p(mean), bins, labels=False)
    frame = pd.DataFrame({"dispersion": dispersion, "bin": edges})
    grouped = frame.groupby("bin")["dispersion"]
    normalised = ((frame["dispersion"] - grouped.transform("mean"))
                  / grouped.transform("std").replace(0, 1).fillna(1)).fillna(0).to_numpy()
    normalised[mean == 0] = -np.inf
    chosen = np.zeros(len(mean), dtype=bool)
    chosen[np.argsort(-normalised, kind="stable")[:n]] = True
    return chosen


def _check_dense_size(n_genes: int, n_cells: int, name: str,
                      options: SingleCellOptions) -> None:
    values = n_genes * n_cells
    if n_genes <= limits.MAX_GENES and n_cells <= limits.MAX_CELLS and (
            values <= limits.MAX_VALUES):
        return
    advice = []
    if options.cells_column is None:
        advice.append("choose the cells of one cell type (CLI: --cells COLUMN=VALUE)")
    if options.top_genes is None:
        advice.append("keep the network's genes and the most variable ones (CLI: --top-genes "
                      "2000)")
    raise GntInputError(f"{name}: the chosen matrix would be {n_genes:,} genes × {n_cells:,} "
                        f"cells = {values:,} values ({values * 4 / 2**30:.1f} GiB dense), "
                        f"beyond the {limits.MAX_VALUES:,} values GNT Explorer builds. Nothing "
                        f"was allocated. To reduce it: {'; '.join(advice) or 'subsample cells'}.")
