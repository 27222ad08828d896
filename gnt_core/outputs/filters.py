"""Filtering a ranked candidate table and adding literature links to it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..vocabulary import FALSE_POSITIVE, NOVEL, TEST_NEGATIVE
from .literature import ncbi_gene_url, pubmed_url, string_url

STATUSES = ("all", NOVEL, "known", FALSE_POSITIVE)
GENE_ROLES = ("either", "regulator", "target")


@dataclass
class CandidateFilter:
    """What to keep: all conditions must hold. None means 'no condition'."""

    min_score: float | None = None
    min_percentile: float | None = None
    top_k_per_regulator: int | None = None
    gene: str = ""
    gene_role: str = "either"
    status: str = "all"
    limit: int | None = None


def filter_candidates(table: pd.DataFrame, f: CandidateFilter) -> pd.DataFrame:
    keep = pd.Series(True, index=table.index)
    if f.min_score is not None:
        keep &= table["score"] >= f.min_score
    if f.min_percentile is not None:
        keep &= table["percentile"] >= f.min_percentile
    if f.top_k_per_regulator is not None:
        keep &= table["rank_in_regulator"] <= f.top_k_per_regulator
    if f.gene:
        keep &= _gene_mask(table, f.gene.strip(), f.gene_role)
    keep &= _status_mask(table, f.status)
    out = table[keep]
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
    known = table["known"].fillna("").astype(str) != ""
    if status == "all":
        return pd.Series(True, index=table.index)
    if status == NOVEL:
        return ~known & ~table["test_negative"].astype(bool)
    if status == "known":
        return known
    if status == FALSE_POSITIVE:
        return table["false_positive"].astype(bool)
    raise ValueError(f"status must be one of {STATUSES}, not {status!r}")


def pair_status(table: pd.DataFrame) -> pd.Series:
    """'known (train)', 'false positive', 'test negative' or 'novel', for display."""
    known = table["known"].fillna("").astype(str)
    status = pd.Series(NOVEL, index=table.index)
    status[table["test_negative"].astype(bool)] = TEST_NEGATIVE
    status[table["false_positive"].astype(bool)] = FALSE_POSITIVE
    status[known != ""] = "known (" + known[known != ""] + ")"
    return status


def add_links(table: pd.DataFrame, organism: str | None = None) -> pd.DataFrame:
    """PubMed, NCBI Gene and STRING links per row (None where a symbol is not valid)."""
    out = table.copy()
    pairs = list(zip(out["regulator"], out["target"], strict=True))
    out["pubmed"] = [pubmed_url(a, b, organism) for a, b in pairs]
    out["regulator_gene"] = [ncbi_gene_url(a, organism) for a, _ in pairs]
    out["target_gene"] = [ncbi_gene_url(b, organism) for _, b in pairs]
    out["string"] = [string_url(a, b, organism) for a, b in pairs]
    return out
