"""Train: choose the protocol, seeds and settings (remembered per dataset); watch the job;
cancel it."""

import streamlit as st

from gnt_core.io import GntInputError, read_split_dir
from gnt_core.science.candidates import UNIVERSES
from gnt_core.science.device import device_info
from gnt_core.settings import (
    PRESET_DESCRIPTIONS,
    PRESET_NAMES,
    DiscoverySettings,
    RunSettings,
    TrainConfig,
    preset,
)
from gnt_core.store.access import resolve_in_roots
from gnt_core.vocabulary import DISCOVER, PROTOCOL_DESCRIPTIONS, PROTOCOLS, parse_seeds
from gnt_core.workflows import jobs
from gnt_core.workflows.memory import check_memory, estimate_memory, with_free_memory
from gnt_core.workflows.pipeline import check_split
from ui import access, notes, state
from ui.state import index_of
from ui.text import counted, plain
from ui.training import monitor, queue_table, training_curves

MAX_SEEDS = 10
MODES = {"discover": "Evaluate, then discover (recommended): measure on held-out edges, then "
                     "train on every known edge and rank the novel pairs",
         "evaluate": "Evaluate only: held-out test pairs and metrics"}
TRAIN_FIELDS = ("device", "epochs", "dim", "alpha", "batch_size", "cell_groups",
                "learning_rate", "softmax", "n_neg_samples")
FORM_DEFAULTS = {"mode": "discover", "protocol": "candidates", "seeds": "0",
                 "discovery_seeds": DiscoverySettings().seeds, "svm_c": RunSettings().svm_c,
                 "universe": RunSettings().universe, "ablation": True, "split_dir": "",
                 **{name: getattr(TrainConfig(), name) for name in TRAIN_FIELDS}}

st.title("Train")
spec = state.dataset_spec()
data = state.dataset()
st.write(f"Dataset: **{data.n_genes:,} genes × {data.n_cells:,} cells, "
         f"{counted(len(data.edges), 'edge')}** — change it on the Data page.")
st.caption(plain(spec.name))

configuration = st.radio("Configuration", list(PRESET_DESCRIPTIONS),
                         index=index_of(PRESET_DESCRIPTIONS, state.preference("configuration",
                                                                             "default")),
                         format_func=PRESET_DESCRIPTIONS.get, key="train_configuration")
state.set_preference("configuration", configuration)
with st.expander("Why these defaults?"):
    st.markdown(notes.DEFAULTS_CHOICE)
last = state.remembered_form("train", FORM_DEFAULTS)
chosen: dict = {}
with st.form("train"):
    chosen["mode"] = st.radio("What to run", list(MODES), index_of(MODES, last["mode"]),
                              format_func=MODES.get, key="train_mode")
    chosen["protocol"] = st.radio("Negative protocol (how test pairs are chosen)", PROTOCOLS,
                                  index_of(PROTOCOLS, last["protocol"]),
                                  format_func=lambda p: f"{p} — {PROTOCOL_DESCRIPTIONS[p]}",
                                  key="train_protocol")
    left, right = st.columns(2)
    chosen["seeds"] = left.text_input(
        "Evaluation seeds (one run per seed; results show mean ± sd)", last["seeds"],
        help=f"For example 0, 1, 2. At most {MAX_SEEDS}.", key="train_seeds")
    chosen["discovery_seeds"] = right.number_input(
        "Discovery seeds (consensus and stability)", 1, MAX_SEEDS,
        min(last["discovery_seeds"], MAX_SEEDS),
        help="Discovery trains this many models on every known edge; a pair's stability is "
             "the fraction of them that rank it in the top "
             f"{DiscoverySettings.top_n:,}.", key="train_discovery_seeds")
    info = device_info()
    gpu_note = f"GPU: {info['gpu']}" if info["gpu"] else "no GPU on this machine"
    devices = ["auto", "cpu", "cuda"]
    chosen["device"] = st.selectbox("Device", devices, index_of(devices, last["device"]),
                                    help=f"auto uses {info['auto']} here ({gpu_note}).",
                                    key="train_device")
    st.caption(f"Device: {gpu_note}.")
    with st.expander(f"Advanced settings ({PRESET_NAMES[configuration]})"):
        left, right = st.columns(2)
        chosen["epochs"] = left.number_input("Epochs", 1, 500, last["epochs"], key="train_epochs")
        chosen["dim"] = left.number_input("Embedding size d", 8, 512, last["dim"], step=8,
                                          key="train_dim")
        chosen["alpha"] = left.number_input("alpha (weight of expression vs identity)", 0.0,
                                            10.0, last["alpha"], key="train_alpha")
        chosen["batch_size"] = left.number_input("Batch size", 16, 8192, last["batch_size"],
                                                 key="train_batch_size")
        most_groups = min(16, data.n_cells)
        chosen["cell_groups"] = left.number_input(
            "Expression tokens (k-means groups of cells)", 1, most_groups,
            min(last["cell_groups"], most_groups),
            help="1 = the paper: one token for the whole profile.", key="train_cell_groups")
        chosen["learning_rate"] = right.number_input("Learning rate", 1e-5, 1.0,
                                                     last["learning_rate"], format="%.4f",
                                                     key="train_learning_rate")
        softmaxes = ["auto", "full", "sampled"]
        chosen["softmax"] = right.selectbox("Softmax", softmaxes,
                                            index_of(softmaxes, last["softmax"]),
                                            key="train_softmax")
        chosen["n_neg_samples"] = right.number_input(
            "Negatives per example (sampled softmax)", 1, 1000, last["n_neg_samples"],
            key="train_n_neg_samples")
        chosen["svm_c"] = right.number_input("SVM C", 0.001, 1000.0, last["svm_c"],
                                             key="train_svm_c")
        chosen["universe"] = st.selectbox(
            "Candidate pairs to rank", UNIVERSES, index_of(UNIVERSES, last["universe"]),
            help="regulators: every gene with out-edges × every gene; tf-list: the uploaded TF "
                 "list × every gene; all: all pairs", key="train_universe")
        chosen["ablation"] = st.checkbox("Also train the GNE-MLP ablation", last["ablation"],
                                         key="train_ablation")
        chosen["split_dir"] = st.text_input(
            "Use a given split instead of the protocol (optional)", last["split_dir"],
            placeholder="folder with train.csv, val.csv, test.csv",
            help="Columns tf,target,label; e.g. a published method's own splits, to compare "
                 "on exactly its pairs.", key="train_split_dir").strip()
    submitted = st.form_submit_button("Train", type="primary")
estimate = estimate_memory(data, preset(configuration, universe=last["universe"]),
                           last["mode"] == "discover")
st.caption(f"Memory: a job on this dataset needs {with_free_memory(estimate)} on this "
           "machine.")

if submitted:
    state.set_preference("train", chosen)
    problem = None
    try:
        seeds = parse_seeds(chosen["seeds"], MAX_SEEDS)
    except ValueError:
        problem = f"Seeds must be 1 to {MAX_SEEDS} whole numbers, such as 0, 1, 2."
    if problem is None and chosen["split_dir"]:
        try:
            if (roots := access.folder_roots()) is not None:  # shared: inside the data roots
                chosen["split_dir"] = str(resolve_in_roots(chosen["split_dir"], roots))
            read_split_dir(chosen["split_dir"], data.genes)
        except GntInputError as err:
            problem = f"The given split cannot be used: {plain(access.shown(err))}"
    if problem is None:
        config = TrainConfig(**{name: chosen[name] for name in TRAIN_FIELDS})
        settings = preset(configuration, protocol=chosen["protocol"], train=config,
                          svm_c=float(chosen["svm_c"]), ablation=chosen["ablation"],
                          universe=chosen["universe"], split_dir=chosen["split_dir"] or None)
        try:
            check_split(data, settings)
            check_memory(estimate_memory(data, settings, chosen["mode"] == "discover"),
                         "This job")
        except GntInputError as err:
            problem = f"This job cannot start: {plain(err)}"
    if problem:
        st.error(problem)
    else:
        discovery = (DiscoverySettings(seeds=int(chosen["discovery_seeds"]))
                     if chosen["mode"] == "discover" else None)
        submitted_runs = jobs.submit_group(spec, settings, seeds, discovery=discovery)
        state.set_run(submitted_runs[0])
        st.toast(f"Started {counted(len(submitted_runs), 'job')}. You can close this tab: "
                 "training goes on, and this page re-attaches when you come back.")
        st.rerun()

run = state.run()
if run is None or not run.is_job:
    queue_table()
    st.stop()
st.header(f"Run {plain(run.id)}")
status = jobs.job_status(run.path)
settings = RunSettings.from_dict(run.job["settings"])
kind = "discovery" if run.mode == DISCOVER else "evaluation"
st.caption(f"{kind} · protocol {settings.protocol}, seed {settings.seed}, "
           f"{counted(settings.train.epochs, 'epoch')}, device {run.job.get('device', '?')}")
if status.active:
    monitor(run.path)
    st.stop()
if status.state == "complete":
    st.success("Training finished.")
    st.page_link("app_pages/evaluate.py", label="See the ROC and PR curves",
                 icon=":material/monitoring:")
    training_curves(run.progress, finished=True)
elif status.state == "cancelled":
    st.warning("This run was cancelled.")
else:
    st.error(f"This run failed: {plain(access.shown(status.error or 'unknown error'))}")
    if run.log_path.exists():
        with st.expander("Log"):
            st.code(access.shown(run.log_path.read_text()[-5000:]) or "(empty)")
discovery = run.discovery_job() if run.mode != DISCOVER else None
if discovery is not None and discovery.status.active:
    st.subheader("Discovery")
    monitor(discovery.path)
    st.stop()
if discovery is not None and discovery.status.complete:
    st.success("Discovery finished: the novel pairs are ranked.")
    st.page_link("app_pages/explore.py", label="Explore the novel pairs", icon=":material/hub:")
elif discovery is not None:
    error = access.shown(discovery.status.error or "unknown")
    st.error(f"Discovery did not finish: {plain(error)}")
queue_table()
