"""Property tests: any table or single-cell file either loads consistently or raises
GntInputError; splits never leak a pair between sets, and end on networks of any density."""

import gzip
import io
import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gnt_core.io import GntInputError, build_dataset, read_expression, read_network
from gnt_core.science.splits import PROTOCOLS, pair_keys, split_pairs, unique_pairs

FIELD = st.one_of(
    st.text(alphabet="abcXYZ019._- \"'<>é", min_size=0, max_size=6),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-5, 1000).map(str),
    st.sampled_from(["", "NA", "nan", "inf", "1,5", "1e3", "-0", "\x00", "\x07"]))
TABLE = st.lists(st.lists(FIELD, min_size=1, max_size=6), min_size=0, max_size=8)
DELIMITER = st.sampled_from([",", "\t", ";", " ", "|"])
ENDING = st.sampled_from(["\n", "\r\n"])


def as_upload(rows: list[list[str]], delimiter: str, ending: str, bom: bool) -> io.BytesIO:
    text = ending.join(delimiter.join(row) for row in rows) + ending
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")
    upload = io.BytesIO(data)
    upload.name = "generated.csv"
    return upload


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLE, DELIMITER, ENDING, st.booleans())
def test_any_expression_table_loads_consistently_or_raises_gnt_input_error(rows, delimiter,
                                                                          ending, bom):
    try:
        table = read_expression(as_upload(rows, delimiter, ending, bom))
    except GntInputError as err:
        assert "generated.csv" in str(err)
        return
    assert table.values.dtype == np.float32
    assert table.values.shape == (len(table.genes), len(table.cells))
    assert np.isfinite(table.values).all()
    assert len(set(table.genes)) == len(table.genes) and len(table.cells) >= 2
    assert all(g and "\x00" not in g for g in table.genes)


@settings(max_examples=300, deadline=None)
@given(TABLE, DELIMITER, ENDING, st.booleans())
def test_any_network_table_loads_consistently_or_raises_gnt_input_error(rows, delimiter,
                                                                       ending, bom):
    try:
        edges = read_network(as_upload(rows, delimiter, ending, bom))
    except GntInputError as err:
        assert "generated.csv" in str(err)
        return
    assert len(edges.regulators) == len(edges.targets) > 0
    assert all(r and t for r, t in zip(edges.regulators, edges.targets, strict=True))
    if edges.weights is not None:
        assert len(edges.weights) == len(edges.regulators)
        assert np.isfinite(edges.weights).all()


EDGES = st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(EDGES, st.sampled_from(PROTOCOLS), st.integers(0, 2**31))
def test_splits_never_leak_a_pair(edges, protocol, seed):
    n = 15
    edges = np.array(edges, dtype=np.int64).reshape(-1, 2)
    known = unique_pairs(edges, n)
    try:
        split = split_pairs(edges, n, protocol=protocol, seed=seed)
    except GntInputError as err:
        assert len(known) < 3 or "cannot be used on this network" in str(err)
        return
    sets = [split.train, split.val, split.test]
    keys = [set(pair_keys(s.pairs, n).tolist()) for s in sets]
    assert not keys[0] & keys[1] and not keys[0] & keys[2] and not keys[1] & keys[2]
    known_keys = set(pair_keys(known, n).tolist())
    for pair_set in sets:
        assert not (pair_set.pairs[:, 0] == pair_set.pairs[:, 1]).any()
        negatives = set(pair_keys(pair_set.pairs[pair_set.labels == 0], n).tolist())
        positives = set(pair_keys(pair_set.positives, n).tolist())
        assert not negatives & known_keys and positives <= known_keys
    assert sum(int(s.labels.sum()) for s in sets) == len(known)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", "a", "D", "E", "ZZ"]),
                          st.sampled_from(["A", "B", "C", "c", "D", "E", "YY"])), max_size=20),
       st.booleans())
def test_matching_a_network_to_genes_repairs_or_refuses(edges, ignore_case):
    from gnt_core.io import EdgeTable, ExpressionTable

    genes = ["A", "B", "C", "D", "E"]
    expression = ExpressionTable(np.random.default_rng(0).random((5, 3), dtype=np.float32),
                                 genes, ["x", "y", "z"], "genes_x_cells", [])
    network = EdgeTable([a for a, _ in edges], [b for _, b in edges], None, None, [])
    try:
        data = build_dataset(expression, network, ignore_case=ignore_case)
    except GntInputError:
        return
    report = data.report
    assert len(data.edges) == report.n_edges > 0
    assert not (data.edges[:, 0] == data.edges[:, 1]).any()
    assert len(np.unique(data.edges, axis=0)) == len(data.edges)
    assert report.n_edges + report.self_loops_dropped + report.duplicate_edges_merged \
        + report.edges_dropped_missing_gene == len(edges)


DENSE = st.tuples(st.integers(4, 60), st.integers(1, 12), st.floats(0.0, 1.0),
                  st.integers(0, 2**31))


@settings(max_examples=150, deadline=None)
@given(DENSE, st.sampled_from(PROTOCOLS))
def test_splits_of_a_network_of_any_density_end_quickly_with_both_classes(shape, protocol):
    n, n_regulators, density, seed = shape
    rng = np.random.default_rng(seed)
    pairs = np.array([(r, g) for r in range(min(n_regulators, n)) for g in range(n) if r != g])
    edges = pairs[rng.random(len(pairs)) < density]
    started = time.perf_counter()
    try:
        split = split_pairs(edges, n, protocol=protocol, seed=seed)
    except GntInputError as err:
        assert "pairs" in str(err)
        return
    finally:
        assert time.perf_counter() - started < 5
    for pair_set in split.sets().values():
        assert 0 < pair_set.labels.sum() < len(pair_set)
    if protocol != "candidates":
        assert (split.train.labels == 0).sum() <= split.train.labels.sum()
    drawn = [split.train, split.val] + ([] if protocol == "candidates" else [split.test])
    short = any((pair_set.labels == 0).sum() < pair_set.labels.sum() for pair_set in drawn)
    assert short == bool(split.notes)  # a shortfall is always said


# ---------------------------------------------------------------- single-cell files

NAME = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",),
                                     exclude_characters="\x00"), max_size=12)  # HDF5 strings
VALUE = st.one_of(st.integers(0, 50).map(float), st.floats(allow_nan=True, allow_infinity=True,
                                                           width=32))


@st.composite
def h5ad_files(draw) -> bytes:
    from tests.data import singlecell_bad as sc

    n_cells, n_genes = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    values = np.array(draw(st.lists(VALUE, min_size=n_cells * n_genes,
                                    max_size=n_cells * n_genes)), dtype=np.float32)
    n_names = max(0, n_genes + draw(st.integers(-1, 1)))  # var may disagree with X
    genes = draw(st.lists(NAME, min_size=n_names, max_size=n_names))
    cells = [f"c{i}" for i in range(n_cells + draw(st.integers(0, 1)))]
    data = sc.h5ad(values=values.reshape(n_cells, n_genes), genes=genes, cells=cells)
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return data if cut is None else data[:cut]


def assert_loads_or_refuses(path, name: str) -> None:
    try:
        table = read_expression(path)
    except GntInputError as err:
        assert name in str(err) and "\x1b" not in str(err)
        return
    assert table.values.shape == (len(table.genes), len(table.cells))
    assert np.isfinite(table.values).all() and table.values.dtype == np.float32
    assert len(set(table.genes)) == len(table.genes) >= 2 and len(table.cells) >= 2
    assert all(g.strip() and not any(ord(c) < 32 for c in g) for g in table.genes)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(h5ad_files())
def test_any_h5ad_loads_consistently_or_raises_gnt_input_error(data):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.h5ad"
        path.write_bytes(data)
        assert_loads_or_refuses(path, "generated.h5ad")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 8), st.integers(-1, 9), VALUE), max_size=30),
       st.integers(-2, 40), st.sampled_from(["integer", "real", "pattern", "array", ""]),
       st.one_of(st.none(), st.integers(0, 400)), st.booleans())
def test_any_10x_matrix_loads_consistently_or_raises_gnt_input_error(entries, declared, field,
                                                                      cut, zipped):
    import tempfile
    from pathlib import Path

    from tests.data import singlecell_bad as sc

    lines = [f"{r} {c}" + ("" if field == "pattern" else f" {v}") for r, c, v in entries]
    text = "\n".join([f"%%MatrixMarket matrix coordinate {field} general",
                      f"6 8 {declared}", *lines]) + "\n"
    data = text.encode()[:cut] if cut is not None else text.encode()
    files = sc.tenx(matrix=gzip.compress(data, mtime=0) if zipped else data)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "tenx"
        root.mkdir()
        for name, content in files.items():
            target = root / (name.removesuffix(".gz") if name.startswith("matrix") and not
                             zipped else name)
            target.write_bytes(content)
        assert_loads_or_refuses(root, "tenx")
