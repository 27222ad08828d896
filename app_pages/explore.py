"""Explore candidates: discovery's novel pairs (or the evaluation's test pairs) with stability,
expected precision and literature links, an interactive network, and the user's verdicts."""

import time

import streamlit as st

from gnt_core.outputs.filters import add_links, add_verdicts, filter_candidates
from gnt_core.store.access import audit
from gnt_core.store.verdicts import VERDICTS, VerdictStore
from gnt_core.workflows.explain import with_evidence
from ui import access, state
from ui.candidates import choose_list, expected_line, filter_widgets, literature_organism
from ui.evidence import batch_literature, curated_panel, evidence_panel
from ui.network import MAX_NODES, network_view
from ui.text import counted, plain

MAX_ROWS = 2_000
LINKS = {"pubmed": "PubMed", "regulator_gene": "Gene", "target_gene": "Gene",
         "string": "STRING"}
LINK_BUTTONS = {"pubmed": "PubMed: {regulator} and {target}", "regulator_gene": "Gene: {regulator}",
                "target_gene": "Gene: {target}", "string": "STRING: {regulator} and {target}"}
# the literature links right beside the pair, where the eye is, then the evidence columns
EVIDENCE = ["pubmed_records", "pearson", "l3_path_count"]
DISCOVERY_COLUMNS = ["rank", "regulator", "target", *LINKS, *EVIDENCE, "stability",
                     "expected_precision", "expected_precision_low", "expected_precision_high",
                     "regulator_degree", "target_degree", "rank_in_regulator", "rank_in_target",
                     "status", "verdict"]
EVALUATION_COLUMNS = ["rank", "regulator", "target", *LINKS, *EVIDENCE, "score", "score_reverse",
                      "status", "regulator_degree", "target_degree", "rank_in_regulator",
                      "rank_in_target", "verdict"]

st.title("Explore candidates")
run = state.finished_run()
if run is None:
    st.info("No finished run is selected. Train one, or open one on the Runs page.")
    st.stop()
candidates = choose_list(run)
if candidates is None:
    st.stop()
config = candidates.run.config
st.caption(plain(f"Run {candidates.run.id} · {config.dataset_name} · "
                 f"{len(candidates.table):,} ranked pairs"
                 + (f" · consensus of {len(candidates.run.discovery_summary['seeds'])} seeds, "
                    "each pair scored by a model that never used it as a negative"
                    if candidates.discovery else f" · protocol {config.protocol}")))
kept = {} if candidates.discovery else candidates.run.metrics.candidates
if kept.get("streamed"):
    st.info(f"{kept['n_pairs']:,} pairs were scored; the best {kept['top_k_per_regulator']} "
            "of each regulator are listed here, ranked against all of them. Every score is in "
            f"{plain(candidates.run.candidates_parquet)}.")
organism = literature_organism(candidates)
table, chosen = filter_widgets(candidates)
if candidates.discovery:
    st.write(expected_line(candidates, chosen.top_n))
selected = filter_candidates(table, chosen)
store = VerdictStore()
shown = add_verdicts(add_links(with_evidence(candidates.run.path, selected.head(MAX_ROWS),
                                             organism), organism), store.table())
st.write(f"**{counted(len(selected), 'pair')}** {'matches' if len(selected) == 1 else 'match'}"
         + (f"; the first {MAX_ROWS:,} are listed." if len(selected) > MAX_ROWS else "."))
event = st.dataframe(
    shown, hide_index=True, on_select="rerun", selection_mode="single-row", key="pairs",
    column_order=DISCOVERY_COLUMNS if candidates.discovery else EVALUATION_COLUMNS,
    column_config={
        "score": st.column_config.NumberColumn(format="%.3f"),
        "stability": st.column_config.ProgressColumn(
            "stability", min_value=0.0, max_value=1.0, format="%.1f",
            help="Share of discovery seeds that rank the pair in their top N"),
        "expected_precision": st.column_config.NumberColumn(
            "expected precision", format="%.3f",
            help="Expected precision of the list down to this pair"),
        "expected_precision_low": st.column_config.NumberColumn(
            "low (90 %)", format="%.3f",
            help="90 % interval of the expected precision: lower end"),
        "expected_precision_high": st.column_config.NumberColumn(
            "high (90 %)", format="%.3f",
            help="90 % interval of the expected precision: upper end"),
        "score_reverse": st.column_config.NumberColumn(
            "score target → regulator", format="%.3f",
            help="Both genes can regulate: the score of the other direction. Each row is "
                 "turned to its likelier direction unless the network knows it"),
        "regulator_degree": st.column_config.NumberColumn(
            "regulator's known targets", help="Known edges out of the regulator"),
        "target_degree": st.column_config.NumberColumn(
            "target's known regulators", help="Known edges into the target: a hub target "
            "scores high with many regulators"),
        "pubmed_records": st.column_config.NumberColumn(
            "PubMed records", help="Records mentioning both genes, where counted (Check the list)"),
        "pearson": st.column_config.NumberColumn(
            "Pearson", format="%.2f", help="Correlation of the two genes over the cells"),
        "l3_path_count": st.column_config.NumberColumn(
            "L3 paths", help="Paths regulator → t ← r → target in the known network"),
        "rank_in_regulator": st.column_config.NumberColumn("rank in regulator"),
        "rank_in_target": st.column_config.NumberColumn("rank in target"),
        **{name: st.column_config.LinkColumn(name.replace("_", " "), display_text=label,
                                             validate=r"^https://") for name, label in
           LINKS.items()}})

pairs = list(zip(shown["regulator"], shown["target"], strict=True))
if not pairs:
    st.info("No pair matches the filters.")
    st.stop()
rows = event.selection.rows if event is not None else []
index = st.selectbox("Pair (or select a row in the table above)", range(len(pairs)),
                     index=rows[0] if rows else 0,
                     format_func=lambda i: f"{pairs[i][0]} → {pairs[i][1]}")
regulator, target = pairs[index]
links = shown.iloc[index]
for column, (name, label) in zip(st.columns(len(LINK_BUTTONS)), LINK_BUTTONS.items(),
                                 strict=True):
    if links[name]:
        column.link_button(label.format(regulator=plain(regulator), target=plain(target)),
                           links[name])

evidence_tab, network_tab, curate_tab, check_tab = st.tabs(
    ["Evidence for this pair", "Network", "Record a verdict", "Check the list"])
with evidence_tab:
    evidence_panel(candidates.run, regulator, target, organism)

with network_tab:
    n_pairs = st.slider("Pairs drawn (best first)", 10, 300, 60, 10)
    view = network_view(selected.head(n_pairs))
    if view.capped:
        st.info(f"The network shows the {view.n_edges} best-ranked of "
                f"{counted(view.n_pairs_selected, 'selected pair')} "
                f"({counted(view.n_nodes, 'gene')}; at most {MAX_NODES}). Narrow the filters "
                "to see others.")
    st.caption(view.legend)
    if view.n_edges:
        st.iframe(view.html, height=640)

with check_tab:
    st.subheader("PubMed records of the top pairs")
    batch_literature(pairs, candidates.run, organism)
    st.subheader("Against a curated database")
    curated_panel(candidates.run, organism)

with curate_tab:
    current = store.get(regulator, target)
    with st.form("verdict"):
        verdict = st.radio("Verdict", VERDICTS, horizontal=True,
                           index=VERDICTS.index(current.verdict) if current else 0)
        note = st.text_area("Note", current.note if current else "", max_chars=5000)
        pmids = st.text_input("PMIDs (comma separated)", current.pmids if current else "")
        if st.form_submit_button("Save verdict", type="primary"):
            try:
                store.set(regulator, target, verdict, note, pmids,
                          dataset=config.dataset_name, run_id=candidates.run.id,
                          user=access.require_user())
                audit(access.require_user(), "verdict", regulator=regulator, target=target,
                      verdict=verdict, run=candidates.run.id)
                st.toast(f"Saved: {verdict}")
                st.rerun()
            except ValueError as err:
                st.error(plain(err))
    if current:
        st.caption(plain(f"On file: {current.verdict}, saved "
                         f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(current.updated))}"
                         + (f" by {current.user}" if current.user else "") + "."))
    if current and st.button("Delete this verdict"):
        store.delete(regulator, target)
        st.rerun()
