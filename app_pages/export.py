"""Export: the current view of ranked pairs (or, explicitly, all of them) for BEELINE, a
spreadsheet, pySCENIC or Cytoscape; the verdicts as a spreadsheet."""

import streamlit as st

from gnt_core.outputs.export import FORMAT_SUFFIXES, FORMATS, export_bytes, spreadsheet_csv
from gnt_core.outputs.filters import add_verdicts, filter_candidates
from gnt_core.store.storage import file_name
from gnt_core.store.verdicts import VerdictStore
from ui import state
from ui.candidates import choose_list, filter_widgets
from ui.text import counted, plain

FORMAT_LABELS = {
    "beeline": "BEELINE rankedEdges.csv — tab-separated Gene1, Gene2, EdgeWeight",
    "csv": "Spreadsheet CSV — every column; formulas neutralised for Excel",
    "scenic": "pySCENIC adjacencies — TF, target, importance (TSV)",
    "graphml": "GraphML — Cytoscape, Gephi (node roles; edge status, stability, verdict)",
    "cyjs": "Cytoscape JSON (.cyjs)",
    "sif": "SIF — Cytoscape simple interaction format, typed by status"}

st.title("Export")
run = state.finished_run()
candidates = choose_list(run) if run is not None else None
verdicts = VerdictStore()
if candidates is not None:
    with st.expander("The view (the same filters as on Explore)", expanded=False):
        table, chosen = filter_widgets(candidates)
    view = filter_candidates(table, chosen)
    scope = st.radio("Pairs", ["view", "all"], horizontal=True, format_func=lambda s: {
        "view": f"the current view: {counted(len(view), 'pair')}",
        "all": f"all {counted(len(table), 'ranked pair')} (a large file)"}[s])
    fmt = st.selectbox("Format", list(FORMATS), format_func=FORMAT_LABELS.get)
    chosen_pairs = add_verdicts(view if scope == "view" else table, verdicts.table())
    st.caption("EdgeWeight (importance) is the pair's percentile / 100: non-negative, higher = "
               "more confident. Every export carries the pair's status"
               + (" and stability." if candidates.discovery else "."))
    name = file_name(candidates.run.config.dataset_name, candidates.run.id, scope,
                     len(chosen_pairs), suffix="-rankedEdges.csv" if fmt == "beeline"
                     else f".{FORMAT_SUFFIXES[fmt]}")
    st.download_button(f"Download {counted(len(chosen_pairs), 'pair')}",
                       export_bytes(chosen_pairs, fmt), file_name=name, mime=FORMATS[fmt],
                       type="primary", disabled=chosen_pairs.empty)
    st.caption(f"File name: {plain(name)}")
else:
    st.info("No finished run is selected: train one, or open one on the Runs page.")

st.subheader("Verdicts")
recorded = verdicts.table()
st.write(f"{counted(len(recorded), 'verdict')} recorded.")
st.download_button("Download verdicts (CSV)", spreadsheet_csv(recorded),
                   file_name="gnt-verdicts.csv", mime="text/csv")
