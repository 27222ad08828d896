"""Runs: every run on disk; open one, compare two side by side, delete with confirmation,
clean up failed and old runs."""

import pandas as pd
import streamlit as st

from gnt_core.science.metrics import format_metrics, metrics_frame
from gnt_core.store.access import audit
from gnt_core.store.run import ACTIVE_STATES, Run, collect_garbage, list_runs
from gnt_core.store.verdicts import VerdictStore
from gnt_core.vocabulary import METHOD_LABELS
from gnt_core.workflows.jobs import cancel
from ui import access, state
from ui.text import plain

st.title("Runs")
runs = list_runs()
if not runs:
    st.info("No runs yet. Train one on the Train page.")
    st.stop()


def test_metric(summary, method: str, metric: str) -> float | None:
    return summary.metrics.test.get(method, {}).get(metric) if summary.metrics else None


table = pd.DataFrame([{
    "run": r.run_id, "created": pd.Timestamp(r.created, unit="s").strftime("%Y-%m-%d %H:%M"),
    "dataset": r.dataset, "mode": r.mode, "protocol": r.protocol, "seed": r.seed,
    "state": r.state,
    "GNT AUROC": test_metric(r, "gnt", "auroc"), "degree AUROC": test_metric(r, "degree", "auroc"),
    "GNT AUPRC ratio": test_metric(r, "gnt", "auprc_ratio")}
    for r in runs])
st.dataframe(table, hide_index=True, column_config={
    c: st.column_config.NumberColumn(format="%.3f") for c in ("GNT AUROC", "degree AUROC",
                                                              "GNT AUPRC ratio")})
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
    st.write(f"{len(doomed)} run(s) would be removed; runs that verdicts refer to are kept.")
    if doomed and st.button(f"Remove {len(doomed)} run(s)", key="confirm_gc"):
        removed = collect_garbage(older_than_days=days or None, keep=keep)
        audit(access.require_user(), "gc", runs=[p.name for p in removed])
        st.rerun()

st.subheader("Compare two runs")
complete = [r for r in ids if by_id[r].complete and by_id[r].metrics is not None]
pair = st.multiselect("Pick two finished evaluation runs", complete, max_selections=2,
                      key="compare")
if len(pair) == 2:
    columns = st.columns(2)
    for column, run_id in zip(columns, pair, strict=True):
        summary = by_id[run_id]
        column.markdown(f"**{plain(run_id)}**")
        column.caption(plain(f"{summary.dataset} · protocol {summary.protocol} · seed "
                             f"{summary.seed}"))
        column.dataframe(format_metrics(metrics_frame([summary.metrics.test]), METHOD_LABELS),
                         hide_index=True)
