"""An interactive network of candidate pairs, as a self-contained HTML page (pyvis, vis.js inlined,
so it works offline). Positions come from networkx; physics is off. Every label and tooltip is
HTML-escaped, and pyvis writes the data with Jinja's `tojson`, which escapes <, > and &."""

from __future__ import annotations

import html
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from pyvis.network import Network

from gnt_core.outputs.filters import pair_status
from gnt_core.vocabulary import FALSE_POSITIVE, NOVEL, TEST_NEGATIVE

MAX_NODES = 150
COLOURS = {"regulator": "#d95f02", "target": "#1b9e77"}
EDGE_STYLES = {  # status -> (colour, dashed)
    "known": ("#7f7f7f", False), NOVEL: ("#3366cc", True), FALSE_POSITIVE: ("#dc3912", True),
    TEST_NEGATIVE: ("#bbbbbb", True)}
LEGEND = [("regulator", COLOURS["regulator"]), ("target", COLOURS["target"])]


@dataclass
class NetworkView:
    html: str
    n_nodes: int
    n_edges: int
    capped: bool
    n_pairs_selected: int


def network_view(table: pd.DataFrame, max_nodes: int = MAX_NODES, height_px: int = 620,
                 seed: int = 0) -> NetworkView:
    """The pairs of `table` (best scores first) until `max_nodes` genes are shown."""
    shown = _cap(table.sort_values("score", ascending=False), max_nodes)
    graph = nx.Graph()
    graph.add_edges_from(zip(shown["regulator"], shown["target"], strict=True))
    positions = nx.spring_layout(graph, seed=seed, k=1.5 / np.sqrt(max(len(graph), 1)))
    net = Network(height=f"{height_px}px", width="100%", directed=True,
                  cdn_resources="in_line")
    net.toggle_physics(False)
    regulators = set(shown["regulator"])
    for gene, (x, y) in positions.items():
        role = "regulator" if gene in regulators else "target"
        net.add_node(_safe(gene), label=_safe(gene), title=f"{_safe(gene)} ({role})",
                     color=COLOURS[role], x=float(x) * 900, y=float(y) * 900,
                     shape="dot", size=14 if role == "regulator" else 9)
    scores = shown["score"].to_numpy(dtype=float)
    low, high = (scores.min(), scores.max()) if len(scores) else (0.0, 1.0)
    for row, status in zip(shown.itertuples(index=False), pair_status(shown), strict=True):
        kind = "known" if status.startswith("known") else status
        colour, dashed = EDGE_STYLES[kind]
        width = 1 + 5 * (row.score - low) / (high - low) if high > low else 2
        net.add_edge(_safe(row.regulator), _safe(row.target), color=colour, dashes=dashed,
                     width=float(width),
                     title=f"{_safe(row.regulator)} → {_safe(row.target)}\n"
                           f"score {row.score:.3f}, rank {row.rank}\n{html.escape(status)}")
    return NetworkView(net.generate_html(notebook=False), graph.number_of_nodes(),
                       len(shown), len(shown) < len(table), len(table))


def _cap(table: pd.DataFrame, max_nodes: int) -> pd.DataFrame:
    seen: set[str] = set()
    keep = []
    for i, (a, b) in enumerate(zip(table["regulator"], table["target"], strict=True)):
        new = {a, b} - seen
        if len(seen) + len(new) > max_nodes:
            break
        seen |= new
        keep.append(i)
    return table.iloc[keep]


def _safe(text: str) -> str:
    return html.escape(str(text), quote=True)
