"""Dataset specifications: where a dataset comes from, so that a job or a later session can load
it again. Uploaded files are validated first, then kept under $GNT_HOME/datasets/<id>/."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import BinaryIO

from ..io import (
    EXAMPLES,
    Dataset,
    GntInputError,
    SingleCellOptions,
    demo_dataset,
    load_beeline_folder,
    load_dataset,
    load_example,
)
from ..io.dataset import CONTROL_CHARACTERS
from ..io.isolated import check_files
from ..io.singlecell import is_single_cell
from .access import resolve_in_roots
from .storage import ensure_free_space, from_known_fields, gnt_home, safe_name, write_json

ROLES = ("expression", "network", "tfs")
KNOWN_SUFFIXES = (".csv.gz", ".tsv.gz", ".txt.gz", ".h5ad.gz", ".loom.gz", ".gz", ".csv", ".tsv",
                  ".txt", ".h5ad", ".loom")
MAX_NAME_LENGTH = 60
RENAMEABLE = ("files", "folder")  # kinds of dataset kept on disk (built-in ones keep their name)


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
    single_cell: dict | None = None  # SingleCellOptions of a single-cell expression file

    def load(self) -> Dataset:
        if self.kind == "demo":
            return demo_dataset()
        if self.kind == "example":
            return load_example(self.folder)
        options = {"orientation": self.orientation, "ignore_case": self.ignore_case}
        if self.kind == "folder":
            return load_beeline_folder(self.folder, name=self.name, **options)
        return load_dataset(self.expression, self.network, tfs=self.tfs, name=self.name,
                            single_cell=SingleCellOptions.from_dict(self.single_cell),
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
    known = get_spec(spec.id, root)
    spec = replace(spec, name=known.name if known is not None else
                   unique_name(spec.name, root=root))
    write_json(root / spec.id / "spec.json", spec.to_dict())
    return spec


@dataclass(frozen=True)
class StagedUpload:
    """Uploaded files written to a staging folder, not yet checked or kept."""

    folder: Path
    paths: dict[str, Path]  # role -> file (a 10x expression is a folder of three files)
    names: dict[str, str]  # role -> the file name as uploaded

    @property
    def single_cell(self) -> bool:
        return is_single_cell(self.paths["expression"])


def stage_upload(files: dict[str, BinaryIO | list[BinaryIO]], root: Path | None = None
                 ) -> StagedUpload:
    """Write uploads (file objects with a .name; the expression may be the three files of a
    10x folder) to a staging folder, after checking the disk has room."""
    if not files.get("expression") or files.get("network") is None:
        raise GntInputError("upload both an expression file (or the three 10x files) and a "
                            "network file")
    root = Path(root) if root is not None else datasets_root()
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(root)
    uploads = {role: files[role] for role in ROLES if files.get(role)}
    size = sum(_size(f) for item in uploads.values() for f in _as_list(item))
    ensure_free_space(root, 2 * size, "keep the upload")
    folder = Path(tempfile.mkdtemp(dir=root, prefix=".upload-"))
    try:
        paths = {role: _write_upload(role, item, folder) for role, item in uploads.items()}
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    names = {role: ", ".join(getattr(f, "name", role) for f in _as_list(item))
             for role, item in uploads.items()}
    return StagedUpload(folder, paths, names)


def inspect_upload(staged: StagedUpload) -> dict:
    """What a staged single-cell expression offers (layers, symbol columns, obs columns),
    read by the limited reader; the staging folder goes when the file cannot be read."""
    try:
        return check_files({"inspect": str(staged.paths["expression"])},
                           staged.names["expression"])
    except GntInputError:
        shutil.rmtree(staged.folder, ignore_errors=True)
        raise


def keep_upload(staged: StagedUpload, *, orientation: str = "auto", ignore_case: bool = False,
                single_cell: SingleCellOptions | None = None, tfs: Path | None = None,
                name: str | None = None, root: Path | None = None) -> DatasetSpec:
    """Keep a staged upload once a separate, memory-limited process has read it without
    error; `tfs` is a TF list on the server (a built-in one) when none was uploaded. `name`
    (checked with check_new_name) names the dataset; without it, the expression file's name
    does, with a suffix where another dataset has it. The same files kept again are the same
    dataset, renamed to `name` if one is given. Nothing is kept when the files do not load:
    the GntInputError (naming the files as uploaded) propagates, and the staging folder is
    removed."""
    root = Path(root) if root is not None else datasets_root()
    paths = dict(staged.paths) | ({"tfs": tfs} if tfs is not None and "tfs" not in staged.paths
                                  else {})
    options = single_cell.to_dict() if single_cell is not None and staged.single_cell else None
    try:
        summary = _check_upload(staged, paths, orientation, ignore_case, options)
        spec_id = _upload_id({role: summary["sha256"][role] for role in paths}, orientation,
                             ignore_case, options)
        name = check_new_name(name, spec_id, root) if name else None
        final = root / spec_id
        if not (final / "spec.json").is_file():
            located = {role: str(final / p.relative_to(staged.folder)) if staged.folder in
                       p.parents else str(p) for role, p in paths.items()}
            spec = DatasetSpec(id=spec_id, kind="files",
                               name=name or unique_name(summary["name"], root=root),
                               orientation=orientation, ignore_case=ignore_case,
                               single_cell=options, **located)
            write_json(staged.folder / "spec.json", spec.to_dict() | {
                "original_names": staged.names})
            staged.folder.rename(final)
    finally:
        shutil.rmtree(staged.folder, ignore_errors=True)
    kept = get_spec(spec_id, root)
    return rename_dataset(kept, name, root) if name and name != kept.name else kept


def _upload_id(sha256: dict[str, str], orientation: str, ignore_case: bool,
               single_cell: dict | None) -> str:
    """The same files read the same way are the same dataset."""
    digest = hashlib.sha256(json.dumps([orientation, ignore_case, single_cell]).encode())
    for role in sha256:
        digest.update(sha256[role].encode())
    return digest.hexdigest()[:16]


def store_upload(files: dict[str, BinaryIO], *, orientation: str = "auto",
                 ignore_case: bool = False, root: Path | None = None) -> DatasetSpec:
    """Stage and keep uploaded files in one step (see keep_upload)."""
    return keep_upload(stage_upload(files, root), orientation=orientation,
                       ignore_case=ignore_case, root=root)


def _as_list(item) -> list:
    return list(item) if isinstance(item, list | tuple) else [item]


def _remove_stale_staging(root: Path, hours: float = 24) -> None:
    """Staging folders of uploads that were never kept (an abandoned choice of cells)."""
    cutoff = time.time() - hours * 3600
    for folder in root.glob(".upload-*"):
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _size(upload: BinaryIO) -> int:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def _write_upload(role: str, item, folder: Path) -> Path:
    """One role's upload in the staging folder; the three files of a 10x folder go into a
    folder of their own, named as Cell Ranger names them."""
    uploads = _as_list(item)
    if len(uploads) > 1:
        target = folder / f"{role}-10x"
        target.mkdir()
        for upload in uploads:
            _copy(upload, target / _tenx_name(getattr(upload, "name", "")))
        return target
    target = folder / (role + _suffix(getattr(uploads[0], "name", "")))
    _copy(uploads[0], target)
    return target


def _tenx_name(filename: str) -> str:
    lowered = Path(filename).name.lower()
    for stem in ("matrix.mtx", "features.tsv", "genes.tsv", "barcodes.tsv"):
        if stem in lowered:
            return stem + (".gz" if lowered.endswith(".gz") else "")
    raise GntInputError(f"{filename}: the 10x files are matrix.mtx, features.tsv (or genes.tsv) "
                        "and barcodes.tsv, gzipped or not; upload those three.")


def _copy(upload: BinaryIO, target: Path) -> None:
    upload.seek(0)
    with open(target, "wb") as out:
        shutil.copyfileobj(upload, out, 1 << 20)
    upload.seek(0)


def _check_upload(staged: StagedUpload, paths: dict[str, Path], orientation: str,
                  ignore_case: bool, single_cell: dict | None) -> dict:
    """The summary from the limited reader; its messages name the files as uploaded."""
    request = {role: str(p) for role, p in paths.items()} | {
        "orientation": orientation, "ignore_case": ignore_case, "single_cell": single_cell,
        "name": _display_name(staged.names["expression"])}
    try:
        return check_files(request, "these files")
    except GntInputError as err:
        message = str(err)
        for role, path in staged.paths.items():
            message = message.replace(str(path), staged.names[role])
        raise GntInputError(message) from None


def _suffix(filename: str) -> str:
    lowered = filename.lower()
    return next((s for s in KNOWN_SUFFIXES if lowered.endswith(s)), ".txt")


def _display_name(filename: str) -> str:
    filename = Path(filename.split(",")[0].strip() or "upload").name
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


def check_new_name(name: str, spec_id: str | None = None, root: Path | None = None) -> str:
    """A user's name for a dataset, trimmed; GntInputError when it is empty, too long, holds
    control characters or is another dataset's name (letter case aside)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or CONTROL_CHARACTERS.search(name):
        raise GntInputError(f"A dataset name has 1 to {MAX_NAME_LENGTH} characters, without "
                            "line breaks or tabs.")
    if name.casefold() in _names_taken(spec_id, root):
        raise GntInputError(f"Another dataset is already called {name!r}: choose another name.")
    return name


def unique_name(name: str, spec_id: str | None = None, root: Path | None = None) -> str:
    """`name`, or `name-2`, `name-3`, … when another dataset has it."""
    taken = _names_taken(spec_id, root)
    candidates = (name if n == 1 else f"{name}-{n}" for n in range(1, len(taken) + 2))
    return next(c for c in candidates if c.casefold() not in taken)


def rename_dataset(spec: DatasetSpec, name: str, root: Path | None = None) -> DatasetSpec:
    """Give a kept dataset (an upload or a folder) a new, unique name, on disk."""
    if spec.kind not in RENAMEABLE:
        raise GntInputError(f"{spec.name} is built in and keeps its name.")
    renamed = replace(spec, name=check_new_name(name, spec.id, root))
    root = Path(root) if root is not None else datasets_root()
    path = root / spec.id / "spec.json"
    write_json(path, json.loads(path.read_text()) | {"name": renamed.name})
    return renamed


def _names_taken(spec_id: str | None, root: Path | None) -> set[str]:
    """Every dataset's name, case-folded, but the one with `spec_id`'s."""
    return {s.name.casefold() for s in list_specs(root) if s.id != spec_id}


def list_specs(root: Path | None = None) -> list[DatasetSpec]:
    root = Path(root) if root is not None else datasets_root()
    if not root.is_dir():
        return list(BUILT_IN)
    stored = [get_spec(p.name, root) for p in sorted(root.iterdir()) if p.is_dir()
              and not p.name.startswith(".")]
    return [*BUILT_IN, *[s for s in stored if s is not None]]
