"""The candidate filter widgets, shared by the Explore and Export pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gnt_core.outputs.filters import GENE_ROLES, CandidateFilter

VIEWS = {"Top novel candidates": "novel", "False positives": "false positive",
         "Known edges": "known", "All pairs": "all"}


def filter_widgets(table: pd.DataFrame) -> CandidateFilter:
    """Filter controls; their values live in the session, so both pages share them."""
    view = st.segmented_control("Show", list(VIEWS), default="Top novel candidates",
                                key="view") or "All pairs"
    left, middle, right = st.columns(3)
    mode = left.radio("Cut-off", ["percentile", "score"], horizontal=True, key="cut_mode")
    if mode == "percentile":
        min_percentile = left.slider("Keep pairs at or above percentile", 0.0, 100.0, 90.0, 0.5,
                                     key="min_percentile")
        min_score = None
    else:
        low, high = float(table["score"].min()), float(table["score"].max())
        min_score = left.slider("Keep pairs with score at least", low, high, min(0.0, high),
                                key="min_score")
        min_percentile = None
    top_k = middle.number_input("Top k targets per regulator (0 = all)", 0, 10_000, 0,
                                key="top_k")
    gene = right.text_input("Gene", key="gene", placeholder="e.g. STAT1")
    role = right.radio("as", GENE_ROLES, horizontal=True, key="gene_role")
    return CandidateFilter(min_score=min_score, min_percentile=min_percentile,
                           top_k_per_regulator=int(top_k) or None, gene=gene, gene_role=role,
                           status=VIEWS[view])
