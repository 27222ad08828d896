"""Dataset names chosen by users, per-dataset preferences, and the organism read off gene names."""

import pytest

from gnt_core.io import GntInputError, demo_dataset
from gnt_core.io.examples import builtin_tfs
from gnt_core.io.organism import infer_organism
from gnt_core.store.datasets import (
    DEMO,
    get_spec,
    keep_upload,
    list_specs,
    rename_dataset,
    stage_upload,
)
from gnt_core.store.preferences import read_preferences, remember


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def upload(files: dict, name: str | None = None, **options):
    handles = {role: open(path, "rb") for role, path in files.items()}
    try:
        return keep_upload(stage_upload(handles), name=name, **options)
    finally:
        for handle in handles.values():
            handle.close()


def test_uploads_are_named_by_the_user_or_get_a_suffix(home, demo_files):
    first = upload(demo_files)
    second = upload(demo_files, ignore_case=True)  # other options: another dataset
    assert first.id != second.id and second.name == f"{first.name}-2"
    named = upload(demo_files, name="mDC <b>day 2</b>", orientation="genes_x_cells")
    assert get_spec(named.id).name == "mDC <b>day 2</b>"
    with pytest.raises(GntInputError, match="already called"):
        upload(demo_files, name="MDC <B>DAY 2</B>")
    again = upload(demo_files, name="same files, new name")  # the first upload, renamed
    assert again.id == first.id and get_spec(first.id).name == "same files, new name"


def test_renaming_keeps_names_unique_and_on_disk(home, demo_files):
    first, second = upload(demo_files), upload(demo_files, ignore_case=True)
    renamed = rename_dataset(first, "  mouse DCs  ")
    assert renamed.name == "mouse DCs" and get_spec(first.id).name == "mouse DCs"
    assert get_spec(first.id).load().name == "mouse DCs"
    for clash in ("MOUSE dcs", DEMO.name, "", "a\nb", "x" * 61):
        with pytest.raises(GntInputError):
            rename_dataset(second, clash)
    with pytest.raises(GntInputError, match="built in"):
        rename_dataset(DEMO, "mine")
    assert rename_dataset(first, "mouse DCs").name == "mouse DCs"  # its own name is no clash
    assert len({s.name for s in list_specs()}) == len(list_specs())


def test_preferences_are_kept_per_dataset(home):
    assert read_preferences("demo") == {}
    remember("demo", "organism", "mouse")
    remember("demo", "train", {"seeds": "0, 1"})
    remember("other", "organism", "human")
    assert read_preferences("demo") == {"organism": "mouse", "train": {"seeds": "0, 1"}}
    assert read_preferences("../other") == {"organism": "human"}  # a safe name, in its folder


@pytest.mark.parametrize("genes,tfs,organism", [
    (["Gata1", "Spi1", "Cebpa", "Irf8", "X"], None, "mouse"),
    (["GATA1", "SPI1", "CEBPA", "E2F1"], None, "human"),
    (["ENSMUSG00000005672", "ENSMUSG00000002111"], None, "mouse"),
    (["ENSG00000102145.2", "ENSG00000066336"], None, "human"),
    (["TF01", "G001"], builtin_tfs("mouse"), "mouse"),
    (demo_dataset().genes, None, None),  # made-up names say nothing
    (["Gata1", "SPI1", "x1", "y2"], None, None),
])
def test_the_organism_is_read_off_the_gene_names(genes, tfs, organism):
    assert infer_organism(genes, tfs) == organism
