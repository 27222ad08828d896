"""Page frame: the sidebar with the active dataset and run, and a guard that turns any error
into a message (runs and verdicts on disk are never touched by a failing page)."""

from __future__ import annotations

import logging
import traceback

import streamlit as st

from gnt_core.io import GntInputError
from gnt_core.store.run import Run
from gnt_core.store.storage import gnt_home
from gnt_core.workflows.jobs import active_jobs
from ui import access, state
from ui.text import plain

log = logging.getLogger("gnt_app")


SIDEBAR_REFRESH_S = 2.0


def sidebar() -> None:
    spec = state.dataset_spec()
    with st.sidebar:
        st.caption("Dataset")
        st.text(spec.name)
        jobs_running = bool(active_jobs())
        st.fragment(_run_and_queue, run_every=SIDEBAR_REFRESH_S if jobs_running else None)(
            jobs_running)
        if access.may_see_paths():
            st.caption(f"Data directory: {gnt_home()}")
        access.account()


def _run_and_queue(refreshing: bool) -> None:
    """The active run and the queue, redrawn every few seconds while jobs are active; the whole
    page is redrawn once when the last one ends, which stops the refresh."""
    jobs = active_jobs()
    if refreshing and not jobs:
        st.rerun()
    run = state.run()
    st.caption("Active run")
    if run is None:
        st.text("none yet: train one")
    else:
        summary = run.summary()
        st.text(f"{summary.run_id}\n{summary.state}, protocol {summary.protocol}, "
                f"seed {summary.seed}")
        if summary.metrics is not None and "gnt" in summary.metrics.test:
            st.text(f"GNT test AUROC {summary.metrics.test['gnt']['auroc']:.3f}")
    if jobs:
        running = sum(Run(j).status.state == "running" for j in jobs)
        st.caption("Training queue")
        st.text(f"{running} running, {len(jobs) - running} waiting")


def run_page(page) -> None:
    """Run a page; an error becomes a message, never a traceback."""
    try:
        page.run()
    except GntInputError as err:
        st.error(plain(access.shown(err)))
    except Exception as err:  # a page must never lose the user's work over one error
        log.error("page %s failed:\n%s", getattr(page, "title", "?"), traceback.format_exc())
        st.error(f"Something went wrong on this page ({type(err).__name__}: "
                 f"{plain(access.shown(err))}). Your runs and verdicts are safe on disk. "
                 "Try again, or open another page.")
