"""Matrix Market coordinate files (a 10x `matrix.mtx(.gz)`), read as a bounded stream.

scipy's `mmread` would allocate what the header declares and inflate a gzip whole; here the
header is checked against the limits first, the entries stream through the same bounded reader
as every text input (decompression bombs stop within seconds), and every index is checked.
"""

from __future__ import annotations

import itertools
import os
import warnings

import numpy as np
from scipy import sparse

from . import limits
from .dataset import GntInputError
from .sniff import open_text

BLOCK_LINES = 1_000_000
FIELDS = {"integer": 3, "real": 3, "pattern": 2}


def read_matrix_market(path: str | os.PathLike) -> sparse.csr_matrix:
    """The rows × columns matrix of a coordinate Matrix Market file, as float32 CSR."""
    name = str(path)
    with open_text(path) as text:
        field, line = _banner(text.readline(), name), 1
        for size in text:
            line += 1
            if not size.startswith("%") and size.strip():
                break
        else:
            raise GntInputError(f"{name}: the Matrix Market file has no size line. The file is "
                                "truncated: write it again (Cell Ranger, or scipy.io.mmwrite).")
        n_rows, n_cols, nnz = _size(size, name, line)
        _check_room(path, nnz, FIELDS[field])
        rows = np.empty(nnz, dtype=np.int64)
        cols = np.empty(nnz, dtype=np.int64)
        values = np.empty(nnz, dtype=np.float32)
        read = 0
        while block := list(itertools.islice(text, BLOCK_LINES)):
            entries = _entries(block, FIELDS[field], name, line)
            if read + len(entries) > nnz:
                raise GntInputError(f"{name}: more entries than the {nnz:,} its size line "
                                    f"declares (line {line + nnz - read + 1}). Write the file "
                                    "again.")
            rows[read:read + len(entries)] = entries[:, 0]
            cols[read:read + len(entries)] = entries[:, 1]
            values[read:read + len(entries)] = entries[:, 2] if FIELDS[field] == 3 else 1
            read += len(entries)
            line += len(block)
    if read < nnz:
        raise GntInputError(f"{name}: only {read:,} of the {nnz:,} entries its size line "
                            "declares: the file is truncated. Download or write it again.")
    _check_indices(rows, n_rows, "row", name, line - read)
    _check_indices(cols, n_cols, "column", name, line - read)
    return sparse.csr_matrix((values, (rows - 1, cols - 1)), shape=(n_rows, n_cols))


def _banner(first: str, name: str) -> str:
    words = first.lower().split()
    if not first.startswith("%%MatrixMarket") or len(words) != 5:
        raise GntInputError(f"{name}: not a Matrix Market file (its first line should start "
                            "with '%%MatrixMarket matrix coordinate'). Choose the matrix.mtx "
                            "that Cell Ranger wrote.")
    if words[2] != "coordinate" or words[3] not in FIELDS or words[4] != "general":
        raise GntInputError(f"{name}: a Matrix Market file of kind '{' '.join(words[2:])}'; "
                            "GNT Explorer reads 'coordinate integer|real|pattern general', "
                            "as Cell Ranger writes it.")
    return words[3]


def _size(text: str, name: str, line: int) -> tuple[int, int, int]:
    try:
        n_rows, n_cols, nnz = (int(v) for v in text.split())
    except ValueError:
        raise GntInputError(f"{name}: line {line} should give the rows, columns and entries "
                            f"of the matrix as three whole numbers, not {text.strip()[:60]!r}. "
                            "Write the file again.") from None
    if min(n_rows, n_cols, nnz) < 0 or nnz > n_rows * n_cols:
        raise GntInputError(f"{name}: line {line} declares {n_rows:,} × {n_cols:,} with "
                            f"{nnz:,} entries, which is impossible. Write the file again.")
    if nnz > limits.MAX_STORED_VALUES:
        raise GntInputError(f"{name}: {nnz:,} stored entries, beyond the "
                            f"{limits.MAX_STORED_VALUES:,} GNT Explorer reads. Nothing was "
                            "allocated. Subset the cells (or genes) before loading.")
    return n_rows, n_cols, nnz


def _check_room(path: str | os.PathLike, nnz: int, fields: int) -> None:
    """Refuse a size line that declares more entries than the file can hold: each entry takes
    at least `2 * fields` bytes of text, and a gzip may inflate at most MAX_COMPRESSION_RATIO
    times (past RATIO_GRACE_BYTES) before the bounded reader stops it."""
    size = os.path.getsize(path)
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    room = max(limits.MAX_COMPRESSION_RATIO * size, limits.RATIO_GRACE_BYTES) if gzipped else size
    if nnz * 2 * fields > room:
        raise GntInputError(f"{path}: its size line declares {nnz:,} entries, more than a file "
                            f"of {size // 1024:,} KB can hold"
                            + (f" within {limits.MAX_COMPRESSION_RATIO}-fold decompression (a "
                               "decompression bomb, or a damaged file)" if gzipped
                               else " (the file is truncated)")
                            + ". Nothing was read. Write the file again.")


def _entries(block: list[str], fields: int, name: str, line: int) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # blank lines
            entries = np.loadtxt(block, dtype=np.float64, comments="%", ndmin=2)
    except ValueError:
        entries = None
    if entries is not None and entries.shape[1:] == (fields,):
        return entries
    for number, text in enumerate(block, start=line + 1):
        words = text.split()
        if text.startswith("%") or not words:
            continue
        try:
            if len(words) == fields and all(np.isfinite(float(w)) for w in words):
                continue
        except ValueError:
            pass
        raise GntInputError(f"{name}: line {number} should hold {fields} numbers (row, column"
                            f"{', value' if fields == 3 else ''}), not {text.strip()[:60]!r}. "
                            "The file is damaged: write it again.")
    raise GntInputError(f"{name}: could not read the entries after line {line}. Write the file "
                        "again.")


def _check_indices(index: np.ndarray, size: int, what: str, name: str, first_line: int) -> None:
    bad = (index < 1) | (index > size)
    if bad.any():
        at = int(np.argmax(bad))
        raise GntInputError(f"{name}: entry {at + 1:,} (about line {first_line + at + 1:,}) has "
                            f"{what} {index[at]:,}, outside 1…{size:,}. The file is damaged: "
                            "write it again.")
