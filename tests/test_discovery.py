"""Discovery: trained on every known edge, cross-fitted, a consensus over seeds, calibrated."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from gnt_core.cli import main
from gnt_core.science.calibration import Calibration, reliability
from gnt_core.science.discovery import Consensus, cross_fit_percentiles
from gnt_core.science.splits import pair_keys, split_pairs, unique_pairs
from gnt_core.settings import DiscoverySettings, RunSettings, TrainConfig
from gnt_core.store.run import Run
from gnt_core.vocabulary import DISCOVER, NOVEL
from gnt_core.workflows.discover import run_discovery, unknown_pairs
from gnt_core.workflows.pipeline import run_pipeline

SETTINGS = RunSettings(protocol="candidates", ablation=False, train=TrainConfig(epochs=10))


@pytest.fixture(scope="module")
def hidden(demo, tmp_path_factory):
    """Evaluation with a tenth of the edges hidden (candidates protocol, seed 0), and a
    discovery on the network without those edges."""
    root = tmp_path_factory.mktemp("runs")
    evaluation = Run.create(root, "evaluation")
    metrics = run_pipeline(demo, SETTINGS, evaluation)
    split = split_pairs(demo.edges, demo.n_genes, protocol="candidates", seed=0,
                        regulators=demo.regulators)
    visible = replace(demo, edges=np.concatenate([split.train.positives, split.val.positives]),
                      edge_signs=None, edge_weights=None)
    discovery = Run.create(root, "discovery")
    steps = []
    summary = run_discovery(visible, SETTINGS, DiscoverySettings(seeds=3), discovery,
                            [evaluation], progress=lambda *report: steps.append(report[:3]))
    # a progress step per fold model (3 seeds × 3 folds), so that the ETA comes early
    assert [s for s in steps if s[0] == "discover"] == [("discover", k, 9) for k in range(10)]
    return metrics, split, visible, discovery, summary


def test_novel_pairs_are_never_known_edges(hidden):
    _, _, visible, discovery, summary = hidden
    table = discovery.candidates()
    assert (table["status"] == NOVEL).all() and len(table) == summary["n_pairs"]
    index = visible.gene_index
    pairs = np.stack([table["regulator"].map(index), table["target"].map(index)], axis=1)
    known = pair_keys(unique_pairs(visible.edges, visible.n_genes), visible.n_genes)
    assert not np.isin(pair_keys(pairs, visible.n_genes), known).any()
    assert discovery.status.complete and discovery.config.mode == DISCOVER
    assert discovery.config.settings.train.epochs == summary["epochs"]


def test_pairs_of_two_regulators_are_scored_both_ways_and_listed_the_likelier_way(hidden):
    _, _, visible, discovery, _ = hidden
    table = discovery.candidates()
    regulators = set(np.asarray(visible.genes)[visible.regulators])
    both = table["regulator"].isin(regulators) & table["target"].isin(regulators)
    assert both.any() and (~both).any()
    assert table.loc[both, ["score_forward", "score_reverse"]].notna().all().all()
    assert (table.loc[both, "score_forward"] >= table.loc[both, "score_reverse"]).all()
    assert table.loc[~table["target"].isin(regulators), "score_reverse"].isna().all()


def test_hidden_edges_rank_as_well_as_evaluation_reported(hidden):
    metrics, split, visible, discovery, _ = hidden
    table = discovery.candidates()
    index = visible.gene_index
    pairs = np.stack([table["regulator"].map(index), table["target"].map(index)], axis=1)
    is_hidden = np.isin(pair_keys(pairs, visible.n_genes),
                        pair_keys(split.test.positives, visible.n_genes))
    assert is_hidden.sum() == len(split.test.positives)
    found = roc_auc_score(is_hidden, table["score"])
    reported = metrics["test"]["gnt"]["auroc"]
    assert abs(found - reported) < 0.03, (found, reported)
    assert found > metrics["test"]["random"]["auroc"] + 0.1


def test_no_pair_is_scored_by_a_model_that_had_it_as_a_negative(demo):
    known, unknown = unknown_pairs(demo, "regulators")
    settings = replace(SETTINGS, train=TrainConfig(epochs=2))
    percentile, records, _ = cross_fit_percentiles(demo.expression, known, unknown, settings,
                                                   seed=3, folds=3)
    scored = np.concatenate([r.scored for r in records])
    assert len(records) == 3 and np.array_equal(np.sort(scored),
                                                np.sort(pair_keys(unknown, demo.n_genes)))
    known_keys = pair_keys(known, demo.n_genes)
    for record in records:
        assert not np.isin(record.scored, record.negatives).any()
        assert not np.isin(record.negatives, known_keys).any()
        assert len(record.negatives) == len(known)
    assert ((percentile > 0) & (percentile <= 1)).all()


def test_consensus_stability_and_rank_sd():
    consensus = Consensus(n_pairs=4, top_n=2)
    consensus.add(0, np.array([0.9, 0.8, 0.1, 0.2]))  # ranks 1 2 4 3
    consensus.add(1, np.array([0.9, 0.1, 0.8, 0.2]))  # ranks 1 4 2 3
    result = consensus.result()
    np.testing.assert_allclose(result["stability"], [1.0, 0.5, 0.5, 0.0])
    np.testing.assert_allclose(result["rank_sd"], [0.0, np.sqrt(2), np.sqrt(2), 0.0])
    np.testing.assert_allclose(result["score"], [0.9, 0.45, 0.45, 0.2])


def test_calibration_is_monotone_and_ends_at_prevalence():
    rng = np.random.default_rng(0)
    labels = (rng.random(5000) < 0.02).astype(int)
    scores = labels * 1.5 + rng.standard_normal(5000)
    calibration = Calibration.fit([(labels, scores)], ["run"])
    assert np.all(np.diff(calibration.precision) <= 1e-12)
    assert np.all(np.diff(calibration.recall) >= 0)
    precision, recall = calibration.expected(np.array([50, 5000]), 5000)
    assert precision[0] > 5 * labels.mean()
    assert precision[1] == pytest.approx(labels.mean(), rel=0.05)  # the prior's 20 pairs
    assert recall[1] == pytest.approx(1.0)
    again = Calibration.from_dict(calibration.to_dict())
    np.testing.assert_allclose(again.expected(np.array([123]), 5000),
                               calibration.expected(np.array([123]), 5000))


def test_expected_precision_at_the_head_is_shrunk_and_has_an_interval():
    labels = np.r_[1, 1, np.zeros(98), (np.arange(9900) % 50 == 0)].astype(int)
    calibration = Calibration.fit([(labels, -np.arange(len(labels), dtype=float))], ["run"])
    precision, _ = calibration.expected(np.array([1, 2, 1000]), len(labels))
    lower, upper = calibration.interval(np.array([2, 1000]), len(labels))
    assert precision[1] < 0.5  # two hits in two pairs are not a precision of 1.000
    assert lower[0] < precision[1] < upper[0] and upper[0] - lower[0] > 0.2
    assert upper[1] - lower[1] < upper[0] - lower[0]  # more pairs, a narrower interval
    older = {k: v for k, v in calibration.to_dict().items() if k not in ("lower", "upper")}
    assert np.isnan(Calibration.from_dict(older).interval(np.array([5]), 100)[0]).all()


def test_reliability_compares_predicted_and_observed_precision_by_rank_bin():
    rng = np.random.default_rng(1)
    runs = []
    for _ in range(4):
        labels = (rng.random(4000) < 0.03).astype(int)
        runs.append((labels, labels * 2.0 + rng.standard_normal(4000)))
    table = reliability(Calibration.fit(runs[:3], ["a", "b", "c"]), *runs[3])
    assert table["ranks"].iloc[0] == "1–10" and table["pairs"].sum() == 2500
    assert (table["predicted"] - table["observed"]).abs().mean() < 0.15  # same process


def test_discovery_carries_expected_precision_from_the_evaluation(hidden):
    metrics, _, _, discovery, summary = hidden
    table = discovery.candidates()
    assert table["expected_precision"].is_monotonic_decreasing
    prevalence = metrics["test"]["gnt"]["prevalence"]
    assert table["expected_precision"].iloc[0] > prevalence
    assert summary["calibrated_on"] == [Run(discovery.config.evaluations[0]).id]
    assert table["stability"].between(0, 1).all()
    assert table["stability"].head(20).mean() > table["stability"].mean()


def test_cli_discover_then_export(demo_files, tmp_path, capsys):
    out = tmp_path / "disc"
    assert main(["discover", "--expression", str(demo_files["expression"]), "--network",
                 str(demo_files["network"]), "--epochs", "3", "--seeds", "2",
                 "--out", str(out)]) == 0
    assert "novel pairs ranked" in capsys.readouterr().out
    table = pd.read_csv(out / "candidates.csv")
    assert {"regulator", "target", "score", "rank", "status", "stability",
            "expected_precision"} <= set(table.columns)
    assert (out / "evaluation" / "status.json").is_file()
    assert main(["score", str(out), "--format", "beeline", "--top", "100",
                 "--out", str(tmp_path / "ranked.txt")]) == 0
    ranked = pd.read_csv(tmp_path / "ranked.txt", sep="\t")
    assert list(ranked.columns) == ["Gene1", "Gene2", "EdgeWeight"]
    assert (ranked["EdgeWeight"] > 0).all() and ranked["EdgeWeight"].is_monotonic_decreasing
    assert len(set(map(frozenset, zip(ranked["Gene1"], ranked["Gene2"], strict=True)))) == 100
    assert_both_ways(ranked, pd.read_csv(demo_files["network"]))
    again = tmp_path / "again"
    capsys.readouterr()
    top = table.head(30)
    pd.DataFrame({"source": top["target"], "target": top["regulator"]}).to_csv(  # reversed
        tmp_path / "curated.csv", index=False)
    assert main(["discover", "--evaluation", str(out / "evaluation"), "--seeds", "1",
                 "--curated", str(tmp_path / "curated.csv"), "--out", str(again)]) == 0
    assert len(pd.read_csv(again / "candidates.csv")) == len(table)
    printed = capsys.readouterr().out
    assert "of your top 10 novel pairs are curated edges, against" not in printed
    assert "novel pairs are curated edges, against 0." in printed and "GNT" in printed


def assert_both_ways(ranked: pd.DataFrame, network: pd.DataFrame) -> None:
    """BEELINE scores directed edges: >= 95 % of the listed pairs of two regulators (genes
    with known targets) appear both ways."""
    regulators = set(network.iloc[:, 0])
    listed = set(zip(ranked["Gene1"], ranked["Gene2"], strict=True))
    two_way = {frozenset(p) for p in listed if set(p) <= regulators}
    both = {p for p in two_way if len(p) == 2 and tuple(p) in listed
            and tuple(p)[::-1] in listed}
    assert two_way and len(both) >= 0.95 * len(two_way), (len(both), len(two_way))


def test_hidden_edges_as_a_curated_reference(hidden, tmp_path):
    from gnt_core.io import read_network
    from gnt_core.workflows.curated import check_run

    _, split, visible, discovery, _ = hidden
    names = np.asarray(visible.genes, dtype=object)
    listed = np.concatenate([split.test.positives, visible.edges[:5]])
    pd.DataFrame({"TF": names[listed[:, 0]], "target": names[listed[:, 1]]}).to_csv(
        tmp_path / "curated.csv", index=False)
    check = check_run(discovery.path, read_network(tmp_path / "curated.csv"))
    assert check.curated_known == 5 and check.curated_in_universe == len(split.test.positives)
    assert check.universe == len(discovery.candidates())
    curve = check.curve.set_index("top_n")
    assert (curve["GNT"].diff().dropna() >= 0).all()
    assert curve.loc[100, "GNT"] > 3 * curve.loc[100, "expected"]  # far better than chance
    assert check.sentence(100).startswith(f"{curve.loc[100, 'GNT']} of your top 100 novel")

