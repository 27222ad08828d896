"""Readers: files in, a validated `Dataset` out.

    sniff       opening paths or uploads (plain or gzipped text), delimiter and header
    expression  expression matrices (CSV/TSV, either orientation)
    singlecell  .h5ad, 10x folders and .loom: a layer, symbols, a cell type, variable genes
    network     regulator → target edge lists and TF lists
    assemble    the network matched to the expression genes: `build_dataset`, `load_dataset`
    beeline     BEELINE / GENELink folders and given train/val/test split files
    demo        the deterministic synthetic demo dataset
    examples    real example data shipped in assets/ (BEELINE mDC, two networks)
    dataset     `Dataset`, `LoadReport`, `GntInputError`
    limits      the documented size limits

What can be repaired is repaired and written into the load report; what cannot raises
`GntInputError`, whose message names the file, the line or gene, and what to do. Nothing here
uses the model, the SVM or the app.
"""

from .assemble import build_dataset, load_dataset
from .beeline import load_beeline_folder, read_split_dir
from .dataset import Dataset, EdgeTable, ExpressionTable, GntInputError, LoadReport, gene_index
from .demo import demo_dataset, make_demo_tables, write_demo
from .examples import EXAMPLES, load_example, write_example
from .expression import read_expression
from .network import read_network, read_regulator_list
from .singlecell import SingleCellOptions, inspect, read_single_cell
from .sniff import Source, open_text, sha256_of, source_name

__all__ = [
    "EXAMPLES", "Dataset", "EdgeTable", "ExpressionTable", "GntInputError", "LoadReport",
    "SingleCellOptions", "Source", "build_dataset", "demo_dataset", "gene_index", "inspect",
    "load_beeline_folder", "load_dataset", "load_example", "make_demo_tables", "open_text",
    "read_expression", "read_network", "read_regulator_list", "read_single_cell",
    "read_split_dir", "sha256_of", "source_name", "write_demo", "write_example",
]
