"""The real example data that ships in assets/: intact, loadable from the library, the CLI and
the app, with nothing read from outside the project."""

import hashlib
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gnt_core.cli import main
from gnt_core.io import EXAMPLES, load_example
from gnt_core.io.examples import ASSETS

ROOT = Path(__file__).resolve().parents[1]


def test_each_file_is_byte_for_byte_the_one_its_provenance_names(tmp_path):
    provenance = (ASSETS / "beeline-mdc" / "PROVENANCE.md").read_text()
    expected = dict(re.findall(r"\| (\S+\.csv\.gz) \| .* \| ([0-9a-f]{64}) \|", provenance))
    assert len(expected) == 5
    for name in EXAMPLES:
        assert main(["demo", str(tmp_path / name), "--example", name]) == 0
    written = {"expression.csv.gz": tmp_path / "mdc-specific" / "ExpressionData.csv",
               "network-specific.csv.gz": tmp_path / "mdc-specific" / "refNetwork.csv",
               "network-nonspecific.csv.gz": tmp_path / "mdc-nonspecific" / "refNetwork.csv",
               "tfs-specific.csv.gz": tmp_path / "mdc-specific" / "TF.csv",
               "tfs-nonspecific.csv.gz": tmp_path / "mdc-nonspecific" / "TF.csv"}
    for gz, path in written.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected[gz], gz


def test_examples_load_with_both_networks():
    specific, nonspecific = load_example("mdc-specific"), load_example("mdc-nonspecific")
    assert (specific.n_genes, specific.n_cells) == (nonspecific.n_genes, nonspecific.n_cells) == (
        821, 383)
    assert len(nonspecific.edges) > 2 * len(specific.edges) and specific.tf_list is not None


def test_the_app_offers_the_examples(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    next(b for b in at.button if "non-specific" in b.label).click()
    at.run()
    assert not at.exception
    assert "non\\-specific" in at.header[0].value and "821" in " ".join(
        str(m.value) for m in at.metric)
