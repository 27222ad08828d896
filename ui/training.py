"""The Train page's job view: a live progress bar and curves while a job runs, the curves it
left once it ends, and the queue of jobs."""

from __future__ import annotations

import math
from pathlib import Path

import streamlit as st

from gnt_core.store.run import Run
from gnt_core.vocabulary import METHOD_LABELS, STAGES
from gnt_core.workflows import jobs
from ui import charts
from ui.text import counted

MONITOR_REFRESH_S = 1.0


@st.fragment(run_every=MONITOR_REFRESH_S)
def monitor(run_dir: Path) -> None:
    """The job's progress, redrawn every second; the whole page once it ends."""
    status = jobs.job_status(run_dir)
    if not status.active:
        st.rerun()
    if status.state == "queued":
        ahead = status.queue_position or 0
        st.info(f"Queued behind {counted(ahead, 'run')}." if ahead else "Starting…")
    else:
        _progress_bar(status.progress)
        training_curves(status.progress)
    if st.button("Cancel this run"):
        jobs.cancel(run_dir)
    queue_table()


def _progress_bar(progress: dict) -> None:
    remaining = progress.get("remaining_s")
    stage = STAGES[progress["stage"]].label if progress.get("stage") in STAGES else "Starting"
    st.progress(progress.get("fraction", 0.0),
                text=f"{stage} — {progress.get('step', 0)}/{progress.get('total', '?')} · "
                     f"elapsed {progress.get('elapsed_s', 0):.0f} s · about "
                     f"{'…' if remaining is None else f'{remaining:.0f} s'} left")


def training_curves(progress: dict, finished: bool = False) -> None:
    """The loss and validation AUROC per epoch of each model trained so far (none: nothing);
    `finished`: also which epoch each model kept, and why training stopped where it did."""
    history = progress.get("history", {})
    if not history:
        return
    latest = history[list(history)[-1]][-1]
    st.write(f"Epoch {latest['epoch']}/{latest['epochs']}: loss {latest['loss']:.3f}, "
             f"probe AUROC on the validation pairs {latest['val_auroc']:.3f}")
    if finished:
        st.caption(" ".join(epoch_kept(METHOD_LABELS.get(m, m), e) for m, e in history.items())
                   + " The probe (a linear model on the embeddings alone) only picks the epoch; "
                   "the Evaluate page scores the full ranking on the test pairs.")
    st.plotly_chart(charts.training_figure(history))


def epoch_kept(model: str, epochs: list[dict]) -> str:
    """Which epoch `model` kept (the best probe; the last without validation pairs) and
    whether it stopped before the epochs asked for."""
    last = epochs[-1]
    scored = [e for e in epochs
              if e["val_auroc"] is not None and not math.isnan(e["val_auroc"])]
    if not scored:
        return f"{model}: no validation pairs, so its last epoch ({last['epoch']}) is kept."
    best = max(scored, key=lambda e: e["val_auroc"])
    stopped = (f"; it stopped at epoch {last['epoch']} of {last['epochs']}, "
               f"{counted(last['epoch'] - best['epoch'], 'epoch')} without a better probe"
               if last["epoch"] < last["epochs"] else "")
    return f"{model}: epoch {best['epoch']} kept (probe AUROC {best['val_auroc']:.3f}){stopped}."


def queue_table() -> None:
    queue = jobs.active_jobs()
    if queue:
        st.subheader("Training queue")
        st.dataframe([{"run": p.name, "state": Run(p).status.state,
                       "device": Run(p).job.get("device")} for p in queue], hide_index=True)
