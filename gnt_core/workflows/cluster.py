"""Many independent tasks on Dask distributed, the engine arboreto and pySCENIC use: a
`LocalCluster` sized to this machine by default, or an existing cluster by address
(`dask scheduler` + `dask worker` by hand, or dask-jobqueue on SLURM/PBS), or this process
alone (`workers=0`, for debugging).

Workers are processes with one thread each and BLAS/OpenMP at one thread (phase 1 already
trains on one torch thread). A task whose worker dies is retried elsewhere; results come back
to the submitting process, which alone writes them, as each task finishes. Datasets are read
by the submitting process and copied to every worker (`scatter`, broadcast): workers need no
shared filesystem for them (a given split is still read by path, on the worker), and the death
of any one worker loses no data. Ctrl-C closes the cluster within seconds, killing workers that
do not stop in time.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..io.dataset import GntInputError

SCHEDULER_TIMEOUT_S = 10
CLOSE_TIMEOUT_S = 4
RETRIES = 2
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None,
                resources: dict[str, float] | None = None) -> Iterator[Any]:
    """A Dask client for `scheduler` (an address), else for a new LocalCluster of `workers`
    processes (default: one per CPU); None when workers == 0 (run in this process). The
    cluster and its worker processes are closed on exit, Ctrl-C included."""
    if scheduler is None and workers == 0:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        client = _connect(scheduler)
        try:
            yield client
        finally:
            client.close(timeout=CLOSE_TIMEOUT_S)
        return
    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                           processes=True, dashboard_address="127.0.0.1:0",
                           env=SINGLE_THREAD, resources=resources)
    client = Client(cluster)
    print(f"Dask dashboard: {client.dashboard_link}", file=sys.stderr)
    try:
        yield client
    except BaseException:  # Ctrl-C or an error: stop the workers first, then close
        cluster.shutdown_on_close = False  # distributed's exit hook would wait on them again
        _kill_workers(before)
        raise
    finally:
        _close(client, cluster, before)


def _connect(scheduler: str) -> Any:
    """A client of a scheduler that answers and has at least one worker, or GntInputError."""
    from dask.distributed import Client

    try:
        client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, TimeoutError) as err:
        raise GntInputError(f"the Dask scheduler {scheduler} does not answer ({err}). "
                            "Start it ('dask scheduler') and its workers ('dask worker "
                            f"{scheduler}'), or leave out --scheduler to use this "
                            "machine.") from None
    try:
        client.wait_for_workers(1, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, TimeoutError):
        client.close(timeout=CLOSE_TIMEOUT_S)
        raise GntInputError(f"the Dask scheduler {scheduler} answers but has no worker after "
                            f"{SCHEDULER_TIMEOUT_S} s. Start workers ('dask worker "
                            f"{scheduler}'), or leave out --scheduler to use this "
                            "machine.") from None
    return client


def _close(client: Any, cluster: Any, before: set[int]) -> None:
    """Close the client and the cluster; worker processes still alive after that (busy in a
    task, or hit by the terminal's Ctrl-C as well) are killed."""
    for closing in (client, cluster):
        try:
            closing.close(timeout=CLOSE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - closing after an error or Ctrl-C: kill below
            pass
    _kill_workers(before)


def _kill_workers(before: set[int]) -> None:
    """Kill the worker processes (multiprocessing spawns, not its resource tracker) started
    since `before` was taken."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        try:
            if child.pid not in before and "spawn_main" in " ".join(child.cmdline()):
                child.kill()
        except psutil.Error:  # gone already
            pass


def run_tasks(client: Any, function: Callable, tasks: dict[Any, tuple],
              on_result: Callable[[Any, Any], None], *,
              resources: dict[str, float] | None = None) -> None:
    """function(*args) for each key -> args of `tasks`, on the cluster (or in this process
    when client is None); on_result(key, result) runs here as each one finishes, once per
    key, whatever workers died on the way (a lost task is retried elsewhere)."""
    if client is None:
        for key, args in tasks.items():
            on_result(key, function(*args))
        return
    from dask.distributed import as_completed

    run = uuid.uuid4().hex[:8]  # keys unique per call: a long-lived scheduler never mixes runs
    futures = {client.submit(function, *args, key=f"gnt-{_safe(key)}-{run}", pure=False,
                             retries=RETRIES, resources=resources): key
               for key, args in tasks.items()}
    try:
        for future in as_completed(futures):
            on_result(futures[future], future.result())
    except BaseException:
        client.cancel(list(futures))
        raise


def scatter(client: Any, value: Any) -> Any:
    """The value itself in this process; on a cluster a reference to it, copied to every
    worker, so that it outlives any one worker."""
    return value if client is None else client.scatter(value, hash=False, broadcast=True)


def _safe(key: Any) -> str:
    text = "-".join(map(str, key)) if isinstance(key, tuple) else str(key)
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def describe(client: Any) -> str:
    """Where tasks ran, for a run's records: 'this process' or the scheduler and workers."""
    if client is None:
        return "this process"
    workers = client.scheduler_info().get("workers", {})
    return f"Dask scheduler {client.scheduler.address}, {len(workers)} workers"
