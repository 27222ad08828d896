"""A run's memory estimate is shown before it starts, and a run that would not fit is refused
with advice (CLI and app), before any run folder is made."""

from dataclasses import replace

import pytest

from gnt_core.cli import main
from gnt_core.io import GntInputError
from gnt_core.settings import RunSettings
from gnt_core.store.run import list_runs
from gnt_core.workflows import memory
from tests.test_app import click_train, home, start, texts  # noqa: F401 (a fixture)


def test_the_estimate_grows_with_cells_genes_and_discovery(demo):
    settings = RunSettings()
    small = memory.estimate_memory(demo, settings)
    assert small.total < 2 * memory.GiB and "expression" in small.sentence()
    more_cells = replace(demo, expression=demo.expression.repeat(10, axis=1),
                         cells=demo.cells * 10)
    assert memory.estimate_memory(more_cells, settings).parts["expression"] == pytest.approx(
        10 * small.parts["expression"])
    everything = memory.estimate_memory(demo, replace(settings, universe="all"), discover=True)
    assert everything.parts["candidate pairs"] > small.parts["candidate pairs"]
    assert everything.total > small.total + everything.parts["discovery"] - 1
    assert 0 < memory.available_memory()


def test_a_run_that_would_not_fit_is_refused_with_advice(demo):
    estimate = memory.estimate_memory(demo, RunSettings())
    memory.check_memory(estimate, "This run", available=estimate.total)
    with pytest.raises(GntInputError, match="--top-genes") as refused:
        memory.check_memory(estimate, "This run", available=estimate.total // 2)
    assert "This run needs about" in str(refused.value) and "GiB is free" in str(refused.value)


def test_the_cli_prints_the_estimate_and_refuses_before_making_a_run(demo_files, tmp_path,
                                                                     monkeypatch, capsys):
    monkeypatch.setattr(memory, "available_memory", lambda: 100 << 20)
    run = tmp_path / "run"
    folder = str(demo_files["expression"].parent)
    assert main(["train", "--data", folder, "--epochs", "1", "--out", str(run)]) == 2
    captured = capsys.readouterr()
    assert "Memory: about" in captured.out and "0.1 GiB is free" in captured.out
    assert "--top-genes" in captured.err and not run.exists()


def test_the_train_page_shows_the_estimate_and_refuses_a_job_that_would_not_fit(
        home, monkeypatch):  # noqa: F811
    assert "Memory: a job on this dataset needs about" in texts(start("app_pages/train.py"))
    monkeypatch.setattr(memory, "available_memory", lambda: 100 << 20)
    at = click_train(epochs=1)
    assert any("This job cannot start" in e.value and "Most variable genes" in e.value
               for e in at.error)
    assert not list_runs()
