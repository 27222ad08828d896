"""Online Ensembl → symbol look-up (MyGene.info), cached; tested offline on a fixture."""

import json
import urllib.error
from pathlib import Path

import pytest

from gnt_core.io import GntInputError, idmap

FIXTURE = Path(__file__).parent / "data" / "mygene" / "query-mouse.json"
IDS = ["ENSMUSG00000000001.4", "ENSMUSG00000000003", "ENSMUSG00000000028",
       "ENSMUSG00000099999"]


class Response:
    def __init__(self, body):
        self.body = body

    def read(self):
        return self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_look_up_once_then_offline_from_the_cache(tmp_path, monkeypatch):
    asked = []

    def urlopen(request, timeout):
        asked.append(request.data.decode())
        return Response(FIXTURE.read_bytes())

    monkeypatch.setattr(idmap.urllib.request, "urlopen", urlopen)
    found = idmap.lookup_symbols(IDS, "mouse", tmp_path)
    assert found == {"ENSMUSG00000000001": "Gnai3", "ENSMUSG00000000003": "Pbsn",
                     "ENSMUSG00000000028": "Cdc45"}
    assert len(asked) == 1 and "scopes=ensembl.gene" in asked[0]
    cached = json.loads((tmp_path / "mygene-mouse.json").read_text())
    assert cached["ENSMUSG00000099999"] is None  # unknown, and remembered as such

    def offline(request, timeout):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(idmap.urllib.request, "urlopen", offline)
    assert idmap.lookup_symbols(IDS, "mouse", tmp_path) == found  # nothing new to ask


def test_offline_without_a_cache_says_what_to_do(tmp_path, monkeypatch):
    def offline(request, timeout):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(idmap.urllib.request, "urlopen", offline)
    with pytest.raises(GntInputError, match="could not reach mygene.info"):
        idmap.lookup_symbols(IDS, "mouse", tmp_path)
    with pytest.raises(GntInputError, match="human and mouse"):
        idmap.lookup_symbols(IDS, "yeast", tmp_path)


def test_an_h5ad_with_ensembl_names_only_is_mapped_online(tmp_path, monkeypatch):
    anndata = pytest.importorskip("anndata")
    import numpy as np

    from gnt_core.io import SingleCellOptions, load_dataset

    monkeypatch.setattr(idmap.urllib.request, "urlopen",
                        lambda request, timeout: Response(FIXTURE.read_bytes()))
    adata = anndata.AnnData(np.random.default_rng(0).random((20, 4)).astype(np.float32))
    adata.var_names = [i.split(".")[0] for i in IDS]
    adata.write_h5ad(tmp_path / "x.h5ad")
    (tmp_path / "net.csv").write_text("Gene1,Gene2\nGnai3,Pbsn\nGnai3,Cdc45\n")
    data = load_dataset(tmp_path / "x.h5ad", tmp_path / "net.csv", single_cell=SingleCellOptions(
        gene_map="online", organism="mouse", cache=str(tmp_path / "cache")))
    assert data.genes[:3] == ["Gnai3", "Pbsn", "Cdc45"] and len(data.edges) == 2
    assert "Mapped 3 of 4" in " ".join(data.report.lines())
