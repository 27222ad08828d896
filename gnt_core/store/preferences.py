"""What a user chose for a dataset, kept across reloads: the organism of its literature links
and the Train page's last values, in $GNT_HOME/preferences/<dataset id>.json (no torch)."""

from __future__ import annotations

from pathlib import Path

from .storage import gnt_home, read_optional_json, safe_name, write_json


def preferences_path(dataset_id: str, root: Path | None = None) -> Path:
    root = Path(root) if root is not None else gnt_home() / "preferences"
    return root / f"{safe_name(dataset_id)}.json"


def read_preferences(dataset_id: str, root: Path | None = None) -> dict:
    """Everything remembered for the dataset ({} when nothing is)."""
    return read_optional_json(preferences_path(dataset_id, root))


def remember(dataset_id: str, key: str, value, root: Path | None = None) -> None:
    """Keep one choice for the dataset (a JSON value), beside the others."""
    preferences = read_preferences(dataset_id, root)
    if preferences.get(key) != value:
        write_json(preferences_path(dataset_id, root), preferences | {key: value})
