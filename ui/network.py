"""An interactive network of candidate pairs, as a self-contained HTML page: pyvis, with vis.js
inlined and the template's remote Bootstrap links removed, so that it works offline. Positions
come from networkx; physics is off. Every label and tooltip is HTML-escaped, and pyvis writes the
data with Jinja's `tojson`, which escapes <, > and &."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from pyvis.network import Network

from gnt_core.vocabulary import (
    FALSE_POSITIVE,
    KNOWN_STATUSES,
    NOVEL,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAINING_NEGATIVE,
)

MAX_NODES = 150
COLOURS = {"regulator": "#d95f02", "target": "#1b9e77"}
EDGE_STYLES = {  # status -> (colour, dashed, legend)
    "known": ("#7f7f7f", False, "grey: known edges"),
    NOVEL: ("#3366cc", True, "blue dashed: novel"),
    TEST_POSITIVE: ("#2ca02c", False, "green: held-out test positives"),
    FALSE_POSITIVE: ("#dc3912", True, "red dashed: false positives"),
    TEST_NEGATIVE: ("#bbbbbb", True, "light grey dashed: test negatives"),
    TRAINING_NEGATIVE: ("#e7ba52", True, "yellow dashed: training negatives")}
FONT = {"size": 16, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
# the layout spans about this many canvas units: vis.js then fits it at a zoom near 1, so that
# labels are drawn at their font size (below ~5 px it would not draw them at all)
SPREAD = 550
# with physics off vis.js fits the nodes to the container's size when it is built, and the
# app's frame is sized after that: fit again whenever the frame's size is set or changes
FIT_TO_FRAME = """<script>
new ResizeObserver(function () { network.fit(); }).observe(document.getElementById("mynetwork"));
</script>
"""


@dataclass
class NetworkView:
    html: str
    n_nodes: int
    n_edges: int
    capped: bool
    n_pairs_selected: int
    legend: str


def network_view(table: pd.DataFrame, max_nodes: int = MAX_NODES, height_px: int = 620,
                 seed: int = 0) -> NetworkView:
    """The pairs of `table` (best ranks first) until `max_nodes` genes are shown."""
    shown = _cap(table.sort_values("rank"), max_nodes)
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
                     color=COLOURS[role], x=float(x) * SPREAD, y=float(y) * SPREAD,
                     shape="dot", size=16 if role == "regulator" else 11, font=FONT)
    ranks = shown["rank"].to_numpy(dtype=float)
    best, worst = (ranks.min(), ranks.max()) if len(ranks) else (1.0, 1.0)
    kinds = set()
    for row in shown.itertuples(index=False):
        kind = "known" if row.status in KNOWN_STATUSES else row.status
        kinds.add(kind)
        colour, dashed, _ = EDGE_STYLES[kind]
        width = 1 + 5 * (worst - row.rank) / (worst - best) if worst > best else 3
        net.add_edge(_safe(row.regulator), _safe(row.target), color=colour, dashes=dashed,
                     width=float(width),
                     title=f"{_safe(row.regulator)} → {_safe(row.target)}\n"
                           f"rank {row.rank}\n{html.escape(row.status)}")
    legend = " · ".join(["orange: regulators", "green dots: targets",
                         *(EDGE_STYLES[k][2] for k in EDGE_STYLES if k in kinds),
                         "thicker = better rank. Hover for details."])
    page = offline(net.generate_html(notebook=False)).replace("</body>", FIT_TO_FRAME + "</body>")
    return NetworkView(page, graph.number_of_nodes(), len(shown), len(shown) < len(table),
                       len(table), legend)


def offline(page: str) -> str:
    """The page without the remote stylesheets and scripts pyvis's template links (Bootstrap
    from a CDN, used for nothing this view needs): the view then never calls out."""
    page = re.sub(r"<link\b[^>]*\bhref=[\"']https?://[^>]*>", "", page)
    return re.sub(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", "", page)


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
