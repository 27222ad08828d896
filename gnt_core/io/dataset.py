"""The data model of the readers: `Dataset`, its `LoadReport`, the raw tables, `GntInputError`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# how the library's messages say "match gene names ignoring case"; the app names its own control
IGNORE_CASE_HINT = "load with ignore_case (CLI: --ignore-case)"


class GntInputError(ValueError):
    """An input cannot be used as is; the message names the file, where, and what to do.
    Control characters (from a file name or a file's contents, such as terminal escapes) are
    shown escaped, never sent raw to a terminal or a page."""

    def __init__(self, message: str = "") -> None:
        super().__init__(CONTROL_CHARACTERS.sub(_escaped, str(message)))


def _escaped(match: re.Match) -> str:
    """A control character as its escape (\\x1b), but a line break kept as it is."""
    return match.group() if match.group() == "\n" else match.group().encode(
        "unicode_escape").decode()


@dataclass
class LoadReport:
    """What was read and every repair made on the way, in countable form."""

    n_genes: int = 0
    n_cells: int = 0
    n_regulators: int = 0
    n_edges: int = 0
    n_tfs_listed: int = 0
    orientation: str = ""
    self_loops_dropped: int = 0
    duplicate_edges_merged: int = 0
    reciprocal_pairs: int = 0
    edges_dropped_missing_gene: int = 0
    missing_genes: list[str] = field(default_factory=list)
    case_insensitive_matches: dict[str, str] = field(default_factory=dict)
    zero_variance_genes: list[str] = field(default_factory=list)
    tfs_not_in_expression: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """The report in plain sentences, most important first."""
        layout = self.orientation.replace("_x_", " × ").replace("_", " ")
        out = [f"{self.n_genes} genes × {self.n_cells} cells (file read as {layout}); "
               f"{self.n_edges} edges from {self.n_regulators} regulators."]
        if self.self_loops_dropped:
            out.append(f"Dropped {self.self_loops_dropped} self-loops (a gene regulating itself "
                       "cannot be scored as a pair).")
        if self.duplicate_edges_merged:
            out.append(f"Merged {self.duplicate_edges_merged} duplicate edge rows.")
        if self.reciprocal_pairs:
            out.append(f"{self.reciprocal_pairs} gene pairs are listed in both directions; each "
                       "counts as one pair when splitting.")
        if self.edges_dropped_missing_gene:
            out.append(f"Dropped {self.edges_dropped_missing_gene} edges whose genes are not in "
                       f"the expression file ({len(self.missing_genes)} genes: "
                       f"{preview(self.missing_genes)}).")
        if self.case_insensitive_matches:
            pairs = [f"{k}→{v}" for k, v in self.case_insensitive_matches.items()]
            out.append(f"{len(pairs)} network genes match an expression gene only when case is "
                       f"ignored ({preview(pairs)}); {IGNORE_CASE_HINT} to use them.")
        if self.zero_variance_genes:
            out.append(f"{len(self.zero_variance_genes)} genes have the same value in every cell "
                       f"({preview(self.zero_variance_genes)}); their expression carries no "
                       "information and is set to zero after standardising.")
        if self.tfs_not_in_expression:
            out.append(f"{len(self.tfs_not_in_expression)} listed TFs are not in the expression "
                       f"file and were ignored ({preview(self.tfs_not_in_expression)}).")
        out.extend(self.notes)
        return out


@dataclass
class ExpressionTable:
    values: np.ndarray  # float32, genes x cells
    genes: list[str]
    cells: list[str]
    orientation: str
    notes: list[str]


@dataclass
class EdgeTable:
    regulators: list[str]
    targets: list[str]
    weights: np.ndarray | None
    signs: np.ndarray | None
    notes: list[str]


@dataclass
class Dataset:
    """Expression (genes × cells, float32) and a cleaned directed network over the same genes."""

    name: str
    expression: np.ndarray
    genes: list[str]
    cells: list[str]
    edges: np.ndarray  # int64 (E, 2): regulator index, target index
    regulators: np.ndarray  # indices of genes with at least one out-edge
    report: LoadReport
    tf_list: np.ndarray | None = None  # indices of user-listed TFs found in the expression
    edge_weights: np.ndarray | None = None
    edge_signs: np.ndarray | None = None
    sources: dict[str, str] = field(default_factory=dict)  # role -> file name
    sha256: dict[str, str] = field(default_factory=dict)  # role -> digest
    selection: dict = field(default_factory=dict)  # a single-cell file's layer, cells, genes

    @property
    def n_genes(self) -> int:
        return len(self.genes)

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    @cached_property
    def gene_index(self) -> dict[str, int]:
        return gene_index(self.genes)

    def edge_table(self) -> pd.DataFrame:
        table = pd.DataFrame({"regulator": np.asarray(self.genes)[self.edges[:, 0]],
                              "target": np.asarray(self.genes)[self.edges[:, 1]]})
        if self.edge_weights is not None:
            table["weight"] = self.edge_weights
        if self.edge_signs is not None:
            table["sign"] = self.edge_signs
        return table

    def summary(self) -> dict:
        return {"name": self.name, "n_genes": self.n_genes, "n_cells": self.n_cells,
                "n_edges": int(len(self.edges)), "n_regulators": int(len(self.regulators)),
                "sources": self.sources, "sha256": self.sha256,
                **({"selection": self.selection} if self.selection else {})}


# ---------------------------------------------------------------- opening files



def gene_index(genes: list[str]) -> dict[str, int]:
    """Gene name -> row of the expression matrix."""
    return {g: i for i, g in enumerate(genes)}


def make_unique(names: list[str], mark: str = "-") -> list[str]:
    """Names made unique: a repeat gets a suffix (name-1, name-2, … with mark '-')."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}{mark}{count}")
    return out


def preview(items: list[str], n: int = 5) -> str:
    shown = ", ".join(str(i) for i in items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")
