"""Training jobs in their own processes, one at a time per device, observable from any session.

`submit` creates the run directory and starts `python -m gnt_core.jobs RUN_DIR` in a new
session (closing the browser tab or restarting the app does not stop it). The worker holds an
flock on `RUN_DIR/.worker.lock` for its whole life, inherited from the submitter, so "is the job
alive?" never depends on PIDs. It waits its turn for `$GNT_HOME/locks/<device>.lock` (oldest
job first), runs the pipeline and writes `progress.json` as it goes.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
import traceback
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from .datasets import DatasetSpec
from .pipeline import RunSettings, run_pipeline
from .runs import (
    ACTIVE_STATES,
    WORKER_LOCK,
    default_runs_root,
    effective_state,
    gnt_home,
    is_alive,
    new_run_dir,
    read_json,
    read_state,
    set_state,
    write_json,
)
from .train import resolve_device

STAGE_WEIGHTS = {"split": 0.02, "gnt": 0.6, "gne_mlp": 0.2, "score": 0.15, "baselines": 0.03}
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
           name: str | None = None, group: str | None = None) -> Path:
    """Start a training job; returns its run directory at once."""
    device = resolve_device(settings.train.device)
    run_dir = new_run_dir(root, name or f"{spec.name}-{settings.protocol}-s{settings.seed}")
    lock = os.open(run_dir / WORKER_LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held from now on: the job never looks dead
        write_json(run_dir / "job.json", {"dataset": spec.to_dict(),
                                          "settings": settings.to_dict(), "device": device,
                                          "group": group or run_dir.name,
                                          "submitted": time.time()})
        set_state(run_dir, "queued", device=device)
        with open(run_dir / "log.txt", "ab") as log:
            subprocess.Popen([sys.executable, "-m", "gnt_core.jobs", str(run_dir)],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             pass_fds=(lock,), start_new_session=True,
                             env=os.environ | {"GNT_HOME": str(gnt_home())})
    finally:
        os.close(lock)  # the worker's inherited descriptor keeps the lock
    return run_dir


def active_jobs(root: Path | None = None) -> list[Path]:
    """Queued and running jobs, oldest first."""
    root = Path(root) if root is not None else default_runs_root()
    if not root.is_dir():
        return []
    jobs = [p for p in root.iterdir() if (p / "job.json").is_file()
            and effective_state(p).get("state") in ACTIVE_STATES]
    return sorted(jobs, key=lambda p: read_json(p / "job.json")["submitted"])


def job_status(run_dir: Path) -> JobStatus:
    state = effective_state(run_dir)
    progress = {}
    with suppress(OSError, ValueError):
        progress = read_json(Path(run_dir) / "progress.json")
    position = None
    if state.get("state") == "queued":
        device = state.get("device")
        waiting = [p for p in active_jobs(Path(run_dir).parent)
                   if read_state(p).get("device") == device]
        position = waiting.index(Path(run_dir)) if Path(run_dir) in waiting else None
    return JobStatus(state.get("state", "failed"), state.get("error", ""), progress, position)


def cancel(run_dir: Path) -> None:
    """Stop a queued or running job; its state becomes 'cancelled'."""
    state = read_state(run_dir)
    pid = state.get("pid")
    if pid and is_alive(run_dir):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    elif state.get("state") in ACTIVE_STATES:
        set_state(run_dir, "cancelled")


# ---------------------------------------------------------------- the worker process


class ProgressWriter:
    """Turns pipeline progress events into progress.json (at most a few writes a second)."""

    def __init__(self, run_dir: Path, stages: list[str]):
        self.path = Path(run_dir) / "progress.json"
        total = sum(STAGE_WEIGHTS[s] for s in stages)
        self.weights = {s: STAGE_WEIGHTS[s] / total for s in stages}
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
        write_json(self.path, {
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


def _wait_for_device(run_dir: Path, device: str) -> int:
    """Block until this job is the oldest waiting for `device` and holds its lock."""
    locks = gnt_home() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    fd = os.open(locks / f"{device}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    while True:
        waiting = [p for p in active_jobs(run_dir.parent)
                   if read_state(p).get("device") == device and read_state(p).get("state")
                   == "queued"]
        if not waiting or waiting[0] == run_dir:
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
    job = read_json(run_dir / "job.json")
    device = job["device"]
    try:
        set_state(run_dir, "queued", device=device, pid=os.getpid())
        _wait_for_device(run_dir, device)
        set_state(run_dir, "running", device=device, pid=os.getpid(), started=time.time())
        settings = RunSettings.from_dict(job["settings"])
        settings = replace(settings, train=replace(settings.train, device=device))
        dataset = DatasetSpec.from_dict(job["dataset"]).load()
        stages = ["split", "gnt", *(["gne_mlp"] if settings.ablation else []), "score",
                  "baselines"]
        run_pipeline(dataset, settings, run_dir, progress=ProgressWriter(run_dir, stages))
        return 0
    except Cancelled:
        set_state(run_dir, "cancelled", device=device)
        return 1
    except Exception as err:
        traceback.print_exc()
        set_state(run_dir, "failed", device=device, error=f"{type(err).__name__}: {err}")
        return 1


if __name__ == "__main__":
    sys.exit(work(Path(sys.argv[1])))
