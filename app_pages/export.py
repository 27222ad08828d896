"""Export: ranked pairs (all or filtered) as CSV, TSV, GraphML or SIF; verdicts as CSV."""

import streamlit as st

from gnt_core.outputs.export import FORMATS, export_bytes
from gnt_core.outputs.filters import filter_candidates
from gnt_core.store.verdicts import VerdictStore
from ui import state
from ui.candidates import filter_widgets

FORMAT_LABELS = {"csv": "CSV — BEELINE columns Gene1, Gene2, EdgeWeight first",
                 "tsv": "TSV — SCENIC adjacencies TF, target, importance",
                 "graphml": "GraphML — Cytoscape, Gephi",
                 "sif": "SIF — Cytoscape simple interaction format"}

st.title("Export")
run = state.finished_run()
if run is not None:
    table = state.table(run.candidates_path)
    scope = st.radio("Pairs", ["all ranked pairs", "the pairs selected by these filters"],
                     horizontal=True)
    if scope != "all ranked pairs":
        table = filter_candidates(table, filter_widgets(table))
    fmt = st.selectbox("Format", list(FORMATS), format_func=FORMAT_LABELS.get)
    st.write(f"{len(table):,} pairs.")
    st.download_button(f"Download {fmt.upper()}", export_bytes(table, fmt),
                       file_name=f"{run.id}-ranked.{fmt}", mime=FORMATS[fmt],
                       type="primary", disabled=table.empty)
else:
    st.info("No finished run is selected: train one, or open one on the Runs page.")

st.subheader("Verdicts")
verdicts = VerdictStore()
st.write(f"{len(verdicts.table()):,} verdicts recorded.")
st.download_button("Download verdicts (CSV)", verdicts.export_csv(),
                   file_name="gnt-verdicts.csv", mime="text/csv")
