import numpy as np
import torch

from gnt_core.io import load_beeline_folder, read_split_dir
from gnt_core.science.baselines import BASELINE_FUNCTIONS
from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.pair_features import PairFeaturizer
from gnt_core.science.paths import ThreePaths
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import given_split
from gnt_core.settings import TrainConfig, preset
from tests.conftest import shared


def l3(adjacency: np.ndarray) -> np.ndarray:
    """The textbook L3 matrix A D_in^-1/2 A^T D_out^-1/2 A, written out densely."""
    k_in = np.maximum(adjacency.sum(axis=0), 1)
    k_out = np.maximum(adjacency.sum(axis=1), 1)
    return (adjacency @ np.diag(k_in ** -0.5) @ adjacency.T @ np.diag(k_out ** -0.5)
            @ adjacency)


def random_network(n: int = 40, regulators: int = 10, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    adjacency = ((rng.random((n, n)) < 0.15) & (np.arange(n)[:, None] < regulators))
    np.fill_diagonal(adjacency, False)
    return adjacency.astype(float)


def all_scores(paths: ThreePaths, n: int) -> np.ndarray:
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return paths.score(torch.as_tensor(i.ravel()), torch.as_tensor(j.ravel())).numpy().reshape(
        n, n)


def test_paths_are_l3_and_a_training_edge_scores_its_leave_one_out_value():
    adjacency = random_network()
    edges = np.argwhere(adjacency)
    got = all_scores(ThreePaths.from_edges(edges, len(adjacency)), len(adjacency))
    want = l3(adjacency)
    for i, j in edges:  # the network without the edge i→j
        without = adjacency.copy()
        without[i, j] = 0
        want[i, j] = l3(without)[i, j]
    np.testing.assert_allclose(got, want, atol=1e-5)
    non_edges = adjacency == 0
    np.testing.assert_allclose(got[non_edges], l3(adjacency)[non_edges], atol=1e-5)
    assert (got[edges[:, 0], edges[:, 1]] < l3(adjacency)[edges[:, 0], edges[:, 1]]).all()


def test_duplicate_edges_and_self_loops_do_not_count():
    adjacency = random_network(seed=1)
    edges = np.argwhere(adjacency)
    noisy = np.concatenate([edges, edges[:5], [[3, 3], [0, 0]]])
    n = len(adjacency)
    np.testing.assert_allclose(all_scores(ThreePaths.from_edges(noisy, n), n),
                               all_scores(ThreePaths.from_edges(edges, n), n))


def test_the_paths_block_is_symmetric_and_survives_a_round_trip():
    adjacency = random_network(n=20, regulators=8, seed=2)
    edges = np.argwhere(adjacency)
    rng = np.random.default_rng(0)
    featurizer = PairFeaturizer(("hadamard", "paths"), rng.standard_normal((20, 3)),
                                edges=edges)
    a, b = np.argwhere((adjacency + adjacency.T == 0) & (l3(adjacency) > 0))[0]  # not an edge
    pairs = np.array([[a, b], [b, a], [0, 5], [2, 3]])
    x = featurizer.transform(pairs)
    np.testing.assert_allclose(x[0], x[1])  # a pair is unordered
    np.testing.assert_allclose(featurizer.paths_features(pairs), x[:, 3:])  # the block, unscaled
    forward, backward = l3(adjacency)[a, b], l3(adjacency)[b, a]
    np.testing.assert_allclose(x[0, 3:], [np.log1p(forward + backward),
                                          abs(np.log1p(forward) - np.log1p(backward))],
                               atol=1e-6)
    scaled = featurizer.fit_scaling(pairs, np.array([1, 1, 0, 0]))
    restored = PairFeaturizer.from_arrays(scaled.to_arrays())
    np.testing.assert_array_equal(restored.transform(pairs), scaled.transform(pairs))


def test_the_paths_block_lifts_gnt_on_genelinks_split_of_real_data():
    """Round 8 at a size CI runs: on the validation pairs of GENELink's split of mDC
    non-specific, the paths block lifts the SVM on the same embeddings (AUROC and per-regulator
    AUROC); L3 alone chooses targets within a regulator better than their degree does."""
    folder = shared("beeline-mdc", "nonspecific")
    data = load_beeline_folder(folder)
    split = given_split(read_split_dir(folder / "splits-genelink", data.genes), data.edges,
                        data.n_genes, 0)
    model = GNTLinkPredictor.from_settings(preset("default"), TrainConfig(epochs=10))
    model.fit_embeddings(data.expression, split.train, split.val)
    val = split.val

    def measured(scores: np.ndarray) -> dict[str, float]:
        return evaluation_metrics(val.labels, scores, val.pairs[:, 0])

    def svm(features: str) -> dict[str, float]:
        return measured(model.set_params(features=features).fit_classifier(split.train)
                        .svm_decision(val.pairs))

    with_paths, without = svm("hadamard+degree+paths"), svm("hadamard+degree")
    print(f"validation AUROC {without['auroc']:.3f} → {with_paths['auroc']:.3f}, per regulator "
          f"{without['reg_auroc']:.3f} → {with_paths['reg_auroc']:.3f}")
    assert with_paths["auroc"] > without["auroc"] + 0.01
    assert with_paths["reg_auroc"] > without["reg_auroc"]
    priors = {name: measured(BASELINE_FUNCTIONS[name](val.pairs, data.expression,
                                                      split.train.positives))
              for name in ("paths", "degree")}
    assert priors["paths"]["reg_auroc"] > priors["degree"]["reg_auroc"] + 0.03
