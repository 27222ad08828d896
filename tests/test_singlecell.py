"""Single-cell inputs, each written by the library that owns its format: AnnData .h5ad
(anndata), a 10x Matrix Market folder (scipy.io.mmwrite, gzipped as Cell Ranger does) and .loom
(loompy)."""

import gzip

import numpy as np
import pandas as pd
import pytest
from scipy import io as scipy_io
from scipy import sparse

from gnt_core.cli import main
from gnt_core.io import GntInputError, SingleCellOptions, inspect, load_dataset
from gnt_core.io.singlecell import highly_variable

anndata = pytest.importorskip("anndata")
N_CELLS, N_GENES = 120, 60
SYMBOLS = [f"Gene{i}" for i in range(N_GENES)]
IDS = [f"ENSMUSG{i:011d}" for i in range(N_GENES)]
NETWORK = "Gene1,Gene2\nGene0,Gene1\nGene0,Gene2\nGene1,Gene3\nGene2,Gene4\nGene5,Gene6\n"


def counts() -> sparse.csr_matrix:
    """Raw counts, cells × genes, ~20 % non-zero; genes 50-59 vary with the cell type."""
    rng = np.random.default_rng(0)
    dense = rng.poisson(0.3, size=(N_CELLS, N_GENES)).astype(np.float32)
    dense[: N_CELLS // 2, 50:] += rng.poisson(30, size=(N_CELLS // 2, 10))
    dense[:, :10] += rng.poisson(25, size=(N_CELLS, 10))
    return sparse.csr_matrix(dense)


def cell_types() -> list[str]:
    return ["B cell"] * (N_CELLS // 2) + ["T cell"] * (N_CELLS - N_CELLS // 2)


@pytest.fixture
def h5ad(tmp_path):
    adata = anndata.AnnData(counts(), obs=pd.DataFrame({"cell_type": cell_types()},
                                                       index=[f"c{i}" for i in range(N_CELLS)]),
                            var=pd.DataFrame({"gene_symbols": SYMBOLS}, index=IDS))
    adata.layers["logged"] = adata.X.copy()
    adata.layers["logged"].data = np.log1p(adata.layers["logged"].data)
    adata.write_h5ad(tmp_path / "cells.h5ad")
    (tmp_path / "net.csv").write_text(NETWORK)
    return tmp_path / "cells.h5ad", tmp_path / "net.csv"


def test_h5ad_counts_symbol_column_cell_type_and_variable_genes(h5ad):
    path, network = h5ad
    options = SingleCellOptions(cells_column="cell_type", cells_values=("T cell",),
                                top_genes=5)
    data = load_dataset(path, network, single_cell=options)
    assert data.n_cells == N_CELLS - N_CELLS // 2
    assert {"Gene0", "Gene1", "Gene2", "Gene3", "Gene4", "Gene5", "Gene6"} <= set(data.genes)
    assert data.n_genes <= 7 + 5
    notes = " ".join(data.report.lines())
    assert "raw counts" in notes and "'gene_symbols'" in notes and "T cell" in notes
    assert data.summary()["selection"]["cells_values"] == ("T cell",)
    row = np.asarray(counts()[N_CELLS // 2, :].todense()).ravel()
    gene = data.genes.index("Gene1")
    expected = np.log1p(row[1] * 1e4 / row.sum())
    assert data.expression[gene, 0] == pytest.approx(expected, rel=1e-5)


def test_h5ad_layer_and_gene_map(h5ad, tmp_path):
    path, network = h5ad
    mapping = tmp_path / "map.tsv"
    mapping.write_text("gene_id\tsymbol\n" + "".join(f"{i}.3\t{s}\n" for i, s in
                                                       zip(IDS[:40], SYMBOLS, strict=False)))
    data = load_dataset(path, network, single_cell=SingleCellOptions(
        layer="logged", gene_column=None, gene_map=str(mapping)))
    notes = " ".join(data.report.lines())
    assert "raw counts" not in notes  # the layer is already log-scale
    assert "Mapped 40 of 60" in notes or "symbols taken from" in notes
    assert "Gene3" in data.genes


@pytest.mark.parametrize("options,needle", [
    (SingleCellOptions(layer="spliced"), "no layer 'spliced'"),
    (SingleCellOptions(cells_column="tissue", cells_values=("x",)), "no obs column 'tissue'"),
    (SingleCellOptions(cells_column="cell_type", cells_values=("NK",)), "has no value 'NK'"),
    (SingleCellOptions(gene_column="symbols"), "no var column 'symbols'"),
    (SingleCellOptions(layer="raw"), "no raw matrix")])
def test_h5ad_choices_that_do_not_exist_are_named(h5ad, options, needle):
    with pytest.raises(GntInputError, match=needle):
        load_dataset(*h5ad, single_cell=options)


def test_the_dense_size_is_refused_before_it_is_built(h5ad, monkeypatch):
    from gnt_core.io import limits

    monkeypatch.setattr(limits, "MAX_VALUES", 1_000)
    with pytest.raises(GntInputError, match=r"GiB dense\), beyond .* --cells COLUMN=VALUE"):
        load_dataset(*h5ad)


def test_inspect_offers_the_choices(h5ad):
    found = inspect(h5ad[0])
    assert found["layers"] == ["X", "raw", "logged"] and found["var_columns"][0] == "gene_symbols"
    assert found["obs_columns"]["cell_type"] == ["B cell", "T cell"] and found["ensembl_ids"]


def write_10x(folder, barcodes=True):
    folder.mkdir()
    with gzip.open(folder / "matrix.mtx.gz", "wb") as out:
        scipy_io.mmwrite(out, counts().T.tocoo())  # Cell Ranger: genes × cells
    pd.DataFrame({"id": IDS, "name": SYMBOLS, "type": "Gene Expression"}).to_csv(
        folder / "features.tsv.gz", sep="\t", header=False, index=False)
    if barcodes:
        pd.Series([f"AAAC-{i}" for i in range(N_CELLS)]).to_csv(
            folder / "barcodes.tsv.gz", header=False, index=False)
    return folder


def test_a_10x_folder_through_the_cli(tmp_path, capsys):
    folder = write_10x(tmp_path / "filtered_feature_bc_matrix")
    (tmp_path / "net.csv").write_text(NETWORK)
    assert main(["train", "--expression", str(folder), "--network", str(tmp_path / "net.csv"),
                 "--top-genes", "10", "--epochs", "1", "--no-ablation", "--protocol",
                 "tf-matched", "--out", str(tmp_path / "run")]) == 0
    assert "raw counts" in capsys.readouterr().out
    broken = write_10x(tmp_path / "no-barcodes", barcodes=False)
    assert main(["train", "--expression", str(broken), "--network", str(tmp_path / "net.csv"),
                 "--out", str(tmp_path / "run2")]) == 2
    assert "barcodes.tsv" in capsys.readouterr().err


def test_loom_written_by_loompy(tmp_path):
    loompy = pytest.importorskip("loompy")
    path = tmp_path / "cells.loom"
    loompy.create(str(path), counts().T.toarray(), {"Gene": np.array(SYMBOLS)},
                  {"CellID": np.array([f"c{i}" for i in range(N_CELLS)]),
                   "cell_type": np.array(cell_types())})
    (tmp_path / "net.csv").write_text(NETWORK)
    data = load_dataset(path, tmp_path / "net.csv", single_cell=SingleCellOptions(
        cells_column="cell_type", cells_values=("B cell",)))
    assert data.n_cells == N_CELLS // 2 and data.n_genes == N_GENES
    nameless = tmp_path / "nameless.loom"
    loompy.create(str(nameless), counts().T.toarray(), {"Accession": np.array(IDS)},
                  {"CellID": np.array([f"c{i}" for i in range(N_CELLS)])})
    with pytest.raises(GntInputError, match="no gene names"):
        load_dataset(nameless, tmp_path / "net.csv")


def test_highly_variable_picks_the_genes_that_vary():
    chosen = highly_variable(counts(), 10)
    assert set(np.flatnonzero(chosen)) & set(range(50, 60))


def test_ensembl_ids_on_one_side_only_are_named(tmp_path):
    (tmp_path / "e.csv").write_text(",c1,c2,c3\n" + "".join(f"{g},1,2,{i}\n" for i, g in
                                                             enumerate(SYMBOLS[:5])))
    (tmp_path / "n.csv").write_text("Gene1,Gene2\n" + f"{IDS[0]},{IDS[1]}\n{IDS[1]},{IDS[2]}\n")
    with pytest.raises(GntInputError, match="network names genes by Ensembl IDs"):
        load_dataset(tmp_path / "e.csv", tmp_path / "n.csv")
    (tmp_path / "e2.csv").write_text(",c1,c2,c3\n" + "".join(f"{g},1,2,{i}\n" for i, g in
                                                              enumerate(IDS[:5])))
    (tmp_path / "n2.csv").write_text("Gene1,Gene2\nGene0,Gene1\n")
    with pytest.raises(GntInputError, match="expression file names genes by Ensembl IDs"):
        load_dataset(tmp_path / "e2.csv", tmp_path / "n2.csv")


def test_identifier_mapping_counts_the_mapped_the_ambiguous_and_the_lost():
    from gnt_core.io.singlecell import map_identifiers

    notes = []
    names = ["ENSG01.2", "ENSG02", "ENSG03", "ENSG04"]
    mapped = map_identifiers(names, {"ENSG01": "TP53", "ENSG02": "TP53", "ENSG03": "MYC"},
                             notes)
    assert list(mapped) == ["TP53", "TP53", "MYC", "ENSG04"]
    assert notes == ["Mapped 3 of 4 gene identifiers to symbols (1 symbols stand for more "
                     "than one identifier: the first is kept; 1 identifiers have no symbol "
                     "and keep their ID)."]


def test_an_anndata_object_reads_as_its_h5ad_does(h5ad):
    path, network = h5ad
    adata = anndata.read_h5ad(path)
    options = SingleCellOptions(layer="logged", gene_column="gene_symbols",
                                cells_column="cell_type", cells_values=("B cell",))
    in_memory = load_dataset(adata, network, single_cell=options)
    from_file = load_dataset(path, network, single_cell=options)
    assert in_memory.genes == from_file.genes and in_memory.n_cells == N_CELLS // 2
    np.testing.assert_array_equal(in_memory.expression, from_file.expression)
    assert in_memory.summary()["selection"]["layer"] == "logged"
    assert "<AnnData 120 cells × 60 genes>" in in_memory.sources["expression"]
    with pytest.raises(GntInputError, match="no layer 'spliced'.*logged"):
        load_dataset(adata, network, single_cell=SingleCellOptions(layer="spliced"))
    with pytest.raises(GntInputError, match="no obs column 'tissue'"):
        load_dataset(adata, network, single_cell=SingleCellOptions(cells_column="tissue",
                                                                   cells_values=("x",)))
