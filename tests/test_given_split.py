import numpy as np
import pandas as pd
import pytest

from gnt_core.cli import main
from gnt_core.io import GntInputError, read_split_dir
from gnt_core.science.splits import LAYER_PREVALENCE
from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.store.run import new_run_dir
from gnt_core.store.storage import read_json
from gnt_core.workflows.pipeline import run_pipeline
from tests.conftest import shared


def write_split(folder, demo, leak: bool):
    genes = np.asarray(demo.genes)
    edges = demo.edges
    rng = np.random.default_rng(0)
    order = rng.permutation(len(edges))
    parts = {"train": order[:300], "val": order[300:380], "test": order[380:]}
    folder.mkdir()
    for name, rows in parts.items():
        pos = edges[rows]
        neg = np.stack([pos[:, 0], rng.permutation(pos[:, 1])], axis=1)
        pairs = np.concatenate([pos, neg])
        labels = [1] * len(pos) + [0] * len(neg)
        if leak and name == "test":
            pairs = np.concatenate([pairs, edges[order[:5]]])
            labels += [0] * 5
        pd.DataFrame({"tf": genes[pairs[:, 0]], "target": genes[pairs[:, 1]],
                      "label": labels}).to_csv(folder / f"{name}.csv", index=False)


def unordered(table: pd.DataFrame) -> set:
    return set(map(frozenset, zip(table["gene_a"], table["gene_b"], strict=True)))


def test_a_given_split_is_used_exactly_and_leaks_are_reported(demo, tmp_path):
    write_split(tmp_path / "split", demo, leak=True)
    run = new_run_dir(tmp_path, "given")
    metrics = run_pipeline(demo, RunSettings(split_dir=str(tmp_path / "split"),
                                             train=TrainConfig(epochs=2)), run)
    assert metrics["protocol"] == "given"
    given = pd.read_csv(tmp_path / "split" / "test.csv")
    saved = pd.read_csv(run / "splits" / "test.csv")
    assert saved[["gene_a", "gene_b", "label"]].values.tolist() == given.values.tolist()
    assert metrics["test"]["gnt"]["n_pos"] + metrics["test"]["gnt"]["n_neg"] == len(given)
    assert metrics["test_pairs_that_are_training_positives"]["labelled_0"] >= 5
    clean = metrics["test_without_training_positives"]["gnt"]
    assert clean["n_neg"] <= metrics["test"]["gnt"]["n_neg"] - 5
    assert read_json(run / "config.json")["settings"]["split_dir"].endswith("split")
    # the split is regulator-balanced: its last layer is fitted on the validation positives
    # among uniform non-edges (round 19), which no listed set or the ranker holds, and no prior
    # shift follows it
    listed = pd.concat([pd.read_csv(run / "splits" / f"{name}.csv")
                        for name in ("train", "val", "test", "ranker")])
    layer = pd.read_csv(run / "splits" / "layer.csv")
    assert len(layer) == round(80 / LAYER_PREVALENCE) - 80 and (layer["label"] == 0).all()
    assert not unordered(layer) & unordered(listed) and len(unordered(layer)) == len(layer)
    genes = np.asarray(demo.genes)
    assert not unordered(layer) & set(map(frozenset, genes[demo.edges].tolist()))
    assert metrics["validation"]["gnt"]["prior_shift"] is None
    assert not (run / "model" / "prior.npz").exists()


def test_bad_split_folders_are_explained(demo, tmp_path):
    with pytest.raises(GntInputError, match="no train.csv"):
        read_split_dir(tmp_path, demo.genes)
    for name in ("train", "val", "test"):
        (tmp_path / f"{name}.csv").write_text("tf,target,label\nTF01,G001,1\nTF01,NOPE,0\n")
    with pytest.raises(GntInputError, match="line 3: 'TF01' or 'NOPE' is not a gene"):
        read_split_dir(tmp_path, demo.genes)
    (tmp_path / "train.csv").write_text("tf,target,label\nTF01,G001,yes\n")
    with pytest.raises(GntInputError, match="line 2: the label 'yes' is not 0 or 1"):
        read_split_dir(tmp_path, demo.genes)


def test_genelink_split_via_the_cli(tmp_path, capsys):
    data = shared("beeline-mdc", "nonspecific")
    assert main(["train", "--data", str(data), "--split-dir", str(data / "splits-genelink"),
                 "--epochs", "2", "--no-ablation", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "protocol: given" in out and "1092 positive, 56381 negative" in out
    assert "without the test pairs that are training positives (" in out
