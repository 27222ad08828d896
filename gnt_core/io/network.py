"""Network (regulator → target edge list, optional weight and sign) and TF-list readers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import limits
from .dataset import EdgeTable, GntInputError
from .sniff import Layout, Source, locate, open_text, ragged_error, sniff, source_name

REGULATOR_HEADERS = ("gene1", "tf", "source", "regulator", "from", "reg", "tf_name")
TARGET_HEADERS = ("gene2", "target", "to", "gene", "target_gene", "targets")
WEIGHT_HEADERS = ("edgeweight", "weight", "score", "importance", "confidence")
SIGN_HEADERS = ("type", "sign", "mode", "effect", "regulation")
TF_HEADERS = ("tf", "tfs", "regulator", "gene", "symbol", "gene_symbol", "name")
MAX_EDGE_COLUMNS = 4  # regulator, target, weight, sign (TRRUST: TF, target, mode, PMIDs)
SIGNS = {"+": 1, "activation": 1, "activator": 1, "1": 1, "-": -1, "repression": -1,
         "repressor": -1, "inhibition": -1, "-1": -1}


def read_network(src: Source) -> EdgeTable:
    """Read a directed edge list: regulator, target, optional weight and sign columns."""
    name = source_name(src)
    layout = sniff(src, "network")
    table = read_strings(src, layout)
    lowered = [h.lower() for h in layout.header]
    notes: list[str] = []
    reg_col = find_column(lowered, REGULATOR_HEADERS)
    tgt_col = find_column(lowered, TARGET_HEADERS, exclude=reg_col)
    if reg_col is None or tgt_col is None:
        if len(layout.header) < 2:
            raise GntInputError(f"{name}: line {layout.header_line} has a single column. A "
                                "network file needs a regulator and a target column, e.g. a "
                                "header 'Gene1,Gene2'.")
        if _looks_like_a_matrix(table):
            raise GntInputError(f"{name}: {len(layout.header)} columns, numbers from column 2 "
                                "on and no regulator / target header: this looks like a "
                                "matrix of values (an expression file?), not an edge list. A "
                                "network file has one regulator → target edge per line, e.g. "
                                "with a header 'Gene1,Gene2'.")
        table = pd.concat([pd.DataFrame([layout.header]), table], ignore_index=True)
        reg_col, tgt_col = 0, 1
        weight_col = sign_col = None
        notes.append("The network file has no recognised header (Gene1,Gene2 / TF,target / "
                     "source,target / regulator,target); columns 1 and 2 were read as "
                     "regulator and target.")
    else:
        weight_col = find_column(lowered, WEIGHT_HEADERS)
        sign_col = find_column(lowered, SIGN_HEADERS)
    if table.empty:
        raise GntInputError(f"{name}: the network file holds a header but no edges. Add one "
                            "line per regulator → target edge.")
    regs = table[reg_col].fillna("").str.strip()
    tgts = table[tgt_col].fillna("").str.strip()
    blank = np.flatnonzero((regs == "").to_numpy() | (tgts == "").to_numpy())
    if len(blank):
        line = layout.header_line + 1 + int(blank[0])
        raise GntInputError(f"{name}: edge on line {line} has an empty regulator or target. "
                            "Fill it in or delete the line.")
    weights = _parse_weights(table, weight_col, layout, name)
    signs = _parse_signs(table, sign_col, notes)
    return EdgeTable(regs.tolist(), tgts.tolist(), weights, signs, notes)


def _looks_like_a_matrix(table: pd.DataFrame) -> bool:
    """Names in column 1 and numbers in the others, more columns than an edge list has (an
    edge list of numeric gene IDs has numbers in column 1 too)."""
    def numeric(column: int) -> float:
        return pd.to_numeric(table[column], errors="coerce").notna().mean()
    return table.shape[1] > MAX_EDGE_COLUMNS and numeric(1) > 0.9 and numeric(0) < 0.5


def read_strings(src: Source, layout: Layout) -> pd.DataFrame:
    """Every field as text, read in chunks; stops with a clear error beyond MAX_EDGES rows."""
    max_rows = limits.MAX_EDGES
    sep = r"\s+" if layout.delimiter == " " else layout.delimiter
    n = max(len(layout.header), 2)
    chunks, rows = [], 0
    try:
        with open_text(src) as text, warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # fields would be dropped
            for chunk in pd.read_csv(text, sep=sep, header=None, skiprows=layout.header_line,
                                     dtype=str, keep_default_na=False, skip_blank_lines=True,
                                     engine="python" if sep == r"\s+" else "c",
                                     index_col=False, names=list(range(n)),
                                     chunksize=200_000):
                rows += len(chunk)
                if rows > max_rows:
                    raise GntInputError(f"{source_name(src)}: more than {max_rows:,} lines; "
                                        f"GNT Explorer reads at most {max_rows:,} edges. Keep "
                                        "the most confident edges and load again.")
                chunks.append(chunk)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=range(n))
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        where = locate(src, layout, lambda cell: False, n)
        if where is not None and where.ragged:
            raise ragged_error(source_name(src), where, n) from None
        raise GntInputError(f"{source_name(src)}: {err}. Every line must have the same number "
                            "of fields as the header.") from None
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=range(n))


def find_column(lowered: list[str], names: tuple[str, ...], exclude: int | None = None):
    for wanted in names:
        for i, h in enumerate(lowered):
            if h == wanted and i != exclude:
                return i
    return None


def _parse_weights(table: pd.DataFrame, col: int | None, layout: Layout,
                   name: str) -> np.ndarray | None:
    if col is None:
        return None
    numbers = pd.to_numeric(table[col], errors="coerce")
    bad = np.flatnonzero(~np.isfinite(numbers.to_numpy(dtype=float)))
    if len(bad):
        line = layout.header_line + 1 + int(bad[0])
        raise GntInputError(f"{name}: line {line}: the weight {table[col].iloc[bad[0]]!r} is "
                            f"not a number. Fix it, or remove the '{layout.header[col]}' "
                            "column.")
    return numbers.to_numpy(dtype=np.float64)


def _parse_signs(table: pd.DataFrame, col: int | None, notes: list[str]) -> np.ndarray | None:
    if col is None:
        return None
    signs = table[col].str.strip().str.lower().map(SIGNS).fillna(0).astype(np.int8).to_numpy()
    unknown = int((signs == 0).sum())
    if unknown:
        notes.append(f"{unknown} edges have a sign other than +/- and are kept as unsigned.")
    return signs


def read_regulator_list(src: Source) -> list[str]:
    """Read a TF list: one symbol per line, or a table with a TF/gene/symbol column."""
    name = source_name(src)
    layout = sniff(src, "TF list")
    table = read_strings(src, layout)
    lowered = [h.lower() for h in layout.header]
    col = find_column(lowered, TF_HEADERS)
    if col is None:
        col = 0 if len(layout.header) == 1 else None
        if col is None:
            raise GntInputError(f"{name}: cannot tell which column holds the TF symbols. Use "
                                "one symbol per line, or a header named TF, gene or symbol.")
        table = pd.concat([pd.DataFrame([layout.header]), table], ignore_index=True)
    symbols = [s.strip() for s in table[col].tolist() if s.strip()]
    if not symbols:
        raise GntInputError(f"{name}: the TF list is empty. Add one TF symbol per line.")
    return list(dict.fromkeys(symbols))


# ---------------------------------------------------------------- assembling a dataset
