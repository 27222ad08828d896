"""The layout's promises: which part may import which, torch-free stores, no app packages in
the library, the estimator API, one-call inference."""

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.settings import TrainConfig
from gnt_core.vocabulary import parse_seeds

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gnt_core"
# part -> parts of gnt_core it must never import (ARCHITECTURE: which way the arrows point)
FORBIDDEN = {
    "io": {"science", "workflows", "store", "outputs", "cli", "settings"},
    "science": {"workflows", "store", "outputs", "cli"},
    "store": {"workflows", "outputs", "cli"},
    "outputs": {"science", "workflows", "store", "cli"},
    "workflows": {"cli"},
    "vocabulary": {"io", "science", "workflows", "store", "outputs", "cli", "settings"},
    "settings": {"io", "science", "workflows", "store", "outputs", "cli"},
    "timings": {"io", "science", "workflows", "store", "outputs", "cli", "settings"},
}
APP_PACKAGES = ("streamlit", "plotly", "pyvis")


def imported_parts(path: Path) -> set[str]:
    """The parts of gnt_core (first segment below it) that a module imports."""
    module = path.relative_to(ROOT).with_suffix("").parts
    parts = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(module[:-1]) if path.name != "__init__.py" else list(module)
            base = base[:len(base) - node.level + 1] + (node.module or "").split(".")
            names = [base] if node.module else [base + [a.name] for a in node.names]
            parts.update(n[1] for n in names if len(n) > 1 and n[1])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gnt_core."):
            parts.add(node.module.split(".")[1])
    return parts


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(
    p.relative_to(PACKAGE)))
def test_imports_point_the_right_way(path):
    part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    bad = imported_parts(path) & FORBIDDEN.get(part, set())
    assert not bad, f"{path.relative_to(ROOT)} ({part}) imports {sorted(bad)}"
    source = path.read_text()
    assert not any(f"import {p}" in source or f"from {p}" in source for p in APP_PACKAGES)


def fresh_import(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted("
                          "m for m in sys.modules if '.' not in m)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return out.stdout.split()


def test_stores_and_readers_do_not_import_torch():
    loaded = fresh_import("import gnt_core, gnt_core.store.verdicts, gnt_core.store.datasets, "
                          "gnt_core.io, gnt_core.store.storage, gnt_core.settings")
    assert "torch" not in loaded and "sklearn" not in loaded


def test_the_whole_library_loads_without_app_packages():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(
        ".__init__") for p in PACKAGE.rglob("*.py"))
    loaded = fresh_import("\n".join(f"import {m}" for m in modules))
    assert not set(APP_PACKAGES) & set(loaded)


def test_predictor_is_a_scikit_learn_estimator():
    model = GNTLinkPredictor(TrainConfig(epochs=3), svm_c=2.0)
    assert model.get_params()["svm_c"] == 2.0
    copy = clone(model).set_params(features="hadamard", svm_c=0.5)
    assert copy.features == "hadamard" and copy.svm_c == 0.5 and model.svm_c == 2.0
    assert copy.config == model.config and copy.config is not model.config


def test_infer_ranks_pairs_from_tables_in_one_call(demo):
    import gnt_core
    from gnt_core.io import make_demo_tables

    expression, network, tfs = make_demo_tables()
    edges = gnt_core.infer(expression.T, network, tfs, seeds=2, epochs=2)  # cells × genes too
    assert list(edges.columns[:3]) == ["Gene1", "Gene2", "EdgeWeight"]
    assert edges["rank"].tolist() == list(range(1, len(edges) + 1))
    assert np.all(np.diff(edges["EdgeWeight"].to_numpy()) <= 0)
    assert (edges["EdgeWeight"] >= 0).all() and (edges["status"] == "novel").all()
    assert {"stability", "expected_precision"} <= set(edges.columns)
    known = set(zip(network["Gene1"], network["Gene2"], strict=True))
    assert not known & set(zip(edges["Gene1"], edges["Gene2"], strict=True))
    with pytest.raises(TypeError, match="unknown settings"):
        gnt_core.infer(expression, network, epoch=2)


def test_one_seed_parser():
    assert parse_seeds("0, 1 2,1") == [0, 1, 2]
    for bad in ("", "a", "0.5"):
        with pytest.raises(ValueError, match="whole numbers"):
            parse_seeds(bad)
    with pytest.raises(ValueError, match="1 to 2"):
        parse_seeds("0,1,2", max_seeds=2)


def test_infer_takes_an_anndata_and_a_decoupler_network_and_returns_one(demo):
    anndata = pytest.importorskip("anndata")
    import gnt_core
    from gnt_core.io import make_demo_tables

    expression, network, tfs = make_demo_tables()
    cells = expression.T
    adata = anndata.AnnData(np.zeros(cells.shape, dtype=np.float32),
                            obs=pd.DataFrame({"group": ["a", "b"] * (len(cells) // 2)},
                                             index=cells.index),
                            var=pd.DataFrame(index=cells.columns))
    adata.layers["logged"] = cells.to_numpy(dtype=np.float32)
    decoupler = network.rename(columns={"Gene1": "source", "Gene2": "target"})[
        ["source", "target"]].assign(weight=1.0)
    edges = gnt_core.infer(adata, decoupler, tfs, seeds=1, epochs=2, layer="logged",
                           cells_column="group", cells_values=["a"], output="decoupler")
    assert list(edges.columns) == ["source", "target", "weight"]
    assert np.all(np.diff(edges["weight"].to_numpy()) <= 0) and len(edges) > 0
    known = set(zip(decoupler["source"], decoupler["target"], strict=True))
    assert not known & set(zip(edges["source"], edges["target"], strict=True))
    with pytest.raises(gnt_core.GntInputError, match="no layer 'counts'"):
        gnt_core.infer(adata, decoupler, tfs, layer="counts")
