"""Training jobs in their own processes, one at a time per device, observable from any session.

`submit` creates the run directory and starts `python -m gnt_core.workflows.jobs RUN_DIR` in a new
session (closing the browser tab or restarting the app does not stop it). The worker holds an
flock on `RUN_DIR/.worker.lock` for its whole life, inherited from the submitter, so "is the job
alive?" never depends on PIDs. It waits its turn for `$GNT_HOME/locks/<device>.lock` (oldest
job first), runs the pipeline and writes `progress.json` as it goes.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import traceback
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from ..science.device import resolve_device
from ..settings import DiscoverySettings, RunSettings
from ..store.datasets import DatasetSpec
from ..store.run import ACTIVE_STATES, Run, default_runs_root
from ..store.storage import gnt_home
from ..vocabulary import DISCOVER, DISCOVERY_STAGES, EVALUATE, EVALUATION_STAGES, STAGES
from .discover import run_discovery
from .pipeline import run_pipeline

POLL_SECONDS = 0.5


class Cancelled(BaseException):
    """Raised inside the worker when the user cancels the job."""


@dataclass
class JobStatus:
    state: str
    error: str
    progress: dict
    queue_position: int | None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


def submit(spec: DatasetSpec, settings: RunSettings, *, root: Path | None = None,
           name: str | None = None, group: str | None = None,
           discovery: DiscoverySettings | None = None,
           evaluations: list[Path] | None = None) -> Path:
    """Start a job; returns its run directory at once. An evaluation by default; with
    `discovery`, a discovery that uses the given evaluation runs (submit it after them: jobs
    on one device run oldest first, so they are done when it starts)."""
    device = resolve_device(settings.train.device)
    kind = DISCOVER if discovery is not None else EVALUATE
    default = f"{spec.name}-{'discover' if discovery else settings.protocol}-s{settings.seed}"
    run = Run.create(root, name or default)
    lock = os.open(run.lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held from now on: the job never looks dead
        run.write_job({"kind": kind, "dataset": spec.to_dict(), "settings": settings.to_dict(),
                       "device": device, "group": group or run.id, "submitted": time.time(),
                       "discovery": discovery.to_dict() if discovery else None,
                       "evaluations": [str(Path(p).resolve()) for p in evaluations or []]})
        run.set_state("queued", device=device)
        with open(run.log_path, "ab") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "gnt_core.workflows.jobs", str(run.path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, pass_fds=(lock,),
                start_new_session=True, env=os.environ | {"GNT_HOME": str(gnt_home())})
        # reap the worker when it ends (no zombie under a long-running server)
        threading.Thread(target=worker.wait, daemon=True, name=f"reap-{run.id}").start()
    finally:
        os.close(lock)  # the worker's inherited descriptor keeps the lock
    return run.path


def submit_group(spec: DatasetSpec, settings: RunSettings, seeds: list[int], *,
                 discovery: DiscoverySettings | None = None, root: Path | None = None
                 ) -> list[Path]:
    """One evaluation job per seed and, with `discovery`, a discovery job after them, all in
    one group (results show mean ± sd over its evaluations; the discovery uses them all)."""
    group = f"group-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    runs = [submit(spec, replace(settings, seed=seed), root=root, group=group)
            for seed in seeds]
    if discovery is not None:
        runs.append(submit(spec, replace(settings, seed=seeds[0]), root=root, group=group,
                           discovery=discovery, evaluations=runs))
    return runs


def active_jobs(root: Path | None = None) -> list[Path]:
    """Queued and running jobs, oldest first."""
    root = Path(root) if root is not None else default_runs_root()
    if not root.is_dir():
        return []
    jobs = [Run(p) for p in root.iterdir() if (p / "job.json").is_file()]
    active = [r for r in jobs if r.status.active]
    return [r.path for r in sorted(active, key=lambda r: r.job["submitted"])]


def job_status(run_dir: Path) -> JobStatus:
    run = Run(run_dir)
    status = run.status
    position = None
    if status.state == "queued":
        waiting = [p for p in active_jobs(run.path.parent)
                   if Run(p).raw_state().get("device") == status.device]
        position = waiting.index(run.path) if run.path in waiting else None
    return JobStatus(status.state, status.error, run.progress, position)


def cancel(run_dir: Path) -> None:
    """Stop a queued or running job; its state becomes 'cancelled'."""
    run = Run(run_dir)
    state = run.raw_state()
    pid = state.get("pid")
    if pid and run.is_alive():
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    elif state.get("state") in ACTIVE_STATES:
        run.set_state("cancelled")


# ---------------------------------------------------------------- the worker process


class ProgressWriter:
    """Turns pipeline progress events into progress.json (at most a few writes a second)."""

    def __init__(self, run: Run, stages: list[str]):
        self.run = run
        total = sum(STAGES[s].weight for s in stages)
        self.weights = {s: STAGES[s].weight / total for s in stages}
        self.order = stages
        self.started = time.time()
        self.history: dict[str, list[dict]] = {}
        self.last_write = 0.0

    def __call__(self, stage: str, step: int, total: int, info: dict) -> None:
        if "loss" in info:
            self.history.setdefault(stage, []).append(info)
        fraction = self._fraction(stage, step / max(total, 1))
        now = time.time()
        if now - self.last_write < 0.25 and step < total and "loss" not in info:
            return
        elapsed = now - self.started
        self.run.write_progress({
            "stage": stage, "step": step, "total": total, "fraction": fraction,
            "elapsed_s": elapsed,
            "remaining_s": elapsed * (1 - fraction) / fraction if fraction > 0.02 else None,
            "history": self.history, "updated": now})
        self.last_write = now

    def _fraction(self, stage: str, within: float) -> float:
        if stage not in self.weights:
            return 0.0
        done = sum(self.weights[s] for s in self.order[:self.order.index(stage)])
        return min(1.0, done + self.weights[stage] * within)


def _wait_for_device(run: Run, device: str) -> int:
    """Block until this job is the oldest waiting for `device` and holds its lock."""
    locks = gnt_home() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    fd = os.open(locks / f"{device}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    while True:
        states = [(p, Run(p).raw_state()) for p in active_jobs(run.path.parent)]
        waiting = [p for p, state in states
                   if state.get("device") == device and state.get("state") == "queued"]
        if not waiting or waiting[0] == run.path:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                pass
        time.sleep(POLL_SECONDS)


def work(run_dir: Path) -> int:
    def on_term(signum, frame):
        raise Cancelled()

    signal.signal(signal.SIGTERM, on_term)
    # leave a core to the app and the browser: torch's OpenMP threads slow down many-fold when
    # another process takes one of them (measured 0.35 s → 5 s per epoch on 2 cores)
    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
    run = Run(run_dir)
    job = run.job
    device = job["device"]
    try:
        run.set_state("queued", device=device, pid=os.getpid())
        _wait_for_device(run, device)
        run.set_state("running", device=device, pid=os.getpid(), started=time.time())
        settings = RunSettings.from_dict(job["settings"])
        settings = replace(settings, train=replace(settings.train, device=device))
        dataset = DatasetSpec.from_dict(job["dataset"]).load()
        if job.get("kind") == DISCOVER:
            _discover(run, dataset, settings, job)
        else:
            stages = [s for s in EVALUATION_STAGES if s != "gne_mlp" or settings.ablation]
            run_pipeline(dataset, settings, run, progress=ProgressWriter(run, stages))
        return 0
    except Cancelled:
        run.set_state("cancelled", device=device)
        return 1
    except Exception as err:
        traceback.print_exc()
        run.set_state("failed", device=device, error=f"{type(err).__name__}: {err}")
        return 1


def _discover(run: Run, dataset, settings: RunSettings, job: dict) -> None:
    evaluations = [Run(p) for p in job["evaluations"]]
    unfinished = [r.id for r in evaluations if not r.status.complete]
    if unfinished:
        raise RuntimeError(f"the evaluation run(s) {', '.join(unfinished)} did not complete; "
                           "discovery needs their epoch count and calibration")
    run_discovery(dataset, settings, DiscoverySettings(**job["discovery"]), run, evaluations,
                  progress=ProgressWriter(run, list(DISCOVERY_STAGES)))


if __name__ == "__main__":
    sys.exit(work(Path(sys.argv[1])))
