import numpy as np
import pytest

from gnt_core.science.baselines import degree_scores, pcc_scores
from gnt_core.science.metrics import curve_points, early_precision, evaluation_metrics


def test_metrics_on_a_hand_checked_example():
    labels = np.array([1, 0, 1, 0, 0, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.4, 0.5])
    m = evaluation_metrics(labels, scores)
    assert m["auroc"] == pytest.approx(1 - 1 / 12)  # one of 12 pos/neg pairs mis-ordered
    assert m["auprc"] == pytest.approx((1 + 2 / 3) / 2)
    assert m["prevalence"] == 0.25
    assert m["auprc_ratio"] == pytest.approx(m["auprc"] / 0.25)
    assert m["epr"] == pytest.approx(0.5 / 0.25)  # top 2 hold 1 positive
    assert (m["n_pos"], m["n_neg"]) == (2, 6)
    assert np.isnan(m["p_at_10"])  # fewer than 10 pairs


def test_precision_at_k_reads_the_top_of_the_list():
    labels = np.r_[np.ones(5), np.zeros(45), np.ones(20), np.zeros(30)].astype(int)
    m = evaluation_metrics(labels, -np.arange(100.0))  # ranked in listed order
    assert (m["p_at_10"], m["p_at_25"], m["p_at_50"], m["p_at_100"]) == (0.5, 0.2, 0.1, 0.25)


def test_early_precision_breaks_ties_by_expectation():
    labels = np.array([1, 0, 1, 0])
    assert early_precision(labels, np.zeros(4), 2) == pytest.approx(0.5)
    assert early_precision(labels, np.array([3, 1, 1, 1.0]), 2) == pytest.approx((1 + 1 / 3) / 2)


def test_metrics_need_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        evaluation_metrics(np.ones(3), np.arange(3))


def test_curves_are_thinned_and_end_points_kept():
    rng = np.random.default_rng(0)
    labels = rng.random(5000) < 0.3
    curves = curve_points(labels, rng.random(5000))
    assert len(curves["roc"]["fpr"]) <= 400
    assert curves["roc"]["fpr"][0] == 0 and curves["roc"]["tpr"][-1] == 1


def test_baselines_compute_what_they_claim():
    train_pos = np.array([[0, 1], [0, 2], [3, 0]])
    pairs = np.array([[0, 4], [1, 2]])
    assert degree_scores(pairs, np.zeros((5, 2)), train_pos).tolist() == [3 + 0, 1 + 1]
    x = np.random.default_rng(0).standard_normal((5, 30))
    expected = [abs(np.corrcoef(x[a], x[b])[0, 1]) for a, b in pairs]
    np.testing.assert_allclose(pcc_scores(pairs, x), expected, rtol=1e-5)
    every = np.array([(a, b) for a in range(5) for b in range(5) if a != b])  # one product
    expected = [abs(np.corrcoef(x[a], x[b])[0, 1]) for a, b in every]
    np.testing.assert_allclose(pcc_scores(every, x), expected, rtol=1e-5)


def test_correlations_of_many_pairs_over_many_cells_take_bounded_memory():
    """The |PCC| baseline of a realistic test set once held pairs × cells at a time (12 GiB
    for 65,536 pairs × 20,000 cells)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 20_000)).astype(np.float32)
    pairs = rng.integers(0, 200, (20_000, 2))
    tracemalloc.start()
    scores = pcc_scores(pairs, x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 150 * 2**20  # the standardised matrix (16 MB) and blocks, not 3.2 GB
    i, j = pairs[7]
    assert scores[7] == pytest.approx(abs(np.corrcoef(x[i], x[j])[0, 1]), abs=1e-5)
