"""A run on disk. `Run` is the one owner of a run directory's layout: everything else (the
pipeline, the jobs, the CLI, the benchmark, the pages) reads and writes a run through it.

The files of one run directory:

    status.json            state: queued | running | complete | failed | cancelled, with the
                           error, device and worker pid; 'complete' is written last
    config.json            mode (evaluate | discover), every parameter (settings, phase-1 config;
                           a discovery's settings and the evaluation runs it used), the
                           dataset's summary and load report, package versions, input sha256s
    data/genes.csv         gene, regulator (has out-edges), listed_tf
    data/network.csv       the cleaned network: regulator, target[, weight, sign]
    data/expression.npz    the expression matrix (genes × cells) and the cell names
    splits/{train,val,test}.csv   gene_a, gene_b, label; ranker.csv and layer.csv: the
                           non-edges the ranker and (regulator-balanced splits) the last layer
                           were fitted on
    model/                 GNT: weights.pt (encoder state_dict), features.npz (embeddings and
                           the other per-gene arrays of the pair features), svm.npz, and with
                           stacking stack.npz (the logistic layer and the |PCC| profiles),
                           after regulator-balanced training without the ranker prior.npz
                           (the prior shift)
    gne_mlp/               the GNE-MLP ablation, the same three files
    predictions/test.csv   gene_a, gene_b, label and every method's score of the test pairs
    metrics.json           (evaluation runs) test metrics per method, validation choices,
                           candidates, timings
    curves.json            ROC and PR points per method
    history.json           per-epoch loss and validation AUROC per model
    candidates.csv         the ranked candidate pairs (with their status; a discovery run's are
                           the novel pairs with stability and expected precision)
    candidates.parquet     every candidate score (genome-scale universes only)
    discovery.json         (discovery runs) pairs, seeds, folds, epochs, the cross-fitting scheme,
                           the evaluation runs it was calibrated on, seconds
    calibration.json       (discovery runs) expected precision and recall against rank fraction
    job.json               (app jobs) dataset spec, settings, device, group, submission time
    progress.json          (app jobs) stage, step, fraction, elapsed and remaining time, epochs
    log.txt                (app jobs) the worker process's output
    .worker.lock           (app jobs) flock held by the worker process for its whole life

Every file is written atomically (`storage.write_bytes`); nothing is pickled.
"""

from __future__ import annotations

import fcntl
import io
import os
import platform
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..io import Dataset, LoadReport, gene_index
from ..science.calibration import Calibration
from ..science.pair_features import PairFeaturizer
from ..science.predictor import GNTLinkPredictor
from ..science.prior_shift import RegulatorPrior
from ..science.ranker import TopRanker
from ..science.splits import PairSet, PairSplit, unique_pairs
from ..science.stacking import Stacker
from ..science.svm import RBFDecision
from ..settings import RunSettings
from ..vocabulary import (
    DISCOVER,
    EVALUATE,
    KNOWN_NETWORK,
    KNOWN_TRAIN,
    KNOWN_VAL,
    NOVEL,
    SPLIT_NAMES,
    TEST_NEGATIVE,
    TEST_POSITIVE,
)
from .storage import (
    ensure_free_space,
    from_known_fields,
    gnt_home,
    read_json,
    read_optional_json,
    safe_name,
    write_bytes,
    write_json,
    write_npz,
    write_table,
)

RUN_STATES = ("queued", "running", "complete", "failed", "cancelled")
ACTIVE_STATES = ("queued", "running")
WORKER_LOCK = ".worker.lock"
PACKAGES = ("gnt-explorer", "torch", "numpy", "pandas", "scikit-learn", "networkx")
MODEL_FOLDERS = {"gnt": "model", "gne_mlp": "gne_mlp"}


def default_runs_root() -> Path:
    return gnt_home() / "runs"


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(frozen=True)
class RunStatus:
    """status.json, typed."""

    state: str
    error: str = ""
    device: str = ""
    pid: int | None = None
    updated: float = 0.0
    started: float | None = None

    @property
    def complete(self) -> bool:
        return self.state == "complete"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES



@dataclass
class RunConfig:
    """config.json, typed: the settings, the dataset it ran on and the package versions."""

    created: float
    settings: RunSettings
    dataset: dict  # Dataset.summary(): name, sizes, sources, sha256
    load_report: dict
    versions: dict[str, str]
    mode: str = EVALUATE
    discovery: dict | None = None  # DiscoverySettings of a discovery run
    evaluations: list[str] = field(default_factory=list)  # the runs a discovery relied on

    @property
    def protocol(self) -> str:
        return self.settings.protocol

    @property
    def seed(self) -> int:
        return self.settings.seed

    @property
    def dataset_name(self) -> str:
        return self.dataset.get("name", "?")

    def to_dict(self) -> dict:
        return {"created": self.created, "protocol": self.protocol, "seed": self.seed,
                "features": self.settings.features, "settings": self.settings.to_dict(),
                "train": self.settings.train.to_dict(), "dataset": self.dataset,
                "load_report": self.load_report, "versions": self.versions, "mode": self.mode,
                **({"discovery": self.discovery, "evaluations": self.evaluations}
                   if self.mode == DISCOVER else {})}

    @classmethod
    def from_dict(cls, values: dict) -> RunConfig:
        settings = RunSettings.from_dict(values.get("settings", {}) | {
            "protocol": values.get("protocol", "?"), "seed": values.get("seed", 0),
            "train": values.get("train", {})})
        return cls(values.get("created", 0.0), settings, values.get("dataset", {}),
                   values.get("load_report", {}), values.get("versions", {}),
                   values.get("mode", EVALUATE), values.get("discovery"),
                   values.get("evaluations", []))


@dataclass
class RunMetrics:
    """metrics.json, typed: `test` maps each method to its metrics on the same test pairs."""

    protocol: str
    seed: int
    test: dict[str, dict[str, float]]
    split: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    candidates: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    # a given split whose test pairs include training positives: the metrics without them
    test_without_training_positives: dict | None = None
    test_pairs_that_are_training_positives: dict | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}



@dataclass
class RunSummary:
    """One line of the run list."""

    path: Path
    run_id: str
    state: str
    created: float
    dataset: str
    protocol: str
    seed: int | None
    group: str
    metrics: RunMetrics | None
    mode: str = EVALUATE

    @property
    def complete(self) -> bool:
        return self.state == "complete"


class Run:
    """One run directory (see the module docstring for its files)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Run) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    @property
    def id(self) -> str:
        return self.path.name

    @classmethod
    def create(cls, root: Path | str | None = None, name: str = "run") -> Run:
        """An empty run directory with a unique, safe id; its state starts as 'running'."""
        root = Path(root) if root is not None else default_runs_root()
        root.mkdir(parents=True, exist_ok=True)
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{safe_name(name)}-{secrets.token_hex(3)}"
        run = cls(root / run_id)
        run.path.mkdir()
        run.set_state("running")
        return run

    @classmethod
    def find(cls, run_id: str, root: Path | str | None = None) -> Run | None:
        """The run with this id under root, or None (ids that are not safe names never match)."""
        root = Path(root) if root is not None else default_runs_root()
        if not run_id or safe_name(run_id) != run_id or not (root / run_id).is_dir():
            return None
        return cls(root / run_id)

    # ------------------------------------------------------------ state

    def set_state(self, state: str, **extra) -> None:
        if state not in RUN_STATES:
            raise ValueError(f"state must be one of {RUN_STATES}, not {state!r}")
        write_json(self.path / "status.json", {"state": state, "updated": time.time()} | extra)

    def raw_state(self) -> dict:
        """status.json as written (a missing or unreadable one reads as failed)."""
        try:
            return read_json(self.path / "status.json")
        except (OSError, ValueError):
            return {"state": "failed", "error": "status.json is missing or unreadable"}

    @property
    def status(self) -> RunStatus:
        """The state, except that an active job without a live worker reads as failed."""
        state = self.raw_state()
        if state.get("state") in ACTIVE_STATES and self.is_job and not self.is_alive():
            state = state | {"state": "failed", "error": "the training process ended "
                             "unexpectedly (killed, or the machine restarted); see log.txt, "
                             "then train again"}
        return from_known_fields(RunStatus, state)

    def is_alive(self) -> bool:
        """True while a worker process holds the run's lock."""
        path = self.lock_path
        if not path.exists():
            return False
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    # ------------------------------------------------------------ app jobs

    @property
    def lock_path(self) -> Path:
        return self.path / WORKER_LOCK

    @property
    def log_path(self) -> Path:
        return self.path / "log.txt"

    @property
    def is_job(self) -> bool:
        return (self.path / "job.json").exists()

    @property
    def job(self) -> dict:
        return read_json(self.path / "job.json")

    def write_job(self, job: dict) -> None:
        write_json(self.path / "job.json", job)

    @property
    def progress(self) -> dict:
        return read_optional_json(self.path / "progress.json")

    def write_progress(self, progress: dict) -> None:
        write_json(self.path / "progress.json", progress)

    @property
    def group(self) -> str:
        """Runs submitted together (one per seed) share a group; a lone run is its own."""
        return read_optional_json(self.path / "job.json").get("group") or self.id

    def group_members(self) -> list[Run]:
        """Every run of this run's group (itself included), in any state."""
        group = self.group
        return sorted((Run(p) for p in self.path.parent.iterdir() if p.is_dir()
                       and not p.name.startswith(".") and Run(p).group == group),
                      key=lambda r: r.path)

    def group_runs(self) -> list[Run]:
        """The complete runs of this run's group, this one included when complete."""
        return [r for r in self.group_members() if r.raw_state().get("state") == "complete"]

    def discovery_job(self) -> Run | None:
        """The discovery job submitted with this run (any state), if there is one."""
        return next((r for r in self.group_members() if r.is_job
                     and r.job.get("kind") == DISCOVER), None)

    @property
    def dataset_source(self) -> dict:
        """The DatasetSpec (as a dict) an app job was given to load; {} for other runs."""
        return read_optional_json(self.path / "job.json").get("dataset", {})

    @property
    def dataset_id(self) -> str:
        """The id of the dataset it ran on: its spec's for an app job, else a safe form of the
        dataset's name."""
        return self.dataset_source.get("id") or safe_name(self.config.dataset_name)

    # ------------------------------------------------------------ typed JSON

    @property
    def config(self) -> RunConfig:
        return RunConfig.from_dict(read_json(self.path / "config.json"))

    @property
    def settings(self) -> RunSettings:
        return self.config.settings

    @property
    def metrics(self) -> RunMetrics:
        return from_known_fields(RunMetrics, self.metrics_dict())

    def metrics_dict(self) -> dict:
        """metrics.json as written (for downloads)."""
        return read_json(self.path / "metrics.json")

    @property
    def curves(self) -> dict:
        return read_json(self.path / "curves.json")

    @property
    def history(self) -> dict:
        return read_optional_json(self.path / "history.json")

    def summary(self) -> RunSummary:
        """The run's line in a list; unreadable parts show as a failed state. A job that has
        not written its config yet (queued, starting) is described by what it was given."""
        state = self.status.state
        config = read_optional_json(self.path / "config.json")
        job = read_optional_json(self.path / "job.json")
        given = job.get("settings", {})
        metrics = read_optional_json(self.path / "metrics.json") if state == "complete" else {}
        return RunSummary(self.path, self.id, state,
                          config.get("created", job.get("submitted", self.path.stat().st_mtime)),
                          config.get("dataset", job.get("dataset", {})).get("name", "?"),
                          config.get("protocol", given.get("protocol", "?")),
                          config.get("seed", given.get("seed")), self.group,
                          from_known_fields(RunMetrics, metrics) if "test" in metrics else None,
                          self.mode)

    # ------------------------------------------------------------ tables

    @property
    def candidates_path(self) -> Path:
        return self.path / "candidates.csv"

    @property
    def candidates_parquet(self) -> Path:
        return self.path / "candidates.parquet"

    @property
    def predictions_path(self) -> Path:
        return self.path / "predictions" / "test.csv"

    def candidates(self) -> pd.DataFrame:
        return read_pair_table(self.candidates_path)

    def predictions(self) -> pd.DataFrame:
        return read_pair_table(self.predictions_path)

    # ------------------------------------------------------------ written by the pipeline

    def save_inputs(self, dataset: Dataset, settings: RunSettings, *, mode: str = EVALUATE,
                    discovery: dict | None = None, evaluations: list[str] | None = None
                    ) -> None:
        """config.json and the copy of the dataset the run trains on (refused, before anything
        is written, when the disk could not hold the run)."""
        ensure_free_space(self.path, estimate_run_bytes(dataset), "start this run")
        config = RunConfig(time.time(), settings, dataset.summary(), dataset.report.to_dict(),
                           package_versions(), mode, discovery, evaluations or [])
        write_json(self.path / "config.json", config.to_dict())
        regulators = np.zeros(dataset.n_genes, dtype=bool)
        regulators[dataset.regulators] = True
        listed = np.zeros(dataset.n_genes, dtype=bool)
        if dataset.tf_list is not None:
            listed[dataset.tf_list] = True
        write_table(self.path / "data" / "genes.csv", pd.DataFrame(
            {"gene": dataset.genes, "regulator": regulators, "listed_tf": listed}))
        write_table(self.path / "data" / "network.csv", dataset.edge_table())
        write_npz(self.path / "data" / "expression.npz", expression=dataset.expression,
                  cells=np.asarray(dataset.cells, dtype=str))

    def save_split(self, split: PairSplit, genes: list[str]) -> None:
        names = np.asarray(genes, dtype=object)
        extra = {name: PairSet(pairs, np.zeros(len(pairs), np.int8)) for name, pairs in
                 (("ranker", split.ranker_negatives), ("layer", split.layer_negatives))}
        for name, pair_set in (split.sets() | extra).items():
            write_table(self.path / "splits" / f"{name}.csv",
                        pd.DataFrame({"gene_a": names[pair_set.pairs[:, 0]],
                                      "gene_b": names[pair_set.pairs[:, 1]],
                                      "label": pair_set.labels}))

    def save_predictor(self, predictor: GNTLinkPredictor, method: str = "gnt") -> None:
        folder = self.path / MODEL_FOLDERS[method]
        write_npz(folder / "features.npz", **predictor.featurizer_.to_arrays())
        write_npz(folder / "svm.npz", **predictor.decision_.to_arrays())
        if getattr(predictor, "stack_", None) is not None:
            write_npz(folder / "stack.npz", **predictor.stack_.to_arrays(),
                      **predictor.ranker_.to_arrays())
        if getattr(predictor, "prior_", None) is not None:
            write_npz(folder / "prior.npz", **predictor.prior_.to_arrays())
        if hasattr(predictor, "training_"):
            buffer = io.BytesIO()
            torch.save({k: v.cpu() for k, v in predictor.training_.model.state_dict().items()},
                       buffer)
            write_bytes(folder / "weights.pt", buffer.getvalue())

    def save_results(self, predictions: pd.DataFrame, curves: dict, history: dict,
                     candidates: pd.DataFrame, metrics: dict) -> None:
        """The results; metrics.json last of them."""
        write_table(self.predictions_path, predictions)
        write_json(self.path / "curves.json", curves)
        write_json(self.path / "history.json", history)
        write_table(self.candidates_path, candidates)
        write_json(self.path / "metrics.json", metrics)

    def save_discovery(self, candidates: pd.DataFrame, calibration: Calibration | None,
                       summary: dict) -> None:
        """A discovery's results; discovery.json last."""
        write_table(self.candidates_path, candidates)
        if calibration is not None:
            write_json(self.path / "calibration.json", calibration.to_dict())
        write_json(self.path / "discovery.json", summary)

    @property
    def mode(self) -> str:
        """evaluate or discover (a queued job's kind before its config is written)."""
        config = read_optional_json(self.path / "config.json")
        job = read_optional_json(self.path / "job.json")
        return config.get("mode") or job.get("kind") or EVALUATE

    @property
    def discovery_summary(self) -> dict:
        return read_json(self.path / "discovery.json")

    @property
    def calibration(self) -> Calibration | None:
        values = read_optional_json(self.path / "calibration.json")
        return Calibration.from_dict(values) if values else None

    def discovery_outcome(self, top_n: int = 100) -> dict:
        """What a finished discovery found: how many novel pairs it ranked over how many seeds,
        and the expected precision of its top `top_n` (None without a calibration)."""
        summary, calibration = self.discovery_summary, self.calibration
        n_pairs = summary["n_pairs"]
        top_n = min(top_n, n_pairs)
        precision = (float(calibration.expected([top_n], n_pairs)[0][0])
                     if calibration is not None else None)
        return {"n_pairs": n_pairs, "seeds": len(summary["seeds"]), "top_n": top_n,
                "expected_precision": precision}

    def discovery_run(self) -> Run | None:
        """The newest complete discovery run of this run's group (itself if it is one)."""
        found = [r for r in self.group_runs() if r.mode == DISCOVER]
        return max(found, key=lambda r: r.raw_state().get("updated", 0)) if found else None

    def evaluation_runs(self) -> list[Run]:
        """The complete evaluation runs of this run's group, or those a discovery names."""
        named = [Run(p) for p in self.config.evaluations] if self.mode == DISCOVER else []
        runs = named or [r for r in self.group_runs() if r.mode == EVALUATE]
        return [r for r in runs if r.status.complete]

    # ------------------------------------------------------------ read back

    def dataset(self) -> Dataset:
        """The dataset the run was trained on, from the copy inside the run directory."""
        data = self.path / "data"
        config = read_json(self.path / "config.json")
        genes_table = pd.read_csv(data / "genes.csv", dtype={"gene": str}, keep_default_na=False)
        genes = genes_table["gene"].tolist()
        index = gene_index(genes)
        network = pd.read_csv(data / "network.csv", dtype=str, keep_default_na=False)
        edges = np.stack([network["regulator"].map(index), network["target"].map(index)],
                         axis=1).astype(np.int64)
        with np.load(data / "expression.npz", allow_pickle=False) as arrays:
            expression, cells = arrays["expression"], arrays["cells"].tolist()
        listed = np.flatnonzero(genes_table["listed_tf"].to_numpy(dtype=bool))
        summary = config["dataset"]
        return Dataset(name=summary["name"], expression=expression, genes=genes, cells=cells,
                       edges=edges,
                       regulators=np.flatnonzero(genes_table["regulator"].to_numpy(dtype=bool)),
                       report=LoadReport(**config["load_report"]),
                       tf_list=listed if len(listed) else None, sources=summary["sources"],
                       sha256=summary["sha256"], selection=summary.get("selection", {}))

    def split(self, dataset: Dataset) -> PairSplit:
        index = dataset.gene_index
        sets = {}
        for name in (*SPLIT_NAMES, "ranker", "layer"):
            if not (self.path / "splits" / f"{name}.csv").is_file():  # an older run's
                sets[name] = PairSet(np.empty((0, 2), np.int64), np.empty(0, np.int8))
                continue
            table = read_pair_table(self.path / "splits" / f"{name}.csv")
            pairs = np.stack([table["gene_a"].map(index).to_numpy(),
                              table["gene_b"].map(index).to_numpy()], axis=1).astype(np.int64)
            sets[name] = PairSet(pairs, table["label"].to_numpy(dtype=np.int8))
        config = self.config
        return PairSplit(config.protocol, config.seed, dataset.n_genes, sets["train"],
                         sets["val"], sets["test"], unique_pairs(dataset.edges, dataset.n_genes),
                         ranker_negatives=sets["ranker"].pairs,
                         layer_negatives=sets["layer"].pairs)

    def predictor(self, method: str = "gnt") -> GNTLinkPredictor:
        folder = self.path / MODEL_FOLDERS[method]
        with np.load(folder / "features.npz", allow_pickle=False) as arrays:
            featurizer = PairFeaturizer.from_arrays(arrays)
        with np.load(folder / "svm.npz", allow_pickle=False) as arrays:
            decision = RBFDecision.from_arrays(arrays)
        ranking = expression = None
        if (folder / "stack.npz").is_file():
            with np.load(folder / "stack.npz", allow_pickle=False) as arrays:
                ranking = (TopRanker.from_arrays(arrays), Stacker.from_arrays(arrays))
            expression = self.dataset().expression
        prior = None
        if (folder / "prior.npz").is_file():
            with np.load(folder / "prior.npz", allow_pickle=False) as arrays:
                prior = RegulatorPrior.from_arrays(arrays)
        return GNTLinkPredictor.from_fitted(featurizer, decision, self.settings.train, ranking,
                                            expression, prior)

    def weights(self, method: str = "gnt") -> dict[str, torch.Tensor]:
        """The encoder's state_dict, loaded without unpickling arbitrary objects."""
        return torch.load(self.path / MODEL_FOLDERS[method] / "weights.pt", weights_only=True,
                          map_location="cpu")

    def delete(self, root: Path | str | None = None) -> None:
        """Remove the run directory; refuses paths outside the runs root."""
        root = (Path(root) if root is not None else default_runs_root()).resolve()
        path = self.path.resolve()
        if path.parent != root or not (path / "status.json").exists():
            raise ValueError(f"{path} is not a run directory under {root}")
        shutil.rmtree(path)


def estimate_run_bytes(dataset: Dataset) -> int:
    """About what a run of this dataset writes: its copy of the expression, the candidate
    table (~150 bytes per regulator × gene pair) and the models."""
    pairs = len(dataset.regulators) * dataset.n_genes
    return int(dataset.expression.nbytes + 150 * pairs + 50 * 2**20)


def collect_garbage(root: Path | str | None = None, *, older_than_days: float | None = None,
                    keep: set[str] = frozenset(), dry_run: bool = False) -> list[Path]:
    """Remove failed and cancelled runs and, with `older_than_days`, complete runs older than
    that. Active runs are never touched; nor is any run whose group holds a run id in `keep`
    (for example the runs that verdicts refer to). Returns what was (or would be) removed."""
    root = Path(root) if root is not None else default_runs_root()
    if not root.is_dir():
        return []
    runs = [Run(p) for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    kept_groups = {r.group for r in runs if r.id in keep}
    cutoff = time.time() - (older_than_days or 0) * 86400
    chosen = [r for r in runs if r.group not in kept_groups and (
        r.status.state in ("failed", "cancelled")
        or (older_than_days is not None and r.status.complete
            and r.raw_state().get("updated", time.time()) < cutoff))]
    if not dry_run:
        for run in chosen:
            run.delete(root)
    return [r.path for r in chosen]


def read_pair_table(path: Path) -> pd.DataFrame:
    """A CSV of gene pairs; gene names stay text (a gene called 'NA' or '1' is kept as is).
    A candidate table of an older version gets today's status column."""
    numbers = ("expected_precision", "expected_precision_low", "expected_precision_high",
               "expected_recall", "rank_sd", "score_forward", "score_reverse")
    table = pd.read_csv(path, keep_default_na=False, na_values=dict.fromkeys(numbers, [""]),
                        dtype={"regulator": str, "target": str, "gene_a": str, "gene_b": str,
                               "known": str, "status": str})
    return _with_status(table) if "known" in table.columns else table


def _with_status(table: pd.DataFrame) -> pd.DataFrame:
    """Tables before the status vocabulary held 'known' (train/val/test/network or '') and
    'test_negative'; training negatives were not marked."""
    words = {"train": KNOWN_TRAIN, "val": KNOWN_VAL, "test": TEST_POSITIVE,
             "network": KNOWN_NETWORK}
    status = table["known"].map(words).fillna(NOVEL)
    status[(table["known"] == "") & table["test_negative"].astype(str).eq("True")] = TEST_NEGATIVE
    return table.drop(columns=["known", "test_negative", "false_positive"],
                      errors="ignore").assign(status=status)


def list_runs(root: Path | str | None = None) -> list[RunSummary]:
    """Every run under root, newest first."""
    root = Path(root) if root is not None else default_runs_root()
    if not root.is_dir():
        return []
    runs = [Run(p).summary() for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted(runs, key=lambda r: r.created, reverse=True)


# the functional API of a run directory
def new_run_dir(root: Path | str | None = None, name: str = "run") -> Path:
    return Run.create(root, name).path


def read_state(run_dir: Path) -> dict:
    return Run(run_dir).raw_state()


def delete_run(run_dir: Path, root: Path | str | None = None) -> None:
    Run(run_dir).delete(root)


def load_weights(run_dir: Path, method: str = "gnt") -> dict[str, torch.Tensor]:
    return Run(run_dir).weights(method)


def load_run_dataset(run_dir: Path) -> Dataset:
    return Run(run_dir).dataset()
