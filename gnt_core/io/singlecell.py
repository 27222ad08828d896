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

import csv
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
from .mtx import read_matrix_market
from .sniff import check_file, is_anndata, open_text, source_name
from .validate import check_names, validated_table

SYMBOL_COLUMNS = ("gene_symbols", "gene_symbol", "feature_name", "gene_name", "gene_names",
                  "symbol", "symbols", "name", "gene")
ENSEMBL = re.compile(r"^ENS[A-Z]*G\d{6,}(\.\d+)?$")
COUNTS_TARGET = 1e4
ONLINE = "online"  # gene_map: look the identifiers up on MyGene.info
READ_BLOCK_CELLS = 5_000
CHOICES = {"layer": "a layer", "gene_column": "a gene column", "cells_column": "a cell selection",
           "top_genes": "a number of variable genes", "gene_map": "a gene map"}
SINGLE_CELL_SUFFIXES = (".h5ad", ".loom", ".h5ad.gz", ".loom.gz")


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

    def choices_made(self) -> list[str]:
        """The choices that only a single-cell file can honour, where set."""
        default = SingleCellOptions()
        return [label + (f" {self.gene_map}" if key == "gene_map" else "")
                for key, label in CHOICES.items() if getattr(self, key) != getattr(default, key)]

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


def open_matrix(source, layer: str = "X") -> Matrix:
    """The matrix of an .h5ad, a 10x folder, a .loom or an AnnData object, without reading its
    values. Its type, its shape against obs and var, and its stored size are checked first."""
    if is_anndata(source):
        return _anndata(source, layer)
    path = Path(source)
    if path.is_dir():
        return _tenx(path)
    check_file(path)
    with open(path, "rb") as raw:
        if raw.read(2) == b"\x1f\x8b":
            raise GntInputError(f"{path}: this file is gzip-compressed. .h5ad and .loom files "
                                "are read as they are (they compress inside): decompress it "
                                "(gunzip) and load the result.")
    return _loom(path) if path.name.lower().endswith(".loom") else _h5ad(path, layer)


def _h5py_file(path: Path):
    import h5py

    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise GntInputError(f"{path}: not a readable {_kind(path)} file ({str(err)[:150]}). "
                            f"Save it again with {_writer(path)}.") from None


def _kind(path: Path | str) -> str:
    return ".loom" if str(path).lower().endswith(".loom") else ".h5ad"


def _writer(path: Path | str) -> str:
    if Path(path).is_dir():
        return "Cell Ranger (or scipy.io.mmwrite)"
    return "loompy" if _kind(path) == ".loom" else "anndata"


def _h5ad(path: Path, layer: str) -> Matrix:
    import anndata.io as aio
    import h5py

    handle = _h5py_file(path)
    try:
        if any(isinstance(handle.get(k), h5py.Dataset) for k in ("obs", "var")):
            raise GntInputError(f"{path}: this .h5ad has the layout of anndata before 0.7 "
                                "(2019). Read it with anndata.read_h5ad and write it again "
                                "(adata.write_h5ad) to update it.")
        obs, var = aio.read_elem(handle["obs"]), aio.read_elem(handle["var"])
        layers = tuple(handle["layers"].keys()) if "layers" in handle else ()
        if layer == "raw" and "raw" in handle:
            element, var = handle["raw/X"], aio.read_elem(handle["raw/var"])
        elif layer == "X" and "X" in handle:
            element = handle["X"]
        elif layer in layers:
            element = handle[f"layers/{layer}"]
        else:
            raise _missing_layer(str(path), layer, layers)
        shape = _checked_matrix(element, path, layer)
    except GntInputError:
        handle.close()
        raise
    except Exception as err:  # anndata and h5py raise many types for damaged files
        handle.close()
        raise GntInputError(f"{path}: not a readable .h5ad file ({type(err).__name__}: "
                            f"{str(err)[:150]}). Save it again with anndata.") from None
    _check_shape(path, layer, shape, (len(obs), len(var)))
    matrix = aio.sparse_dataset(element) if hasattr(element, "keys") else element

    def rows(cells: np.ndarray) -> sparse.csr_matrix:
        block = sparse.csr_matrix(matrix[cells], dtype=np.float32)
        block.check_format(full_check=True)  # indices within the genes
        return block

    obs.index, var.index = obs.index.astype(str), var.index.astype(str)
    return Matrix(str(path), obs, var, rows, layers)


def _anndata(adata, layer: str) -> Matrix:
    """An AnnData object's matrix: X, raw.X (with raw.var) or a layer, read by cell rows."""
    name, layers = source_name(adata), tuple(adata.layers.keys())
    var = adata.var
    if layer == "raw" and adata.raw is not None:
        element, var = adata.raw.X, adata.raw.var
    elif layer == "X" and adata.X is not None:
        element = adata.X
    elif layer in layers:
        element = adata.layers[layer]
    else:
        raise _missing_layer(name, layer, layers)
    _check_shape(name, layer, element.shape, (adata.n_obs, len(var)))

    def rows(cells: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(element[cells], dtype=np.float32)

    obs, var = adata.obs.copy(), var.copy()
    obs.index, var.index = obs.index.astype(str), var.index.astype(str)
    return Matrix(name, obs, var, rows, layers)


def _missing_layer(name: str, layer: str, layers: tuple[str, ...]) -> GntInputError:
    what = {"raw": "raw matrix (adata.raw)", "X": "matrix X"}.get(layer, f"layer {layer!r}")
    return GntInputError(f"{name}: there is no {what}. Choose X, raw or one of the layers: "
                         f"{', '.join(layers) or 'none'}.")


def _checked_matrix(element, path: Path, what: str) -> tuple[int, int]:
    """The stored matrix's shape, once its values are numbers, a sparse one is consistent, and
    its size is within the limits and plausible for the file's size (no compression bomb)."""
    if hasattr(element, "keys"):  # a sparse matrix: a group of data, indices, indptr
        shape, stored, dtype = _checked_sparse(element, path, what)
    else:
        shape, dtype = tuple(element.shape), element.dtype
        if len(shape) != 2:
            raise GntInputError(f"{path}: the matrix {what} has {len(shape)} dimensions, not 2 "
                                f"(cells × genes). Save it again with {_writer(path)}.")
        stored = int(np.prod(shape, dtype=np.int64))
    if dtype.kind not in "biuf":
        raise GntInputError(f"{path}: the matrix {what} holds {dtype} values, not numbers. "
                            "Store numeric expression values (counts or log-normalised).")
    if stored > limits.MAX_STORED_VALUES:
        raise GntInputError(f"{path}: the matrix {what} stores {stored:,} values, beyond the "
                            f"{limits.MAX_STORED_VALUES:,} GNT Explorer reads. Nothing was "
                            "read. Subset the cells (or genes) before loading.")
    nbytes = stored * dtype.itemsize
    if nbytes > limits.RATIO_GRACE_BYTES and (
            nbytes > limits.MAX_COMPRESSION_RATIO * path.stat().st_size):
        raise GntInputError(f"{path}: the matrix {what} declares {nbytes // limits.MiB:,} MB "
                            f"of values in a file of {path.stat().st_size // 1024:,} KB, more "
                            f"than {limits.MAX_COMPRESSION_RATIO} times its size (a "
                            "decompression bomb, or a damaged file). Nothing was read.")
    return shape


def _checked_sparse(group, path: Path, what: str) -> tuple[tuple[int, int], int, np.dtype]:
    encoding = group.attrs.get("encoding-type", group.attrs.get("h5sparse_format", ""))
    encoding = encoding.decode() if isinstance(encoding, bytes) else str(encoding)
    shape = group.attrs.get("shape", group.attrs.get("h5sparse_shape"))
    missing = {"data", "indices", "indptr"} - set(group.keys())
    if not ("csr" in encoding or "csc" in encoding) or missing or shape is None:
        raise GntInputError(f"{path}: the matrix {what} is neither a dense array nor a CSR/CSC "
                            f"sparse matrix. Save it again with {_writer(path)}.")
    shape = (int(shape[0]), int(shape[1]))
    data, indices, indptr = group["data"], group["indices"], group["indptr"]
    major = shape[0] if "csr" in encoding else shape[1]
    pointers = indptr[()] if indptr.shape == (major + 1,) else None
    if (pointers is None or data.shape != indices.shape or len(data.shape) != 1
            or pointers[0] != 0 or pointers[-1] != data.shape[0]
            or np.any(np.diff(pointers) < 0)):
        raise GntInputError(f"{path}: the sparse matrix {what} is inconsistent (its indptr "
                            "does not match its data and indices): the file is damaged. Save "
                            f"it again with {_writer(path)}.")
    return shape, int(data.shape[0]), data.dtype


def _check_shape(path: Path | str, what: str, shape: tuple[int, int],
                 expected: tuple[int, int]) -> None:
    if tuple(shape) != tuple(expected):
        raise GntInputError(f"{path}: the matrix {what} is {shape[0]:,} cells × {shape[1]:,} "
                            f"genes, but the file lists {expected[0]:,} cells and "
                            f"{expected[1]:,} genes. Its parts do not belong together: save "
                            f"it again with {_writer(path)}.")


def _tenx(folder: Path) -> Matrix:
    def find(*names: str) -> Path:
        for candidate in names:
            for suffix in ("", ".gz"):
                if (folder / f"{candidate}{suffix}").is_file():
                    return folder / f"{candidate}{suffix}"
        raise GntInputError(f"{folder}: a 10x folder needs {names[0]}(.gz); it is missing. "
                            "Give the folder Cell Ranger wrote (filtered_feature_bc_matrix/).")

    features = _tsv(find("features.tsv", "genes.tsv"))
    barcodes = _tsv(find("barcodes.tsv"))
    values = read_matrix_market(find("matrix.mtx")).T.tocsr()  # 10x: genes × cells
    _check_shape(folder, "matrix.mtx", values.shape, (len(barcodes), len(features)))
    var = pd.DataFrame({"gene_ids": features[0].to_numpy(),
                        "gene_symbols": features[1 if features.shape[1] > 1 else 0].to_numpy()},
                       index=features[0].astype(str).to_numpy())
    obs = pd.DataFrame(index=barcodes[0].astype(str).to_numpy())
    return Matrix(str(folder), obs, var, lambda cells: values[cells])


def _tsv(path: Path) -> pd.DataFrame:
    """A 10x features or barcodes file: tab-separated text, no header, read bounded."""
    with open_text(path) as text:
        try:
            table = pd.read_csv(text, sep="\t", header=None, dtype=str, quoting=csv.QUOTE_NONE,
                                keep_default_na=False)
        except pd.errors.EmptyDataError:
            table = pd.DataFrame()
        except pd.errors.ParserError as err:
            raise GntInputError(f"{path}: not a tab-separated 10x file ({str(err)[:120]}). "
                                "Give the files Cell Ranger wrote.") from None
    if table.empty:
        raise GntInputError(f"{path}: the file is empty. A 10x folder needs one line per "
                            "feature (features.tsv) and per cell (barcodes.tsv).")
    return table


def _loom(path: Path) -> Matrix:
    handle = _h5py_file(path)
    try:
        if "matrix" not in handle or "row_attrs" not in handle:
            raise GntInputError(f"{path}: not a loom file (no /matrix or /row_attrs). Save it "
                                "again with loompy.")
        matrix = handle["matrix"]  # genes × cells on disk
        n_genes, n_cells = _checked_matrix(matrix, path, "/matrix")
        row_attrs = _attributes(handle["row_attrs"], n_genes, "row", path)
        col_attrs = _attributes(handle.get("col_attrs", {}), n_cells, "column", path)
    except GntInputError:
        handle.close()
        raise
    gene_key = next((k for k in ("Gene", "gene", "GeneName", "gene_name") if k in row_attrs),
                    None)
    if gene_key is None:
        handle.close()
        raise GntInputError(f"{path}: the loom file has no gene names (row attribute Gene). "
                            "Add them with loompy and load again.")
    var = pd.DataFrame(row_attrs, index=pd.Index(row_attrs[gene_key]).astype(str))
    cell_key = next((k for k in ("CellID", "cell_id", "obs_names") if k in col_attrs), None)
    index = col_attrs[cell_key] if cell_key else np.arange(n_cells)
    obs = pd.DataFrame(col_attrs, index=pd.Index(index).astype(str))

    def rows(cells: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix(matrix[:, cells].T, dtype=np.float32)

    return Matrix(str(path), obs, var, rows)


def _attributes(group, length: int, axis: str, path: Path) -> dict[str, np.ndarray]:
    """A loom file's 1-D row or column attributes (2-D ones, such as embeddings, are left
    out); each must have one value per row or column of the matrix."""
    out = {}
    for key in group:
        if group[key].ndim != 1:
            continue
        if group[key].shape[0] != length:
            raise GntInputError(f"{path}: the {axis} attribute {key!r} has "
                                f"{group[key].shape[0]:,} values but the matrix has "
                                f"{length:,} {axis}s. Save the file again with loompy.")
        out[key] = _text(group[key][()])
    return out


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


def read_single_cell(path, options: SingleCellOptions | None = None, *,
                     wanted: set[str] | None = None) -> ExpressionTable:
    """From a single-cell file or folder, or an AnnData object: genes × cells (float32,
    log-scale) of the chosen cells and genes; `wanted` are the symbols that must be kept when
    present (the network's genes and the TFs)."""
    options = options or SingleCellOptions()
    matrix = open_matrix(path, options.layer)
    notes: list[str] = [f"Read {matrix.name} ({len(matrix.obs):,} cells × "
                        f"{len(matrix.var):,} genes, matrix {options.layer})."]
    symbols = _symbols(matrix, options, notes)
    cells = _cells(matrix, options, notes)
    present = sum(s in (wanted or ()) for s in symbols)
    planned = len(symbols) if options.top_genes is None else min(
        len(symbols), present + options.top_genes)
    _check_dense_size(planned, len(cells), matrix.name, options)  # before reading any value
    values = _read_rows(matrix, cells)
    _check_finite(values, matrix, cells, symbols)
    if _looks_like_counts(values):
        values = _normalise_counts(values)
        notes.append("The values are whole numbers (raw counts): each cell was normalised to "
                     f"{COUNTS_TARGET:,.0f} counts and log1p-transformed, as scanpy does.")
    genes = _choose_genes(values, symbols, wanted or set(), options.top_genes, notes)
    dense = np.ascontiguousarray(values[:, genes].toarray().T, dtype=np.float32)
    cell_names = matrix.obs.index[cells].astype(str).tolist()
    return validated_table(dense, [symbols[g] for g in genes], cell_names,
                           "cells_x_genes (single-cell file)", notes, matrix.name)


def _symbols(matrix: Matrix, options: SingleCellOptions, notes: list[str]) -> list[str]:
    var = matrix.var
    if options.gene_column is not None:
        if options.gene_column not in var.columns:
            raise GntInputError(f"{matrix.name}: there is no var column "
                                f"{options.gene_column!r}. Columns: "
                                f"{', '.join(map(str, var.columns)) or 'none'}.")
        names = var[options.gene_column].astype(str)
        notes.append(f"Gene symbols from the var column {options.gene_column!r}.")
    elif not options.gene_map and ensembl_share(list(var.index)) > 0.5 and (
            column := _symbol_column(var)) is not None:  # a gene map maps the var names
        names = var[column].astype(str)
        notes.append(f"var_names are Ensembl IDs; symbols taken from the var column {column!r}.")
    else:
        names = pd.Series(var.index, index=var.index)
    names = _fill_empty(names.to_numpy(dtype=object), var.index, notes)
    if options.gene_map == ONLINE:
        mapping = lookup_symbols(list(names), options.organism, Path(options.cache or "."),
                                 notes)
        names = map_identifiers(names, mapping, notes, "MyGene.info")
    elif options.gene_map:
        names = map_identifiers(names, read_gene_map(options.gene_map), notes,
                                str(options.gene_map))
    names = _unique(list(names), notes)
    check_names(names, "var row", matrix.name)
    return names


def _fill_empty(names: np.ndarray, ids: pd.Index, notes: list[str]) -> np.ndarray:
    """Symbols that are empty or NaN (an ID without a symbol) take the row's var name."""
    empty = np.array([str(n).strip() in ("", "nan", "None") for n in names], dtype=bool)
    if empty.any():
        names = np.where(empty, np.asarray(ids, dtype=object), names)
        notes.append(f"{int(empty.sum()):,} genes have no symbol; they keep their var name "
                     f"({preview([str(i) for i in ids[empty]])}).")
    return names


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
    if table.shape[1] < 2 or len(layout.header) < 2:
        raise GntInputError(f"{path}: a gene map needs two columns, identifier and symbol, "
                            "separated by a tab or a comma.")
    header = pd.DataFrame([layout.header[:2]], columns=[0, 1])
    if not ENSEMBL.match(layout.header[0]) and layout.header[0].lower() not in ("", "nan"):
        header = header.iloc[:0]  # a header row, not a mapping
    rows = pd.concat([header, table[[0, 1]]], ignore_index=True)
    return dict(zip(rows[0].str.strip(), rows[1].str.strip(), strict=True))


def map_identifiers(names, mapping: dict[str, str], notes: list[str],
                    source: str = "the gene map") -> np.ndarray:
    """Identifiers (version suffixes ignored) to symbols; unmapped ones stay as they are. The
    report counts the mapped, the ambiguous (one symbol for several identifiers) and the lost.
    A map that matches none of them is refused: it is the wrong map."""
    base = {k.split(".")[0]: v for k, v in mapping.items()}
    mapped = np.array([base.get(str(n).split(".")[0], "") for n in names], dtype=object)
    found = mapped != ""
    if len(names) and not found.any():
        raise GntInputError(f"{source}: none of the {len(names):,} gene identifiers of the "
                            f"expression file ({preview([str(n) for n in names])}) is in the "
                            f"gene map (which maps {preview(list(mapping))}). Check that its "
                            "first column holds the identifiers the expression file uses and "
                            "its second the symbols.")
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
    try:
        blocks = [matrix.rows(cells[start:start + READ_BLOCK_CELLS])
                  for start in range(0, len(cells), READ_BLOCK_CELLS)]
    except GntInputError:
        raise
    except Exception as err:  # h5py, anndata and scipy raise many types for damaged data
        raise GntInputError(f"{matrix.name}: the matrix values could not be read "
                            f"({type(err).__name__}: {str(err)[:150]}). The file is damaged or "
                            f"truncated: save it again with {_writer(matrix.name)}.") from None
    return sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix(
        (0, len(matrix.var)), dtype=np.float32)


def _check_finite(values: sparse.csr_matrix, matrix: Matrix, cells: np.ndarray,
                  symbols: list[str]) -> None:
    finite = np.isfinite(values.data)
    if finite.all():
        return
    at = int(np.argmin(finite))
    row = int(np.searchsorted(values.indptr, at, side="right")) - 1
    raise GntInputError(f"{matrix.name}: cell {matrix.obs.index[cells[row]]!r}, gene "
                        f"{symbols[values.indices[at]]!r} holds {values.data[at]} "
                        f"({int((~finite).sum()):,} values in all are NaN or infinite). "
                        "Expression values must be finite numbers: fill missing values (0 for "
                        "undetected expression) or choose another layer.")


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
