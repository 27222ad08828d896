"""Documented size limits, and bounded memory while reading a 1 GB+ expression file."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gnt_core.io import GntInputError, read_expression, read_network
from gnt_core.io import limits as gio

ONE_GB = 1 << 30


def test_a_header_beyond_the_limits_is_refused_at_once(tmp_path):
    path = tmp_path / "wide.csv"
    with open(path, "w") as out:
        out.write("," + ",".join(f"c{i}" for i in range(gio.MAX_CELLS + 1)) + "\n")
        out.write("G1," + ",".join(["1"] * (gio.MAX_CELLS + 1)) + "\n")
    with pytest.raises(GntInputError, match="the header has 250,001 columns.*at most 60,000 "
                                            "genes, 250,000 cells"):
        read_expression(path)


def test_rows_and_values_beyond_the_limits_stop_the_read(tmp_path, monkeypatch):
    path = tmp_path / "tall.csv"
    path.write_text(",a,b,c\n" + "".join(f"G{i},1,2,3\n" for i in range(5000)))
    monkeypatch.setattr(gio, "MAX_GENES", 100)
    monkeypatch.setattr(gio, "MAX_CELLS", 100)
    with pytest.raises(GntInputError, match="more than 100 rows"):
        read_expression(path)
    monkeypatch.setattr(gio, "MAX_GENES", 10_000)
    monkeypatch.setattr(gio, "MAX_CELLS", 10_000)
    monkeypatch.setattr(gio, "MAX_VALUES", 3_000)
    with pytest.raises(GntInputError, match="more than 3,000 values"):
        read_expression(path)


def test_networks_beyond_the_edge_limit_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "net.csv"
    path.write_text("TF,target\n" + "".join(f"A,G{i}\n" for i in range(500)))
    monkeypatch.setattr(gio, "MAX_EDGES", 100)
    with pytest.raises(GntInputError, match="at most 100 edges"):
        read_network(path)


def write_large_expression(path, n_genes: int, n_cells: int) -> int:
    """Stream a genes × cells CSV to disk without holding it in memory; returns its size."""
    row_values = ",".join(("0", "1.5", "2.25", "0.75")[i % 4] for i in range(n_cells))
    with open(path, "w") as out:
        out.write("," + ",".join(f"cell{i}" for i in range(n_cells)) + "\n")
        for g in range(n_genes):
            out.write(f"GENE{g},{row_values}\n")
    return path.stat().st_size


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from "
                    "/proc (Linux)")
def test_a_1_gb_file_loads_in_bounded_memory(tmp_path):
    n_genes, n_cells = 3_200, 85_000
    path = tmp_path / "big.csv"
    size = write_large_expression(path, n_genes, n_cells)
    assert size > ONE_GB
    matrix_bytes = n_genes * n_cells * 4
    script = textwrap.dedent(f"""
        import time
        from gnt_core.io import read_expression
        from gnt_core.io.limits import peak_memory_bytes
        start = time.perf_counter()
        table = read_expression({str(path)!r})
        seconds = time.perf_counter() - start
        peak = peak_memory_bytes()
        print(table.values.shape[0], table.values.shape[1], peak, seconds)
    """)
    try:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                check=True)
    finally:
        path.unlink()  # 1 GB: not left behind in pytest's temporary folders
    genes, cells, peak, seconds = result.stdout.split()
    assert (int(genes), int(cells)) == (n_genes, n_cells)
    print(f"{size / ONE_GB:.2f} GB file: {float(seconds):.0f} s, peak RSS "
          f"{int(peak) / ONE_GB:.2f} GB for a {matrix_bytes / ONE_GB:.2f} GB matrix")
    assert int(peak) < 1.3 * matrix_bytes + 300 * 2**20
