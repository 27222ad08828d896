"""Run directories on disk: everything a run needs to be shown, re-opened and re-scored.

Layout of one run:
    status.json          state: running | complete | failed (written last when complete)
    config.json          every parameter, package versions, input sha256s
    genes.csv, network.csv, splits/{train,val,test}.csv   (gene_a, gene_b, label)
    model/weights.pt (state_dict), model/features.npz (embeddings and the other per-gene
    arrays the pair features use), model/svm.npz   (no pickle anywhere)
    metrics.json, curves.json, predictions/test.csv, candidates.csv
Every file is written to a temporary name in the same folder and renamed into place.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from .classify import PairFeaturizer, RBFDecision
from .predictor import GNTLinkPredictor
from .splits import SPLIT_NAMES, PairSet, PairSplit
from .train import TrainConfig

RUN_STATES = ("queued", "running", "complete", "failed", "cancelled")
ACTIVE_STATES = ("queued", "running")
WORKER_LOCK = ".worker.lock"  # held by a job's worker process for its whole life
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def gnt_home() -> Path:
    """The app's data directory: $GNT_HOME, else ~/.gnt."""
    return Path(os.environ.get("GNT_HOME") or Path.home() / ".gnt")


def default_runs_root() -> Path:
    return gnt_home() / "runs"


def safe_name(name: str, max_length: int = 60) -> str:
    """A file-name-safe slug: letters, digits, '_', '.', '-' only; never '..' or empty."""
    slug = _SAFE_NAME.sub("-", name).strip(".-")[:max_length].strip(".-")
    slug = re.sub(r"-{2,}", "-", slug)
    return slug or "run"


# ---------------------------------------------------------------- atomic writes


def write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, obj) -> None:
    write_bytes(path, json.dumps(obj, indent=2, default=_json_default).encode())


def _json_default(value):
    if isinstance(value, np.integer | np.floating | np.bool_):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def write_table(path: Path, table: pd.DataFrame) -> None:
    write_bytes(path, table.to_csv(index=False).encode())


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_bytes(path, buffer.getvalue())


# ---------------------------------------------------------------- run lifecycle


def new_run_dir(root: Path | str | None = None, name: str = "run") -> Path:
    """Create an empty run directory with a unique, safe id; its state starts as 'running'."""
    root = Path(root) if root is not None else default_runs_root()
    root.mkdir(parents=True, exist_ok=True)
    run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{safe_name(name)}-{secrets.token_hex(3)}"
    run_dir = root / run_id
    run_dir.mkdir()
    set_state(run_dir, "running")
    return run_dir


def set_state(run_dir: Path, state: str, **extra) -> None:
    if state not in RUN_STATES:
        raise ValueError(f"state must be one of {RUN_STATES}, not {state!r}")
    write_json(Path(run_dir) / "status.json", {"state": state, "updated": time.time()} | extra)


def read_state(run_dir: Path) -> dict:
    try:
        return read_json(Path(run_dir) / "status.json")
    except (OSError, ValueError):
        return {"state": "failed", "error": "status.json is missing or unreadable"}


def is_alive(run_dir: Path) -> bool:
    """True while a worker process holds the run's lock."""
    path = Path(run_dir) / WORKER_LOCK
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


def effective_state(run_dir: Path) -> dict:
    """status.json, except that an active state without a live worker reads as failed."""
    state = read_state(run_dir)
    if state.get("state") in ACTIVE_STATES and (Path(run_dir) / "job.json").exists() \
            and not is_alive(run_dir):
        return state | {"state": "failed", "error": "the training process ended unexpectedly "
                        "(killed, or the machine restarted); see log.txt, then train again"}
    return state


def group_of(run_dir: Path) -> str:
    """Runs submitted together (one per seed) share a group; a lone run is its own group."""
    job = _read_optional(Path(run_dir) / "job.json")
    return job.get("group") or Path(run_dir).name


def group_runs(run_dir: Path) -> list[Path]:
    """The complete runs of run_dir's group, run_dir included when complete."""
    group = group_of(run_dir)
    siblings = [p for p in Path(run_dir).parent.iterdir() if p.is_dir()
                and not p.name.startswith(".") and group_of(p) == group]
    return sorted(p for p in siblings if read_state(p).get("state") == "complete")


# ---------------------------------------------------------------- model, split, genes


def save_predictor(run_dir: Path, predictor: GNTLinkPredictor, prefix: str = "model") -> None:
    folder = Path(run_dir) / prefix
    write_npz(folder / "features.npz", **predictor.featurizer_.to_arrays())
    write_npz(folder / "svm.npz", **predictor.decision_.to_arrays())
    if hasattr(predictor, "training_"):
        buffer = io.BytesIO()
        torch.save({k: v.cpu() for k, v in predictor.training_.model.state_dict().items()},
                   buffer)
        write_bytes(folder / "weights.pt", buffer.getvalue())


def load_predictor(run_dir: Path, prefix: str = "model") -> GNTLinkPredictor:
    folder = Path(run_dir) / prefix
    config = read_json(Path(run_dir) / "config.json")
    with np.load(folder / "features.npz", allow_pickle=False) as arrays:
        featurizer = PairFeaturizer.from_arrays(arrays)
    with np.load(folder / "svm.npz", allow_pickle=False) as arrays:
        decision = RBFDecision.from_arrays(arrays)
    return GNTLinkPredictor.from_fitted(featurizer, decision, TrainConfig(**config["train"]))


def load_weights(run_dir: Path, prefix: str = "model") -> dict[str, torch.Tensor]:
    """The encoder's state_dict, loaded without unpickling arbitrary objects."""
    return torch.load(Path(run_dir) / prefix / "weights.pt", weights_only=True,
                      map_location="cpu")


def save_split(run_dir: Path, split: PairSplit, genes: list[str]) -> None:
    names = np.asarray(genes, dtype=object)
    for name, pair_set in split.sets().items():
        write_table(Path(run_dir) / "splits" / f"{name}.csv",
                    pd.DataFrame({"gene_a": names[pair_set.pairs[:, 0]],
                                  "gene_b": names[pair_set.pairs[:, 1]],
                                  "label": pair_set.labels}))


def load_split(run_dir: Path, genes: list[str], known_pairs: np.ndarray, protocol: str,
               seed: int) -> PairSplit:
    index = {g: i for i, g in enumerate(genes)}
    sets = {}
    for name in SPLIT_NAMES:
        table = pd.read_csv(Path(run_dir) / "splits" / f"{name}.csv", dtype={"gene_a": str,
                                                                              "gene_b": str},
                            keep_default_na=False)
        pairs = np.stack([table["gene_a"].map(index).to_numpy(),
                          table["gene_b"].map(index).to_numpy()], axis=1).astype(np.int64)
        sets[name] = PairSet(pairs, table["label"].to_numpy(dtype=np.int8))
    return PairSplit(protocol, seed, len(genes), sets["train"], sets["val"], sets["test"],
                     known_pairs)


@dataclass
class RunSummary:
    path: Path
    run_id: str
    state: str
    created: float
    dataset: str
    protocol: str
    seed: int | None
    group: str
    metrics: dict

    @property
    def complete(self) -> bool:
        return self.state == "complete"


def list_runs(root: Path | str | None = None) -> list[RunSummary]:
    """Every run under root, newest first; unreadable parts show as a failed state."""
    root = Path(root) if root is not None else default_runs_root()
    if not root.is_dir():
        return []
    runs = []
    for run_dir in root.iterdir():
        if not run_dir.is_dir() or run_dir.name.startswith("."):
            continue
        runs.append(summarise_run(run_dir))
    return sorted(runs, key=lambda r: r.created, reverse=True)


def summarise_run(run_dir: Path) -> RunSummary:
    state = effective_state(run_dir).get("state", "failed")
    config = _read_optional(run_dir / "config.json")
    metrics = _read_optional(run_dir / "metrics.json") if state == "complete" else {}
    return RunSummary(run_dir, run_dir.name, state,
                      config.get("created", run_dir.stat().st_mtime),
                      config.get("dataset", {}).get("name", "?"),
                      config.get("protocol", "?"), config.get("seed"), group_of(run_dir),
                      metrics)


def delete_run(run_dir: Path, root: Path | str | None = None) -> None:
    """Remove a run directory; refuses paths outside the runs root."""
    root = (Path(root) if root is not None else default_runs_root()).resolve()
    run_dir = Path(run_dir).resolve()
    if run_dir.parent != root or not (run_dir / "status.json").exists():
        raise ValueError(f"{run_dir} is not a run directory under {root}")
    shutil.rmtree(run_dir)


def _read_optional(path: Path) -> dict:
    try:
        return read_json(path)
    except (OSError, ValueError):
        return {}
