import numpy as np
import pytest
import torch
from sklearn.svm import SVC

from gnt_core.science.pair_features import PairFeaturizer, parse_features
from gnt_core.science.svm import PairSVM, RBFDecision


def featurizer(blocks: str) -> PairFeaturizer:
    rng = np.random.default_rng(0)
    degree = np.array([[3, 0], [0, 2], [1, 1], [0, 1], [0, 0]])
    names, weights = parse_features(blocks)
    return PairFeaturizer(names, rng.standard_normal((5, 4)), rng.standard_normal((5, 4)),
                          rng.standard_normal(5), degree, block_weights=weights)


def test_hadamard_features_are_symmetric_and_the_papers():
    f = featurizer("hadamard")
    pairs = np.array([[0, 1], [3, 2]])
    np.testing.assert_array_equal(f.transform(pairs), f.transform(pairs[:, ::-1]))
    np.testing.assert_array_equal(f.transform(pairs)[1], f.embeddings[3] * f.embeddings[2])
    assert f.fit_scaling(pairs, np.array([1, 0])).mean is None


def test_logit_and_degree_blocks():
    f = featurizer("logits+degree")
    x = f.transform(np.array([[0, 1]]))
    h, w, b = f.embeddings, f.output_weight, f.output_bias
    np.testing.assert_allclose(x[0, :2], [h[0] @ w[1] + b[1], h[1] @ w[0] + b[0]])
    out, into = np.log1p([3, 0]), np.log1p([0, 2])  # degrees of genes 0 and 1
    np.testing.assert_allclose(x[0, 2:], [out.sum(), abs(out[0] - out[1]), into.sum(),
                                          abs(into[0] - into[1])])
    np.testing.assert_allclose(f.transform(np.array([[1, 0]]))[0, 2:], x[0, 2:])  # symmetric
    own = f.transform(np.array([[0, 1]]), own_edges=np.array([1]))  # leave the edge 0→1 out
    out, into = np.log1p([2, 0]), np.log1p([0, 1])
    np.testing.assert_allclose(own[0, 2:], [out.sum(), abs(out[0] - out[1]), into.sum(),
                                            abs(into[0] - into[1])])
    scaled = f.fit_scaling(np.array([[0, 1], [2, 3], [4, 0]]), np.array([1, 0, 0]))
    z = scaled.transform(np.array([[0, 1], [2, 3], [4, 0]]), np.array([1, 0, 0]))
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-9)
    restored = PairFeaturizer.from_arrays(scaled.to_arrays())
    np.testing.assert_array_equal(restored.transform(np.array([[1, 4]])),
                                  scaled.transform(np.array([[1, 4]])))
    with pytest.raises(ValueError, match="blocks"):
        parse_features("hadamard+magic")
    assert parse_features("hadamard+degree*2.5") == (("hadamard", "degree"), (1.0, 2.5))
    with pytest.raises(ValueError, match="positive weight"):
        parse_features("hadamard*0")


def test_batched_decision_equals_sklearn_within_1e6():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((600, 16))
    y = (x[:, 0] * x[:, 1] + 0.3 * rng.standard_normal(600) > 0).astype(int)
    svc = SVC(kernel="rbf", C=2.0, gamma=0.07).fit(x, y)
    decision = RBFDecision.from_svc(svc)
    queries = rng.standard_normal((5000, 16))
    ours, theirs = decision(queries, dtype=torch.float64), svc.decision_function(queries)
    assert np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-3)) < 1e-6
    float32 = decision(queries)  # the default kernel, summed in float64
    assert np.max(np.abs(float32 - theirs)) < 1e-4
    restored = RBFDecision.from_arrays(decision.to_arrays())
    np.testing.assert_array_equal(restored(queries), float32)


@pytest.mark.parametrize("device", ["cpu", *(["cuda"] if torch.cuda.is_available() else [])])
def test_fused_and_device_scorers_equal_sklearn(device):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((400, 64))
    y = (x[:, 0] + 0.5 * rng.standard_normal(400) > 0).astype(int)
    svc = SVC(kernel="rbf", gamma=0.0077).fit(x, y)
    decision = RBFDecision.from_svc(svc)
    queries = rng.standard_normal((3000, 64))
    theirs = svc.decision_function(queries)
    for fused in (False, True):
        exact = decision(queries, device=device, fused=fused, dtype=torch.float64)
        assert np.max(np.abs(exact - theirs) / np.maximum(np.abs(theirs), 1e-3)) < 1e-6
        ours = decision(queries, device=device, fused=fused)  # float32 kernel, float64 sum
        assert np.max(np.abs(ours - theirs)) < 1e-4


def test_pair_svm_resolves_gamma_scale_like_sklearn():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 8))
    y = (x[:, 0] > 0).astype(int)
    ours = PairSVM().fit(x, y)
    theirs = SVC(kernel="rbf", gamma="scale").fit(x, y)
    assert ours.decision_.gamma == pytest.approx(theirs._gamma)
    np.testing.assert_allclose(ours.decision_function(x), theirs.decision_function(x),
                               atol=1e-5)  # a float32 kernel
    with pytest.raises(ValueError, match="both classes"):
        PairSVM().fit(x, np.ones(300))
