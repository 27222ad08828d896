"""Per-regulator metrics and the stacking layer over the ranker's score and the SVM's."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from gnt_core.science.metrics import per_regulator_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import split_pairs
from gnt_core.science.stacking import STACK_INPUTS, Stacker
from gnt_core.settings import RunSettings, TrainConfig, preset
from gnt_core.store.run import Run
from gnt_core.vocabulary import STACK_INPUT_LABELS
from gnt_core.workflows.pipeline import run_pipeline


def test_per_regulator_metrics_by_hand():
    regulators = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    labels = np.array([1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0])
    scores = np.array([.9, .8, .1, .5, .2, .1, .2, .3, .9, .9, .1])
    m = per_regulator_metrics(labels, scores, regulators)
    # regulator 0: 4 of 6 pos/neg pairs ordered right; regulator 1: none; 2 has 1 positive
    assert m["n_regulators"] == 2
    assert m["reg_auroc"] == pytest.approx((4 / 6 + 0.0) / 2)
    none = per_regulator_metrics(labels, scores, regulators, min_positives=5)
    assert none["n_regulators"] == 0 and np.isnan(none["reg_auroc"])


def test_the_stacker_learns_that_the_ranker_is_all_there_is():
    rng = np.random.default_rng(0)
    labels = (rng.random(2000) < 0.3).astype(int)
    ranker = labels * 1.5 + rng.standard_normal(2000)
    inputs = np.column_stack([ranker, rng.standard_normal(2000)])  # columns as STACK_INPUTS
    layer = Stacker.fit(inputs[:1000], labels[:1000])
    weights = layer.weights()
    assert max(weights, key=lambda k: abs(weights[k])) == STACK_INPUTS[0]
    held_out = roc_auc_score(labels[1000:], layer(inputs[1000:]))
    assert held_out > roc_auc_score(labels[1000:], ranker[1000:]) - 0.02


def test_stacked_gnt_saves_reopens_and_scores_the_same(demo, tmp_path):
    settings = RunSettings(protocol="candidates", stacking=True, ablation=False,
                           train=TrainConfig(epochs=3))
    run = Run.create(tmp_path, "stacked")
    metrics = run_pipeline(demo, settings, run)
    assert (run.path / "model" / "stack.npz").is_file()
    split = run.split(run.dataset())
    again = run.predictor().decision_function(split.test.pairs)
    assert roc_auc_score(split.test.labels, again) == pytest.approx(
        metrics["test"]["gnt"]["auroc"], abs=1e-9)
    assert {"reg_auroc", "reg_auprc", "n_regulators"} <= set(metrics["test"]["gnt"])


def test_a_layer_of_an_older_version_is_refused_with_a_clear_error():
    old = {"coef": np.zeros(8), "intercept": np.zeros(1), "mean": np.zeros(8),
           "scale": np.ones(8)}  # svm, degrees, |PCC|, L3: before the ranker
    with pytest.raises(ValueError, match="older GNT Explorer trained it. Train the run again"):
        Stacker.from_arrays(old)


def test_the_layer_is_the_default_but_not_for_tf_matched_or_the_paper():
    def stacking(protocol: str) -> bool:
        return GNTLinkPredictor.from_settings(RunSettings(protocol=protocol,
                                                          stacking=True)).stacking

    assert stacking("candidates") and not stacking("tf-matched")
    assert RunSettings().stacking and not preset("paper").stacking
    assert not RunSettings.from_dict({"protocol": "candidates"}).stacking  # saved before it
    assert list(STACK_INPUT_LABELS) == list(STACK_INPUTS)  # the app names every input


def test_stacking_beats_both_priors_on_the_demo(demo):
    split = split_pairs(demo.edges, demo.n_genes, protocol="candidates", seed=0,
                        regulators=demo.regulators)
    model = GNTLinkPredictor.from_settings(RunSettings(stacking=True,
                                                       train=TrainConfig(epochs=5)))
    model.fit(demo.expression, split.train, split.val, ranker_negatives=split.ranker_negatives)
    from gnt_core.science.baselines import degree_scores, pcc_scores

    stacked = roc_auc_score(split.test.labels, model.decision_function(split.test.pairs))
    svm = roc_auc_score(split.test.labels, model.svm_decision(split.test.pairs))
    priors = [roc_auc_score(split.test.labels, f(split.test.pairs, demo.expression,
                                                 split.train.positives))
              for f in (degree_scores, pcc_scores)]
    assert stacked > max(priors) and stacked > svm
