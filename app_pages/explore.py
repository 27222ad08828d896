"""Explore candidates: ranked pairs with literature links, an interactive network, and the
user's verdicts."""

import streamlit as st

from gnt_core.outputs.filters import add_links, filter_candidates, pair_status
from gnt_core.outputs.literature import ORGANISMS
from gnt_core.store.verdicts import VERDICTS, VerdictStore
from ui import state
from ui.candidates import filter_widgets
from ui.network import MAX_NODES, network_view
from ui.text import plain

MAX_ROWS = 2_000

st.title("Explore candidates")
run = state.finished_run()
if run is None:
    st.info("No finished run is selected. Train one, or open one on the Runs page.")
    st.stop()

table = state.table(run.candidates_path)
config = run.config
st.caption(plain(f"Run {run.id} · {config.dataset_name} · protocol {config.protocol} · "
                 f"{len(table):,} scored pairs. A false positive is a test negative scored "
                 f"above the run's threshold ({config.settings.threshold})."))
kept = run.metrics.candidates
if kept.get("streamed"):
    st.info(f"{kept['n_pairs']:,} pairs were scored; the best {kept['top_k_per_regulator']} "
            "of each regulator are listed here, ranked against all of them. Every score is in "
            f"{plain(run.candidates_parquet)}.")
organism = st.selectbox("Organism for literature links", ["any", *ORGANISMS], key="organism")
selected = filter_candidates(table, filter_widgets(table))
store = VerdictStore()
verdicts = store.table().set_index(["regulator", "target"])["verdict"].to_dict()

shown = add_links(selected.head(MAX_ROWS), None if organism == "any" else organism)
shown["status"] = pair_status(shown)
shown["verdict"] = [verdicts.get(pair, "") for pair in zip(shown["regulator"], shown["target"],
                                                            strict=True)]
st.write(f"**{len(selected):,}** pairs match" + (f"; the first {MAX_ROWS:,} are listed."
                                                 if len(selected) > MAX_ROWS else "."))
links = {"pubmed": "PubMed", "regulator_gene": "Gene", "target_gene": "Gene",
         "string": "STRING"}
event = st.dataframe(
    shown, hide_index=True, on_select="rerun", selection_mode="single-row", key="pairs",
    column_order=["rank", "regulator", "target", "score", "percentile", "rank_in_regulator",
                  "status", "verdict", *links],
    column_config={
        "score": st.column_config.NumberColumn(format="%.3f"),
        "percentile": st.column_config.NumberColumn(format="%.2f"),
        "rank_in_regulator": st.column_config.NumberColumn("rank in regulator"),
        **{name: st.column_config.LinkColumn(name.replace("_", " "), display_text=label,
                                             validate=r"^https://") for name, label in
           links.items()}})

network_tab, curate_tab = st.tabs(["Network", "Record a verdict"])
with network_tab:
    n_pairs = st.slider("Pairs drawn (best scores first)", 10, 300, 60, 10)
    view = network_view(selected.head(n_pairs))
    if view.capped:
        st.info(f"The network shows the {view.n_edges} best-scoring of {view.n_pairs_selected:,}"
                f" selected pairs ({view.n_nodes} genes; at most {MAX_NODES}). Narrow the "
                "filters to see others.")
    st.caption("Orange: regulators · green: targets · grey: known edges · blue dashed: novel "
               "· red dashed: false positives · thicker = higher score. Hover for details.")
    if view.n_edges:
        st.iframe(view.html, height=640)

with curate_tab:
    rows = event.selection.rows if event is not None else []
    pairs = list(zip(shown["regulator"], shown["target"], strict=True))
    if not pairs:
        st.info("No pair matches the filters.")
        st.stop()
    default = rows[0] if rows else 0
    index = st.selectbox("Pair (or select a row in the table above)", range(len(pairs)),
                         index=default, format_func=lambda i: f"{pairs[i][0]} → {pairs[i][1]}")
    regulator, target = pairs[index]
    current = store.get(regulator, target)
    with st.form("verdict"):
        verdict = st.radio("Verdict", VERDICTS, horizontal=True,
                           index=VERDICTS.index(current.verdict) if current else 0)
        note = st.text_area("Note", current.note if current else "", max_chars=5000)
        pmids = st.text_input("PMIDs (comma separated)", current.pmids if current else "")
        if st.form_submit_button("Save verdict", type="primary"):
            try:
                store.set(regulator, target, verdict, note, pmids,
                          dataset=config.dataset_name, run_id=run.id)
                st.toast(f"Saved: {verdict}")
                st.rerun()
            except ValueError as err:
                st.error(plain(err))
    if current and st.button("Delete this verdict"):
        store.delete(regulator, target)
        st.rerun()
