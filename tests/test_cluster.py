"""Scale-out on Dask distributed: the same rows on a local cluster as in one process, a worker
killed mid-grid, a scheduler that does not answer, a cluster started by hand as a user would,
and genome-scale scoring split across workers equal to single-process scoring."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from gnt_core.cli import main
from gnt_core.io import demo_dataset
from gnt_core.science import candidates as candidates_module
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import split_pairs
from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.workflows.benchmark import run_benchmark
from gnt_core.workflows.cluster import open_client
from gnt_core.workflows.genome import score_distributed
from tests.conftest import free_port

SETTINGS = RunSettings(train=TrainConfig(epochs=1))
GRID = (["tf-matched", "candidates"], [0, 1, 2])  # 6 cells
KEY = ["dataset", "protocol", "seed", "method"]
METRIC_COLUMNS = ["auroc", "auprc", "auprc_ratio", "epr", "reg_auroc", "reg_auprc"]


@pytest.fixture(scope="module")
def datasets():
    demo = demo_dataset()
    return {"demo": lambda: demo}


@pytest.fixture(scope="module")
def in_process(datasets, tmp_path_factory):
    return run_benchmark(datasets, *GRID, SETTINGS, tmp_path_factory.mktemp("serial"))


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> None:
    a, b = (f.sort_values(KEY).reset_index(drop=True) for f in (left, right))
    assert a[KEY].equals(b[KEY])
    np.testing.assert_allclose(a[METRIC_COLUMNS].to_numpy(float),
                               b[METRIC_COLUMNS].to_numpy(float), rtol=0, atol=1e-9)


def test_a_local_cluster_of_two_gives_the_same_rows(datasets, in_process, tmp_path):
    with open_client(workers=2) as client:
        rows = run_benchmark(datasets, *GRID, SETTINGS, tmp_path, client=client)
    same_rows(rows, in_process)
    written = pd.read_csv(tmp_path / "results.csv")
    assert not written.duplicated(KEY).any() and len(written) == len(in_process)


def test_a_worker_killed_mid_grid_loses_no_row_and_doubles_none(datasets, in_process,
                                                                 tmp_path):
    killed = []
    with open_client(workers=2) as client:
        pids = list(client.run(os.getpid).values())

        def progress(stage, done, total, info):
            if done >= 1 and not killed and info.get("label") != "cells kept":
                os.kill(pids[0], signal.SIGKILL)  # mid-grid: other cells are running
                killed.append(pids[0])

        rows = run_benchmark(datasets, *GRID, SETTINGS, tmp_path, progress, client=client)
    assert killed
    written = pd.read_csv(tmp_path / "results.csv")
    assert not written.duplicated(KEY).any() and len(written) == len(in_process)
    same_rows(rows, in_process)


def test_killing_the_worker_that_holds_the_data_costs_only_a_retry(datasets, in_process,
                                                                    tmp_path):
    killed = []
    with open_client(workers=2) as client:
        pids = client.run(os.getpid)

        def progress(stage, done, total, info):
            if done >= 1 and not killed and info.get("label") != "cells kept":
                holders = {w for key, workers in client.who_has().items()
                           if key.startswith("Dataset") for w in workers}
                victim = sorted(holders)[0]  # a worker that holds the scattered dataset
                os.kill(pids[victim], signal.SIGKILL)
                killed.append(victim)

        rows = run_benchmark(datasets, *GRID, SETTINGS, tmp_path, progress, client=client)
    assert killed
    written = pd.read_csv(tmp_path / "results.csv")
    assert not written.duplicated(KEY).any() and len(written) == len(in_process)
    same_rows(rows, in_process)


def dask_command() -> str:
    return str(Path(sys.executable).parent / "dask")  # the command the environment installs


def test_a_scheduler_without_workers_is_one_clear_message(tmp_path, capsys, demo_files):
    port = free_port()
    scheduler = subprocess.Popen([dask_command(), "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        started = time.perf_counter()
        code = main(["benchmark", "--data", str(demo_files["expression"].parent), "--seeds",
                     "0", "--epochs", "1", "--scheduler", f"tcp://127.0.0.1:{port}", "--out",
                     str(tmp_path / "b")])
        assert code == 2 and time.perf_counter() - started < 20
        err = capsys.readouterr().err
        assert "has no worker" in err and "Traceback" not in err
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)


def test_ctrl_c_ends_a_benchmark_and_its_workers_within_10_s(tmp_path, demo_files):
    import psutil

    command = [str(Path(sys.executable).parent / "gnt"), "benchmark", "--data",
               str(demo_files["expression"].parent), "--seeds", "0,1,2,3", "--epochs", "200",
               "--workers", "2", "--out", str(tmp_path / "b")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, text=True)
    try:
        for line in process.stderr:  # the cluster is up, then tasks start
            if "Dask dashboard" in line:
                break
        time.sleep(8)
        workers = psutil.Process(process.pid).children(recursive=True)
        assert workers
        started = time.perf_counter()
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
        process.wait(timeout=30)
        _, alive = psutil.wait_procs(workers, timeout=max(0.1, 10 - (time.perf_counter()
                                                                      - started)))
        assert time.perf_counter() - started < 10 and not alive
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_a_scheduler_that_does_not_answer_is_one_clear_message(tmp_path, capsys, demo_files):
    started = time.perf_counter()
    port = free_port()  # nothing listens there
    code = main(["benchmark", "--data", str(demo_files["expression"].parent), "--seeds", "0",
                 "--epochs", "1", "--scheduler", f"tcp://127.0.0.1:{port}", "--out",
                 str(tmp_path / "b")])
    assert code == 2 and time.perf_counter() - started < 15
    err = capsys.readouterr().err
    assert "does not answer" in err and "Traceback" not in err


def test_a_cluster_started_by_hand(in_process, tmp_path, demo_files):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    dask = dask_command()
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                 "--host", "127.0.0.1"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        folder = demo_files["expression"].parent
        assert main(["benchmark", "--data", str(folder), "--protocols", ",".join(GRID[0]),
                     "--seeds", "0,1,2", "--epochs", "1", "--scheduler", address,
                     "--out", str(tmp_path / "b")]) == 0
        rows = pd.read_csv(tmp_path / "b" / "results.csv")
        expected = in_process.assign(dataset=rows["dataset"].iloc[0])
        same_rows(rows, expected)
    finally:
        for process in (*workers, scheduler):
            process.terminate()
        for process in (*workers, scheduler):
            process.wait(timeout=30)


def test_streamed_scoring_over_two_workers_equals_one_process(tmp_path):
    data = demo_dataset(n_genes=1_500, n_regulators=700, n_cells=60)
    split = split_pairs(data.edges, data.n_genes, protocol="random", seed=0)
    model = GNTLinkPredictor(TrainConfig(epochs=1, dim=16)).fit(data.expression, split.train,
                                                                split.val)
    total = candidates_module.count_candidates(data, "all")
    assert total > 1_000_000
    single = candidates_module._stream(model, data, split, "all", "cpu", None,
                                       tmp_path / "single", 20, total)
    with open_client(workers=2) as client:
        spread = score_distributed(client, model, data, split, universe="all", top_k=20,
                                   stream_to=tmp_path / "spread")
    pd.testing.assert_frame_equal(single.table, spread.table)
    assert spread.n_pairs == single.n_pairs == total
    a, b = (pq.read_table(tmp_path / name).to_pandas() for name in ("single", "spread"))
    assert len(a) == len(b) == total
    np.testing.assert_array_equal(np.sort(a["score"].to_numpy()), np.sort(b["score"].to_numpy()))
