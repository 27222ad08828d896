"""Write the malformed-input corpus (tests/data/bad/) and its table (docs/bad-inputs.md).

    .venv/bin/python tests/data/make_bad_inputs.py

Every case is a set of input files (a good expression, network or TF list fills the roles the
case does not break) and the behaviour expected of the readers: a repair named in the load
report, or a GntInputError naming the file and the place. The table is made by loading each case
with gnt_core, so it shows the messages a user really gets.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.data import singlecell_bad as sc  # noqa: E402

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
DOC = HERE.parents[1] / "docs" / "bad-inputs.md"

CELLS = ["c1", "c2", "c3", "c4"]
GENES = ["TF1", "TF2", "G1", "G2", "G3", "G4"]
VALUES = [[1.5, 0.0, 2.25, 3.0], [0.5, 1.0, 0.0, 2.0], [2.0, 2.5, 1.0, 0.0],
          [0.0, 1.0, 3.5, 1.25], [1.0, 0.25, 0.5, 2.0], [3.0, 0.0, 1.0, 1.5]]
EDGES = [("TF1", "G1"), ("TF1", "G2"), ("TF2", "G3"), ("TF2", "G4"), ("TF1", "TF2")]


def expression(genes=GENES, cells=CELLS, values=VALUES, sep=",", corner="") -> str:
    lines = [sep.join([corner, *cells])]
    lines += [sep.join([g, *map(str, row)]) for g, row in zip(genes, values, strict=True)]
    return "\n".join(lines) + "\n"


def network(edges=EDGES, header="Gene1,Gene2") -> str:
    return "\n".join([header, *(",".join(e) for e in edges)]) + "\n"


GOOD = {"expression": ("expression.csv", expression()), "network": ("network.csv", network())}


def _gzip(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def _gzip_stream(head: bytes, chunk: bytes, repeats: int) -> bytes:
    """A gzip file of head + chunk × repeats, written block by block (deterministic bytes)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as out:
        out.write(head)
        for _ in range(repeats):
            out.write(chunk)
    return buffer.getvalue()


def _corrupt_chunk() -> bytes:
    """An .h5ad whose gzip-compressed X has a damaged chunk."""
    import h5py

    def x(handle):
        handle.create_dataset("X", data=sc.RNG_VALUES * 1.5, chunks=(4, 6), compression="gzip")

    data = bytearray(sc.h5ad(x=x))
    with h5py.File(io.BytesIO(bytes(data)), "r") as handle:
        info = handle["X"].id.get_chunk_info(0)
    for i in range(info.byte_offset + 2, info.byte_offset + info.size):
        data[i] ^= 0x5A
    return bytes(data)


def _corrupt_h5ad() -> bytes:
    return b"\x89HDF\r\n\x1a\n" + bytes(range(200)) * 3


# name -> (files that replace the good ones, expected "error"/"repair"/"ok", text to find)
CASES: dict[str, tuple[dict[str, tuple[str, str | bytes]], str, str]] = {
    "empty file": ({"expression": ("empty.csv", "")}, "error", "is empty"),
    "only blank lines": ({"expression": ("blank.csv", "\n \n\t\n")}, "error", "is empty"),
    "header only": ({"expression": ("header_only.csv", ",c1,c2,c3\n")}, "error",
                    "only a header"),
    "binary garbage": ({"expression": ("garbage.csv", bytes(range(256)) * 8)}, "error",
                       "UTF-8"),
    "an Excel workbook": ({"expression": ("book.xlsx.csv", b"PK\x03\x04" + bytes(300))},
                          "error", "binary"),
    "Latin-1 text": ({"expression": ("latin1.csv", expression(genes=["CAFÉ", *GENES[1:]])
                                     .encode("latin-1"))}, "error", "not UTF-8"),
    "wrong delimiter (|)": ({"expression": ("pipes.csv", expression(sep="|"))}, "error",
                            "single column"),
    "semicolons with decimal commas": (
        {"expression": ("excel_eu.csv", expression(sep=";").replace(".", ","))}, "repair",
        "decimal commas"),
    "text in a numeric column": (
        {"expression": ("text.csv", expression().replace("0.5,1.0", "0.5,abc"))}, "error",
        "line 3, column 3 holds 'abc'"),
    "NaN value": ({"expression": ("nan.csv", expression().replace("2.25", "NaN"))}, "error",
                  "line 2, column 4 holds 'NaN'"),
    "infinite value": ({"expression": ("inf.csv", expression().replace("2.25", "inf"))},
                       "error", "line 2, column 4 holds 'inf'"),
    "missing value": ({"expression": ("missing.csv", expression().replace(",2.25,", ",,"))},
                      "error", "line 2, column 4 is empty"),
    "negative values": ({"expression": ("negative.csv", expression().replace("2.25", "-2.25"))},
                        "repair", "negative"),
    "duplicate gene names": ({"expression": ("dup_genes.csv", expression(
        genes=["TF1", "TF2", "G1", "G1", "G3", "G4"]))}, "error", "occur more than once (G1)"),
    "duplicate cell names": ({"expression": ("dup_cells.csv", expression(
        cells=["c1", "c1", "c3", "c4"]))}, "repair", "cell names occurred more than once"),
    "one gene": ({"expression": ("one_gene.csv", expression(genes=GENES[:1],
                                                            values=VALUES[:1]))},
                 "error", "only 1 gene"),
    "one cell": ({"expression": ("one_cell.csv", expression(cells=CELLS[:1],
                                                            values=[r[:1] for r in VALUES]))},
                 "error", "only 1 cell"),
    "UTF-8 byte-order mark": ({"expression": ("bom.csv", b"\xef\xbb\xbf"
                                              + expression().encode())}, "ok", ""),
    "CRLF line ends": ({"expression": ("crlf.csv", expression().replace("\n", "\r\n"))}, "ok",
                       ""),
    "trailing commas (spreadsheet export)": (
        {"expression": ("trailing.csv", expression().replace("\n", ",\n"))}, "repair",
        "trailing"),
    "quoted fields": ({"expression": ("quoted.csv", "\n".join(
        ",".join(f'"{f}"' for f in line.split(",")) for line in expression().splitlines())
        + "\n")}, "ok", ""),
    "R-style header (no corner field)": (
        {"expression": ("r_style.csv", expression().split(",", 1)[1])}, "repair", "R style"),
    "cells × genes orientation": (
        {"expression": ("transposed.tsv", "\n".join(["\t" + "\t".join(GENES)] + [
            "\t".join([c, *(str(VALUES[g][i]) for g in range(len(GENES)))])
            for i, c in enumerate(CELLS)]) + "\n")}, "repair", "cells × genes"),
    "gene names with spaces": (
        {"expression": ("spaces.csv", expression(genes=["TF1", "TF2", "G 1", *GENES[3:]])),
         "network": ("network.csv", network([("TF1", "G 1"), *EDGES[1:]]))}, "repair",
        "literature links are not offered"),
    "unicode gene names": (
        {"expression": ("unicode.csv", expression(genes=["TF1", "TF2", "Gène1", *GENES[3:]])),
         "network": ("network.csv", network([("TF1", "Gène1"), *EDGES[1:]]))}, "repair",
        "literature links are not offered"),
    "HTML in gene names": (
        {"expression": ("html.csv", expression(genes=["TF1", "TF2", "<b>G1</b>", *GENES[3:]])),
         "network": ("network.csv", network([("TF1", "<b>G1</b>"), *EDGES[1:]]))}, "repair",
        "literature links are not offered"),
    "control character in a name": (
        {"expression": ("control.csv", expression(genes=["TF1", "TF2", "G\x071", *GENES[3:]]))},
        "error", "control character"),
    "very long gene name": (
        {"expression": ("long_name.csv", expression(genes=["TF1", "TF2", "G" * 300,
                                                            *GENES[3:]]))},
        "error", "names are limited to 200"),
    "row with a missing field": (
        {"expression": ("short_row.csv", expression().replace(",2.25,3.0", ",2.25"))}, "error",
        "line 2 has 4 fields but the header has 5"),
    "row with an extra field": (
        {"expression": ("long_row.csv", expression().replace(",2.25,3.0", ",2.25,3.0,9"))},
        "error", "line 2 has 6 fields but the header has 5"),
    "empty gene name": ({"expression": ("no_name.csv", expression(
        genes=["TF1", "TF2", "", *GENES[3:]]))}, "error", "empty name"),
    "truncated gzip": ({"expression": ("truncated.csv.gz",
                                       _gzip(expression() * 30)[:80])}, "error",
                       "truncated or corrupt"),
    "corrupted .h5ad": ({"expression": ("broken.h5ad", _corrupt_h5ad())}, "error",
                        "not a readable .h5ad"),
    "raw counts instead of log values": (
        {"expression": ("counts.csv", expression(values=[[v * 100 + 1 for v in r]
                                                         for r in VALUES]).replace(".0", ""))},
        "repair", "raw counts"),
    "a gene that never changes": (
        {"expression": ("constant.csv", expression(values=[VALUES[0], VALUES[1], [1.0] * 4,
                                                           *VALUES[3:]]))},
        "repair", "same value in every cell"),
    "network: empty file": ({"network": ("net_empty.csv", "")}, "error", "is empty"),
    "network: header only": ({"network": ("net_header.csv", "Gene1,Gene2\n")}, "error",
                             "holds a header but no edges"),
    "network: one column": ({"network": ("net_one_col.csv", "TF1\nTF2\n")}, "error",
                            "single column"),
    "network: genes match none": ({"network": ("net_none.csv", network(
        [("X1", "X2"), ("X3", "X4")]))}, "error", "none of its 2 edges"),
    "network: genes match only by case": ({"network": ("net_case.csv", network(
        [(a.lower(), b.lower()) for a, b in EDGES]))}, "error", "when case is ignored"),
    "network: all self-loops": ({"network": ("net_loops.csv", network(
        [("TF1", "TF1"), ("G1", "G1")]))}, "error", "self-loops"),
    "network: duplicates and self-loops": ({"network": ("net_dups.csv", network(
        [*EDGES, EDGES[0], ("G2", "G2")]))}, "repair", "Merged 1 duplicate"),
    "network: some genes missing": ({"network": ("net_missing.csv", network(
        [*EDGES, ("TF1", "NOPE")]))}, "repair", "Dropped 1 edges"),
    "network: no header": ({"network": ("net_headerless.csv", "\n".join(
        ",".join(e) for e in EDGES) + "\n")}, "repair", "no recognised header"),
    "network: text weight": ({"network": ("net_weight.csv", network(
        [(a, f"{b},x{i}") for i, (a, b) in enumerate(EDGES)], header="TF,target,weight"))},
        "error", "line 2: the weight 'x0' is not a number"),
    "network: blank target": ({"network": ("net_blank.csv", network(
        [*EDGES, ("TF1", "")]))}, "error", "empty regulator or target"),
    "network: semicolons and a sign column": ({"network": ("net_semicolon.csv", "\n".join(
        ["Gene1;Gene2;Type", *(f"{a};{b};{'+' if i % 2 else '?'}" for i, (a, b) in
                               enumerate(EDGES))]) + "\n")}, "repair", "sign other than"),
    "TF list: unknown columns": ({"tfs": ("tfs_columns.csv", "a,b\n1,2\n")}, "error",
                                 "which column holds the TF symbols"),
    "TF list: genes not in the expression": ({"tfs": ("tfs_absent.txt", "TF1\nTF9\n")},
                                             "repair", "listed TFs are not in the expression"),
    "TF list: empty": ({"tfs": ("tfs_empty.txt", "")}, "error", "is empty"),
    "gzip bomb: one 100 MB line": ({"expression": ("bomb_line.csv.gz", _gzip_stream(
        b"gene,", b"1," * (1 << 20), 50))}, "error", "a line longer than 32 MB"),
    "gzip bomb: 400 MB of zeros": ({"expression": ("bomb_zeros.csv.gz", _gzip_stream(
        b",c1\n", b"G," + b"0," * 4095 + b"0\n", 50_000))}, "error",
        "decompresses to more than 250 times its compressed size"),
    # single-cell files: the same checks as text, and their own ways of being broken
    "h5ad: a NaN value": ({"expression": ("nan.h5ad", sc.h5ad(values=np.where(
        sc.RNG_VALUES == 7, np.nan, sc.RNG_VALUES)))}, "error", "holds nan"),
    "h5ad: an infinite value": ({"expression": ("inf.h5ad", sc.h5ad(values=np.where(
        sc.RNG_VALUES == 7, np.inf, sc.RNG_VALUES)))}, "error", "holds inf"),
    "h5ad: one cell": ({"expression": ("one_cell.h5ad", sc.h5ad(
        values=sc.RNG_VALUES[:1], cells=["c1"]))}, "error", "only 1 cell"),
    "h5ad: an empty gene name": ({"expression": ("empty_name.h5ad", sc.h5ad(
        genes=["TF1", "TF2", "", "G2", "G3", "G4"]))}, "error", "empty name"),
    "h5ad: a 10,000-character gene name": ({"expression": ("long_name.h5ad", sc.h5ad(
        genes=["TF1", "TF2", "G" * 10_000, "G2", "G3", "G4"]))}, "error",
        "names are limited to 200"),
    "h5ad: a control character in a gene name": ({"expression": ("control.h5ad", sc.h5ad(
        genes=["TF1", "TF2", "G1\x1b[31m", "G2", "G3", "G4"]))}, "error", "control character"),
    "h5ad: var shorter than X's columns": ({"expression": ("short_var.h5ad", sc.h5ad(
        genes=sc.GENES[:5]))}, "error", "the file lists 8 cells and 5 genes"),
    "h5ad: var longer than X's columns": ({"expression": ("long_var.h5ad", sc.h5ad(
        genes=[*sc.GENES, "G5"]))}, "error", "the file lists 8 cells and 7 genes"),
    "h5ad: obs longer than X's rows": ({"expression": ("long_obs.h5ad", sc.h5ad(
        cells=[*sc.CELLS, "c9"]))}, "error", "the file lists 9 cells and 6 genes"),
    "h5ad: a damaged compressed chunk": ({"expression": ("bad_chunk.h5ad", _corrupt_chunk())},
                                         "error", "could not be read"),
    "h5ad: sparse X with a bad indptr": ({"expression": ("bad_indptr.h5ad", sc.h5ad(
        x=lambda h: sc._sparse(h, "X", sc.RNG_VALUES, indptr=np.array(
            [0, 4, 3, 9, 12, 16, 20, 24, 30]))))}, "error", "is inconsistent"),
    "h5ad: sparse X with a gene index out of range": ({"expression": ("bad_indices.h5ad",
        sc.h5ad(x=lambda h: sc._sparse(h, "X", sc.RNG_VALUES, indices=np.where(
            np.arange(32) == 5, 40, np.nonzero(sc.RNG_VALUES)[1]).astype(np.int32))))},
        "error", "could not be read"),
    "h5ad: text in X": ({"expression": ("text_x.h5ad", sc.h5ad(x=lambda h: h.create_dataset(
        "X", data=np.array([[b"a"] * 6] * 8))))}, "error", "not numbers"),
    "h5ad: the pre-0.7 anndata layout": ({"expression": ("legacy.h5ad", sc.h5ad(
        legacy=True))}, "error", "before 0.7"),
    "h5ad: gzip-compressed under an .h5ad name": ({"expression": ("zipped.h5ad", sc.gz(
        sc.h5ad()))}, "error", "gzip-compressed"),
    "h5ad: gzipped as .h5ad.gz": ({"expression": ("data.h5ad.gz", sc.gz(sc.h5ad()))},
                                  "error", "gzip-compressed"),
    "h5ad: 100 M entries declared in a few KB": (
        {"expression": ("bomb.h5ad", sc.h5ad(x=sc.h5ad_bomb))}, "error",
        "times its size (a decompression bomb"),
    "h5ad: raw counts": ({"expression": ("counts.h5ad", sc.h5ad(values=sc.RNG_VALUES * 10))},
                         "repair",
                         "normalised to 10,000 counts"),
    "loom: an attribute shorter than the matrix": ({"expression": ("short_attr.loom", sc.loom(
        extra_rows={"score": np.arange(5.0)}))}, "error",
        "row attribute 'score' has 5 values but the matrix has 6 rows"),
    "loom: a 2-D row attribute": ({"expression": ("two_d.loom", sc.loom(
        extra_rows={"embedding": np.ones((6, 2))}))}, "repair", "8 cells × 6 genes"),
    "10x: empty features file": ({"expression": ("tenx", sc.tenx(features=""))}, "error",
                                 "features.tsv.gz: the file is empty"),
    "10x: truncated matrix.mtx.gz": ({"expression": ("tenx", sc.tenx(
        matrix=sc.gz(sc.mtx())[:60]))}, "error", "truncated or corrupt"),
    "10x: a matrix that is not Matrix Market": ({"expression": ("tenx", sc.tenx(
        matrix=sc.gz("gene,c1\nTF1,3\n")))}, "error", "not a Matrix Market file"),
    "10x: an index out of range": ({"expression": ("tenx", sc.tenx(
        matrix=sc.gz(sc.mtx(extra=("7 1 4",)))))}, "error", "has row 7, outside 1…6"),
    "10x: fewer entries than declared": ({"expression": ("tenx", sc.tenx(
        matrix=sc.gz(sc.mtx(drop=3))))}, "error", "only 29 of the 32 entries"),
    "10x: a symmetric matrix": ({"expression": ("tenx", sc.tenx(matrix=sc.gz(sc.mtx().replace(
        "general", "symmetric"))))}, "error", "coordinate integer|real|pattern general"),
    "10x: a gzip bomb declaring 30 M entries": ({"expression": ("tenx", sc.tenx(
        matrix=sc.mtx_bomb(30_000_000)))}, "error", "a decompression bomb"),
    "10x: a gzip bomb declaring what fits": ({"expression": ("tenx", sc.tenx(
        matrix=sc.mtx_bomb(11_000_000)))}, "error", "250 times its compressed size"),
    "10x: well formed": ({"expression": ("tenx", sc.tenx())}, "repair", "8 cells × 6 genes"),
    "gene map: one column": ({"expression": ("ids.h5ad", sc.h5ad(
        genes=[f"ENSG0000000000{i}" for i in range(6)])), "gene_map": ("map1.tsv",
        "ENSG00000000000\nENSG00000000001\n")}, "error", "needs two columns"),
    "gene map: matches no identifier": ({"expression": ("ids.h5ad", sc.h5ad(
        genes=[f"ENSG0000000000{i}" for i in range(6)])), "gene_map": ("map0.tsv",
        "id\tsymbol\nENSMUSG1\tA\nENSMUSG2\tB\n")}, "error", "none of the 6 gene identifiers"),
    "gene map: beside a CSV expression file": ({"gene_map": ("map.tsv", "a\tb\n")}, "error",
                                               "apply only to single-cell files"),
    "network: a folder": ({"network": ("net_folder", {"edges.csv": "a,b\n"})}, "error",
                          "this is a folder, not a file"),
}


def write_corpus(root: Path = BAD) -> dict[str, dict]:
    """Write every case's files under root/<case number>/; returns the manifest."""
    manifest = {}
    for index, (case, (files, expect, needle)) in enumerate(CASES.items(), start=1):
        folder = root / f"{index:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for role, (filename, content) in (GOOD | files).items():
            for name, data in (content.items() if isinstance(content, dict) else [("", content)]):
                target = folder / filename / name if name else folder / filename
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.encode() if isinstance(data, str) else data)
            paths[role] = f"{folder.name}/{filename}"
        manifest[case] = {"files": paths, "expect": expect, "needle": needle}
    (root / "cases.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def outcome(case: dict, root: Path = BAD) -> tuple[str, str]:
    """('error', message) or ('repair'/'ok', the report's notes) for one case."""
    from gnt_core.io import GntInputError, SingleCellOptions, load_dataset

    files = {role: root / path for role, path in case["files"].items()}
    options = SingleCellOptions(gene_map=str(files["gene_map"])) if "gene_map" in files else None
    try:
        data = load_dataset(files["expression"], files["network"], tfs=files.get("tfs"),
                            single_cell=options)
    except GntInputError as err:
        return "error", str(err).replace(str(root) + "/", "")
    notes = data.report.lines()[1:]
    return ("repair" if notes else "ok"), " ".join(notes)


def split_refusals() -> list[str]:
    """The refusals and notes of splitting a network (tests/test_splits.py), and of a Dask
    cluster (tests/test_cluster.py), with the messages as the library words them."""
    from gnt_core.io import GntInputError
    from gnt_core.science.splits import split_pairs

    def dense(n, r, density):
        rng = np.random.default_rng(0)
        pairs = np.array([(a, b) for a in range(r) for b in range(n) if a != b])
        return pairs[rng.random(len(pairs)) < density]

    rows = [("a network of 2 distinct pairs", np.array([[0, 1], [0, 2]]), 5, "random"),
            ("40 × 40 genes, 97 % edges", dense(40, 40, 0.97), 40, "candidates"),
            ("22 regulators × 632 genes, 53 % edges", dense(632, 22, 0.53), 632, "candidates"),
            ("22 regulators × 632 genes, 90 % edges", dense(632, 22, 0.9), 632, "tf-matched")]
    lines = ["## Networks a protocol cannot split as asked", "",
             "Checked before a run or a benchmark cell is created (`check_split`): the CLI "
             "exits with status 2, the Train page shows the message, `gnt benchmark` refuses "
             "the grid before any task starts. A shortfall that still leaves both classes is a "
             "note in the run's split summary (`metrics.json`: `split.notes`).", "",
             "| network | protocol | behaviour | message or note |", "|---|---|---|---|"]
    for label, edges, n, protocol in rows:
        try:
            split = split_pairs(edges, n, protocol=protocol, seed=0)
            kind, text = "note", " ".join(split.notes) or "(none)"
        except GntInputError as err:
            kind, text = "error", str(err)
        lines.append(f"| {label} | {protocol} | {kind} | {text} |")
    lines += ["", "## A Dask cluster", "",
              "- `--scheduler` that does not answer within 10 s: *the Dask scheduler ADDRESS "
              "does not answer (…). Start it ('dask scheduler') and its workers ('dask worker "
              "ADDRESS'), or leave out --scheduler to use this machine.* (exit 2)",
              "- a scheduler with no worker after 10 s: *the Dask scheduler ADDRESS answers but "
              "has no worker after 10 s. Start workers ('dask worker ADDRESS'), or leave out "
              "--scheduler to use this machine.* (exit 2)",
              "- a worker killed mid-grid (the one that holds a dataset included: datasets are "
              "copied to every worker): its task is retried elsewhere; the rows equal those of "
              "an undisturbed run.",
              "- Ctrl-C: `gnt: interrupted` (exit 130); the local cluster's workers are gone "
              "within a few seconds."]
    return lines


def write_doc(manifest: dict) -> None:
    lines = ["# Malformed inputs and what GNT Explorer does with them", "",
             "Made by `tests/data/make_bad_inputs.py` from the corpus in `tests/data/bad/`; "
             "`tests/test_bad_inputs.py` checks each case through the library, the `gnt` command "
             "(exit status 2, one paragraph, no traceback) and the app's Data page.", "",
             "| # | case | files | behaviour | message or load-report note |",
             "|---|---|---|---|---|"]
    for index, (case, spec) in enumerate(manifest.items(), start=1):
        kind, message = outcome(spec)
        broken = [p for r, p in spec["files"].items() if not p.endswith(("/expression.csv",
                                                                         "/network.csv"))]
        shown = message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {index} | {case} | {', '.join(broken) or '—'} | {kind} | {shown} |")
    lines += ["", *split_refusals()]
    lines += ["", "Also tested, generated on the fly and not committed: a 1 GB+ expression file "
              "(read in bounded memory), and files beyond the documented limits (at most "
              "60,000 genes, 250,000 cells, 600 million values, 600 million stored entries of a "
              "sparse single-cell matrix, 5 million network lines, names of 200 characters; "
              "uploads up to 1 GB). A single-cell matrix that declares more than 250 times its "
              "file's size in values, or a 10x matrix.mtx whose size line declares more entries "
              "than the file can hold, is refused before anything is read. Every file is read "
              "as a stream that stops at a line over 32 MB, at 8 GB of text, or when gzip "
              "inflates it more than 250-fold (past its first 64 MB); the limits live in "
              "`gnt_core/io/limits.py`. "
              "In the app, an upload or a server folder is first read by a separate process "
              "limited to 4 GB of memory (`GNT_READER_MEMORY`), so that a file that would "
              "exhaust memory stops that process, not the server."]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    corpus = write_corpus()
    write_doc(corpus)
    print(f"{len(corpus)} cases in {BAD}; table in {DOC}")
