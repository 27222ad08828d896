"""Ranked pairs in the formats other tools read.

csv      BEELINE's `Gene1,Gene2,EdgeWeight` first, then every other column of the table;
tsv      SCENIC/pySCENIC adjacencies `TF<tab>target<tab>importance`;
graphml  a directed graph with score, rank and known status on each edge (Cytoscape, Gephi);
sif      Cytoscape's simple interaction format: `regulator known_edge|predicted target`.
"""

from __future__ import annotations

import io

import networkx as nx
import pandas as pd

FORMATS = {"csv": "text/csv", "tsv": "text/tab-separated-values",
           "graphml": "application/graphml+xml", "sif": "text/plain"}


def to_beeline(table: pd.DataFrame) -> pd.DataFrame:
    renamed = table.rename(columns={"regulator": "Gene1", "target": "Gene2",
                                    "score": "EdgeWeight"})
    first = ["Gene1", "Gene2", "EdgeWeight"]
    return renamed[first + [c for c in renamed.columns if c not in first]]


def to_scenic(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"regulator": "TF", "score": "importance"})[
        ["TF", "target", "importance"]]


def to_graph(table: pd.DataFrame) -> nx.DiGraph:
    graph = nx.DiGraph()
    for row in table.itertuples(index=False):
        graph.add_edge(str(row.regulator), str(row.target), score=float(row.score),
                       rank=int(row.rank), known=str(getattr(row, "known", "") or ""))
    return graph


def export_bytes(table: pd.DataFrame, fmt: str) -> bytes:
    """The table in the given format, as bytes ready to write or download."""
    if fmt == "csv":
        return to_beeline(table).to_csv(index=False).encode()
    if fmt == "tsv":
        return to_scenic(table).to_csv(index=False, sep="\t").encode()
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(to_graph(table), buffer)
        return buffer.getvalue()
    if fmt == "sif":
        kind = table.get("known", pd.Series("", index=table.index)).fillna("").map(
            lambda k: "known_edge" if k else "predicted")
        lines = table["regulator"].astype(str) + "\t" + kind + "\t" + table["target"].astype(str)
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def format_from_path(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in FORMATS:
        raise ValueError(f"cannot tell the export format from {path!r}: use a name ending in "
                         f"{', '.join('.' + f for f in FORMATS)}")
    return suffix
