import io
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from gnt_core.candidates import candidate_pairs, orient_by_network, rank_table
from gnt_core.export import export_bytes, format_from_path
from gnt_core.splits import pair_keys


def test_universes(demo):
    regs = candidate_pairs(demo, "regulators")
    n, r = demo.n_genes, len(demo.regulators)
    assert len(regs) == r * (n - 1) - r * (r - 1) // 2
    assert len(candidate_pairs(demo, "tf-list")) >= len(regs)
    assert len(candidate_pairs(demo, "all")) == n * (n - 1) // 2
    assert len(set(pair_keys(regs, n).tolist())) == len(regs)
    with pytest.raises(ValueError, match="universe"):
        candidate_pairs(demo, "everything")


def test_pairs_take_the_known_direction():
    pairs = np.array([[0, 1], [0, 2], [1, 2]])
    edges = np.array([[1, 0], [0, 2], [2, 1], [1, 2]])
    assert orient_by_network(pairs, edges, 3).tolist() == [[1, 0], [0, 2], [1, 2]]


def test_rank_table_ranks_within_and_across_regulators():
    pairs = np.array([[0, 1], [0, 2], [3, 1], [3, 2]])
    table = rank_table(pairs, np.array([0.1, 0.9, 0.5, -1.0]), ["A", "B", "C", "D"],
                       np.array(["", "train", "", ""], dtype=object),
                       np.array([True, False, False, True]), threshold=0.0)
    assert table["target"].tolist() == ["C", "B", "B", "C"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["percentile"].tolist() == [100.0, 75.0, 50.0, 25.0]
    assert table.set_index(["regulator", "target"])["rank_in_regulator"].to_dict() == {
        ("A", "C"): 1, ("D", "B"): 1, ("A", "B"): 2, ("D", "C"): 2}
    assert table["false_positive"].tolist() == [False, False, True, False]


@pytest.fixture
def table():
    return pd.DataFrame({"regulator": ["A", "A"], "target": ["B", "C"], "score": [1.5, -0.5],
                         "rank": [1, 2], "known": ["train", ""]})


def test_exports(table):
    csv = pd.read_csv(io.BytesIO(export_bytes(table, "csv")))
    assert list(csv.columns[:3]) == ["Gene1", "Gene2", "EdgeWeight"]
    tsv = export_bytes(table, "tsv").decode().splitlines()
    assert tsv[0] == "TF\ttarget\timportance" and tsv[1] == "A\tB\t1.5"
    graph = nx.read_graphml(io.BytesIO(export_bytes(table, "graphml")))
    assert graph.is_directed() and graph.edges["A", "B"]["score"] == 1.5
    ET.fromstring(export_bytes(table, "graphml"))
    assert export_bytes(table, "sif").decode().splitlines() == ["A\tknown_edge\tB",
                                                               "A\tpredicted\tC"]
    assert format_from_path("x/ranked.graphml") == "graphml"
    with pytest.raises(ValueError, match="export format"):
        format_from_path("ranked.xlsx")
