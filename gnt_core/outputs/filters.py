"""Choosing which ranked pairs a person looks at, and adding literature links and verdicts.

The table is ranked (best first). Filters combine: status, the top N of the ranking, percentile
or score, stability, a gene (as regulator or target), and at most k pairs per regulator or per
target among the pairs kept (so that a list need not be ten pairs into one hub).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..vocabulary import (
    FALSE_POSITIVE,
    KNOWN_STATUSES,
    NOVEL,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAINING_NEGATIVE,
)
from .literature import ncbi_gene_url, pubmed_url, string_url

KNOWN = "known"  # any of the known statuses
STATUS_CHOICES = ("all", NOVEL, KNOWN, TEST_POSITIVE, FALSE_POSITIVE, TRAINING_NEGATIVE)
GENE_ROLES = ("either", "regulator", "target")


@dataclass
class CandidateFilter:
    """What to keep: all conditions must hold. None means 'no condition'."""

    status: str = "all"
    top_n: int | None = None
    min_score: float | None = None
    min_percentile: float | None = None
    min_stability: float | None = None
    top_k_per_regulator: int | None = None
    top_k_per_target: int | None = None
    gene: str = ""
    gene_role: str = "either"
    limit: int | None = None


def with_cut(table: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The evaluation view's statuses: a test negative among the top N test pairs (the ranked
    table's test positives and negatives, best first) is a false positive."""
    out = table.copy()
    test = out["status"].isin((TEST_POSITIVE, TEST_NEGATIVE)).to_numpy()
    test_rank = np.cumsum(test)
    inside = test & (test_rank <= top_n) & (out["status"] == TEST_NEGATIVE).to_numpy()
    out.loc[inside, "status"] = FALSE_POSITIVE
    return out


def filter_candidates(table: pd.DataFrame, f: CandidateFilter) -> pd.DataFrame:
    keep = _status_mask(table, f.status)
    if f.top_n is not None:
        keep &= table["rank"] <= f.top_n
    if f.min_score is not None:
        keep &= table["score"] >= f.min_score
    if f.min_percentile is not None:
        keep &= table["percentile"] >= f.min_percentile
    if f.min_stability is not None and "stability" in table.columns:
        keep &= table["stability"] >= f.min_stability
    if f.gene:
        keep &= _gene_mask(table, f.gene.strip(), f.gene_role)
    out = table[keep]
    for side, k in (("regulator", f.top_k_per_regulator), ("target", f.top_k_per_target)):
        if k is not None:
            out = out[out.groupby(side, sort=False).cumcount() < k]
    return out.head(f.limit) if f.limit is not None else out


def _gene_mask(table: pd.DataFrame, gene: str, role: str) -> pd.Series:
    if role not in GENE_ROLES:
        raise ValueError(f"gene role must be one of {GENE_ROLES}, not {role!r}")
    wanted = gene.casefold()
    as_regulator = table["regulator"].str.casefold() == wanted
    as_target = table["target"].str.casefold() == wanted
    return {"either": as_regulator | as_target, "regulator": as_regulator,
            "target": as_target}[role]


def _status_mask(table: pd.DataFrame, status: str) -> pd.Series:
    if status == "all":
        return pd.Series(True, index=table.index)
    if status == KNOWN:
        return table["status"].isin(KNOWN_STATUSES)
    if status in STATUS_CHOICES:
        return table["status"] == status
    raise ValueError(f"status must be one of {', '.join(STATUS_CHOICES)}, not {status!r}")


def add_links(table: pd.DataFrame, organism: str | None = None) -> pd.DataFrame:
    """PubMed, NCBI Gene and STRING links per row (None where a symbol is not valid)."""
    out = table.copy()
    pairs = list(zip(out["regulator"], out["target"], strict=True))
    out["pubmed"] = [pubmed_url(a, b, organism) for a, b in pairs]
    out["regulator_gene"] = [ncbi_gene_url(a, organism) for a, _ in pairs]
    out["target_gene"] = [ncbi_gene_url(b, organism) for _, b in pairs]
    out["string"] = [string_url(a, b, organism) for a, b in pairs]
    return out


def add_verdicts(table: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """The user's verdict (and note) of each pair, '' where there is none."""
    found = verdicts.set_index(["regulator", "target"]) if len(verdicts) else None
    out = table.copy()
    keys = list(zip(out["regulator"], out["target"], strict=True))
    for column in ("verdict", "note"):
        lookup = found[column].to_dict() if found is not None else {}
        out[column] = [lookup.get(key, "") for key in keys]
    return out
