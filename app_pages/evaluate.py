"""Evaluate: ROC/PR of GNT beside every baseline on the same test pairs, metrics over seeds,
warnings when a baseline is as good, and the confusion matrix at a chosen threshold."""

import json

import numpy as np
import pandas as pd
import streamlit as st

from gnt_core.science.metrics import (
    close_baselines,
    confusion_at,
    format_metrics,
    metrics_frame,
)
from gnt_core.vocabulary import METHOD_LABELS, PROTOCOL_DESCRIPTIONS
from ui import charts, state
from ui.text import plain

BASELINE_MEANING = {
    "degree": "how many training edges the two genes already have (hub genes)",
    "pcc": "how strongly the two expression profiles correlate",
    "random": "chance",
}

st.title("Evaluate")
run = state.finished_run()
if run is None:
    st.info("No finished run is selected. Train one, or open one on the Runs page.")
    st.page_link("app_pages/train.py", label="Train", icon=":material/model_training:")
    st.stop()

metrics = run.metrics
config = run.config
runs = [r.metrics for r in run.group_runs()] or [metrics]
test = metrics.test
st.header(f"Test performance — {metrics.protocol} protocol")
first = test["gnt"]
st.write(f"Test pairs: {PROTOCOL_DESCRIPTIONS.get(metrics.protocol, '')} "
         f"{first['n_pos']:,} positive, {first['n_neg']:,} negative (prevalence "
         f"{first['prevalence']:.4f}). Seeds: {', '.join(str(r.seed) for r in runs)}.")
train, versions = config.settings.train, config.versions
st.caption(plain(f"Dataset {config.dataset_name} · pair features {config.settings.features} · "
                 f"d {train.dim}, alpha {train.alpha}, {train.cell_groups} expression "
                 f"token(s), {train.epochs} epochs, batch {train.batch_size}, lr "
                 f"{train.learning_rate}, device {metrics.validation['gnt']['device']} · "
                 f"run {run.id} · gnt-explorer {versions.get('gnt-explorer')}, torch "
                 f"{versions.get('torch')}, scikit-learn {versions.get('scikit-learn')}"))

for name, auroc in close_baselines(test):
    st.warning(f"The **{METHOD_LABELS[name]}** reaches AUROC {auroc:.3f}, within 0.02 of "
               f"GNT ({test['gnt']['auroc']:.3f}) or above it. Under this protocol, GNT's "
               f"result is explained as well by {BASELINE_MEANING[name]}: do not read it as "
               "evidence that GNT learnt regulation.")

curves = run.curves
left, right = st.columns(2)
left.plotly_chart(charts.roc_figure(curves, test))
right.plotly_chart(charts.pr_figure(curves, test))

st.subheader(f"Metrics (mean ± sd over {len(runs)} seed{'s' if len(runs) > 1 else ''})")
summary = metrics_frame([r.test for r in runs])
st.dataframe(format_metrics(summary, METHOD_LABELS), hide_index=True)
st.caption("AUPRC ratio = AUPRC / prevalence; EPR = precision among the top k scores "
           "(k = number of test positives) / prevalence. 1.0 is chance for both.")

if metrics.test_without_training_positives is not None:
    leaked = metrics.test_pairs_that_are_training_positives
    st.warning(f"{leaked['labelled_0'] + leaked['labelled_1']} test pairs of this given split "
               f"are training positives ({leaked['labelled_0']} labelled 0, "
               f"{leaked['labelled_1']} labelled 1). The table above keeps the split's labels; "
               "here are the metrics without those pairs:")
    st.dataframe(format_metrics(metrics_frame([metrics.test_without_training_positives]),
                                METHOD_LABELS), hide_index=True)

st.subheader("Calling edges at a threshold")
predictions = state.table(run.predictions_path)
scores = predictions["gnt"].to_numpy()
threshold = st.slider("GNT score threshold (pairs above it are called edges)",
                      float(np.floor(scores.min())), float(np.ceil(scores.max())), 0.0, 0.05)
counts = confusion_at(predictions["label"].to_numpy(), scores, threshold)
matrix = pd.DataFrame({"called edge": [counts["tp"], counts["fp"]],
                       "not called": [counts["fn"], counts["tn"]]},
                      index=["true edge", "not an edge"])
left, right = st.columns([2, 1])
left.dataframe(matrix)
right.metric("precision", f"{counts['precision']:.3f}")
right.metric("recall", f"{counts['recall']:.3f}")

left, right = st.columns(2)
left.download_button("Download metrics (JSON)", json.dumps(run.metrics_dict(), indent=2),
                     file_name=f"{run.id}-metrics.json", mime="application/json")
right.download_button("Download the metrics table (CSV)", summary.to_csv(index=False),
                      file_name=f"{run.id}-metrics.csv", mime="text/csv")
