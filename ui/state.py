"""The active dataset and run: kept in the session, mirrored in the URL (?data=…&run=…) so
that a refresh or a second tab opens the same things; and what the user chose for the active
dataset (organism, the Train page's values), kept on disk across reloads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from gnt_core.io import Dataset
from gnt_core.store.datasets import DEMO, DatasetSpec, get_spec
from gnt_core.store.preferences import read_preferences, remember
from gnt_core.store.run import Run, list_runs, read_pair_table
from gnt_core.vocabulary import DISCOVER

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


def run() -> Run | None:
    """The active run: the one in the URL/session, else the newest run on disk."""
    found = Run.find(_restore("run") or "")
    if found is not None:
        return found
    runs = list_runs()
    return Run(runs[0].path) if runs else None


def finished_run() -> Run | None:
    """The active run when it is complete, else None."""
    active = run()
    return active if active is not None and active.status.complete else None


def evaluation_run() -> Run | None:
    """The finished evaluation run the active run belongs to (a discovery's first one)."""
    active = finished_run()
    if active is None or active.mode != DISCOVER:
        return active
    return next(iter(active.evaluation_runs()), None)


def set_run(path: Path) -> None:
    st.session_state["run"] = path.name
    st.query_params["run"] = path.name


@st.cache_data(max_entries=8, show_spinner=False)
def _read_table(path: str, modified: float) -> pd.DataFrame:
    return read_pair_table(Path(path))


def table(path: Path) -> pd.DataFrame:
    """A pair table of a run (candidates, predictions), cached until the file changes."""
    return _read_table(str(path), path.stat().st_mtime)


def preference(key: str, default):
    """What the user last chose under `key` for the active dataset, else `default`."""
    return read_preferences(dataset_spec().id).get(key, default)


def set_preference(key: str, value) -> None:
    remember(dataset_spec().id, key, value)


def remembered_form(key: str, defaults: dict) -> dict:
    """A form's last values for the active dataset over its `defaults`; a value of another
    type than its default's (a file from an older version) is left out."""
    stored = preference(key, {})
    return defaults | {name: value for name, value in stored.items()
                       if name in defaults and type(value) is type(defaults[name])}


def index_of(options, value) -> int:
    """The position of `value` among a widget's options (the first when it is not one)."""
    options = list(options)
    return options.index(value) if value in options else 0
