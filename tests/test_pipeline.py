import json
from importlib import metadata

import numpy as np
import pandas as pd
import pytest
import torch

from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.store.run import list_runs, load_run_dataset, load_weights, new_run_dir, read_state
from gnt_core.store.storage import safe_name
from gnt_core.vocabulary import METHODS
from gnt_core.workflows.pipeline import evaluate_run, rescore_run, run_pipeline


@pytest.fixture(scope="module")
def run(demo, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    run_dir = new_run_dir(root, "demo")
    settings = RunSettings(protocol="tf-matched", seed=1, train=TrainConfig(epochs=3))
    events = []
    metrics = run_pipeline(demo, settings, run_dir, progress=lambda *e: events.append(e))
    return run_dir, metrics, events


def test_run_directory_holds_everything(run):
    run_dir, metrics, events = run
    for name in ["status.json", "config.json", "metrics.json", "curves.json", "history.json",
                 "candidates.csv", "predictions/test.csv", "splits/train.csv", "splits/val.csv",
                 "splits/test.csv", "model/weights.pt", "model/features.npz", "model/svm.npz",
                 "data/expression.npz"]:
        assert (run_dir / name).is_file(), name
    assert read_state(run_dir)["state"] == "complete"
    assert not list(run_dir.rglob("*.tmp"))
    config = json.loads((run_dir / "config.json").read_text())
    assert config["train"]["epochs"] == 3 and config["protocol"] == "tf-matched"
    assert config["versions"]["torch"] == metadata.version("torch")
    saved = json.loads((run_dir / "metrics.json").read_text())
    assert saved["protocol"] == "tf-matched"
    assert set(saved["test"]) == set(METHODS) - {"ranker"}  # tf-matched: no stack
    for values in saved["test"].values():
        assert {"auroc", "auprc", "auprc_ratio", "epr"} <= set(values)
    split = pd.read_csv(run_dir / "splits" / "test.csv")
    assert list(split.columns) == ["gene_a", "gene_b", "label"]
    stages = {e[0] for e in events}
    assert {"split", "gnt", "gne_mlp", "baselines", "score"} <= stages


def test_saved_run_reopens_and_rescores_without_training(run):
    run_dir, metrics, _ = run
    again = evaluate_run(run_dir)
    for method in metrics["test"]:
        assert again["test"][method]["auroc"] == pytest.approx(metrics["test"][method]["auroc"])
    table = rescore_run(run_dir)
    saved = pd.read_csv(run_dir / "candidates.csv", keep_default_na=False)
    assert table["regulator"].tolist() == saved["regulator"].tolist()
    np.testing.assert_allclose(table["score"], saved["score"], rtol=1e-9)
    weights = load_weights(run_dir)
    assert all(isinstance(v, torch.Tensor) for v in weights.values())
    assert load_run_dataset(run_dir).n_genes == 300


def test_run_listing_and_failed_state(run, demo, tmp_path):
    run_dir, _, _ = run
    summary = [r for r in list_runs(run_dir.parent) if r.path == run_dir][0]
    assert summary.complete and summary.protocol == "tf-matched"
    broken = new_run_dir(tmp_path, "broken")
    with pytest.raises(ValueError):
        run_pipeline(demo, RunSettings(protocol="nonsense"), broken)
    assert read_state(broken)["state"] == "failed"
    assert "nonsense" in read_state(broken)["error"]
    assert not list_runs(tmp_path)[0].complete


def test_candidates_protocol_reuses_candidate_scores(demo, tmp_path):
    run_dir = new_run_dir(tmp_path, "cand")
    metrics = run_pipeline(demo, RunSettings(protocol="candidates", ablation=False,
                                             train=TrainConfig(epochs=2)), run_dir)
    assert metrics["test"]["gnt"]["prevalence"] < 0.1
    table = pd.read_csv(run_dir / "candidates.csv", keep_default_na=False)
    predictions = pd.read_csv(run_dir / "predictions" / "test.csv")
    merged = predictions.merge(table, left_on=["gene_a", "gene_b"],
                               right_on=["regulator", "target"])
    assert len(merged) > 0.9 * len(predictions)
    np.testing.assert_allclose(merged["gnt"], merged["score"])


@pytest.mark.parametrize("name,expected", [("../../etc", "etc"), ("a b/c", "a-b-c"),
                                           ("", "run"), ("..", "run"), ("<script>", "script")])
def test_run_names_cannot_escape(name, expected):
    assert safe_name(name) == expected


def test_a_network_where_regulators_target_most_genes_runs_every_protocol(tmp_path):
    """Every protocol on a network where each regulator targets 60 % of the genes ends (the
    sampler once looped forever), with its shortfall in the run's split summary."""
    import time

    from gnt_core.io import EdgeTable, ExpressionTable, build_dataset, demo_dataset
    from gnt_core.vocabulary import PROTOCOLS

    demo = demo_dataset()
    rng = np.random.default_rng(0)
    edges = [(r, g) for r in demo.genes[:12] for g in demo.genes if r != g and rng.random() < 0.6]
    table = ExpressionTable(demo.expression, demo.genes, demo.cells, "genes_x_cells", [])
    data = build_dataset(table, EdgeTable([a for a, _ in edges], [b for _, b in edges], None,
                                          None, []))
    for protocol in PROTOCOLS:
        started = time.perf_counter()
        settings = RunSettings(protocol=protocol, ablation=False, train=TrainConfig(epochs=2))
        metrics = run_pipeline(data, settings, tmp_path / protocol)
        assert time.perf_counter() - started < 120
        assert 0 <= metrics["test"]["gnt"]["auroc"] <= 1
        if protocol == "candidates":
            assert "Dense network" in metrics["split"]["notes"][0]
