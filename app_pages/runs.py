"""Runs: every run on disk; open one, compare two side by side, delete with confirmation,
clean up failed and old runs."""

import streamlit as st

from gnt_core.store.access import audit
from gnt_core.store.run import ACTIVE_STATES, Run, collect_garbage, list_runs
from gnt_core.store.verdicts import VerdictStore
from gnt_core.workflows.jobs import cancel
from ui import access, state
from ui.runs import NO_VALUE, compare, run_table
from ui.text import counted, plain

st.title("Runs")
runs = list_runs()
if not runs:
    st.info("No runs yet. Train one on the Train page.")
    st.stop()

st.dataframe(run_table(runs), hide_index=True)
st.caption(f"{NO_VALUE}: a discovery has no test pairs (it trains on every known edge); its "
           "line says how many novel pairs it ranked, over how many seeds, and the expected "
           "precision of its top 100. An unfinished run has no results yet.")
by_id = {r.run_id: r for r in runs}
ids = list(by_id)

st.subheader("Open a run")
chosen = st.selectbox("Run", ids, key="open_run")
left, middle, right = st.columns(3)
if left.button("Make it the active run", type="primary"):
    state.set_run(by_id[chosen].path)
    st.rerun()
if by_id[chosen].state in ACTIVE_STATES and middle.button("Cancel it"):
    cancel(by_id[chosen].path)
    st.rerun()
with right.popover("Delete it…"):
    st.write(f"Delete run {plain(chosen)} and all its files? This cannot be undone.")
    if by_id[chosen].state in ACTIVE_STATES:
        st.write("Cancel it first: it is still active.")
    elif st.button("Yes, delete", key="confirm_delete"):
        Run(by_id[chosen].path).delete()
        audit(access.require_user(), "delete run", run=chosen)
        st.session_state.pop("run", None)
        st.query_params.pop("run", None)
        st.rerun()

with st.expander("Clean up: remove failed, cancelled and old runs"):
    days = st.number_input("Also remove finished runs older than this many days (0 = keep "
                           "them)", 0, 3650, 0)
    keep = set(VerdictStore().table()["run_id"])
    doomed = collect_garbage(older_than_days=days or None, keep=keep, dry_run=True)
    st.write(f"{counted(len(doomed), 'run')} would be removed; runs that verdicts refer to are "
             "kept.")
    if doomed and st.button(f"Remove {counted(len(doomed), 'run')}", key="confirm_gc"):
        removed = collect_garbage(older_than_days=days or None, keep=keep)
        audit(access.require_user(), "gc", runs=[p.name for p in removed])
        st.rerun()

st.subheader("Compare two runs")
complete = [r for r in ids if by_id[r].complete and by_id[r].metrics is not None]
pair = st.multiselect("Pick two finished evaluation runs", complete, max_selections=2,
                      key="compare")
if len(pair) == 2:
    compare(*(Run(by_id[run_id].path) for run_id in pair))
