"""Data that ships with GNT Explorer, gzipped in assets/ with its provenance: the real example
BEELINE mDC (821 genes × 383 cells, with its cell-type-specific and its non-specific ChIP-seq
network) and TF lists for human and mouse. Nothing here reads from outside the project."""

from __future__ import annotations

import shutil
from pathlib import Path

from .assemble import load_dataset
from .dataset import Dataset, GntInputError

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "examples"
TF_LISTS = ASSETS.parent / "tfs"
TF_ORGANISMS = ("human", "mouse")
# name -> (description, folder under assets/examples, network and TF-list suffix)
EXAMPLES = {
    "mdc-specific": ("BEELINE mDC, cell-type-specific ChIP-seq network", "beeline-mdc",
                     "specific"),
    "mdc-nonspecific": ("BEELINE mDC, non-specific ChIP-seq network", "beeline-mdc",
                        "nonspecific"),
}


def example_files(name: str) -> dict[str, Path]:
    """The expression, network and TF-list files of a bundled example."""
    if name not in EXAMPLES:
        raise GntInputError(f"there is no example {name!r}; choose from {', '.join(EXAMPLES)}")
    _, folder, network = EXAMPLES[name]
    root = ASSETS / folder
    files = {"expression": root / "expression.csv.gz",
             "network": root / f"network-{network}.csv.gz", "tfs": root / f"tfs-{network}.csv.gz"}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise GntInputError(f"the example files are missing ({', '.join(missing)}): they ship in "
                            "assets/examples/ of a GNT Explorer checkout")
    return files


def load_example(name: str) -> Dataset:
    files = example_files(name)
    return load_dataset(files["expression"], files["network"], tfs=files["tfs"],
                        name=EXAMPLES[name][0])


def write_example(name: str, out_dir: str | Path) -> dict[str, Path]:
    """The example in BEELINE's layout, decompressed: ExpressionData.csv, refNetwork.csv,
    TF.csv."""
    import gzip

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for role, name_out in (("expression", "ExpressionData.csv"), ("network", "refNetwork.csv"),
                           ("tfs", "TF.csv")):
        with gzip.open(example_files(name)[role], "rb") as src, open(out / name_out, "wb") as dst:
            shutil.copyfileobj(src, dst)
        written[role] = out / name_out
    return written


def builtin_tfs(organism: str | None) -> Path:
    """The bundled TF list of an organism (BEELINE's, from RegNetwork, TRRUST, DoRothEA)."""
    if organism not in TF_ORGANISMS:
        raise GntInputError(f"the built-in TF lists are for {' and '.join(TF_ORGANISMS)}; choose "
                            f"the organism (CLI: --organism), not {organism!r}")
    path = TF_LISTS / f"{organism}-tfs.csv.gz"
    if not path.is_file():
        raise GntInputError(f"{path} is missing: the TF lists ship in assets/tfs/ of a GNT "
                            "Explorer checkout")
    return path
