"""Property tests: any table either loads consistently or raises GntInputError; splits never
leak a pair between sets."""

import io

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
    except ValueError as err:
        assert len(known) < 3 or "non-edge pairs remain" in str(err)
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
