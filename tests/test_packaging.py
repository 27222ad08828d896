"""A library user's install: a fresh virtual environment with `pip install .` only (no app
extras) imports gnt_core and runs gnt_core.infer on the demo. Takes about a minute."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import sys
import gnt_core
from gnt_core.io import make_demo_tables
expression, network, tfs = make_demo_tables()
edges = gnt_core.infer(expression, network, tfs, seeds=2, epochs=2)
assert list(edges.columns[:3]) == ["Gene1", "Gene2", "EdgeWeight"] and len(edges) > 1000
app = [m for m in ("streamlit", "plotly", "pyvis") if m in sys.modules]
assert not app, app
print("ranked", len(edges))
"""


def test_pip_install_without_app_extras_imports_and_trains(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check"]
    # torch first and pinned (a CPU build from local disk), then the project alone
    subprocess.run([*pip, "torch==2.13.0"], check=True, capture_output=True)
    subprocess.run([*pip, str(ROOT)], check=True, capture_output=True)
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list"],
                            capture_output=True, text=True, check=True).stdout.lower()
    assert "streamlit" not in listed and "plotly" not in listed and "pyvis" not in listed
    result = subprocess.run([str(venv / "bin" / "python"), "-c", SCRIPT], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ranked")
