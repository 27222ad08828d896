"""Storage helpers shared by every store (no torch): the home folder, safe names, atomic writes
of bytes, JSON, CSV tables and npz arrays, and tolerant JSON reads.

Every file is written to a temporary name in the same folder, flushed to disk and renamed into
place, so that a reader never sees half a file.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np
import pandas as pd

from ..io.dataset import GntInputError

T = TypeVar("T")
MIN_FREE_BYTES = 1 << 30
CSV_CHUNK_ROWS = 100_000


class NotEnoughSpace(GntInputError):
    """The disk is too full for what was asked; nothing was written."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def gnt_home() -> Path:
    """The app's data directory: $GNT_HOME, else ~/.gnt."""
    return Path(os.environ.get("GNT_HOME") or Path.home() / ".gnt")


def safe_name(name: str, max_length: int = 60) -> str:
    """A file-name-safe slug: letters, digits, '_', '.', '-' only; never '..' or empty."""
    slug = _SAFE_NAME.sub("-", name).strip(".-")[:max_length].strip(".-")
    slug = re.sub(r"-{2,}", "-", slug)
    return slug or "run"


def file_name(*parts: object, suffix: str) -> str:
    """A download's file name from its parts, each made safe: 'mDC-run3-view-100.csv'."""
    return "-".join(safe_name(str(part), max_length=80) for part in parts) + suffix


def min_free_bytes() -> int:
    """Disk space always left free under $GNT_HOME ($GNT_MIN_FREE_BYTES, default 1 GiB)."""
    return int(os.environ.get("GNT_MIN_FREE_BYTES") or MIN_FREE_BYTES)


def ensure_free_space(path: Path, needed: int, what: str) -> None:
    """Refuse, before anything is written, when `needed` bytes would leave less than
    min_free_bytes() free on the disk that holds `path`."""
    existing = Path(path)
    while not existing.exists():
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if free - needed < min_free_bytes():
        raise NotEnoughSpace(f"Not enough disk space to {what}: {free / 2**30:.1f} GiB free on "
                             f"the disk of {existing}, {needed / 2**30:.1f} GiB needed, and "
                             f"{min_free_bytes() / 2**30:.1f} GiB are always kept free. Delete "
                             "old runs (Runs page, or gnt gc) or ask the administrator.")


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_file(path) as handle:
        handle.write(data)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary handle whose contents replace `path` only once all is written and synced: a
    write that fails half-way leaves no partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, obj) -> None:
    write_bytes(path, json.dumps(obj, indent=2, default=_json_default).encode())


def _json_default(value):
    if isinstance(value, np.integer | np.floating | np.bool_):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def read_optional_json(path: Path) -> dict:
    """The JSON object in `path`, or {} when it is missing or unreadable."""
    try:
        return read_json(path)
    except (OSError, ValueError):
        return {}


def from_known_fields(cls: type[T], values: dict) -> T:
    """A dataclass from a JSON object, ignoring keys it does not know (files written by an
    older or newer version)."""
    return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


def write_table(path: Path, table: pd.DataFrame) -> None:
    """A CSV file written a block of rows at a time (a table of millions of pairs is never
    one string in memory)."""
    with atomic_file(path) as handle:
        table.to_csv(handle, index=False, chunksize=CSV_CHUNK_ROWS)


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_bytes(path, buffer.getvalue())
