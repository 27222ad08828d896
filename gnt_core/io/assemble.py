"""Assembling a Dataset: the network matched to the expression genes and cleaned (self-loops,
duplicates, reciprocal pairs counted), the TF list matched, every repair in the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .dataset import (
    IGNORE_CASE_HINT,
    Dataset,
    EdgeTable,
    ExpressionTable,
    GntInputError,
    LoadReport,
    gene_index,
    preview,
)
from .expression import read_expression
from .network import read_network, read_regulator_list
from .singlecell import SingleCellOptions, ensembl_share, is_single_cell
from .sniff import Source, is_anndata, sha256_of, source_name
from .validate import constant_rows


def build_dataset(expression: ExpressionTable, network: EdgeTable, *,
                  tfs: list[str] | None = None, ignore_case: bool = False, name: str = "dataset",
                  network_name: str = "network file") -> Dataset:
    """Match the network to the expression genes and clean it into a Dataset."""
    report = LoadReport(n_genes=len(expression.genes), n_cells=len(expression.cells),
                        orientation=expression.orientation, notes=list(expression.notes))
    report.notes.extend(network.notes)
    index = gene_index(expression.genes)
    regs, tgts = _match_genes(network.regulators, network.targets, index, ignore_case, report)
    keep = (regs >= 0) & (tgts >= 0)
    report.edges_dropped_missing_gene = int((~keep).sum())
    if not keep.any():
        raise GntInputError(_no_edge_message(network_name, network.regulators, report,
                                             expression.genes))
    edges = np.stack([regs[keep], tgts[keep]], axis=1).astype(np.int64)
    weights = network.weights[keep] if network.weights is not None else None
    signs = network.signs[keep] if network.signs is not None else None
    edges, weights, signs = _clean_edges(edges, weights, signs, report)
    if len(edges) == 0:
        raise GntInputError(f"{network_name}: no edge is left after dropping self-loops. The "
                            "network needs edges between two different genes.")
    regulators = np.unique(edges[:, 0])
    report.n_edges, report.n_regulators = len(edges), len(regulators)
    tf_list = _match_tfs(tfs, index, report) if tfs is not None else None
    report.zero_variance_genes = [expression.genes[i] for i in
                                  np.flatnonzero(constant_rows(expression.values))]
    return Dataset(name=name, expression=expression.values, genes=expression.genes,
                   cells=expression.cells, edges=edges, regulators=regulators, report=report,
                   tf_list=tf_list, edge_weights=weights, edge_signs=signs)


def _match_genes(regs: list[str], tgts: list[str], index: dict[str, int], ignore_case: bool,
                 report: LoadReport) -> tuple[np.ndarray, np.ndarray]:
    lower = {}
    for g, i in index.items():
        lower.setdefault(g.lower(), i)
    names = list(index)
    missing: dict[str, None] = {}

    def lookup(symbol: str) -> int:
        if symbol in index:
            return index[symbol]
        alt = lower.get(symbol.lower())
        if alt is not None:
            report.case_insensitive_matches[symbol] = names[alt]
            if ignore_case:
                return alt
        missing[symbol] = None
        return -1

    reg_idx = np.fromiter((lookup(s) for s in regs), dtype=np.int64, count=len(regs))
    tgt_idx = np.fromiter((lookup(s) for s in tgts), dtype=np.int64, count=len(tgts))
    report.missing_genes = list(missing)
    if ignore_case and report.case_insensitive_matches:
        report.notes.append(f"Matched {len(report.case_insensitive_matches)} network genes to "
                            "expression genes ignoring case.")
        report.case_insensitive_matches = {}
    return reg_idx, tgt_idx


def _no_edge_message(network_name: str, regulators: list[str], report: LoadReport,
                     genes: list[str]) -> str:
    message = (f"{network_name}: none of its {len(regulators)} edges connects two genes of the "
               f"expression file (network genes not found: {preview(report.missing_genes)}).")
    if report.case_insensitive_matches:
        return message + f" Some names match when case is ignored: {IGNORE_CASE_HINT}."
    in_network, in_expression = ensembl_share(report.missing_genes), ensembl_share(genes)
    if in_network > 0.5 and in_expression < 0.5:
        return message + (" The network names genes by Ensembl IDs and the expression file by "
                          "symbols: use a network of symbols, or map the expression's genes "
                          "the same way.")
    if in_expression > 0.5 and in_network < 0.5:
        return message + (" The expression file names genes by Ensembl IDs and the network by "
                          "symbols: take symbols from a var column (CLI: --gene-column), a "
                          "mapping file (--gene-map FILE) or mygene.info (--gene-map online).")
    return message + (" Check that both files use the same gene identifiers (symbols vs "
                      "Ensembl IDs) and that the network columns are regulator, target.")


def _clean_edges(edges: np.ndarray, weights: np.ndarray | None, signs: np.ndarray | None,
                 report: LoadReport):
    self_loop = edges[:, 0] == edges[:, 1]
    report.self_loops_dropped = int(self_loop.sum())
    edges = edges[~self_loop]
    weights = weights[~self_loop] if weights is not None else None
    signs = signs[~self_loop] if signs is not None else None
    _, first = np.unique(edges, axis=0, return_index=True)
    first = np.sort(first)
    report.duplicate_edges_merged = int(len(edges) - len(first))
    edges = edges[first]
    weights = weights[first] if weights is not None else None
    signs = signs[first] if signs is not None else None
    as_set = {(int(a), int(b)) for a, b in edges}
    report.reciprocal_pairs = sum((b, a) in as_set for a, b in as_set) // 2
    return edges, weights, signs


def _match_tfs(tfs: list[str], index: dict[str, int], report: LoadReport) -> np.ndarray:
    """TF symbols to gene rows: exactly, else ignoring case (a list of upper-case symbols
    against mouse genes, say), which the report notes."""
    lower = {}
    for gene, row in index.items():
        lower.setdefault(gene.lower(), row)
    exact = [index[t] for t in tfs if t in index]
    by_case = [lower[t.lower()] for t in tfs if t not in index and t.lower() in lower]
    report.tfs_not_in_expression = [t for t in tfs if t not in index and t.lower() not in lower]
    found = set(exact) | set(by_case)
    report.n_tfs_listed = len(found)
    if by_case:
        report.notes.append(f"{len(by_case)} listed TFs matched an expression gene only when "
                            "case is ignored, and were used.")
    return np.array(sorted(found), dtype=np.int64)


def load_dataset(expression: Source, network: Source, *, tfs: Source | None = None,
                 orientation: str = "auto", ignore_case: bool = False,
                 name: str | None = None,
                 single_cell: SingleCellOptions | None = None) -> Dataset:
    """Read an expression file (or single-cell file, 10x folder or AnnData, with `single_cell`'s
    choices), a network file and optionally a TF list into a Dataset."""
    edges = read_network(network)
    tf_symbols = read_regulator_list(tfs) if tfs is not None else None
    wanted = set(edges.regulators) | set(edges.targets) | set(tf_symbols or ())
    expr = read_expression(expression, orientation=orientation, network_genes=wanted,
                           single_cell=single_cell)
    dataset = build_dataset(expr, edges, tfs=tf_symbols, ignore_case=ignore_case,
                            name=name or Path(source_name(expression)).stem,
                            network_name=source_name(network))
    roles = {"expression": expression, "network": network} | ({"tfs": tfs} if tfs else {})
    dataset.sources = {role: source_name(s) for role, s in roles.items()}
    dataset.sha256 = {role: sha256_of(s) for role, s in roles.items()}
    if single_cell is not None and (is_anndata(expression)
                                    or is_single_cell(source_name(expression))):
        dataset.selection = single_cell.to_dict()
    return dataset
