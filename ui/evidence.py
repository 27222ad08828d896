"""The Explore page's evidence for the selected pair (gnt_core.workflows.explain), the batch
PubMed count of the top of the list, and the check of the list against a curated database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gnt_core.io import GntInputError
from gnt_core.science.explain import p_text
from gnt_core.store.run import Run
from gnt_core.workflows.curated import check_run, curated_reference
from gnt_core.workflows.explain import PairExplainer, cell_groups
from ui.charts import (
    contributions_figure,
    curated_figure,
    pair_scatter_figure,
    paths_figure,
)
from ui.text import counted, plain

REFERENCES = {"file": "An edge list of my own", "collectri": "CollecTRI (OmniPath)",
              "dorothea": "DoRothEA A–C (OmniPath)"}
MAX_BATCH = 500


@st.cache_resource(max_entries=4, show_spinner="Reading the run for the evidence…")
def explainer(run_path: str, updated: float) -> PairExplainer:
    return PairExplainer(run_path)


@st.cache_data(max_entries=8, show_spinner=False)
def groups_of(run_path: str, updated: float) -> dict[str, np.ndarray]:
    return cell_groups(Run(run_path))


def evidence_panel(run: Run, regulator: str, target: str, organism: str | None) -> None:
    """Why this pair: the cells, the known network, the ranker, the literature."""
    updated = run.raw_state().get("updated", 0)
    groups = groups_of(str(run.path), updated)
    column = st.selectbox("Colour the cells by", ["nothing", *groups], key="evidence-groups",
                          help="A column of the single-cell file's cell annotations (obs)")
    labels = groups.get(column)
    try:
        pair_explainer = explainer(str(run.path), updated)
        evidence = pair_explainer.explain(regulator, target, organism=organism, groups=labels)
    except GntInputError as err:
        st.error(plain(err))
        return
    _ranking_line(evidence)
    cells, network = st.columns(2)
    with cells:
        _expression(evidence, pair_explainer, regulator, target, labels, column)
    with network:
        _network(evidence, regulator, target)
    _model(evidence)
    _literature(evidence, pair_explainer, regulator, target, organism)


def _ranking_line(evidence: dict) -> None:
    ranking = evidence["ranking"]
    if ranking is not None:
        st.write(plain(f"Listed as {ranking['listed_as']}: rank {ranking['rank']:,}, "
                       f"{ranking['status']}; rank {ranking['rank_in_regulator']} among the "
                       f"regulator's pairs, {ranking['rank_in_target']} among the target's."))


def _expression(evidence: dict, pair_explainer: PairExplainer, regulator: str, target: str,
                labels: np.ndarray | None, column: str) -> None:
    st.subheader("In the cells")
    if evidence["pearson"] is None:
        st.info(plain(f"No correlation: {evidence['note']}."))
        return
    left, middle, right = st.columns(3)
    left.metric("Pearson", f"{evidence['pearson']:.3f}",
                help=f"Permutation {p_text(evidence['pearson_p'], evidence['permutations'])} "
                     f"({evidence['permutations']} permutations)")
    middle.metric("Spearman", f"{evidence['spearman']:.3f}",
                  help=f"Permutation {p_text(evidence['spearman_p'], evidence['permutations'])}")
    partial = evidence["partial_correlation"]
    right.metric("Partial correlation", "—" if partial is None else f"{partial:.3f}",
                 help="Given every other regulator (Ledoit–Wolf shrunk precision matrix): "
                      "what is left once the other regulators' shared signal is taken out")
    expression = pair_explainer.dataset.expression
    index = pair_explainer.dataset.gene_index
    st.plotly_chart(pair_scatter_figure(expression[index[regulator]], expression[index[target]],
                                        regulator, target, labels, column))
    if evidence.get("groups"):
        st.caption("Within each group of cells")
        st.dataframe(pd.DataFrame(evidence["groups"]), hide_index=True,
                     column_config={c: st.column_config.NumberColumn(format="%.3f")
                                    for c in ("pearson", "spearman")})


def _network(evidence: dict, regulator: str, target: str) -> None:
    st.subheader("In the known network")
    st.caption(plain(f"On {evidence['network']}."))
    st.write(plain(f"{counted(evidence['l3_path_count'], 'path')} of length 3 "
                   f"({regulator} → t ← r → {target}); {regulator} has "
                   f"{counted(evidence['regulator_degree'], 'known target')}, {target} "
                   f"{counted(evidence['target_degree'], 'known regulator')}."))
    if evidence["l3_paths"]:
        st.plotly_chart(paths_figure(regulator, target, evidence["l3_paths"]))
    for label, key in (("Shared regulators", "shared_regulators"),
                       ("Shared targets", "shared_targets")):
        names = evidence[key]
        st.write(f"**{label}:** " + (plain(", ".join(names[:20])) + (
            f" and {len(names) - 20} more" if len(names) > 20 else "") if names else "none"))


def _model(evidence: dict) -> None:
    model = evidence["model"]
    if model is None:
        return
    st.subheader("What drove the score")
    st.write(plain(f"The ranker's log-odds {model['log_odds']:.2f}: {model['summary']}."))
    st.plotly_chart(contributions_figure(model["families"]))


def _literature(evidence: dict, pair_explainer: PairExplainer, regulator: str, target: str,
                organism: str | None) -> None:
    st.subheader("In the literature")
    found = evidence["literature"]
    if found["count"] is not None:
        st.write(f"**{counted(found['count'], 'PubMed record')}** mention both genes "
                 f"(asked {plain(found['asked'])}).")
    else:
        st.write(plain(f"PubMed records mentioning both genes: unknown ({found['source']})."))
    if found["url"]:
        st.link_button("Open the PubMed search", found["url"])


def batch_literature(pairs: list[tuple[str, str]], run: Run, organism: str | None) -> None:
    """Count the PubMed records of the top N pairs, with a progress bar (cached on disk)."""
    counts = explainer(str(run.path), run.raw_state().get("updated", 0)).literature
    n = st.number_input("Pairs to check (best first)", 1, min(MAX_BATCH, len(pairs)),
                        min(50, len(pairs)), key="literature-top")
    if counts.offline:
        st.info("GNT_OFFLINE is set: no request is made; counts already in the cache show.")
    if not st.button(f"Count PubMed records for the top {n}"):
        return
    bar = st.progress(0.0, text="Asking PubMed…")
    found = counts.counts(pairs[:n], organism,
                          progress=lambda done, total: bar.progress(
                              done / total, text=f"{done} of {total} pairs"))
    bar.empty()
    known = sum(f["count"] is not None for f in found)
    st.write(f"{counted(known, 'count')} known of {n}; the table's PubMed column shows them.")
    if counts.error:
        st.warning(plain(f"Counts not in the cache stay unknown ({counts.error}). The "
                         "PubMed links still open the searches."))


def curated_panel(run: Run, organism: str | None) -> None:
    """k of the top N novel pairs are curated edges, against chance, beside L3 and degree."""
    choice = st.radio("Curated reference", list(REFERENCES), format_func=REFERENCES.get,
                      horizontal=True, key="curated-source")
    upload = None
    if choice == "file":
        upload = st.file_uploader("Edge list (regulator, target): CSV or TSV",
                                  type=["csv", "tsv", "txt", "gz"], key="curated-file")
    elif organism not in ("human", "mouse"):
        st.info("OmniPath's references are for human or mouse: choose the organism above.")
        return
    if not st.button("Check the list", disabled=choice == "file" and upload is None):
        return
    try:
        with st.spinner("Reading the reference (OmniPath: downloaded once, then cached)…"):
            reference = curated_reference(upload if choice == "file" else choice, organism)
            check = check_run(run.path, reference)
    except GntInputError as err:
        st.error(plain(err))
        return
    st.write(plain(check.sentence()) + ".")
    if check.curated_known:
        st.caption(f"{counted(check.curated_known, 'curated edge')} already in the known "
                   "network do not count.")
    st.plotly_chart(curated_figure(check.curve))
