"""Opening inputs and sniffing their layout: paths or uploads, plain or gzipped UTF-8 text,
the delimiter, the header, and where in a file a bad value sits."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from . import limits
from .dataset import GntInputError

Source = str | os.PathLike | BinaryIO  # or, for expression, an in-memory AnnData

DELIMITERS = ("\t", ",", ";")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+([eE][-+]?\d+)?$")


def is_anndata(value) -> bool:
    """An in-memory (or backed) anndata.AnnData: if anndata was never imported, none exists."""
    anndata = sys.modules.get("anndata")
    return anndata is not None and isinstance(value, anndata.AnnData)


def source_name(src: Source) -> str:
    if isinstance(src, str | os.PathLike):
        return os.fspath(src)
    if is_anndata(src):
        return f"<AnnData {src.n_obs:,} cells × {src.n_vars:,} genes>"
    return getattr(src, "name", None) or "<uploaded file>"


def sha256_of(src: Source) -> str:
    """The file's sha256; for a folder (10x), of its files' names and contents in order."""
    digest = hashlib.sha256()
    if is_anndata(src):
        return _anndata_digest(src, digest)
    if isinstance(src, str | os.PathLike) and Path(src).is_dir():
        for path in sorted(p for p in Path(src).iterdir() if p.is_file()):
            digest.update(path.name.encode() + b"\0" + sha256_of(path).encode())
        return digest.hexdigest()
    with open_binary(src) as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path) -> None:
    """GntInputError unless path is a regular file (not missing, a folder, a pipe or a
    device such as /dev/zero, which would never end)."""
    if not path.exists():
        raise GntInputError(f"{path}: no such file. Check the path and try again.")
    if path.is_dir():
        raise GntInputError(f"{path}: this is a folder, not a file. Choose a file (only an "
                            "expression matrix may be a folder: a 10x folder).")
    if not path.is_file():
        raise GntInputError(f"{path}: not a regular file (a pipe, device or socket). Save the "
                            "data to a file and choose that.")


def _anndata_digest(adata, digest) -> str:
    """Of the cell and gene names and every matrix (X, raw, layers) an AnnData holds."""
    import numpy as np
    from scipy import sparse

    for names in (adata.obs_names, adata.var_names):
        digest.update("\0".join(map(str, names)).encode())
    raw = [adata.raw.X] if adata.raw is not None else []
    for matrix in [adata.X, *raw, *adata.layers.values()]:
        parts = ((matrix.data, matrix.indices, matrix.indptr) if sparse.issparse(matrix)
                 else (np.asarray(matrix),) if matrix is not None else ())
        for part in parts:
            digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()


@contextmanager
def open_binary(src: Source) -> Iterator[BinaryIO]:
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        check_file(path)
        with open(path, "rb") as raw:
            yield raw
    else:
        src.seek(0)
        yield src
        src.seek(0)


class BoundedStream(io.RawIOBase):
    """The decompressed bytes of a file, counted as they stream: a line longer than
    MAX_LINE_BYTES, more than MAX_DECOMPRESSED_BYTES in all, or more than
    MAX_COMPRESSION_RATIO times the compressed size (a decompression bomb) stops the read with
    a GntInputError that names the limit. Memory stays at the size of one read."""

    def __init__(self, inner: BinaryIO, name: str, compressed_bytes: int | None):
        self.inner, self.name = inner, name
        self.compressed_bytes = compressed_bytes
        self.total = 0
        self.line = 0  # bytes since the last newline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.total += size
        first = data.find(b"\n")
        if first < 0:
            self.line += size
            longest = self.line
        else:  # a line inside one read is shorter than the read, itself far below the limit
            longest = self.line + first
            self.line = size - data.rfind(b"\n") - 1
        self._check(longest)
        return size

    def _check(self, longest: int) -> None:
        if longest > limits.MAX_LINE_BYTES:
            self._refuse(f"a line longer than {limits.MAX_LINE_BYTES // limits.MiB} MB, the "
                         "longest GNT Explorer reads")
        if self.total > limits.MAX_DECOMPRESSED_BYTES:
            self._refuse(f"more than {limits.MAX_DECOMPRESSED_BYTES // limits.MiB:,} MB of "
                         "text, the most GNT Explorer reads from one file")
        if (self.compressed_bytes is not None and self.total > limits.RATIO_GRACE_BYTES
                and self.total > limits.MAX_COMPRESSION_RATIO * self.compressed_bytes):
            self._refuse(f"it decompresses to more than {limits.MAX_COMPRESSION_RATIO} times "
                         "its compressed size (a decompression bomb, or a file that is not "
                         "data)")

    def _refuse(self, what: str) -> None:
        raise GntInputError(f"{self.name}: reading stopped at {self.total // limits.MiB:,} MB: "
                            f"{what}. Check that this is the right file; split or filter it "
                            "and load again.")


OTHER_COMPRESSIONS = {b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook is one)",
                      b"BZh": "bzip2-compressed", b"\xfd7zXZ\x00": "xz-compressed",
                      b"\x28\xb5\x2f\xfd": "zstd-compressed"}


@contextmanager
def open_decompressed(src: Source) -> Iterator[BinaryIO]:
    """The file's bytes, gunzipped when gzipped, through a BoundedStream."""
    name = source_name(src)
    with open_binary(src) as raw:
        head = raw.read(8)
        raw.seek(0, os.SEEK_END)
        size = raw.tell()
        raw.seek(0)
        for magic, kind in OTHER_COMPRESSIONS.items():
            if head.startswith(magic):
                raise GntInputError(f"{name}: this binary file is {kind}; GNT Explorer reads "
                                    "plain or gzipped CSV/TSV text. Export or decompress it as "
                                    "text (or gzip it) and load again.")
        gzipped = head[:2] == b"\x1f\x8b"
        inner = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        stream = io.BufferedReader(BoundedStream(inner, name, size if gzipped else None),
                                   buffer_size=1 << 20)
        try:
            yield stream
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise GntInputError(f"{name}: the gzip data is truncated or corrupt ({err}). "
                                "Download or compress the file again.") from None
        finally:
            stream.detach()
            if gzipped:
                inner.close()


@contextmanager
def open_text(src: Source) -> Iterator[TextIO]:
    """Open plain or gzipped UTF-8 text (a byte-order mark is skipped), bounded."""
    with open_decompressed(src) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            yield text
        except UnicodeDecodeError:
            raise GntInputError(f"{source_name(src)}: this is not UTF-8 text (a binary file, or "
                                "another encoding). Save it as UTF-8 CSV or TSV.") from None
        finally:
            text.detach()


@dataclass
class Layout:
    delimiter: str
    header: list[str]
    first_row: list[str]
    header_line: int  # 1-based line number of the header
    decimal: str = "."
    second_row: list[str] = field(default_factory=list)


def sniff(src: Source, role: str) -> Layout:
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
    return Layout(delimiter, header, first_row, header_line, decimal, second_row)


def _split_line(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return line.split()
    return [f.strip() for f in next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter))]


@dataclass
class Place:
    line: int
    column: int  # the offending column, or for a ragged row its number of fields
    text: str
    ragged: bool = False


def locate(src: Source, layout: Layout, bad: Callable[[str], bool],
            n_fields: int | None = None) -> Place | None:
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
                return Place(line, len(row), "", ragged=True)
            for column, cell in enumerate(row[1:], start=2):
                if bad(cell.strip()):
                    return Place(line, column, cell)
    return None


def ragged_error(name: str, where: Place, expected: int) -> GntInputError:
    return GntInputError(f"{name}: line {where.line} has {where.column} fields but the header "
                         f"has {expected}. Every row needs a name and one value per column; look "
                         "for a missing or extra delimiter on that line.")
