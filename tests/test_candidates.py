import numpy as np
import pandas as pd
import pytest

from gnt_core.science.candidates import candidate_pairs, orient_by_network, rank_table
from gnt_core.science.splits import pair_keys
from gnt_core.vocabulary import (
    KNOWN_TRAIN,
    NOVEL,
    PAIR_STATUSES,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAINING_NEGATIVE,
)


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


def test_rank_table_ranks_within_and_across_regulators_and_targets():
    from gnt_core.io import Dataset, LoadReport

    genes = ["A", "B", "C", "D"]
    data = Dataset("toy", np.zeros((4, 2), np.float32), genes, ["c1", "c2"],
                   np.array([[0, 1], [3, 1], [3, 2]]), np.array([0, 3]), LoadReport())
    pairs = np.array([[0, 1], [0, 2], [3, 1], [3, 2]])
    table = rank_table(pairs, np.array([0.1, 0.9, 0.5, -1.0]), data,
                       np.array([NOVEL, KNOWN_TRAIN, NOVEL, TEST_NEGATIVE], dtype=object))
    assert table["target"].tolist() == ["C", "B", "B", "C"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["percentile"].tolist() == [100.0, 75.0, 50.0, 25.0]
    by_pair = table.set_index(["regulator", "target"])
    assert by_pair["rank_in_regulator"].to_dict() == {
        ("A", "C"): 1, ("D", "B"): 1, ("A", "B"): 2, ("D", "C"): 2}
    assert by_pair["rank_in_target"].to_dict() == {
        ("A", "C"): 1, ("D", "B"): 1, ("A", "B"): 2, ("D", "C"): 2}
    assert by_pair["regulator_degree"].to_dict()[("D", "B")] == 2
    assert by_pair["target_degree"].to_dict()[("A", "B")] == 2
    np.testing.assert_allclose(by_pair.loc[("A", "C"), "target_adjusted"], 0.9 - (0.9 - 1) / 2)
    assert table["status"].tolist() == [KNOWN_TRAIN, NOVEL, NOVEL, TEST_NEGATIVE]


def test_statuses_say_which_pairs_were_training_negatives(demo):
    from gnt_core.science.candidates import pair_statuses
    from gnt_core.science.splits import split_pairs

    split = split_pairs(demo.edges, demo.n_genes, protocol="candidates", seed=0,
                        regulators=demo.regulators)
    pairs = candidate_pairs(demo)
    status = pd.Series(pair_statuses(pairs, split, demo.edges, demo.n_genes))
    negatives = len(split.train) + len(split.val) - len(split.train.positives) - len(
        split.val.positives) + len(split.ranker_negatives)
    assert (status == TRAINING_NEGATIVE).sum() == negatives
    assert (status == TEST_POSITIVE).sum() == len(split.test.positives)
    assert (status == NOVEL).sum() == 0  # under candidates every universe pair is in the split
    assert (status == TEST_NEGATIVE).sum() == len(split.test) - len(split.test.positives)
    assert set(status) <= set(PAIR_STATUSES)


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
                                       stream_to=tmp_path / "all.parquet",
                                       keep=split.test.pairs[:, ::-1])
    assert streamed.streamed and streamed.n_pairs == memory.n_pairs == 300 * 299 // 2
    # the kept (test) pairs' scores come back, each once, as the in-memory scoring gave them
    assert len(streamed.pairs) == len(split.test.pairs)
    found, at = module.locate_pairs(memory.pairs, streamed.pairs, demo.n_genes)
    assert found.all()
    np.testing.assert_allclose(streamed.scores, memory.scores[at], rtol=1e-6)
    # and the ranker's own score (the stack without GNT), as it scores the universe's pairs
    # (listed as the universe lists them: two genes that cannot regulate are scored as listed)
    np.testing.assert_allclose(streamed.ranker_scores, memory.ranker_scores[at], rtol=1e-6)
    np.testing.assert_allclose(memory.ranker_scores[at], model.ranker_score(memory.pairs[at]))
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
