"""Prior networks: downloaded once (here from a fixture in OmniPath's format, offline), cached,
loaded offline afterwards, recorded in the run; a clear message when neither works."""

import urllib.error
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gnt_core.cli import main
from gnt_core.io import GntInputError, load_dataset
from gnt_core.io import priors as module
from gnt_core.io.priors import get_prior, prior_source, prior_url

FIXTURE = Path(__file__).parent / "data" / "priors" / "omnipath-collectri-human.tsv"
GENES = ["FOS", "JUN", "TP53", "CDKN1A", "BAX", "BCL2", "NFKB1", "IL6", "NFKBIA", "RELA",
         "STAT3", "MYC"]


class Response:
    def __init__(self, body: bytes):
        self.body = body

    def read(self) -> bytes:
        return self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def online(monkeypatch):
    asked = []

    def urlopen(url, timeout):
        asked.append(url)
        return Response(FIXTURE.read_bytes())

    monkeypatch.setattr(module.urllib.request, "urlopen", urlopen)
    return asked


@pytest.fixture
def offline(monkeypatch):
    def urlopen(url, timeout):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(module.urllib.request, "urlopen", urlopen)


def expression_file(folder: Path) -> Path:
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.random((len(GENES), 30)).round(3), index=GENES,
                         columns=[f"c{i}" for i in range(30)])
    table.to_csv(folder / "expr.csv")
    return folder / "expr.csv"


def test_download_once_then_offline_from_the_cache(tmp_path, online, monkeypatch):
    prior = get_prior("collectri", "human", tmp_path)
    assert online == [prior_url("collectri", "human")] and "organisms=9606" in online[0]
    data = load_dataset(expression_file(tmp_path), prior_source(prior))
    assert len(data.edges) == 10 and int((data.edge_signs == -1).sum()) == 1
    assert data.sources["network"].startswith("prior collectri (human), OmniPath, downloaded")

    def no_network(url, timeout):
        raise AssertionError("the cache must be used")

    monkeypatch.setattr(module.urllib.request, "urlopen", no_network)
    again = get_prior("collectri", "human", tmp_path)
    assert again.path == prior.path and again.downloaded == prior.downloaded


def test_offline_without_a_cache_says_what_to_do(tmp_path, offline):
    with pytest.raises(GntInputError, match="Connect this machine to the internet once"):
        get_prior("dorothea", "mouse", tmp_path)
    with pytest.raises(GntInputError, match="not cached"):
        get_prior("dorothea", "mouse", tmp_path, download=False)
    with pytest.raises(GntInputError, match="human and mouse"):
        get_prior("collectri", "zebrafish", tmp_path)


def test_the_cli_trains_on_a_prior_and_the_run_records_it(tmp_path, online, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    run = tmp_path / "run"
    assert main(["train", "--expression", str(expression_file(tmp_path)), "--prior",
                 "collectri", "--organism", "human", "--protocol", "random", "--epochs", "1",
                 "--no-ablation", "--out", str(run)]) == 0
    config = (run / "config.json").read_text()
    assert "prior collectri (human), OmniPath, downloaded" in config
    assert (tmp_path / "home" / "priors" / "collectri-human.tsv.gz").is_file()
