"""Evaluate: ROC/PR of GNT beside every baseline on the same test pairs, metrics over seeds,
warnings when a baseline is as good, and the confusion matrix at a chosen threshold."""

import json

import numpy as np
import pandas as pd
import streamlit as st

from gnt_core.evaluate import close_baselines, confusion_at, summarise_metrics
from gnt_core.runs import group_runs, read_json, summarise_run
from ui import charts, state
from ui.text import plain

BASELINE_MEANING = {
    "degree": "how many training edges the two genes already have (hub genes)",
    "pcc": "how strongly the two expression profiles correlate",
    "random": "chance",
}
PROTOCOL_NOTE = {
    "random": "Random non-edge pairs as negatives, 1:1 (the thesis' protocol).",
    "tf-matched": "Each negative shares its regulator with a positive, 1:1.",
    "candidates": "Every regulator × gene pair not used in training, at natural prevalence.",
    "given": "A given split (for example a published method's own pairs), used exactly.",
}

st.title("Evaluate")
run = state.run_dir()
if run is None or summarise_run(run).state != "complete":
    st.info("No finished run is selected. Train one, or open one on the Runs page.")
    st.page_link("app_pages/train.py", label="Train", icon=":material/model_training:")
    st.stop()

metrics = state.run_json(run, "metrics.json")
config = read_json(run / "config.json")
runs = [read_json(p / "metrics.json") for p in group_runs(run)] or [metrics]
protocol = metrics["protocol"]
test = metrics["test"]
st.header(f"Test performance — {protocol} protocol")
first = test["gnt"]
st.write(f"{PROTOCOL_NOTE.get(protocol, '')} Test pairs: {first['n_pos']:,} positive, "
         f"{first['n_neg']:,} negative (prevalence {first['prevalence']:.4f}). "
         f"Seeds: {', '.join(str(r['seed']) for r in runs)}.")
train = config["train"]
st.caption(plain(f"Dataset {config['dataset']['name']} · pair features {config['features']} · "
                 f"d {train['dim']}, alpha {train['alpha']}, "
                 f"{train.get('cell_groups', 1)} expression token(s), "
                 f"{train['epochs']} epochs, batch {train['batch_size']}, lr "
                 f"{train['learning_rate']}, device {metrics['validation']['gnt']['device']} · "
                 f"run {run.name} · gnt-explorer {config['versions']['gnt-explorer']}, torch "
                 f"{config['versions']['torch']}, scikit-learn "
                 f"{config['versions']['scikit-learn']}"))

for name, auroc in close_baselines(test):
    st.warning(f"The **{charts.METHOD_LABELS[name]}** reaches AUROC {auroc:.3f}, within 0.02 of "
               f"GNT ({test['gnt']['auroc']:.3f}) or above it. Under this protocol, GNT's "
               f"result is explained as well by {BASELINE_MEANING[name]}: do not read it as "
               "evidence that GNT learnt regulation.")

curves = state.run_json(run, "curves.json")
left, right = st.columns(2)
left.plotly_chart(charts.roc_figure(curves, test))
right.plotly_chart(charts.pr_figure(curves, test))

st.subheader(f"Metrics (mean ± sd over {len(runs)} seed{'s' if len(runs) > 1 else ''})")
summary = summarise_metrics(runs)
shown = pd.DataFrame({"method": summary["method"].map(charts.METHOD_LABELS)})
for column, label in [("auroc", "AUROC"), ("auprc", "AUPRC"), ("auprc_ratio", "AUPRC ratio"),
                      ("epr", "EPR")]:
    shown[label] = [f"{m:.3f}" + ("" if np.isnan(s) else f" ± {s:.3f}")
                    for m, s in zip(summary[column], summary[f"{column}_sd"], strict=True)]
st.dataframe(shown, hide_index=True)
st.caption("AUPRC ratio = AUPRC / prevalence; EPR = precision among the top k scores "
           "(k = number of test positives) / prevalence. 1.0 is chance for both.")

if "test_without_training_positives" in metrics:
    leaked = metrics["test_pairs_that_are_training_positives"]
    st.warning(f"{leaked['labelled_0'] + leaked['labelled_1']} test pairs of this given split "
               f"are training positives ({leaked['labelled_0']} labelled 0, "
               f"{leaked['labelled_1']} labelled 1). The table above keeps the split's labels; "
               "here are the metrics without those pairs:")
    clean = pd.DataFrame(metrics["test_without_training_positives"]).T[
        ["auroc", "auprc", "auprc_ratio", "epr"]]
    clean.index = [charts.METHOD_LABELS.get(m, m) for m in clean.index]
    st.dataframe(clean.style.format("{:.3f}"))

st.subheader("Calling edges at a threshold")
predictions = state.run_table(run, "predictions/test.csv")
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
left.download_button("Download metrics (JSON)", json.dumps(metrics, indent=2),
                     file_name=f"{run.name}-metrics.json", mime="application/json")
right.download_button("Download the metrics table (CSV)", summary.to_csv(index=False),
                      file_name=f"{run.name}-metrics.csv", mime="text/csv")
