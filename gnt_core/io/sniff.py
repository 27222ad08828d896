"""Opening inputs and sniffing their layout: paths or uploads, plain or gzipped UTF-8 text,
the delimiter, the header, and where in a file a bad value sits."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from .dataset import GntInputError

Source = str | os.PathLike | BinaryIO

DELIMITERS = ("\t", ",", ";")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+([eE][-+]?\d+)?$")


def source_name(src: Source) -> str:
    if isinstance(src, str | os.PathLike):
        return os.fspath(src)
    return getattr(src, "name", None) or "<uploaded file>"


def sha256_of(src: Source) -> str:
    digest = hashlib.sha256()
    with open_binary(src) as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def open_binary(src: Source) -> Iterator[BinaryIO]:
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
    with open_binary(src) as raw:
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
