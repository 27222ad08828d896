"""Malformed and unusual single-cell inputs (.h5ad, .loom, 10x folders, gene maps), written as
bytes for the corpus of tests/data/make_bad_inputs.py.

Each builder returns the file's bytes (or, for a 10x folder, a dict of file name -> bytes), so
the corpus stays a plain set of files. HDF5 files are written with h5py directly, element by
element in anndata's on-disk layout, so that a broken part can be written that anndata itself
would refuse to write.
"""

from __future__ import annotations

import gzip
import io
import tempfile
from pathlib import Path

import numpy as np

GENES = ["TF1", "TF2", "G1", "G2", "G3", "G4"]
CELLS = [f"c{i}" for i in range(1, 9)]
RNG_VALUES = np.array([[3, 0, 5, 1, 0, 2], [0, 4, 1, 0, 7, 1], [2, 2, 0, 3, 1, 0],
                       [5, 1, 0, 0, 2, 6], [0, 0, 3, 4, 1, 1], [1, 3, 2, 0, 0, 4],
                       [4, 0, 1, 2, 5, 0], [0, 2, 6, 1, 0, 3]], dtype=np.float32)  # cells × genes


def _strings(group, name: str, values) -> None:
    import h5py

    dataset = group.create_dataset(name, data=np.array(values, dtype=object),
                                   dtype=h5py.string_dtype())
    dataset.attrs.update({"encoding-type": "string-array", "encoding-version": "0.2.0"})


def _frame(handle, key: str, index) -> None:
    group = handle.create_group(key)
    import h5py

    group.attrs.update({"encoding-type": "dataframe", "encoding-version": "0.2.0",
                        "_index": "_index"})
    group.attrs.create("column-order", np.array([], dtype=object),
                       dtype=h5py.string_dtype())
    _strings(group, "_index", index)


def _sparse(handle, key: str, matrix: np.ndarray, *, indptr=None, indices=None, shape=None,
            compression: str | None = None, data=None) -> None:
    from scipy import sparse

    csr = sparse.csr_matrix(matrix)
    group = handle.create_group(key)
    group.attrs.update({"encoding-type": "csr_matrix", "encoding-version": "0.1.0",
                        "shape": np.array(shape or csr.shape)})
    group.create_dataset("data", data=csr.data if data is None else data,
                         compression=compression)
    group.create_dataset("indices", data=csr.indices if indices is None else indices,
                         compression=compression)
    group.create_dataset("indptr", data=csr.indptr if indptr is None else indptr)


def h5ad(*, values=None, genes=None, cells=None, x=None, legacy: bool = False) -> bytes:
    """An .h5ad in anndata's layout; `x(handle)` writes X in place of a dense matrix."""
    import h5py

    values = RNG_VALUES if values is None else values
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.h5ad"
        with h5py.File(path, "w", track_order=True) as handle:
            handle.attrs.update({"encoding-type": "anndata", "encoding-version": "0.1.0"})
            if legacy:
                handle.create_dataset("obs", data=np.array(
                    [(c.encode(),) for c in (cells or CELLS)], dtype=[("index", "S8")]))
                handle.create_dataset("var", data=np.array(
                    [(g.encode(),) for g in (genes or GENES)], dtype=[("index", "S8")]))
            else:
                _frame(handle, "obs", cells or CELLS)
                _frame(handle, "var", genes or GENES)
            if x is None:
                handle.create_dataset("X", data=values)
            else:
                x(handle)
        return path.read_bytes()


def loom(*, genes=None, extra_rows: dict | None = None, cells=None) -> bytes:
    import h5py

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.loom"
        with h5py.File(path, "w", track_order=True) as handle:
            handle.create_dataset("matrix", data=RNG_VALUES.T)
            rows = handle.create_group("row_attrs")
            _strings(rows, "Gene", genes or GENES)
            for key, value in (extra_rows or {}).items():
                rows.create_dataset(key, data=value)
            columns = handle.create_group("col_attrs")
            _strings(columns, "CellID", cells or CELLS)
        return path.read_bytes()


def mtx(values: np.ndarray = RNG_VALUES.T, *, extra: tuple[str, ...] = (),
        drop: int = 0) -> str:
    """A Matrix Market coordinate file of genes × cells (10x's orientation), with `extra`
    entry lines, and the last `drop` entries left out after the size line counted them."""
    rows, cols = np.nonzero(values)
    lines = [f"{r + 1} {c + 1} {int(values[r, c])}" for r, c in zip(rows, cols, strict=True)]
    lines += list(extra)
    size = f"{values.shape[0]} {values.shape[1]} {len(lines)}"
    lines = lines[:len(lines) - drop]
    return "\n".join(["%%MatrixMarket matrix coordinate integer general", size, *lines]) + "\n"


def gz(text: str | bytes) -> bytes:
    return gzip.compress(text.encode() if isinstance(text, str) else text, mtime=0)


def tenx(*, matrix: bytes | None = None, features: str | None = None,
         barcodes: str | None = None) -> dict[str, bytes]:
    return {"matrix.mtx.gz": gz(mtx()) if matrix is None else matrix,
            "features.tsv.gz": gz("".join(f"ENSG0000000000{i}\t{g}\tGene Expression\n"
                                          for i, g in enumerate(GENES))
                                  if features is None else features),
            "barcodes.tsv.gz": gz("".join(f"{c}\n" for c in CELLS)
                                  if barcodes is None else barcodes)}


def mtx_bomb(declared: int) -> bytes:
    """256 KB of gzip that inflates to ~180 MB of valid-looking entries."""
    buffer = io.BytesIO()
    line = b"1 1 1\n"
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as out:
        out.write(b"%%MatrixMarket matrix coordinate integer general\n"
                  + f"30000 20000 {declared}\n".encode())
        block = line * 100_000
        for _ in range(300):
            out.write(block)
    return buffer.getvalue()


def h5ad_bomb(handle) -> None:
    """X declares 100 M stored entries, compressed to almost nothing."""
    group = handle.create_group("X")
    n = 100_000_000
    group.attrs.update({"encoding-type": "csr_matrix", "encoding-version": "0.1.0",
                        "shape": np.array([8, 6])})
    for key, dtype in (("data", np.float32), ("indices", np.int32)):
        dataset = group.create_dataset(key, shape=(n,), dtype=dtype, chunks=(1 << 20,),
                                       compression="gzip", fillvalue=0)
        dataset[:1] = 0
    indptr = np.zeros(9, dtype=np.int64)
    indptr[1:] = n
    group.create_dataset("indptr", data=indptr)
