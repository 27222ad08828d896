"""Train: choose the protocol, seeds and settings; watch the job; cancel it."""

import streamlit as st

from gnt_core.io import GntInputError, read_split_dir
from gnt_core.science.candidates import UNIVERSES
from gnt_core.science.device import device_info
from gnt_core.settings import (
    PRESET_DESCRIPTIONS,
    DiscoverySettings,
    RunSettings,
    TrainConfig,
    preset,
)
from gnt_core.store.run import Run
from gnt_core.vocabulary import DISCOVER, PROTOCOL_DESCRIPTIONS, PROTOCOLS, STAGES, parse_seeds
from gnt_core.workflows import jobs
from gnt_core.workflows.pipeline import check_split
from ui import charts, state
from ui.text import plain

MAX_SEEDS = 10
MODES = {"discover": "Evaluate, then discover (recommended): measure on held-out edges, then "
                     "train on every known edge and rank the novel pairs",
         "evaluate": "Evaluate only: held-out test pairs and metrics"}
defaults = TrainConfig()

st.title("Train")
spec = state.dataset_spec()
data = state.dataset()
st.write(f"Dataset: **{data.n_genes:,} genes × {data.n_cells:,} cells, {len(data.edges):,} "
         "edges** — change it on the Data page.")
st.caption(plain(spec.name))

with st.form("train"):
    mode = st.radio("What to run", list(MODES), format_func=MODES.get)
    protocol = st.radio("Negative protocol (how test pairs are chosen)", PROTOCOLS, index=2,
                        format_func=lambda p: f"{p} — {PROTOCOL_DESCRIPTIONS[p]}")
    configuration = st.radio("Configuration", list(PRESET_DESCRIPTIONS),
                             format_func=PRESET_DESCRIPTIONS.get)
    left, right = st.columns(2)
    seeds_text = left.text_input("Evaluation seeds (one run per seed; results show mean ± sd)",
                                 "0", help=f"For example 0, 1, 2. At most {MAX_SEEDS}.")
    discovery_seeds = right.number_input(
        "Discovery seeds (consensus and stability)", 1, MAX_SEEDS, DiscoverySettings.seeds,
        help="Discovery trains this many models on every known edge; a pair's stability is "
             "the fraction of them that rank it in the top "
             f"{DiscoverySettings.top_n:,}.")
    info = device_info()
    gpu_note = f"GPU: {info['gpu']}" if info["gpu"] else "no GPU on this machine"
    device = st.selectbox("Device", ["auto", "cpu", "cuda"],
                          help=f"auto uses {info['auto']} here ({gpu_note}).")
    st.caption(f"Device: {gpu_note}.")
    with st.expander("Advanced settings (paper defaults)"):
        left, right = st.columns(2)
        epochs = left.number_input("Epochs", 1, 500, defaults.epochs)
        dim = left.number_input("Embedding size d", 8, 512, defaults.dim, step=8)
        alpha = left.number_input("alpha (weight of expression vs identity)", 0.0, 10.0,
                                  defaults.alpha)
        batch = left.number_input("Batch size", 16, 8192, defaults.batch_size)
        groups = left.number_input("Expression tokens (k-means groups of cells)", 1,
                                   min(16, data.n_cells), defaults.cell_groups,
                                   help="1 = the paper: one token for the whole profile.")
        lr = right.number_input("Learning rate", 1e-5, 1.0, defaults.learning_rate,
                                format="%.4f")
        softmax = right.selectbox("Softmax", ["auto", "full", "sampled"])
        n_neg = right.number_input("Negatives per example (sampled softmax)", 1, 1000,
                                   defaults.n_neg_samples)
        svm_c = right.number_input("SVM C", 0.001, 1000.0, 1.0)
        universe = st.selectbox("Candidate pairs to rank", UNIVERSES,
                                help="regulators: every gene with out-edges × every gene; "
                                     "tf-list: the uploaded TF list × every gene; all: all pairs")
        ablation = st.checkbox("Also train the GNE-MLP ablation", value=True)
        split_dir = st.text_input("Use a given split instead of the protocol (optional)",
                                  placeholder="folder with train.csv, val.csv, test.csv",
                                  help="Columns tf,target,label; e.g. a published method's own "
                                       "splits, to compare on exactly its pairs.").strip()
    submitted = st.form_submit_button("Train", type="primary")

if submitted:
    problem = None
    try:
        seeds = parse_seeds(seeds_text, MAX_SEEDS)
    except ValueError:
        problem = f"Seeds must be 1 to {MAX_SEEDS} whole numbers, such as 0, 1, 2."
    if problem is None and split_dir:
        try:
            read_split_dir(split_dir, data.genes)
        except GntInputError as err:
            problem = f"The given split cannot be used: {plain(err)}"
    if problem is None:
        config = TrainConfig(dim=int(dim), alpha=float(alpha), epochs=int(epochs),
                             batch_size=int(batch), learning_rate=float(lr),
                             n_neg_samples=int(n_neg), softmax=softmax, device=device,
                             cell_groups=int(groups))
        settings = preset(configuration, protocol=protocol, train=config, svm_c=float(svm_c),
                          ablation=ablation, universe=universe, split_dir=split_dir or None)
        try:
            check_split(data, settings)
        except GntInputError as err:
            problem = f"This network cannot be split that way: {plain(err)}"
    if problem:
        st.error(problem)
    else:
        discovery = DiscoverySettings(seeds=int(discovery_seeds)) if mode == "discover" else None
        submitted_runs = jobs.submit_group(spec, settings, seeds, discovery=discovery)
        state.set_run(submitted_runs[0])
        st.toast(f"Started {len(submitted_runs)} job(s). You can close this tab: training goes "
                 "on, and this page re-attaches when you come back.")
        st.rerun()


@st.fragment(run_every=1.0)
def monitor(run) -> None:
    status = jobs.job_status(run)
    if not status.active:
        st.rerun()
    progress = status.progress
    if status.state == "queued":
        st.info(f"Waiting for the device: {status.queue_position or 0} job(s) ahead.")
    else:
        fraction = progress.get("fraction", 0.0)
        remaining = progress.get("remaining_s")
        stage = STAGES[progress["stage"]].label if progress.get("stage") in STAGES else "Starting"
        st.progress(fraction, text=f"{stage} — {progress.get('step', 0)}/"
                    f"{progress.get('total', '?')} · elapsed {progress.get('elapsed_s', 0):.0f} s"
                    f" · about {'…' if remaining is None else f'{remaining:.0f} s'} left")
        history = progress.get("history", {})
        if history:
            latest = history[list(history)[-1]][-1]
            st.write(f"Epoch {latest['epoch']}/{latest['epochs']}: loss {latest['loss']:.3f}, "
                     f"validation AUROC {latest['val_auroc']:.3f}")
            st.plotly_chart(charts.training_figure(history))
    if st.button("Cancel this run"):
        jobs.cancel(run)
    queue_table()


def queue_table() -> None:
    queue = jobs.active_jobs()
    if queue:
        st.subheader("Training queue")
        st.dataframe([{"run": p.name, "state": Run(p).status.state,
                       "device": Run(p).status.device} for p in queue], hide_index=True)


run = state.run()
if run is not None and run.is_job:
    st.header(f"Run {plain(run.id)}")
    status = jobs.job_status(run.path)
    settings = RunSettings.from_dict(run.job["settings"])
    kind = "discovery" if run.mode == DISCOVER or run.job.get("kind") == DISCOVER else "evaluation"
    st.caption(f"{kind} · protocol {settings.protocol}, seed {settings.seed}, "
               f"{settings.train.epochs} epochs, device {run.status.device}")
    if status.active:
        monitor(run.path)
    else:
        discovery = run.discovery_job() if run.mode != DISCOVER else None
        if status.state == "complete":
            st.success("Training finished.")
            st.page_link("app_pages/evaluate.py", label="See the ROC and PR curves",
                         icon=":material/monitoring:")
        if discovery is not None and jobs.job_status(discovery.path).active:
            st.subheader("Discovery")
            monitor(discovery.path)
        elif discovery is not None and discovery.status.complete:
            st.success("Discovery finished: the novel pairs are ranked.")
            st.page_link("app_pages/explore.py", label="Explore the novel pairs",
                         icon=":material/hub:")
        elif discovery is not None:
            st.error(f"Discovery did not finish: {plain(discovery.status.error or 'unknown')}")
        elif status.state == "cancelled":
            st.warning("This run was cancelled.")
        else:
            st.error(f"This run failed: {plain(status.error or 'unknown error')}")
            if run.log_path.exists():
                with st.expander("Log"):
                    st.code(run.log_path.read_text()[-5000:] or "(empty)")
        queue_table()
else:
    queue_table()
