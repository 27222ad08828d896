"""The Train page's job view: a live progress bar and curves while a job runs, the curves it
left once it ends, and the queue of jobs."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gnt_core.store.run import Run
from gnt_core.vocabulary import STAGES
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


def training_curves(progress: dict) -> None:
    """The loss and validation AUROC per epoch of each model trained so far (none: nothing)."""
    history = progress.get("history", {})
    if history:
        latest = history[list(history)[-1]][-1]
        st.write(f"Epoch {latest['epoch']}/{latest['epochs']}: loss {latest['loss']:.3f}, "
                 f"validation AUROC {latest['val_auroc']:.3f}")
        st.plotly_chart(charts.training_figure(history))


def queue_table() -> None:
    queue = jobs.active_jobs()
    if queue:
        st.subheader("Training queue")
        st.dataframe([{"run": p.name, "state": Run(p).status.state,
                       "device": Run(p).job.get("device")} for p in queue], hide_index=True)
