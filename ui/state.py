"""The active dataset and run: kept in the session, mirrored in the URL (?data=…&run=…) so
that a refresh or a second tab opens the same things."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from gnt_core.datasets import DEMO, DatasetSpec, get_spec
from gnt_core.io import Dataset
from gnt_core.runs import default_runs_root, list_runs, read_json, safe_name

MAX_CACHED_DATASETS = 4


def _restore(key: str) -> str | None:
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key)
    return st.session_state[key]


def sync_url() -> None:
    """Write the active ids back into the URL (page changes clear the query string)."""
    for key in ("data", "run"):
        value = _restore(key)
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value


def dataset_spec() -> DatasetSpec:
    spec = get_spec(_restore("data") or DEMO.id)
    if spec is None:
        st.session_state["data"] = DEMO.id
        return DEMO
    return spec


def set_dataset(spec: DatasetSpec) -> None:
    st.session_state["data"] = spec.id
    st.query_params["data"] = spec.id


@st.cache_resource(max_entries=MAX_CACHED_DATASETS, show_spinner="Loading the dataset…")
def _load(spec: DatasetSpec) -> Dataset:
    return spec.load()


def dataset() -> Dataset:
    return _load(dataset_spec())


def run_dir() -> Path | None:
    """The active run: the one in the URL/session, else the newest run on disk."""
    run_id = _restore("run")
    if run_id and safe_name(run_id) == run_id and (default_runs_root() / run_id).is_dir():
        return default_runs_root() / run_id
    runs = list_runs()
    return runs[0].path if runs else None


def set_run(path: Path) -> None:
    st.session_state["run"] = path.name
    st.query_params["run"] = path.name


@st.cache_data(max_entries=8, show_spinner=False)
def read_table(path: str, modified: float) -> pd.DataFrame:
    """A CSV of a run, cached until the file changes."""
    return pd.read_csv(path, keep_default_na=False, dtype={"regulator": str, "target": str,
                                                           "gene_a": str, "gene_b": str,
                                                           "known": str})


def run_table(path: Path, name: str) -> pd.DataFrame:
    file = path / name
    return read_table(str(file), file.stat().st_mtime)


def run_json(path: Path, name: str) -> dict:
    return read_json(path / name)
