import numpy as np
import pytest

from gnt_core.science import embedding as train_module
from gnt_core.science.embedding import train_gene_embeddings
from gnt_core.science.splits import (
    PROTOCOLS,
    pair_keys,
    regulator_gene_pairs,
    split_pairs,
    unique_pairs,
)
from gnt_core.settings import TrainConfig


def keys(pairs, n):
    return set(pair_keys(pairs, n).tolist())


def assert_no_leak(split, n):
    sets = split.sets()
    for a in sets:
        for b in sets:
            if a < b:
                assert not keys(sets[a].pairs, n) & keys(sets[b].pairs, n), (a, b)
    train_pos = keys(split.train.positives, n)
    for name in ("val", "test"):
        assert not keys(sets[name].pairs, n) & train_pos
        assert not keys(sets[name].pairs[:, ::-1], n) & train_pos


def test_reciprocal_edges_collapse_before_splitting():
    edges = np.array([[0, 1], [1, 0], [2, 3], [0, 0], [3, 2], [4, 5]])
    assert unique_pairs(edges, 6).tolist() == [[0, 1], [2, 3], [4, 5]]


def test_regulator_gene_universe_lists_each_unordered_pair_once():
    pairs = regulator_gene_pairs(5, np.array([0, 2]))
    assert len(pairs) == 4 + 4 - 1
    assert len(keys(pairs, 5)) == len(pairs)
    assert not (pairs[:, 0] == pairs[:, 1]).any()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_splits_never_leak_and_follow_the_protocol(demo, protocol):
    n = demo.n_genes
    split = split_pairs(demo.edges, n, protocol=protocol, seed=3, regulators=demo.regulators)
    assert_no_leak(split, n)
    known = keys(unique_pairs(demo.edges, n), n)
    n_pos = [int(s.labels.sum()) for s in split.sets().values()]
    assert sum(n_pos) == len(known)
    assert abs(n_pos[0] / len(known) - 0.8) < 0.01
    for pair_set in split.sets().values():
        negatives = pair_set.pairs[pair_set.labels == 0]
        assert not keys(negatives, n) & known
        assert not (pair_set.pairs[:, 0] == pair_set.pairs[:, 1]).any()
    if protocol != "candidates":
        assert all(s.prevalence == 0.5 for s in split.sets().values())
    if protocol == "tf-matched":
        for pair_set in (split.train, split.val):
            pos_regs = np.sort(pair_set.positives[:, 0])
            neg_regs = np.sort(pair_set.pairs[pair_set.labels == 0][:, 0])
            assert pos_regs.tolist() == neg_regs.tolist()
    if protocol == "candidates":
        for pair_set in (split.train, split.val):  # negatives from the test's universe
            negatives = pair_set.pairs[pair_set.labels == 0]
            assert np.isin(negatives[:, 0], demo.regulators).all()
            assert pair_set.prevalence == 0.5
        universe = keys(regulator_gene_pairs(n, demo.regulators), n)
        used = (keys(split.train.pairs, n) | keys(split.val.pairs, n)
                | keys(split.ranker_negatives, n))
        assert keys(split.test.pairs, n) == universe - used
        assert split.test.prevalence < 0.1


def test_splits_are_seeded():
    edges = np.array([[i, (i * 7 + 3) % 50] for i in range(40)])
    a = split_pairs(edges, 50, protocol="random", seed=1)
    b = split_pairs(edges, 50, protocol="random", seed=1)
    c = split_pairs(edges, 50, protocol="random", seed=2)
    assert np.array_equal(a.test.pairs, b.test.pairs)
    assert not np.array_equal(a.test.pairs, c.test.pairs)


def test_too_small_network_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        split_pairs(np.array([[0, 1], [1, 0]]), 3)


def test_phase_one_sees_only_training_positives(demo, monkeypatch):
    split = split_pairs(demo.edges, demo.n_genes, protocol="random", seed=0)
    seen = []
    original = train_module.neighbour_examples

    def spy(positives):
        seen.append(np.array(positives))
        return original(positives)

    monkeypatch.setattr(train_module, "neighbour_examples", spy)
    train_gene_embeddings(demo.expression, split.train, split.val, TrainConfig(epochs=1))
    assert len(seen) == 1
    assert keys(seen[0], demo.n_genes) == keys(split.train.positives, demo.n_genes)
    held_out = keys(split.val.positives, demo.n_genes) | keys(split.test.positives, demo.n_genes)
    assert not keys(seen[0], demo.n_genes) & held_out


def dense_network(n_genes: int, n_regulators: int, density: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pairs = np.array([(r, g) for r in range(n_regulators) for g in range(n_genes) if r != g])
    return pairs[rng.random(len(pairs)) < density]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_dense_cell_type_specific_network_splits_at_once_or_is_refused(protocol):
    """22 regulators × 632 genes with 53 % of the pairs edges (a cell-type-specific ChIP-seq
    network): the rejection sampler once looped forever on it."""
    from gnt_core.io import GntInputError

    edges = dense_network(632, 22, 0.53)
    split = split_pairs(edges, 632, protocol=protocol, seed=0)
    assert_no_leak(split, 632)
    for pair_set in split.sets().values():
        assert 0 < pair_set.labels.sum() < len(pair_set)
    if protocol == "candidates":  # fewer non-edges than positives: fewer negatives, said
        assert "Dense network: 53% of the 13,651 regulator × gene pairs" in split.notes[0]
    with pytest.raises(GntInputError, match="cannot be used on this network"):
        split_pairs(dense_network(40, 40, 0.97), 40, protocol=protocol, seed=0)


def test_ranker_negatives_are_non_edges_that_no_set_holds(demo):
    for protocol in ("candidates", "random"):
        split = split_pairs(demo.edges, demo.n_genes, protocol=protocol, seed=3,
                            regulators=demo.regulators)
        drawn = pair_keys(split.ranker_negatives, demo.n_genes)
        assert len(drawn) == len(np.unique(drawn)) > len(split.train.positives)
        listed = np.concatenate([pair_keys(s.pairs, demo.n_genes) for s in split.sets().values()])
        assert not np.isin(drawn, listed).any()
        assert not np.isin(drawn, pair_keys(split.known_pairs, demo.n_genes)).any()
