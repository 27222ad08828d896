"""Ranked pairs in the formats other tools read, written so that they read them back right.

beeline   BEELINE's rankedEdges.csv: TAB-separated `Gene1 Gene2 EdgeWeight` (BEELINE reads it with
          sep='\\t' and ranks by |EdgeWeight|); a pair of two genes that can regulate is listed
          both ways, each with its own score (BEELINE scores directed edges)
csv       a spreadsheet CSV: Gene1, Gene2, EdgeWeight, then every other column; text is quoted,
          and any text cell that begins with = + - @, a tab or a carriage return gets a leading
          apostrophe, so that Excel, LibreOffice or Google Sheets never run it as a formula
          (OWASP CSV injection)
scenic    pySCENIC/arboreto adjacencies, TAB-separated `TF target importance`
graphml   a directed graph (Cytoscape, Gephi): nodes carry their role, edges status, rank, score,
          EdgeWeight, stability and verdict where known
sif       Cytoscape's simple interaction format: `regulator <status> target`
cyjs      Cytoscape.js JSON (networkx `cytoscape_data`), the same attributes as GraphML

EdgeWeight (and importance) is the pair's percentile among all ranked pairs, divided by 100:
non-negative, rising with confidence, in the ranking's order. Raw SVM scores are signed and are
exported only as the `score` column of the spreadsheet CSV.
"""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import numpy as np
import pandas as pd

from .beeline_eval import ranked_edges

FORMATS = {"beeline": "text/tab-separated-values", "csv": "text/csv",
           "scenic": "text/tab-separated-values", "graphml": "application/graphml+xml",
           "sif": "text/plain", "cyjs": "application/json"}
FORMAT_SUFFIXES = {"beeline": "csv", "csv": "csv", "scenic": "tsv", "graphml": "graphml",
                   "sif": "sif", "cyjs": "cyjs"}
_SUFFIX_FORMATS = {"csv": "csv", "tsv": "scenic", "graphml": "graphml", "sif": "sif",
                   "cyjs": "cyjs", "json": "cyjs"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EDGE_ATTRIBUTES = ("status", "rank", "score", "stability", "expected_precision", "verdict",
                   "pearson", "l3_path_count", "pubmed_records")


def edge_weight(table: pd.DataFrame) -> pd.Series:
    """Non-negative, rising with confidence: the pair's percentile / 100."""
    return table["percentile"].astype(float) / 100.0


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Every text column neutralised (numbers stay numbers)."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def spreadsheet_csv(table: pd.DataFrame) -> bytes:
    """Any table as a CSV that a spreadsheet opens without running a formula."""
    return spreadsheet_safe(table).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode()


def to_beeline(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Gene1": table["regulator"], "Gene2": table["target"],
                         "EdgeWeight": edge_weight(table)})


def to_beeline_directed(table: pd.DataFrame) -> pd.DataFrame:
    """BEELINE's rankedEdges, which BLEval reads as DIRECTED edges: a pair of two genes that
    can regulate (its score_reverse is known) is listed both ways, each direction with its own
    score, and EdgeWeight is the row's rank among the listed rows (beeline_eval.ranked_edges).
    A table without direction scores keeps one row per pair, weighted by percentile."""
    reverse = table["score_reverse"].to_numpy(dtype=float) if "score_reverse" in table else None
    if reverse is None or np.isnan(reverse).all():
        return to_beeline(table)
    forward = np.where(np.isnan(reverse), table["score"],
                       table["score_forward"].to_numpy(dtype=float))
    return ranked_edges(table["regulator"].to_numpy(), table["target"].to_numpy(), forward,
                        reverse)


def to_spreadsheet(table: pd.DataFrame) -> pd.DataFrame:
    rest = table.drop(columns=["regulator", "target"])
    return pd.concat([to_beeline(table), rest], axis=1)


def to_scenic(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"TF": table["regulator"], "target": table["target"],
                         "importance": edge_weight(table)})


def to_graph(table: pd.DataFrame) -> nx.DiGraph:
    graph = nx.DiGraph()
    regulators, targets = set(table["regulator"]), set(table["target"])
    for gene in regulators | targets:
        role = ("regulator and target" if gene in regulators and gene in targets
                else "regulator" if gene in regulators else "target")
        graph.add_node(str(gene), name=str(gene), role=role)
    present = [a for a in EDGE_ATTRIBUTES if a in table.columns]
    weights = edge_weight(table).to_numpy()
    for row, weight in zip(table.itertuples(index=False), weights, strict=True):
        values = {a: _plain(getattr(row, a)) for a in present}
        graph.add_edge(str(row.regulator), str(row.target), EdgeWeight=float(weight),
                       **{k: v for k, v in values.items() if v is not None})
    return graph


def _plain(value):
    """A GraphML/JSON attribute value: str, int or float; None for a missing one."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or (
            value == ""):
        return None
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value)
    return str(value)


def sif_type(status: str) -> str:
    """A status word as a SIF interaction type: 'known (train)' -> 'known_train'."""
    return status.replace(" (", "_").replace(")", "").replace(" ", "_")


def export_bytes(table: pd.DataFrame, fmt: str) -> bytes:
    """The ranked table in the given format, as bytes ready to write or download."""
    if fmt == "beeline":
        return to_beeline_directed(table).to_csv(index=False, sep="\t").encode()
    if fmt == "csv":
        return spreadsheet_csv(to_spreadsheet(table))
    if fmt == "scenic":
        return to_scenic(table).to_csv(index=False, sep="\t").encode()
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(to_graph(table), buffer)
        return buffer.getvalue()
    if fmt == "cyjs":
        return json.dumps(nx.cytoscape_data(to_graph(table)), indent=1).encode()
    if fmt == "sif":
        lines = (table["regulator"].astype(str) + "\t" + table["status"].map(sif_type) + "\t"
                 + table["target"].astype(str))
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def format_from_path(path: str) -> str:
    """The format a file name asks for: rankedEdges.csv is BEELINE's; otherwise the suffix
    (.csv spreadsheet, .tsv SCENIC, .graphml, .sif, .cyjs or .json)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if name.lower() == "rankededges.csv":
        return "beeline"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in _SUFFIX_FORMATS:
        raise ValueError(f"cannot tell the export format from {path!r}: give --format, or use "
                         f"a name ending in {', '.join('.' + s for s in _SUFFIX_FORMATS)}")
    return _SUFFIX_FORMATS[suffix]
