"""Loading one cell type from a large sparse .h5ad: wall time and peak memory.

    .venv/bin/python benchmarks/bench_h5ad.py [--cells 100000] [--genes 20000] [--density 0.05]
        [--top-genes 2000] [--keep FILE]

Writes a synthetic AnnData file with anndata (cells × genes CSR counts, ~density non-zero, 10
cell types of equal size, symbols in var['gene_symbols'], Ensembl-like var_names), then, in a
fresh process, loads one cell type (~1/10 of the cells) with the network's genes and the
--top-genes most variable ones, and prints the wall time and the peak RSS of that process. The
reader never builds the full dense matrix (it would be cells × genes × 4 bytes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHILD = """
import json, sys, time
from gnt_core.io import SingleCellOptions, load_dataset
from gnt_core.io.limits import peak_memory_bytes
started = time.perf_counter()
data = load_dataset(sys.argv[1], sys.argv[2], single_cell=SingleCellOptions(
    gene_column="gene_symbols", cells_column="cell_type", cells_values=("type3",),
    top_genes=int(sys.argv[3])))
print(json.dumps({"seconds": time.perf_counter() - started, "genes": data.n_genes,
                  "cells": data.n_cells, "edges": int(len(data.edges)),
                  "peak_rss_mb": peak_memory_bytes() / 2**20}))
"""


def write_h5ad(path: Path, n_cells: int, n_genes: int, density: float) -> float:
    import anndata
    import pandas as pd
    from scipy import sparse

    started = time.perf_counter()
    rng = np.random.default_rng(0)
    per_row = int(n_genes * density)
    indptr = np.arange(n_cells + 1, dtype=np.int64) * per_row
    indices = np.concatenate([np.sort(rng.choice(n_genes, per_row, replace=False))
                              for _ in range(n_cells)]).astype(np.int32)
    data = rng.poisson(2.0, size=len(indices)).astype(np.float32) + 1
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(n_cells, n_genes))
    obs = pd.DataFrame({"cell_type": [f"type{i % 10}" for i in range(n_cells)]},
                       index=[f"cell{i}" for i in range(n_cells)])
    var = pd.DataFrame({"gene_symbols": [f"Gene{i}" for i in range(n_genes)]},
                       index=[f"ENSMUSG{i:011d}" for i in range(n_genes)])
    anndata.AnnData(matrix, obs=obs, var=var).write_h5ad(path)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--density", type=float, default=0.05)
    parser.add_argument("--top-genes", type=int, default=2_000)
    parser.add_argument("--keep", type=Path, help="write (or reuse) the .h5ad here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "cells.h5ad"
        if not path.is_file():
            print(f"writing {path}: {args.cells:,} cells × {args.genes:,} genes, "
                  f"{args.density:.0%} non-zero ...", flush=True)
            print(f"  written in {write_h5ad(path, args.cells, args.genes, args.density):.0f} s,"
                  f" {path.stat().st_size / 2**20:,.0f} MB", flush=True)
        network = Path(tmp) / "network.csv"
        rng = np.random.default_rng(1)
        edges = rng.choice(500, size=(1500, 2))
        network.write_text("Gene1,Gene2\n" + "".join(f"Gene{a},Gene{b}\n" for a, b in edges
                                                       if a != b))
        done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(network),
                               str(args.top_genes)], capture_output=True, text=True,
                              check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        dense_full = args.cells * args.genes * 4 / 2**30
        print(f"loaded one cell type: {result['cells']:,} cells × {result['genes']:,} genes "
              f"({result['edges']:,} network edges) in {result['seconds']:.1f} s "
              f"[goal < 60 s]; peak RSS {result['peak_rss_mb']:,.0f} MB [goal < 4096 MB]; "
              f"the full matrix dense would be {dense_full:.1f} GiB")


if __name__ == "__main__":
    main()
