"""Dataset specifications: where a dataset comes from, so that a job or a later session can load
it again. Uploaded files are validated first, then kept under $GNT_HOME/datasets/<id>/."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from ..io import (
    EXAMPLES,
    Dataset,
    GntInputError,
    demo_dataset,
    load_beeline_folder,
    load_dataset,
    load_example,
)
from ..io.isolated import check_files
from .access import resolve_in_roots
from .storage import ensure_free_space, from_known_fields, gnt_home, safe_name, write_json

ROLES = ("expression", "network", "tfs")
KNOWN_SUFFIXES = (".csv.gz", ".tsv.gz", ".txt.gz", ".gz", ".csv", ".tsv", ".txt", ".h5ad")


@dataclass(frozen=True)
class DatasetSpec:
    id: str
    kind: str  # "demo" | "example" | "files" | "folder"
    name: str
    expression: str | None = None
    network: str | None = None
    tfs: str | None = None
    folder: str | None = None
    orientation: str = "auto"
    ignore_case: bool = False

    def load(self) -> Dataset:
        if self.kind == "demo":
            return demo_dataset()
        if self.kind == "example":
            return load_example(self.folder)
        options = {"orientation": self.orientation, "ignore_case": self.ignore_case}
        if self.kind == "folder":
            return load_beeline_folder(self.folder, name=self.name, **options)
        return load_dataset(self.expression, self.network, tfs=self.tfs, name=self.name,
                            **options)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> DatasetSpec:
        return from_known_fields(cls, values)


DEMO = DatasetSpec(id="demo", kind="demo", name="demo (synthetic)")
# the bundled real examples (the example's name in `folder`)
BUILT_IN = [DEMO, *(DatasetSpec(id=f"example-{name}", kind="example", name=description,
                                folder=name) for name, (description, *_) in EXAMPLES.items())]


def datasets_root() -> Path:
    return gnt_home() / "datasets"


def folder_spec(folder: str | Path, *, orientation: str = "auto", ignore_case: bool = False,
                root: Path | None = None, data_roots: list[Path] | None = None) -> DatasetSpec:
    """A BEELINE folder opened by path: read first in a limited process, then remembered.
    With `data_roots` (a shared server), only folders inside one of them may be opened."""
    path = (resolve_in_roots(str(folder), data_roots) if data_roots is not None
            else Path(folder).expanduser().resolve())
    spec = DatasetSpec(id="folder-" + hashlib.sha256(str(path).encode()).hexdigest()[:12],
                       kind="folder", name=safe_name(f"{path.parent.name}-{path.name}"),
                       folder=str(path), orientation=orientation, ignore_case=ignore_case)
    check_files({"folder": str(path), "orientation": orientation, "ignore_case": ignore_case},
                str(path))
    root = Path(root) if root is not None else datasets_root()
    write_json(root / spec.id / "spec.json", spec.to_dict())
    return spec


def store_upload(files: dict[str, BinaryIO], *, orientation: str = "auto",
                 ignore_case: bool = False, root: Path | None = None) -> DatasetSpec:
    """Keep uploaded files (file objects with a .name) on disk once a separate, memory-limited
    process has read them without error.

    Nothing is kept when the files do not load: the GntInputError (naming the uploaded files)
    propagates, and the staging folder is removed.
    """
    if files.get("expression") is None or files.get("network") is None:
        raise GntInputError("upload both an expression file and a network file")
    root = Path(root) if root is not None else datasets_root()
    root.mkdir(parents=True, exist_ok=True)
    uploads = {role: files[role] for role in ROLES if files.get(role) is not None}
    ensure_free_space(root, 2 * sum(_size(f) for f in uploads.values()), "keep the upload")
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".upload-"))
    try:
        paths = _write_uploads(uploads, staging)
        summary = _check_upload(paths, uploads, orientation, ignore_case)
        digest = hashlib.sha256(json.dumps([orientation, ignore_case]).encode())
        for role in uploads:
            digest.update(summary["sha256"][role].encode())
        spec_id = digest.hexdigest()[:16]
        final = root / spec_id
        if not (final / "spec.json").is_file():
            spec = DatasetSpec(id=spec_id, kind="files", name=summary["name"],
                               orientation=orientation, ignore_case=ignore_case,
                               **{role: str(final / p.name) for role, p in paths.items()})
            original = {role: getattr(f, "name", "") for role, f in uploads.items()}
            write_json(staging / "spec.json", spec.to_dict() | {"original_names": original})
            staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return get_spec(spec_id, root)


def _size(upload: BinaryIO) -> int:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def _write_uploads(uploads: dict[str, BinaryIO], staging: Path) -> dict[str, Path]:
    paths = {}
    for role, upload in uploads.items():
        target = staging / (role + _suffix(getattr(upload, "name", "")))
        upload.seek(0)
        with open(target, "wb") as out:
            shutil.copyfileobj(upload, out, 1 << 20)
        upload.seek(0)
        paths[role] = target
    return paths


def _check_upload(paths: dict[str, Path], uploads: dict[str, BinaryIO], orientation: str,
                  ignore_case: bool) -> dict:
    """The summary from the limited reader; its messages name the files as uploaded."""
    request = {role: str(p) for role, p in paths.items()} | {
        "orientation": orientation, "ignore_case": ignore_case,
        "name": _display_name(uploads["expression"])}
    try:
        return check_files(request, "these files")
    except GntInputError as err:
        message = str(err)
        for role, path in paths.items():
            message = message.replace(str(path), Path(getattr(uploads[role], "name", role)).name)
        raise GntInputError(message) from None


def _suffix(filename: str) -> str:
    lowered = filename.lower()
    return next((s for s in KNOWN_SUFFIXES if lowered.endswith(s)), ".txt")


def _display_name(upload: BinaryIO) -> str:
    filename = Path(getattr(upload, "name", "upload")).name
    for suffix in KNOWN_SUFFIXES:
        if filename.lower().endswith(suffix):
            filename = filename[: -len(suffix)]
            break
    return safe_name(filename, max_length=40)


def get_spec(spec_id: str, root: Path | None = None) -> DatasetSpec | None:
    """The stored spec with this id, or a built-in one; None when unknown."""
    built_in = next((s for s in BUILT_IN if s.id == spec_id), None)
    if built_in is not None:
        return built_in
    root = Path(root) if root is not None else datasets_root()
    if safe_name(spec_id) != spec_id:
        return None
    try:
        return DatasetSpec.from_dict(json.loads((root / spec_id / "spec.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


def list_specs(root: Path | None = None) -> list[DatasetSpec]:
    root = Path(root) if root is not None else datasets_root()
    if not root.is_dir():
        return list(BUILT_IN)
    stored = [get_spec(p.name, root) for p in sorted(root.iterdir()) if p.is_dir()
              and not p.name.startswith(".")]
    return [*BUILT_IN, *[s for s in stored if s is not None]]
