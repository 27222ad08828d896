from dataclasses import replace

import pandas as pd
import pytest

from gnt_core.cli import main
from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.vocabulary import METHODS
from gnt_core.workflows import benchmark
from gnt_core.workflows.benchmark import run_benchmark

SETTINGS = RunSettings(train=TrainConfig(epochs=2))
PER_SEED = 2 * len(METHODS) - 1  # random and tf-matched: no ranker (stack) under tf-matched


@pytest.fixture
def datasets(demo):
    return {"demo": lambda: demo}


def test_grid_rows_summary_and_resume(datasets, tmp_path, monkeypatch):
    results = run_benchmark(datasets, ["random", "tf-matched"], [0, 1], SETTINGS, tmp_path)
    assert len(results) == 2 * PER_SEED
    assert set(results.columns) >= {"dataset", "protocol", "seed", "method", "auroc", "auprc",
                                    "auprc_ratio", "epr", "train_s", "score_s", "device"}
    cell = results[(results.protocol == "random") & (results.seed == 0)]
    assert cell.n_pos.nunique() == 1 and cell.n_neg.nunique() == 1  # same test pairs
    summary = (tmp_path / "summary.md").read_text()
    assert "## demo" in summary and "### Who wins" in summary and "± " in summary
    assert "torch" in summary and "Machine:" in summary

    calls = []
    original = benchmark._cell_rows
    monkeypatch.setattr(benchmark, "_cell_rows", lambda *a: calls.append(a) or original(*a))
    again = run_benchmark(datasets, ["random", "tf-matched"], [0, 1, 2], SETTINGS, tmp_path)
    assert len(calls) == 2  # only the new seed's two cells were computed
    assert len(again) == 3 * PER_SEED
    assert len(pd.read_csv(tmp_path / "results.csv")) == len(again)
    other = RunSettings(train=TrainConfig(epochs=3))
    run_benchmark(datasets, ["random"], [0], other, tmp_path)
    assert len(calls) == 3  # other settings never reuse these rows
    run_benchmark(datasets, ["tf-matched"], [0, 1], replace(SETTINGS, stacking=False), tmp_path)
    assert len(calls) == 3  # tf-matched never uses the layer: the same cells, kept
    reordered = run_benchmark(datasets, ["tf-matched", "random"], [0], SETTINGS, tmp_path)
    assert len(calls) == 3 and list(dict.fromkeys(reordered.protocol)) == ["tf-matched", "random"]


def test_cli_benchmark(tmp_path, capsys):
    assert main(["demo", str(tmp_path / "demo")]) == 0
    assert main(["benchmark", "--data", str(tmp_path / "demo"), "--protocols", "tf-matched",
                 "--seeds", "0", "--epochs", "1", "--out", str(tmp_path / "bench")]) == 0
    assert len(pd.read_csv(tmp_path / "bench" / "results.csv")) == len(METHODS) - 1
    assert main(["benchmark", "--data", str(tmp_path / "demo"), "--protocols", "nope",
                 "--out", str(tmp_path / "bench")]) == 2
    assert "unknown protocol" in capsys.readouterr().err
