"""How much memory a run will need, said before it starts; a run that would not fit is refused
with advice, instead of being killed an hour in.

The estimate adds what a run holds at its peak: the libraries, the expression matrix and its
standardised copy, the ranker's expression evidence (at most MAX_EVIDENCE_CELLS cells), and
per candidate pair what scoring keeps (a float32 per pair and the test pairs' scores when the
universe is streamed; the whole ranked table otherwise) and what discovery keeps (running sums
over seeds and the ranked table). benchmarks/RESULTS.md compares it with measured peaks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..io import Dataset, GntInputError
from ..science.candidates import STREAM_MIN_PAIRS, count_candidates
from ..science.pair_evidence import MAX_EVIDENCE_CELLS
from ..settings import RunSettings

GiB = 1 << 30
LIBRARIES_BYTES = 600 << 20  # the interpreter with torch, scikit-learn, LightGBM, pandas
EXPRESSION_COPIES = 3  # the matrix, its standardised copy, the reader's / z-score temporaries
EVIDENCE_BYTES_PER_VALUE = 24  # Pearson and Spearman rows (float32) and their float64 work
STREAMED_BYTES_PER_PAIR = 40  # float32 score, its sorted copy, a test pair's key and score
TABLE_BYTES_PER_PAIR = 400  # a pair in a ranked pandas table, with its work arrays
DISCOVERY_BYTES_PER_PAIR = 500  # running sums over seeds, fold arrays and the ranked table


@dataclass
class MemoryEstimate:
    parts: dict[str, int]  # what needs memory -> bytes

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    def sentence(self) -> str:
        details = ", ".join(f"{name} {gib(size)}" for name, size in self.parts.items())
        return f"about {gib(self.total)} GiB at its peak ({details})"


def gib(size: int) -> str:
    return f"{size / GiB:.1f}"


def estimate_memory(dataset: Dataset, settings: RunSettings, discover: bool = False
                    ) -> MemoryEstimate:
    """The peak memory of a run of `settings` on `dataset` (and of its discovery)."""
    values = dataset.n_genes * dataset.n_cells
    pairs = count_candidates(dataset, settings.universe)
    per_pair = STREAMED_BYTES_PER_PAIR if pairs > STREAM_MIN_PAIRS else TABLE_BYTES_PER_PAIR
    parts = {"libraries": LIBRARIES_BYTES,
             "expression": EXPRESSION_COPIES * 4 * values,
             "ranker evidence": EVIDENCE_BYTES_PER_VALUE * dataset.n_genes
             * min(dataset.n_cells, MAX_EVIDENCE_CELLS),
             "candidate pairs": per_pair * pairs}
    if discover:
        parts["discovery"] = DISCOVERY_BYTES_PER_PAIR * pairs
    return MemoryEstimate(parts)


def with_free_memory(estimate: MemoryEstimate) -> str:
    """The estimate and the memory free now, in a sentence."""
    return f"{estimate.sentence()}; {gib(available_memory())} GiB is free"


def available_memory() -> int:
    """Memory this process can still take: the machine's MemAvailable, capped by the
    cgroup's limit (a container) less what the cgroup uses."""
    available = _meminfo_bytes("MemAvailable")
    limit, usage = (_cgroup_value(name) for name in ("memory.max", "memory.current"))
    if limit is not None and usage is not None:
        available = min(available, max(limit - usage, 0))
    return available


def check_memory(estimate: MemoryEstimate, what: str, available: int | None = None) -> None:
    """Refuse a run that would not fit, saying what to change."""
    available = available_memory() if available is None else available
    if estimate.total <= available:
        return
    raise GntInputError(
        f"{what} needs {estimate.sentence()}, and {gib(available)} GiB is free on this "
        "machine. Keep fewer genes (--top-genes N, or 'Most variable genes to keep' on the "
        "Data page: candidate pairs grow with regulators × genes), the cells of one type "
        "(--cells COLUMN=VALUE, or 'Cells' on the Data page), or a smaller candidate universe "
        "(--universe tf-list), or run it on a machine with more memory.")


def _meminfo_bytes(field: str) -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def _cgroup_value(name: str) -> int | None:
    try:
        text = (Path("/sys/fs/cgroup") / name).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
