"""Every malformed input of tests/data/bad/ through the library, the CLI and the app."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gnt_core.cli import main
from tests.data.make_bad_inputs import BAD, outcome, write_corpus

CASES = json.loads((BAD / "cases.json").read_text())
ERRORS = {name: case for name, case in CASES.items() if case["expect"] == "error"}
# the Data page's uploaders take single files (a 10x folder or a gene map is chosen otherwise)
UPLOADABLE = {name: case for name, case in ERRORS.items()
              if "gene_map" not in case["files"] and all(
                  (BAD / path).is_file() for path in case["files"].values())}
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_corpus_is_what_the_script_writes(tmp_path):
    assert write_corpus(tmp_path) == CASES
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (BAD / path.relative_to(tmp_path)).read_bytes(), path
    assert len(CASES) >= 80


@pytest.mark.parametrize("name", list(CASES))
def test_each_case_is_repaired_or_refused_as_documented(name):
    case = CASES[name]
    kind, message = outcome(case)
    assert kind == case["expect"], message
    assert case["needle"] in message
    if kind == "error":
        broken = [p for p in case["files"].values()
                  if not p.endswith(("/expression.csv", "/network.csv"))]
        assert any(p in message for p in broken), message


@pytest.mark.parametrize("name", list(ERRORS))
def test_cli_prints_one_paragraph_and_exits_2(name, tmp_path, capsys):
    files = {role: str(BAD / path) for role, path in ERRORS[name]["files"].items()}
    argv = ["train", "--expression", files["expression"], "--network", files["network"],
            "--out", str(tmp_path / "run")]
    if "tfs" in files:
        argv += ["--tfs", files["tfs"]]
    if "gene_map" in files:
        argv += ["--gene-map", files["gene_map"]]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("gnt: ") and "\n\n" not in err.strip() and "Traceback" not in err
    assert ERRORS[name]["needle"] in err.replace("\n", " ")
    assert not (tmp_path / "run").exists()


def test_the_data_page_shows_each_error_and_keeps_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path))
    labels = {"expression": "Expression matrix",
              "network": "Known network (regulator → target)", "tfs": "TF list (optional)"}
    at = AppTest.from_file(APP, default_timeout=60).run()
    for name, case in UPLOADABLE.items():
        for role, path in case["files"].items():
            uploader = next(u for u in at.file_uploader if u.label == labels[role])
            uploader.upload(Path(path).name, (BAD / path).read_bytes())
        if "tfs" not in case["files"]:
            next(u for u in at.file_uploader if u.label == labels["tfs"]).set_value(None)
        next(b for b in at.button if b.label == "Load these files").click()
        at.run()
        read = [b for b in at.button if b.label == "Load with these choices"]
        if read and not at.error:  # a single-cell file: its choices come first
            read[0].click()
            at.run()
        assert not at.exception, name
        shown = " ".join(e.value for e in at.error).replace("\\", "")
        assert "nothing was changed" in shown and case["needle"] in shown.replace("\n", " "), (
            name, shown)
        assert at.header[0].value.startswith("Active dataset: demo"), name
