import io
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from gnt_core.outputs.export import export_bytes, format_from_path
from gnt_core.science.candidates import candidate_pairs, orient_by_network, rank_table
from gnt_core.science.splits import pair_keys


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


def test_streamed_scoring_matches_in_memory_ranking(demo, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from gnt_core.science import candidates as module
    from gnt_core.science.predictor import GNTLinkPredictor
    from gnt_core.science.splits import split_pairs
    from gnt_core.settings import TrainConfig

    split = split_pairs(demo.edges, demo.n_genes, protocol="random", seed=0)
    model = GNTLinkPredictor(TrainConfig(epochs=1)).fit(demo.expression, split.train, split.val)
    memory = module.score_candidates(model, demo, split, universe="all")
    monkeypatch.setattr(module, "STREAM_MIN_PAIRS", 1000)
    monkeypatch.setattr(module, "PAIRS_PER_BLOCK", 5000)
    streamed = module.score_candidates(model, demo, split, universe="all", top_k=5,
                                       stream_to=tmp_path / "all.parquet")
    assert streamed.streamed and streamed.n_pairs == memory.n_pairs == 300 * 299 // 2
    written = pq.read_table(tmp_path / "all.parquet").to_pandas()
    assert len(written) == memory.n_pairs
    merged = written.merge(memory.table, on=["regulator", "target"])
    np.testing.assert_allclose(merged["score_x"], merged["score_y"], rtol=1e-6)
    expected = memory.table[memory.table["rank_in_regulator"] <= 5]
    table = streamed.table
    pairs = set(zip(table.regulator, table.target, strict=True))
    assert pairs == set(zip(expected.regulator, expected.target, strict=True))
    check = table.merge(expected, on=["regulator", "target"])
    assert (np.abs(check["rank_x"] - check["rank_y"]) <= 1).all()  # float32 ties at most
    assert (check["rank_in_regulator_x"] == check["rank_in_regulator_y"]).all()
