import numpy as np
import pytest
import torch
from sklearn.svm import SVC

from gnt_core.classify import PairSVM, RBFDecision, pair_features


def test_hadamard_features_are_symmetric():
    emb = np.random.default_rng(0).standard_normal((5, 4))
    pairs = np.array([[0, 1], [3, 2]])
    np.testing.assert_array_equal(pair_features(emb, pairs), pair_features(emb, pairs[:, ::-1]))
    np.testing.assert_array_equal(pair_features(emb, pairs)[1], emb[3] * emb[2])


def test_batched_decision_equals_sklearn_within_1e6():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((600, 16))
    y = (x[:, 0] * x[:, 1] + 0.3 * rng.standard_normal(600) > 0).astype(int)
    svc = SVC(kernel="rbf", C=2.0, gamma=0.07).fit(x, y)
    decision = RBFDecision.from_svc(svc)
    queries = rng.standard_normal((5000, 16))
    ours, theirs = decision(queries), svc.decision_function(queries)
    assert np.max(np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-3)) < 1e-6
    float32 = decision(queries, dtype=torch.float32)  # the GPU default, summed in float64
    assert np.max(np.abs(float32 - theirs)) < 1e-4
    restored = RBFDecision.from_arrays(decision.to_arrays())
    np.testing.assert_array_equal(restored(queries), ours)


def test_pair_svm_resolves_gamma_scale_like_sklearn():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 8))
    y = (x[:, 0] > 0).astype(int)
    ours = PairSVM().fit(x, y)
    theirs = SVC(kernel="rbf", gamma="scale").fit(x, y)
    assert ours.decision_.gamma == pytest.approx(theirs._gamma)
    np.testing.assert_allclose(ours.decision_function(x), theirs.decision_function(x),
                               rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="both classes"):
        PairSVM().fit(x, np.ones(300))
