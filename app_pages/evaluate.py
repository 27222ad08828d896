"""Evaluate: ROC/PR of GNT beside every baseline on the same test pairs, metrics over seeds with
a one-line verdict and warnings where a baseline or the ablation is as good, precision at the
head of the ranking, and what calling the top N pairs would give."""

import json

import pandas as pd
import streamlit as st

from gnt_core.outputs.export import spreadsheet_csv
from gnt_core.science.calibration import held_out_reliability
from gnt_core.science.metrics import (
    compare_methods,
    format_metrics,
    metrics_frame,
    precision_recall_at,
    verdict_line,
)
from gnt_core.vocabulary import METHOD_LABELS, PROTOCOL_DESCRIPTIONS, STACK_INPUT_LABELS
from gnt_core.workflows.discover import test_rankings
from ui import charts, notes, state
from ui.text import counted, plain

st.title("Evaluate")
run = state.evaluation_run()
if run is None:
    st.info("No finished run is selected. Train one, or open one on the Runs page.")
    st.page_link("app_pages/train.py", label="Train", icon=":material/model_training:")
    st.stop()

metrics = run.metrics
config = run.config
runs = [r.metrics for r in run.evaluation_runs()] or [metrics]
test = metrics.test
st.header(f"Test performance — {metrics.protocol} protocol")
first = test["gnt"]
st.write(f"Test pairs: {PROTOCOL_DESCRIPTIONS.get(metrics.protocol, '')} "
         f"{first['n_pos']:,} positive, {first['n_neg']:,} negative (prevalence "
         f"{first['prevalence']:.4f}). Seeds: {', '.join(str(r.seed) for r in runs)}.")
train, versions = config.settings.train, config.versions
st.caption(plain(f"Dataset {config.dataset_name} · pair features {config.settings.features} · "
                 f"d {train.dim}, alpha {train.alpha}, "
                 f"{counted(train.cell_groups, 'expression token')}, "
                 f"{counted(train.epochs, 'epoch')}, batch {train.batch_size}, lr "
                 f"{train.learning_rate}, device {metrics.validation['gnt']['device']} · "
                 f"run {run.id} · gnt-explorer {versions.get('gnt-explorer')}, torch "
                 f"{versions.get('torch')}, scikit-learn {versions.get('scikit-learn')}"))

summary = metrics_frame([r.test for r in runs])
comparison = compare_methods(summary)
st.markdown(f"**Verdict** ({counted(len(runs), 'seed')}): "
            f"{verdict_line(comparison, METHOD_LABELS)}")
for warning in notes.as_good_as_gnt(comparison):
    st.warning(warning)
shift = metrics.validation["gnt"].get("prior_shift")
if shift:
    st.info(notes.PRIOR_SHIFT.format(slope=shift["platt_slope"]))
layer = metrics.validation["gnt"].get("stacking")
if layer and "ranker" in layer:
    evidence = metrics.validation["gnt"].get("ranker_importance") or {}
    st.info(notes.STACKING.format(weights=", ".join(
        f"{STACK_INPUT_LABELS[name]} {weight:+.2f}"
        for name, weight in sorted(layer.items(), key=lambda item: -abs(item[1]))),
        evidence=", ".join(f"{name.replace('_', ' ')} {share:.0%}" for name, share in
                           sorted(evidence.items(), key=lambda item: -item[1])[:5])))
st.markdown(notes.TRANSFORMER_VERDICT)
with st.expander("Method notes: what the transformer adds"):
    st.markdown(notes.TRANSFORMER)

curves = run.curves
st.caption(f"Curves: seed {metrics.seed} (run {run.id}); the table: every seed of the group.")
left, right = st.columns(2)
left.plotly_chart(charts.roc_figure(curves, test))
log_precision = right.toggle("Log precision axis", value=first["prevalence"] < 0.05,
                             help="At low prevalence the curves differ only near the bottom.")
right.plotly_chart(charts.pr_figure(curves, test, log_precision))
if all("precision_at_k" in c for c in curves.values()):
    st.plotly_chart(charts.precision_at_k_figure(curves, first["prevalence"]))
seeds_at_natural_prevalence = [r for r in run.evaluation_runs()
                               if r.config.protocol == "candidates"]
if len(seeds_at_natural_prevalence) >= 2:
    st.plotly_chart(charts.reliability_figure(held_out_reliability(
        test_rankings(seeds_at_natural_prevalence))))
    st.caption("How far to trust the expected precision that discovery shows: for each seed, "
               "the expected precision fitted on the other seeds against the share of hidden "
               "edges found in that rank bin (bars: sd over seeds).")

st.subheader(f"Metrics (mean ± sd over {counted(len(runs), 'seed')})")
st.dataframe(charts.highlight_winners(format_metrics(summary, METHOD_LABELS), summary),
             hide_index=True)
st.caption("AUPRC ratio = AUPRC / prevalence; EPR = precision among the top k scores "
           "(k = number of test positives) / prevalence. 1.0 is chance for both. Bold: the "
           "best mean of each metric (all of them where methods tie).")

if metrics.test_without_training_positives is not None:
    leaked = metrics.test_pairs_that_are_training_positives
    n_leaked = leaked["labelled_0"] + leaked["labelled_1"]
    st.warning(f"{counted(n_leaked, 'test pair')} of this given split "
               f"{'is a training positive' if n_leaked == 1 else 'are training positives'} "
               f"({leaked['labelled_0']} labelled 0, "
               f"{leaked['labelled_1']} labelled 1). The table above keeps the split's labels; "
               "here are the metrics without those pairs:")
    st.dataframe(format_metrics(metrics_frame([metrics.test_without_training_positives]),
                                METHOD_LABELS), hide_index=True)

st.subheader("Calling the top N test pairs")
predictions = state.table(run.predictions_path)
top_n = st.slider("Treat the N best-ranked test pairs as predicted edges", 1, len(predictions),
                  min(first["n_pos"], len(predictions)), key="evaluate_top_n")
counts = precision_recall_at(predictions["label"].to_numpy(), predictions["gnt"].to_numpy(),
                             top_n)
matrix = pd.DataFrame({"called edge": [counts["tp"], counts["fp"]],
                       "not called": [counts["fn"], counts["tn"]]},
                      index=["true edge", "not an edge"])
left, right = st.columns([2, 1])
left.dataframe(matrix)
right.metric("precision", f"{counts['precision']:.3f}",
             help=f"Chance: the prevalence, {first['prevalence']:.4f}")
right.metric("recall", f"{counts['recall']:.3f}")

left, right = st.columns(2)
left.download_button("Download metrics (JSON)", json.dumps(run.metrics_dict(), indent=2),
                     file_name=f"{run.id}-metrics.json", mime="application/json")
right.download_button("Download the metrics table (CSV)", spreadsheet_csv(summary),
                      file_name=f"{run.id}-metrics.csv", mime="text/csv")
