"""Readers: files in, a validated `Dataset` out.

    sniff       opening paths or uploads (plain or gzipped text), delimiter and header
    expression  expression matrices (CSV/TSV either orientation, .h5ad)
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
from .expression import read_expression, read_h5ad
from .network import read_network, read_regulator_list
from .sniff import Source, open_text, sha256_of, source_name

__all__ = [
    "EXAMPLES", "Dataset", "EdgeTable", "ExpressionTable", "GntInputError", "LoadReport",
    "Source", "build_dataset", "demo_dataset", "gene_index", "load_beeline_folder",
    "load_dataset", "load_example", "make_demo_tables", "open_text", "read_expression",
    "read_h5ad", "read_network", "read_regulator_list", "read_split_dir", "sha256_of",
    "source_name", "write_demo", "write_example",
]
