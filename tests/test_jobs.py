"""Training jobs: crash safety, the device queue, concurrent verdicts, hostile names."""

import multiprocessing
import os
import signal
import time

import pytest

from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.store.datasets import DEMO
from gnt_core.store.run import delete_run, list_runs, new_run_dir, read_state
from gnt_core.store.storage import read_json
from gnt_core.store.verdicts import VerdictStore
from gnt_core.workflows import jobs


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def wait(run, until, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = jobs.job_status(run)
        if until(status):
            return status
        time.sleep(0.2)
    raise AssertionError(f"{run.name}: still {jobs.job_status(run).state}")


def settings(epochs: int, seed: int = 0) -> RunSettings:
    return RunSettings(seed=seed, ablation=False, train=TrainConfig(epochs=epochs, device="cpu"))


def test_a_killed_training_process_fails_visibly_and_nothing_else_is_lost():
    done = jobs.submit(DEMO, settings(2))
    wait(done, lambda s: s.state == "complete")
    store = VerdictStore()
    store.set("TF01", "G001", "supported", "kept", "1")

    victim = jobs.submit(DEMO, settings(500))
    wait(victim, lambda s: s.state == "running" and len(
        s.progress.get("history", {}).get("gnt", [])) >= 2)
    os.kill(read_state(victim)["pid"], signal.SIGKILL)  # mid-epoch, no chance to clean up
    status = wait(victim, lambda s: not s.active, seconds=10)
    assert status.state == "failed" and "ended unexpectedly" in status.error
    assert (victim / "log.txt").exists()
    states = {r.run_id: r.state for r in list_runs()}
    assert states == {done.name: "complete", victim.name: "failed"}
    assert read_json(done / "metrics.json")["test"]["gnt"]["auroc"] > 0
    assert store.get("TF01", "G001").note == "kept"

    retry = jobs.submit(DEMO, settings(2))
    assert wait(retry, lambda s: not s.active).state == "complete"


def test_one_job_per_device_the_next_waits_and_files_never_mix():
    first = jobs.submit(DEMO, settings(60, seed=0))
    second = jobs.submit(DEMO, settings(3, seed=1))
    seen_waiting = False
    while jobs.job_status(first).active or jobs.job_status(second).active:
        a, b = jobs.job_status(first), jobs.job_status(second)
        assert not (a.state == "running" and b.state == "running")
        seen_waiting |= a.state == "running" and b.state == "queued" and b.queue_position == 1
        time.sleep(0.1)
    assert seen_waiting
    for run, seed in ((first, 0), (second, 1)):
        assert read_state(run)["state"] == "complete"
        assert read_json(run / "config.json")["seed"] == seed
        assert read_json(run / "metrics.json")["seed"] == seed
    assert (first / "splits" / "test.csv").read_bytes() != (second / "splits" /
                                                            "test.csv").read_bytes()


def test_cancel_a_queued_and_a_running_job():
    running = jobs.submit(DEMO, settings(500))
    queued = jobs.submit(DEMO, settings(500, seed=1))
    wait(running, lambda s: s.state == "running")
    jobs.cancel(queued)
    jobs.cancel(running)
    assert wait(queued, lambda s: not s.active).state == "cancelled"
    assert wait(running, lambda s: not s.active).state == "cancelled"


def _write_verdicts(path, offset):
    store = VerdictStore(path)
    for i in range(150):
        store.set(f"TF{offset}", f"G{i}", "to check", f"note {i}", str(i))


def test_two_writers_lose_no_verdict(tmp_path):
    path = tmp_path / "verdicts.sqlite"
    VerdictStore(path)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_verdicts, args=(path, k)) for k in (1, 2)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
    assert [w.exitcode for w in writers] == [0, 0]
    assert len(VerdictStore(path).table()) == 300


@pytest.mark.parametrize("name", ["../../escape", "/abs/path", "<script>alert(1)</script>",
                                  "x" * 500, "a\x00b\nc", "..", ""])
def test_run_names_never_leave_the_runs_folder(tmp_path, name):
    root = tmp_path / "runs"
    run = new_run_dir(root, name)
    assert run.parent == root and run.name.isprintable() and len(run.name) < 100
    assert set(run.name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                "-_.")
    with pytest.raises(ValueError):
        delete_run(root / ".." / "elsewhere", root)
    delete_run(run, root)
    assert not run.exists()
