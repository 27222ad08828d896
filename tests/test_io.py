import gzip
import io

import numpy as np
import pandas as pd
import pytest

from gnt_core.io import (
    GntInputError,
    load_beeline_folder,
    load_dataset,
    read_expression,
    read_network,
    read_regulator_list,
)
from tests.conftest import shared

EXPR = ",c1,c2,c3\nA,1.0,2.0,0\nB,0.5,0,3\nC,2,2.5,1\nD,0,1,1\n"
NET = "Gene1,Gene2\nA,B\nA,C\nB,D\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def test_beeline_genelink_folder_matches_the_documented_counts():
    data = load_beeline_folder(shared("beeline-mdc", "specific"))
    assert (data.n_genes, data.n_cells) == (821, 383)
    assert len(data.edges) == 756 and len(data.regulators) == 20
    assert data.report.reciprocal_pairs == 2
    assert len(data.tf_list) == 323
    assert data.expression.dtype == np.float32
    assert data.genes[:3] == ["CLEC4E", "CTBP1", "SSR4"]
    assert len(data.sha256["expression"]) == 64


def test_beeline_example_layout_drops_self_loops_and_merges_duplicates():
    data = load_beeline_folder(shared("beeline-gsd"))
    assert data.report.self_loops_dropped == 3
    assert data.report.duplicate_edges_merged == 7
    assert len(data.edges) == 79 - 3
    assert data.edge_signs is not None and set(np.unique(data.edge_signs)) <= {-1, 1}
    assert not (data.edges[:, 0] == data.edges[:, 1]).any()


def test_gzipped_tsv_cells_by_genes_is_detected_and_transposed(tmp_path):
    table = pd.read_csv(io.StringIO(EXPR), index_col=0).T
    path = tmp_path / "expr.tsv.gz"
    with gzip.open(path, "wt") as handle:
        table.to_csv(handle, sep="\t")
    data = load_dataset(path, write(tmp_path, "net.csv", NET))
    assert data.report.orientation == "cells_x_genes"
    assert data.genes == ["A", "B", "C", "D"] and data.cells == ["c1", "c2", "c3"]
    assert data.expression[1].tolist() == [0.5, 0, 3]


def test_orientation_can_be_forced(tmp_path):
    expr = read_expression(write(tmp_path, "e.csv", EXPR), orientation="cells_x_genes")
    assert expr.genes == ["c1", "c2", "c3"]


def test_r_style_header_and_trailing_delimiters_are_repaired(tmp_path):
    r_style = "c1,c2,c3\nA,1,2,0\nB,0.5,0,3\n"
    assert read_expression(write(tmp_path, "r.csv", r_style)).cells == ["c1", "c2", "c3"]
    trailing = ",c1,c2,c3,\nA,1,2,0,\nB,0.5,0,3,\n"
    expr = read_expression(write(tmp_path, "t.csv", trailing))
    assert expr.cells == ["c1", "c2", "c3"]
    assert any("trailing" in n for n in expr.notes)


def test_decimal_commas_are_read(tmp_path):
    expr = read_expression(write(tmp_path, "eu.csv", ";c1;c2\nA;1,5;2\nB;-0,25;3\n"))
    assert expr.values.tolist() == [[1.5, 2.0], [-0.25, 3.0]]
    assert any("decimal commas" in n for n in expr.notes)


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + EXPR.replace("\n", "\r\n").encode())
    assert read_expression(path).genes == ["A", "B", "C", "D"]


@pytest.mark.parametrize("header,weight", [
    ("TF,target,importance", True), ("source\ttarget", False), ("regulator,target,weight", True),
    ("Gene1,Gene2,Type", False)])
def test_network_header_variants(tmp_path, header, weight):
    sep = "\t" if "\t" in header else ","
    third = header.split(sep)[2:] and ["0.5" if weight else "+"] or []
    rows = [sep.join(["A", "B", *third]), sep.join(["C", "D", *third])]
    edges = read_network(write(tmp_path, "n.txt", "\n".join([header, *rows]) + "\n"))
    assert edges.regulators == ["A", "C"] and edges.targets == ["B", "D"]
    assert (edges.weights is not None) == weight


def test_headerless_network_reads_first_two_columns(tmp_path):
    edges = read_network(write(tmp_path, "n.csv", "A,B\nC,D\n"))
    assert edges.regulators == ["A", "C"]
    assert "no recognised header" in edges.notes[0]
    ids = read_network(write(tmp_path, "ids.tsv", "7157\t4609\t1\t+\t12\n4609\t7157\t1\t-\t3\n"))
    assert ids.regulators == ["7157", "4609"]  # numeric gene IDs are names, not a matrix


@pytest.mark.parametrize("header", ["gene,c1,c2,c3,c4", ",c1,c2,c3,c4"])
def test_an_expression_matrix_given_as_a_network_is_named_as_such(tmp_path, header):
    matrix = write(tmp_path, "expr.csv", f"{header}\nTP53,1,0,2.5,3\nMYC,0,1,5,2\n")
    with pytest.raises(GntInputError, match=r"expr.csv: 5 columns.*matrix of values"):
        read_network(matrix)


def test_orientation_is_found_whatever_the_case_of_the_network_genes(tmp_path):
    cells_x_genes = write(tmp_path, "e.csv", ",TP53,MYC,SOX2\nc1,1,2,3\nc2,2,1,0\nc3,0,5,1\n")
    network = write(tmp_path, "n.csv", "TF,target\ntp53,myc\nsox2,myc\n")
    dataset = load_dataset(cells_x_genes, network, ignore_case=True)
    assert dataset.n_cells == 3 and len(dataset.edges) == 2
    with pytest.raises(GntInputError, match="ignore_case"):  # the hint, not a wrong layout
        load_dataset(cells_x_genes, network)


def test_tf_list_forms(tmp_path):
    assert read_regulator_list(write(tmp_path, "a.txt", "A\nB\n\nA\n")) == ["A", "B"]
    assert read_regulator_list(write(tmp_path, "b.csv", ",TF,index\n0,A,1\n1,C,3\n")) == ["A", "C"]


def test_upload_objects_are_read_like_files(tmp_path):
    expression = io.BytesIO(EXPR.encode())
    expression.name = "upload.csv"
    network = io.BytesIO(NET.encode())
    network.name = "net.csv"
    data = load_dataset(expression, network)
    assert data.n_genes == 4 and len(data.edges) == 3
    assert data.sources == {"expression": "upload.csv", "network": "net.csv"}


def test_h5ad_is_read_as_cells_by_genes(tmp_path):
    anndata = pytest.importorskip("anndata")
    table = pd.read_csv(io.StringIO(EXPR), index_col=0)
    adata = anndata.AnnData(table.T.to_numpy(np.float32))
    adata.obs_names, adata.var_names = list(table.columns), list(table.index)
    adata.write_h5ad(tmp_path / "x.h5ad")
    data = load_dataset(tmp_path / "x.h5ad", write(tmp_path, "n.csv", NET))
    assert data.genes == ["A", "B", "C", "D"]
    np.testing.assert_allclose(data.expression, table.to_numpy(np.float32))


def test_report_counts_repairs(tmp_path):
    net = "Gene1,Gene2\nA,B\nA,B\nA,A\nB,A\nA,ZZZ\nA,d\n"
    expr = EXPR + "E,1,1,1\n"
    data = load_dataset(write(tmp_path, "e.csv", expr), write(tmp_path, "n.csv", net))
    report = data.report
    assert report.self_loops_dropped == 1
    assert report.duplicate_edges_merged == 1
    assert report.reciprocal_pairs == 1
    assert report.edges_dropped_missing_gene == 2
    assert report.missing_genes == ["ZZZ", "d"]
    assert report.case_insensitive_matches == {"d": "D"}
    assert report.zero_variance_genes == ["E"]
    text = " ".join(report.lines())
    assert "self-loops" in text and "ignore_case" in text and "same value" in text
    assert len(load_dataset(write(tmp_path, "e.csv", expr), write(tmp_path, "n.csv", net),
                            ignore_case=True).edges) == 3


@pytest.mark.parametrize("name,text,needle", [
    ("empty.csv", "", "is empty"),
    ("blank.csv", "\n\n  \n", "is empty"),
    ("header.csv", ",c1,c2\n", "only a header"),
    ("text.csv", ",c1,c2\nA,1,2\nB,x1,3\n", "line 3, column 2 holds 'x1'"),
    ("nan.csv", ",c1,c2\nA,1,2\nB,nan,3\n", "line 3, column 2"),
    ("inf.csv", ",c1,c2\nA,1,inf\nB,1,3\n", "line 2, column 3"),
    ("empty_cell.csv", ",c1,c2\nA,1,\nB,1,3\n", "line 2, column 3 is empty"),
    ("dupe.csv", ",c1,c2\nA,1,2\nA,1,3\n", "occur more than once (A)"),
    ("onecell.csv", ",c1\nA,1\nB,2\n", "only 1 cell"),
    ("onecol.csv", "A\nB\n", "single column"),
    ("ragged.csv", ",c1,c2\nA,1,2\nB,1\n", "line 3 has 2 fields but the header has 3"),
    ("extra.csv", ",c1,c2\nA,1,2\nB,1,3,4\nC,1,1\n", "line 3 has 4 fields"),
])
def test_bad_expression_files_name_file_and_place(tmp_path, name, text, needle):
    path = write(tmp_path, name, text)
    with pytest.raises(GntInputError) as err:
        read_expression(path)
    assert needle in str(err.value)
    assert name in str(err.value)


def test_binary_and_truncated_gzip_are_rejected(tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(GntInputError, match="binary|UTF-8"):
        read_expression(binary)
    truncated = tmp_path / "t.csv.gz"
    truncated.write_bytes(gzip.compress(EXPR.encode() * 50)[:60])
    with pytest.raises(GntInputError, match="truncated or corrupt"):
        read_expression(truncated)


def test_network_that_matches_nothing_explains_why(tmp_path):
    with pytest.raises(GntInputError, match="none of its 2 edges.*ignore_case") as err:
        load_dataset(write(tmp_path, "e.csv", EXPR),
                     write(tmp_path, "n.csv", "TF,target\na,b\nc,d\n"))
    assert "n.csv" in str(err.value)
    with pytest.raises(GntInputError, match="self-loops"):
        load_dataset(write(tmp_path, "e.csv", EXPR), write(tmp_path, "n.csv", "TF,target\nA,A\n"))
    with pytest.raises(GntInputError, match="empty regulator or target"):
        read_network(write(tmp_path, "n.csv", "TF,target\nA,\n"))
    with pytest.raises(GntInputError, match="no such file"):
        read_network(tmp_path / "missing.csv")
