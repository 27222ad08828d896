"""Data: the active dataset, its load report and plots; upload or open another one."""

import shutil

import streamlit as st

from gnt_core.io import GntInputError
from gnt_core.io.examples import TF_ORGANISMS, builtin_tfs
from gnt_core.io.priors import PRIORS, get_prior, prior_source
from gnt_core.store.datasets import (
    BUILT_IN,
    MAX_NAME_LENGTH,
    RENAMEABLE,
    check_new_name,
    folder_spec,
    inspect_upload,
    keep_upload,
    list_specs,
    rename_dataset,
    stage_upload,
)
from gnt_core.store.storage import gnt_home
from ui import access, charts, singlecell, state
from ui.text import IGNORE_CASE_CONTROL, in_app_words, plain

ORIENTATIONS = {"detect from the network's gene names": "auto",
                "genes × cells (BEELINE)": "genes_x_cells", "cells × genes": "cells_x_genes"}

st.title("Data")
spec, data = state.dataset_spec(), state.dataset()
st.header(f"Active dataset: {plain(data.name)}")
if spec.kind in RENAMEABLE:
    with st.popover("Rename this dataset"), st.form("rename"):
        new_name = st.text_input("New name", spec.name, max_chars=MAX_NAME_LENGTH)
        if st.form_submit_button("Rename"):
            try:
                rename_dataset(spec, new_name)
                st.rerun()
            except GntInputError as err:
                st.error(plain(access.shown(err)))
if data.name.startswith("demo"):
    st.info("This is the built-in synthetic demo: made-up genes (TF01…, G001…) with a known "
            "network, small enough to train in seconds. It is ready to train; or load your "
            "own data below.")
columns = st.columns(5)
for column, (label, value) in zip(columns, [("genes", data.n_genes), ("cells", data.n_cells),
                                            ("edges", len(data.edges)),
                                            ("regulators", len(data.regulators))], strict=False):
    column.metric(label, f"{value:,}")
columns[4].page_link("app_pages/train.py", label="Train on this dataset",
                     icon=":material/arrow_forward:")
st.subheader("Load report")
for line in data.report.lines():
    st.text("• " + access.shown(in_app_words(line)))
left, right = st.columns(2)
left.plotly_chart(charts.degree_figure(data.edge_table()))
right.plotly_chart(charts.expression_figure(data.expression))
with st.expander("Network edges"):
    st.dataframe(data.edge_table(), hide_index=True)

st.subheader("Use other data")
example_tab, load_tab, folder_tab, saved_tab = st.tabs([
    "Built-in examples", "Upload files", "Open a folder on the server", "Datasets used before"])
with example_tab:
    st.write("Real data that ships with GNT Explorer: BEELINE's mouse dendritic cells (821 genes "
             "× 383 cells, LPS time course) with two reference networks from ChIP-seq.")
    for spec in BUILT_IN:
        if st.button(f"Use {spec.name}", key=f"use-{spec.id}"):
            state.set_dataset(spec)
            st.rerun()

with load_tab:
    staged = st.session_state.get("staged")
    if staged is None:
        with st.form("upload"):
            st.write("Expression: CSV/TSV (gzipped or not, either orientation, log-scale "
                     "values), an AnnData .h5ad, a .loom, or the three files of a 10x folder. "
                     "Network: an edge list with a header such as Gene1,Gene2 or TF,target. "
                     "Files up to 1 GB.")
            name = st.text_input("Dataset name (optional: else the expression file's name)",
                                 max_chars=MAX_NAME_LENGTH)
            expression = st.file_uploader("Expression matrix", type=[
                "csv", "tsv", "txt", "gz", "h5ad", "loom"])
            tenx = st.file_uploader("…or the 10x files (matrix.mtx, features.tsv, barcodes.tsv)",
                                    type=["mtx", "tsv", "gz"], accept_multiple_files=True)
            network = st.file_uploader("Known network (regulator → target)",
                                       type=["csv", "tsv", "txt", "gz"])
            left, right = st.columns(2)
            prior = left.selectbox("…or a prior network (downloaded once from OmniPath)",
                                   ["none", *PRIORS])
            organism = right.selectbox("Organism (for a prior or a built-in TF list)",
                                       TF_ORGANISMS)
            tfs = left.file_uploader("TF list (optional)", type=["csv", "tsv", "txt", "gz"])
            builtin = right.selectbox("…or a built-in TF list", ["none", *TF_ORGANISMS])
            orientation = left.selectbox("Orientation of a CSV/TSV expression file",
                                         list(ORIENTATIONS))
            ignore_case = right.checkbox(IGNORE_CASE_CONTROL)
            if st.form_submit_button("Load these files", type="primary"):
                try:
                    name = check_new_name(name) if name.strip() else None
                    if prior != "none" and network is None:
                        network = prior_source(get_prior(prior, organism,
                                                         gnt_home() / "priors"))
                    staged = stage_upload({"expression": expression or tenx or None,
                                           "network": network, "tfs": tfs})
                    options = {"orientation": ORIENTATIONS[orientation],
                               "ignore_case": ignore_case, "name": name,
                               "tfs": None if builtin == "none" else builtin_tfs(builtin)}
                    if staged.single_cell:
                        st.session_state["inspection"] = inspect_upload(staged)
                        st.session_state["staged_options"] = options
                        st.session_state["staged"] = staged
                    else:
                        state.set_dataset(keep_upload(staged, **options))
                        st.toast("Loaded. It is now the active dataset.")
                    st.rerun()
                except GntInputError as err:
                    st.error("These files could not be used, and nothing was changed. "
                             f"{plain(access.shown(in_app_words(err)))}")
    else:
        st.subheader(f"Reading {plain(staged.names['expression'])}")
        chosen = singlecell.choices(st.session_state["inspection"])
        left, right = st.columns(2)
        if left.button("Load with these choices", type="primary"):
            try:
                spec = keep_upload(staged, single_cell=chosen,
                                   **st.session_state["staged_options"])
                state.set_dataset(spec)
                st.toast(f"Loaded {plain(spec.name)}. It is now the active dataset.")
            except GntInputError as err:
                st.session_state["upload_error"] = str(err)
            del st.session_state["staged"]
            st.rerun()
        if right.button("Cancel"):
            shutil.rmtree(staged.folder, ignore_errors=True)
            del st.session_state["staged"]
            st.rerun()
    if "upload_error" in st.session_state:
        st.error("These files could not be used, and nothing was changed. "
                 f"{plain(access.shown(in_app_words(st.session_state.pop('upload_error'))))}")

roots = access.folder_roots()
with folder_tab, st.form("folder"):
    if roots is not None:
        st.caption("This server is shared: folders can be opened from its data roots only ("
                   + (plain(access.shown(", ".join(map(str, roots)))) or "none configured")
                   + "), relative to the first one.")
    path = st.text_input("Folder on the server", placeholder="beeline-mdc/specific",
                         help="A folder with BL--ExpressionData.csv or ExpressionData.csv and "
                              "BL--network.csv or refNetwork.csv.")
    folder_ignore_case = st.checkbox(IGNORE_CASE_CONTROL, key="folder_ignore_case")
    if st.form_submit_button("Open folder") and path.strip():
        try:
            spec = folder_spec(path.strip(), ignore_case=folder_ignore_case, data_roots=roots)
            state.set_dataset(spec)
            st.toast(f"Opened {plain(spec.name)}. It is now the active dataset.")
            st.rerun()
        except GntInputError as err:
            st.error("This folder could not be opened, and nothing was changed. "
                     f"{plain(access.shown(in_app_words(err)))}")

with saved_tab:
    choice = st.selectbox("Dataset", list_specs(), format_func=lambda s: f"{s.name}  ({s.kind})")
    if st.button("Use this dataset"):
        state.set_dataset(choice)
        st.rerun()
