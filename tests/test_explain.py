"""Evidence for one pair: correlations in the cells, paths in the known network, the ranker's
contributions, and PubMed counts (on a loopback server answering in E-utilities' format)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats

from gnt_core.cli import main
from gnt_core.outputs.literature import PubMedCounts
from gnt_core.science.explain import (
    correlations,
    network_evidence,
    p_text,
    partial_correlation,
    summary_in_words,
)
from gnt_core.store.run import Run

FIXTURE = Path(__file__).parent / "data" / "eutils" / "esearch-count.json"


@pytest.fixture
def eutils():
    """A loopback E-utilities stand-in: answers every esearch with the fixture, keeps queries."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            asked.append(parse_qs(urlparse(self.path).query))
            body = FIXTURE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/esearch.fcgi", asked
    server.shutdown()


class Clock:
    def __init__(self):
        self.now, self.slept = 0.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_pubmed_counts_asked_once_cached_with_a_date_and_rate_limited(tmp_path, eutils):
    endpoint, asked = eutils
    clock = Clock()
    counts = PubMedCounts(tmp_path / "cache.sqlite", offline=False, api_key="", endpoint=endpoint,
                          sleep=clock.sleep, clock=clock)
    found = counts.count("Gata1", "Spi1", "mouse")
    assert found["count"] == 27 and found["source"] == "NCBI E-utilities" and found["asked"]
    assert asked[0]["term"] == ["(Gata1[tiab] AND Spi1[tiab]) AND mice[mh]"]
    assert asked[0]["rettype"] == ["count"] and "api_key" not in asked[0]
    assert counts.count("Gata1", "Spi1", "mouse")["source"] == "cache" and len(asked) == 1
    counts.counts([("Gata1", "Tal1"), ("Gata1", "Klf1")], "mouse")
    assert len(asked) == 3 and clock.slept == pytest.approx([1 / 3, 1 / 3])
    keyed = PubMedCounts(tmp_path / "cache.sqlite", offline=False, api_key="KEY",
                         endpoint=endpoint, sleep=clock.sleep, clock=clock)
    keyed.counts([("Tal1", "Klf1"), ("Tal1", "Myb")])
    assert asked[-1]["api_key"] == ["KEY"] and clock.slept[-1] == pytest.approx(0.1)
    offline = PubMedCounts(tmp_path / "cache.sqlite", offline=True, endpoint=endpoint)
    assert offline.count("Gata1", "Spi1", "mouse")["count"] == 27  # from the cache
    unknown = offline.count("Gata1", "Runx1", "mouse")
    assert unknown["count"] is None and unknown["source"] == "offline" and unknown["url"]
    assert len(asked) == 5
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/esearch.fcgi"
    failing = PubMedCounts(tmp_path / "other.sqlite", offline=False, endpoint=dead, timeout=2)
    first, second = failing.counts([("Gata1", "Spi1"), ("Gata1", "Tal1")])
    assert first["count"] is None and first["source"].startswith("NCBI not reached: ")
    assert second["source"] == first["source"]  # no second attempt once the service failed
    assert PubMedCounts(tmp_path / "c.sqlite").count("=cmd", "X")["url"] is None


def test_correlations_partial_correlation_paths_and_words():
    rng = np.random.default_rng(0)
    z = rng.normal(size=400)
    x, y = z + 0.3 * rng.normal(size=400), z + 0.3 * rng.normal(size=400)
    found = correlations(x, y, permutations=199)
    assert found["pearson"] == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-12)
    assert found["spearman"] == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert found["pearson_p"] == pytest.approx(1 / 200)
    assert correlations(x, rng.normal(size=400), permutations=199)["pearson_p"] > 0.01
    expression = np.vstack([x, y, z, rng.normal(size=(5, 400))])
    # z explains x and y: shrunk, their partial correlation keeps a fraction of the Pearson
    assert abs(partial_correlation(expression, 0, 1, np.arange(8))) < found["pearson"] / 3
    edges = np.array([[0, 2], [3, 2], [3, 1], [0, 4], [5, 4], [5, 1], [6, 0], [6, 1]])
    adjacency = sp.csr_matrix((np.ones(len(edges)), edges.T), shape=(7, 7))
    genes = [f"G{k}" for k in range(7)]
    network = network_evidence(adjacency, 0, 1, genes)
    assert sorted(network["l3_paths"]) == [["G2", "G3"], ["G4", "G5"]]
    assert network["shared_regulators"] == ["G6"] and network["regulator_degree"] == 2
    assert network["target_degree"] == 3 and not network["known_edge"]
    assert summary_in_words({"paths of length 3": 2.0, "co-expression": 1.0,
                             "expression levels": -1.5}) == (
        "mostly paths of length 3 and co-expression; held back by expression levels")


def test_explain_a_pair_of_the_bundled_mdc_example_offline(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GNT_OFFLINE", "1")
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    run_dir = tmp_path / "run"
    assert main(["train", "--example", "mdc-nonspecific", "--protocol", "candidates",
                 "--epochs", "2", "--no-ablation", "--out", str(run_dir)]) == 0
    run = Run(run_dir)
    pair = _first_test_positive_with_l3_paths(run)
    capsys.readouterr()

    def no_network(*args, **kwargs):
        raise AssertionError("explain made a network call with GNT_OFFLINE=1")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert main(["explain", str(run_dir), pair["regulator"], pair["target"], "--format",
                 "json", "--organism", "mouse"]) == 0
    evidence = json.loads(capsys.readouterr().out)
    dataset = run.dataset()
    x, y = (dataset.expression[dataset.gene_index[g]].astype(np.float64)
            for g in (pair["regulator"], pair["target"]))
    assert evidence["pearson"] == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-6)
    assert evidence["spearman"] == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-6)
    assert -1 <= evidence["partial_correlation"] <= 1
    known = {(dataset.genes[a], dataset.genes[b]) for a, b in dataset.edges}
    for t, r in evidence["l3_paths"]:
        assert {(pair["regulator"], t), (r, t), (r, pair["target"])} <= known
    assert evidence["l3_path_count"] >= len(evidence["l3_paths"]) > 0
    for shared in evidence["shared_regulators"]:
        assert {(shared, pair["regulator"]), (shared, pair["target"])} <= known
    train = run.predictor().featurizer_.edges
    assert evidence["regulator_degree"] == int((train[:, 0] == dataset.gene_index[
        pair["regulator"]]).sum())
    assert evidence["target_degree"] == int((train[:, 1] == dataset.gene_index[
        pair["target"]]).sum())
    assert evidence["literature"]["count"] is None
    assert evidence["literature"]["source"] == "offline" and "mice" in evidence["links"]["pubmed"]
    model = evidence["model"]
    assert sum(model["contributions"].values()) + model["base_value"] == pytest.approx(
        model["log_odds"])
    assert model["summary"].startswith(("mostly", "nothing"))
    assert evidence["ranking"]["status"] == "test positive"
    assert main(["explain", str(run_dir), pair["regulator"], pair["target"]]) == 0
    assert "paths of length 3" in capsys.readouterr().out


def _first_test_positive_with_l3_paths(run: Run):
    """The highest-ranked test positive joined by a path of length 3 (regulator → t ← r →
    target) in the training network, so that the paths the explanation lists can be checked."""
    dataset, table = run.dataset(), run.candidates()
    train = run.predictor().featurizer_.edges
    n = len(dataset.genes)
    adjacency = sp.csr_matrix((np.ones(len(train)), (train[:, 0], train[:, 1])), shape=(n, n))
    paths = adjacency @ adjacency.T @ adjacency
    positives = table[table["status"] == "test positive"]
    counts = [paths[dataset.gene_index[r], dataset.gene_index[t]]
              for r, t in zip(positives["regulator"], positives["target"], strict=True)]
    return positives.iloc[int(np.flatnonzero(np.asarray(counts) > 0)[0])]


def test_curated_check_counts_unknown_curated_edges_either_way_against_chance():
    from gnt_core.science.curated import curated_check

    rng = np.random.default_rng(0)
    expression = rng.normal(size=(6, 50))
    pairs = np.array([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3], [4, 5], [0, 5]])
    known = np.array([[0, 4], [1, 4], [2, 4]])
    curated = np.array([[2, 0], [1, 3], [4, 5], [0, 4]])  # (2, 0) reversed; (0, 4) known
    check = curated_check(pairs, expression, known, curated, top_n=(1, 2, 5, 8))
    curve = check.curve.set_index("top_n")
    assert curve["GNT"].tolist() == [0, 1, 2, 3]
    assert curve["expected"].tolist() == pytest.approx([3 / 8, 6 / 8, 15 / 8, 3.0])
    assert (check.curated_in_universe, check.universe, check.curated_known) == (3, 8, 1)
    assert check.curve["degree"].iloc[-1] == 3 and check.sentence(2).startswith(
        "1 of your top 2 novel pairs")


def test_exports_carry_the_evidence_columns_as_explain_counts_them(tmp_path, monkeypatch,
                                                                   capsys):
    from gnt_core.workflows.explain import explain_pair, with_evidence

    monkeypatch.setenv("GNT_OFFLINE", "1")
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    assert main(["demo", str(tmp_path / "demo")]) == 0
    run_dir = tmp_path / "run"
    assert main(["train", "--data", str(tmp_path / "demo"), "--epochs", "2", "--protocol",
                 "candidates", "--no-ablation", "--out", str(run_dir)]) == 0
    table = Run(run_dir).candidates()
    chosen = table.iloc[[0, 5, 50, 500, len(table) - 1]]
    columns = with_evidence(run_dir, chosen)
    for row in columns.itertuples():
        evidence = explain_pair(run_dir, row.regulator, row.target)
        assert row.pearson == pytest.approx(evidence["pearson"], abs=1e-9)
        assert row.l3_path_count == evidence["l3_path_count"]
    assert columns["pubmed_records"].isna().all()
    capsys.readouterr()
    assert main(["score", str(run_dir), "--top", "20", "--out", str(tmp_path / "top.graphml")]) == 0
    assert "l3_path_count" in (tmp_path / "top.graphml").read_text()


def test_a_permutation_p_value_at_its_floor_reads_as_a_bound():
    assert p_text(1 / 1000, 999) == "p ≤ 0.001"
    assert p_text(0.0345, 999) == "p = 0.0345"
