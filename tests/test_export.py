"""Exports that the tools they name read back right: BEELINE, spreadsheets, SCENIC, Cytoscape."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from itertools import combinations, permutations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import auc, precision_recall_curve, roc_curve

from gnt_core.outputs.export import export_bytes, format_from_path, neutralise
from gnt_core.outputs.filters import add_verdicts
from gnt_core.science.metrics import evaluation_metrics


def beeline_scores(true_edges: pd.DataFrame, ranked: pd.DataFrame) -> tuple[float, float]:
    """BEELINE's computeScores, directed, without self edges, written again from its published
    logic: every ordered pair of the ground truth's genes; a pair's prediction is |EdgeWeight|
    of its row in rankedEdges (0 where absent); AUPRC = trapezoid area under precision-recall."""
    genes = np.unique(true_edges[["Gene1", "Gene2"]])
    truth = set(zip(true_edges["Gene1"], true_edges["Gene2"], strict=True))
    weights = {(a, b): abs(w) for a, b, w in ranked[["Gene1", "Gene2", "EdgeWeight"]]
               .itertuples(index=False)}
    possible = list(permutations(genes, 2))
    y_true = [int(p in truth) for p in possible]
    y_score = [weights.get(p, 0.0) for p in possible]
    fpr, tpr, _ = roc_curve(y_true, y_score)
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return auc(recall, precision), auc(fpr, tpr)


@pytest.fixture
def ranking():
    """A ranked table over every ordered pair of 12 genes, some true edges, signed scores."""
    rng = np.random.default_rng(1)
    genes = [f"G{i}" for i in range(12)]
    pairs = list(permutations(genes, 2))
    truth = {p for p in pairs if rng.random() < 0.1}
    score = np.array([(1.0 if p in truth else 0.0) + rng.standard_normal() - 1.5 for p in pairs])
    order = np.argsort(-score, kind="stable")
    table = pd.DataFrame({"regulator": [pairs[i][0] for i in order],
                          "target": [pairs[i][1] for i in order], "score": score[order]})
    table["rank"] = np.arange(1, len(table) + 1)
    table["percentile"] = 100.0 * (1 - (table["rank"] - 1) / len(table))
    table["status"] = "novel"
    labels = np.array([(a, b) in truth for a, b in zip(table.regulator, table.target,
                                                       strict=True)])
    true_edges = pd.DataFrame(sorted(truth), columns=["Gene1", "Gene2"])
    return table, labels, true_edges


def test_beeline_reads_our_ranking_as_we_score_it(ranking):
    table, labels, true_edges = ranking
    text = export_bytes(table, "beeline").decode()
    assert text.splitlines()[0] == "Gene1\tGene2\tEdgeWeight"
    ranked = pd.read_csv(io.StringIO(text), sep="\t", header=0, index_col=None)  # as BEELINE
    assert (ranked["EdgeWeight"] >= 0).all() and ranked["EdgeWeight"].is_monotonic_decreasing
    auprc, auroc = beeline_scores(true_edges, ranked)
    # BEELINE scores the ordered pairs of the ground truth's genes: ours, on the same pairs
    genes = set(true_edges["Gene1"]) | set(true_edges["Gene2"])
    same = (table["regulator"].isin(genes) & table["target"].isin(genes)).to_numpy()
    labels, scores = labels[same], table["score"].to_numpy()[same]
    ours = evaluation_metrics(labels, scores)
    assert auroc == pytest.approx(ours["auroc"], abs=1e-12)
    precision, recall, _ = precision_recall_curve(labels, scores)
    assert auprc == pytest.approx(auc(recall, precision), abs=1e-12)
    # what the old export (the signed SVM score as EdgeWeight) made BEELINE read instead
    signed = ranked.assign(EdgeWeight=table["score"].to_numpy())
    assert beeline_scores(true_edges, signed)[1] < ours["auroc"] - 0.2


HOSTILE = ["=cmd|' /C calc'!A0", "+A1", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR", "SAFE-1"]


def test_spreadsheet_csv_neutralises_formulas():
    table = pd.DataFrame({"regulator": HOSTILE, "target": HOSTILE[::-1],
                          "score": np.linspace(1, -1, len(HOSTILE)),
                          "rank": range(1, len(HOSTILE) + 1), "percentile": 50.0,
                          "status": "novel", "note": ["=1+1"] * len(HOSTILE)})
    rows = list(csv.reader(io.StringIO(export_bytes(table, "csv").decode(), newline="")))
    assert rows[0][:3] == ["Gene1", "Gene2", "EdgeWeight"]
    for row in rows[1:]:
        for cell in (row[0], row[1], row[-1]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert rows[1][0] == "'=cmd|' /C calc'!A0" and rows[-1][1] == "'=cmd|' /C calc'!A0"
    assert float(rows[-1][3]) == -1.0  # numbers stay numbers
    assert neutralise("SAFE-1") == "SAFE-1" and neutralise(-1.5) == -1.5


def test_graph_exports_carry_roles_status_stability_and_verdicts(ranking):
    table = ranking[0].head(5).assign(stability=[1.0, 0.8, 0.6, 0.4, 0.2])
    verdicts = pd.DataFrame({"regulator": [table.regulator[0]], "target": [table.target[0]],
                             "verdict": ["supported"], "note": ["PMID 1"]})
    table = add_verdicts(table, verdicts)
    graph = nx.read_graphml(io.BytesIO(export_bytes(table, "graphml")))
    ET.fromstring(export_bytes(table, "graphml"))
    first = graph.edges[table.regulator[0], table.target[0]]
    assert first["status"] == "novel" and first["verdict"] == "supported"
    assert first["stability"] == 1.0 and 0 <= first["EdgeWeight"] <= 1
    assert {d["role"] for _, d in graph.nodes(data=True)} <= {
        "regulator", "target", "regulator and target"}
    cyjs = json.loads(export_bytes(table, "cyjs"))
    back = nx.cytoscape_graph(cyjs)
    assert back.number_of_edges() == 5 and back.is_directed()
    assert export_bytes(table, "sif").decode().splitlines()[0] == (
        f"{table.regulator[0]}\tnovel\t{table.target[0]}")
    scenic = export_bytes(table, "scenic").decode().splitlines()
    assert scenic[0] == "TF\ttarget\timportance"


def test_format_from_the_file_name():
    assert format_from_path("out/rankedEdges.csv") == "beeline"
    assert format_from_path("top.csv") == "csv" and format_from_path("adj.tsv") == "scenic"
    assert format_from_path("x/ranked.graphml") == "graphml"
    assert format_from_path("net.cyjs") == "cyjs"
    with pytest.raises(ValueError, match="export format"):
        format_from_path("ranked.xlsx")


def test_bleval_auprc_is_beelines_universe_and_davis_goadrich_area(ranking):
    from gnt_core.outputs.beeline_eval import bleval_auprc, davis_goadrich_auprc

    table, _, true = ranking
    ranked = pd.DataFrame({"Gene1": table["regulator"], "Gene2": table["target"],
                           "EdgeWeight": table["score"]}).sample(frac=0.7, random_state=0)
    extra = pd.DataFrame({"Gene1": ["X1", "X2"], "Gene2": ["X1", "X2"]})  # self-pair rows
    for reference in (true, pd.concat([true, extra])):
        genes = np.unique(reference[["Gene1", "Gene2"]])
        truth = set(zip(true["Gene1"], true["Gene2"], strict=True))
        weights = {(a, b): abs(w) for a, b, w in ranked.itertuples(index=False)}
        possible = list(permutations(genes, 2))
        labels = np.array([p in truth for p in possible])
        scores = np.array([weights.get(p, 0.0) for p in possible])
        assert bleval_auprc(ranked, reference) == pytest.approx(
            davis_goadrich_auprc(scores, labels), abs=1e-12)
        pairs = list(combinations(genes, 2))  # undirected: either way, the larger weight
        labels = np.array([p in truth or p[::-1] in truth for p in pairs])
        scores = np.array([max(weights.get(p, 0.0), weights.get(p[::-1], 0.0)) for p in pairs])
        assert bleval_auprc(ranked, reference, directed=False) == pytest.approx(
            davis_goadrich_auprc(scores, labels), abs=1e-12)
    assert davis_goadrich_auprc(np.zeros(50), np.arange(50) < 5) == pytest.approx(0.1)
    assert davis_goadrich_auprc(np.arange(50.0), np.arange(50) >= 45) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    labels = rng.random(5000) < 0.05
    scores = rng.normal(size=5000) + 1.5 * labels
    from sklearn.metrics import average_precision_score
    assert davis_goadrich_auprc(scores, labels) == pytest.approx(
        average_precision_score(labels, scores), abs=0.01)


def test_beeline_evaluation_set_holds_only_the_test_and_scores_as_the_run(tmp_path, capsys):
    from gnt_core.cli import main
    from gnt_core.outputs.beeline_eval import bleval_auprc
    from gnt_core.store.run import Run

    assert main(["demo", str(tmp_path / "demo")]) == 0
    run_dir, out = tmp_path / "run", tmp_path / "beeline"
    assert main(["train", "--data", str(tmp_path / "demo"), "--epochs", "2", "--protocol",
                 "candidates", "--no-ablation", "--out", str(run_dir)]) == 0
    capsys.readouterr()
    assert main(["score", str(run_dir), "--format", "beeline", "--evaluation-set",
                 str(out)]) == 0
    printed = capsys.readouterr().out
    ranked = pd.read_csv(out / "rankedEdges.csv", sep="\t")
    reference = pd.read_csv(out / "refNetwork.csv")
    run = Run(run_dir)
    dataset = run.dataset()
    split = run.split(dataset)
    names = np.asarray(dataset.genes, dtype=object)

    def unordered(a, b) -> set:
        return {frozenset(p) for p in zip(a, b, strict=True)}

    listed = unordered(ranked["Gene1"], ranked["Gene2"])
    assert listed == unordered(names[split.test.pairs[:, 0]], names[split.test.pairs[:, 1]])
    fitted = np.concatenate([split.train.pairs, split.val.pairs, split.ranker_negatives])
    assert not listed & unordered(names[fitted[:, 0]], names[fitted[:, 1]])
    regulator = set(names[dataset.regulators])
    two_way = ranked["Gene1"].isin(regulator) & ranked["Gene2"].isin(regulator)
    assert two_way.sum() > 0 and len(ranked) > len(listed)  # both directions of TF–TF pairs
    assert (ranked["EdgeWeight"] > 0).all()
    edges = reference[reference["Gene1"] != reference["Gene2"]]
    assert set(reference["Gene1"]) == set(dataset.genes)  # every gene in BLEval's universe
    known = set(zip(names[dataset.edges[:, 0]], names[dataset.edges[:, 1]], strict=True))
    assert set(zip(edges["Gene1"], edges["Gene2"], strict=True)) <= known
    assert unordered(edges["Gene1"], edges["Gene2"]) == unordered(
        names[split.test.positives[:, 0]], names[split.test.positives[:, 1]])
    figure = bleval_auprc(ranked, reference)
    assert f"BLEval's AUPRC on them: {figure:.4f} directed" in printed
    directed = float(printed.split("directed test AUPRC: ")[1].split(")")[0])
    # the same ranking, two estimators of its area: Davis–Goadrich's interpolation (BLEval)
    # and average precision's steps (the run) differ by about 0.01 on the demo's 48 test edges
    assert abs(figure - directed) < 0.02
    undirected = bleval_auprc(ranked, reference, directed=False)
    own = float(printed.split("own test AUPRC: ")[1].split(")")[0])
    assert own == pytest.approx(run.metrics.test["gnt"]["auprc"], abs=5e-5)
    assert abs(undirected - own) < 0.02  # BLEval's undirected mode: the run's own question
    assert main(["score", str(run_dir), "--format", "csv", "--evaluation-set", str(out)]) == 2
