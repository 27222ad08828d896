import numpy as np
import pytest
import torch

from gnt_core.science import preprocess
from gnt_core.science.baselines import random_scores
from gnt_core.science.device import resolve_device
from gnt_core.science.embedding import choose_softmax, train_gene_embeddings
from gnt_core.science.encoder import GeneEncoder
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.preprocess import cell_groups, compress_profiles, standardise
from gnt_core.science.splits import split_pairs
from gnt_core.settings import TrainConfig


@pytest.fixture(scope="module")
def split(demo):
    return split_pairs(demo.edges, demo.n_genes, protocol="random", seed=0)


def test_training_is_repeatable_on_cpu_and_reports_every_epoch(demo, split):
    reports = []
    config = TrainConfig(epochs=3, device="cpu", seed=5)
    a = train_gene_embeddings(demo.expression, split.train, split.val, config, reports.append)
    b = train_gene_embeddings(demo.expression, split.train, split.val, config)
    np.testing.assert_array_equal(a.embeddings, b.embeddings)
    assert [r.epoch for r in reports] == [1, 2, 3]
    assert all(np.isfinite(r.loss) and 0 <= r.val_auroc <= 1 for r in reports)
    assert a.best_epoch == 1 + int(np.argmax([r.val_auroc for r in reports]))
    assert a.embeddings.shape == (demo.n_genes, 128)


def test_training_stops_after_patience_epochs_without_a_better_probe(demo, split):
    every = train_gene_embeddings(demo.expression, split.train, split.val,
                                  TrainConfig(epochs=16, patience=0))
    stopped = train_gene_embeddings(demo.expression, split.train, split.val,
                                    TrainConfig(epochs=16, patience=2))
    run = len(stopped.history)
    assert [r.val_auroc for r in stopped.history] == [r.val_auroc for r in every.history][:run]
    assert run == 16 or run - stopped.best_epoch == 2
    assert stopped.best_epoch == 1 + int(np.argmax([r.val_auroc for r in stopped.history]))
    if every.best_epoch <= run:  # the best epoch was seen: the very same embeddings
        np.testing.assert_array_equal(stopped.embeddings, every.embeddings)


def test_loss_falls_with_full_and_sampled_softmax(demo, split):
    for softmax in ("full", "sampled"):
        result = train_gene_embeddings(demo.expression, split.train, split.val,
                                       TrainConfig(epochs=6, softmax=softmax))
        assert result.softmax == softmax
        assert result.history[-1].loss < result.history[0].loss


@pytest.mark.parametrize("architecture,groups", [("transformer", 1), ("mlp", 1),
                                                  ("transformer", 4), ("mlp", 4)])
def test_gnt_learns_held_out_edges_on_the_demo(demo, split, architecture, groups):
    model = GNTLinkPredictor(TrainConfig(epochs=8, architecture=architecture,
                                         cell_groups=groups))
    model.fit(demo.expression, split.train, split.val)
    auroc = evaluation_metrics(split.test.labels,
                               model.decision_function(split.test.pairs))["auroc"]
    chance = evaluation_metrics(split.test.labels,
                                random_scores(split.test.pairs, seed=0))["auroc"]
    assert auroc > 0.8 and auroc > chance + 0.2


def test_cell_groups_split_the_cells_and_one_group_is_the_paper_encoder(demo):
    labels = cell_groups(demo.expression, 4, seed=0)
    assert labels.shape == (demo.n_cells,) and set(labels) == {0, 1, 2, 3}
    expression = torch.from_numpy(standardise(demo.expression))
    grouped = GeneEncoder(expression, cell_groups=torch.from_numpy(labels))
    assert sorted(grouped.group_sizes) == sorted(np.bincount(labels).tolist())
    genes = torch.arange(10)
    assert grouped.embed(genes).shape == (10, 128)
    torch.manual_seed(0)
    paper = GeneEncoder(expression).eval()
    torch.manual_seed(0)
    one_group = GeneEncoder(expression, cell_groups=torch.zeros(demo.n_cells,
                                                                dtype=torch.long)).eval()
    torch.testing.assert_close(paper.embed(genes), one_group.embed(genes), rtol=0, atol=0)


def test_profiles_of_many_cells_become_their_principal_coordinates(monkeypatch):
    rng = np.random.default_rng(0)
    profiles = standardise(rng.standard_normal((60, 20)) @ rng.standard_normal((20, 900)))
    np.testing.assert_array_equal(compress_profiles(profiles)[0], profiles)
    monkeypatch.setattr(preprocess, "MAX_PROFILE_CELLS", 500)
    coords, groups = compress_profiles(profiles)
    assert coords.shape == (60, 60) and groups is None  # fewer genes than components: all kept
    # a linear map of the profile loses nothing: the genes' inner products, scaled by k / cells
    np.testing.assert_allclose(coords @ coords.T, profiles @ profiles.T * 60 / 900, atol=2e-3)
    labels = np.r_[np.zeros(800, int), np.ones(100, int)]  # one group past the cap, one under
    coords, column_groups = compress_profiles(profiles, labels)
    assert coords.shape == (60, 160) and np.bincount(column_groups).tolist() == [60, 100]
    np.testing.assert_array_equal(coords[:, 60:], profiles[:, 800:])


def test_gnt_learns_from_compressed_profiles(demo, split, monkeypatch):
    monkeypatch.setattr(preprocess, "MAX_PROFILE_CELLS", demo.n_cells // 2)
    monkeypatch.setattr(preprocess, "PROFILE_COMPONENTS", 32)
    model = GNTLinkPredictor(TrainConfig(epochs=8)).fit(demo.expression, split.train, split.val)
    assert model.training_.model.expression.shape == (demo.n_genes, 32)
    auroc = evaluation_metrics(split.test.labels,
                               model.decision_function(split.test.pairs))["auroc"]
    assert auroc > 0.8


def test_svm_training_set_is_bounded_and_stratified(demo, split):
    model = GNTLinkPredictor(TrainConfig(epochs=1), svm_max_train_pairs=100)
    model.fit(demo.expression, split.train, split.val)
    assert model.svm_train_pairs_ == 100


def test_device_and_softmax_choices():
    assert resolve_device("cpu") == "cpu"
    assert choose_softmax("auto", 1000, "cpu") == "full"
    assert choose_softmax("auto", 20000, "cpu") == "sampled"
    with pytest.raises(ValueError):
        resolve_device("tpu")
