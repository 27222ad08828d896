"""The choices a single-cell upload needs (matrix, symbols, cell type, variable genes), offered
from what the file holds, and the dense size they lead to."""

from __future__ import annotations

import streamlit as st

from gnt_core.io import SingleCellOptions
from gnt_core.io.limits import MAX_VALUES
from ui.text import plain

VAR_NAMES = "var_names (the file's gene names)"
ALL_CELLS = "all cells"


def choices(inspection: dict) -> SingleCellOptions:
    """Widgets for a staged single-cell file; returns what they choose."""
    st.write(f"The file holds **{inspection['n_cells']:,} cells × {inspection['n_genes']:,} "
             "genes**. Choose what to read:")
    left, right = st.columns(2)
    layer = left.selectbox("Matrix", inspection["layers"], key="sc_layer",
                           help="X, the raw counts (adata.raw) or a layer. Whole-number counts "
                                "are normalised and log1p-transformed.")
    columns = [VAR_NAMES, *inspection["var_columns"]]
    default = 1 if inspection["ensembl_ids"] and len(columns) > 1 else 0
    gene_column = left.selectbox("Gene symbols from", columns, index=default, key="sc_genes",
                                 help="The network's genes must use the same symbols.")
    column = right.selectbox("Cells", [ALL_CELLS, *inspection["obs_columns"]], key="sc_cells",
                             help="Keep the cells of one cell type (an obs column).")
    values = [] if column == ALL_CELLS else right.multiselect(
        f"{plain(column)} is", inspection["obs_columns"][column], key="sc_values")
    top = right.number_input("Most variable genes to keep beside the network's genes and the "
                             "TFs (0 = every gene)", 0, 50_000, 2_000, 500, key="sc_top")
    genes = inspection["n_genes"] if not top else min(inspection["n_genes"], int(top) + 2_000)
    cells = inspection["n_cells"]
    st.caption(f"Dense size: at most {cells:,} cells × about {genes:,} genes = "
               f"{cells * genes * 4 / 2**30:.2f} GiB"
               + ("" if column == ALL_CELLS else " before the cell type is taken")
               + (f". Beyond {MAX_VALUES:,} values the file is refused: choose a cell type or "
                  "fewer genes." if cells * genes > MAX_VALUES else "."))
    return SingleCellOptions(layer=layer, gene_column=None if gene_column == VAR_NAMES
                             else gene_column, cells_column=None if column == ALL_CELLS
                             else column, cells_values=tuple(values), top_genes=int(top) or None)
