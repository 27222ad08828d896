"""Wall time of a run's stages, summed by name (kept in a run's metrics and discovery summary,
read by the benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(timings: dict | None, key: str) -> Iterator[None]:
    """Add the seconds the block takes to timings[key] (nothing when `timings` is None)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[key] = timings.get(key, 0.0) + time.perf_counter() - started
