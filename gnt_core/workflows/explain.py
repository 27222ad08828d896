"""`gnt explain RUN REGULATOR TARGET`: the evidence behind one pair of a run, in one dict
(JSON-ready), from science/explain.py and the literature counts of outputs/literature.py.

The network evidence and the ranker's contributions are computed on the network the ranking
saw: an evaluation run's training network (held-out edges hidden, as they were from the model),
a discovery run's whole known network, with the ranker of the first evaluation run it relied on.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..io import Dataset, GntInputError
from ..io.singlecell import is_single_cell, open_matrix
from ..outputs.literature import PubMedCounts, ncbi_gene_url, string_url
from ..science.explain import (
    correlations,
    evidence_columns,
    group_correlations,
    model_evidence,
    network_evidence,
    p_text,
    partial_correlation,
)
from ..store.run import Run
from ..store.storage import gnt_home
from ..vocabulary import DISCOVER

LITERATURE_CACHE = "literature.sqlite"
MAX_GROUPS = 50
TABLE_COLUMNS = ("rank", "score", "status", "rank_in_regulator", "rank_in_target",
                 "score_forward", "score_reverse", "stability", "expected_precision")


class PairExplainer:
    """The evidence for any pair of one run; what every pair needs (the dataset, the network,
    the ranker and its evidence, the ranked table) is read once, on first need."""

    def __init__(self, run_dir: Path, *, literature: PubMedCounts | None = None,
                 seed: int = 0) -> None:
        self.run_dir, self.seed = Path(run_dir), seed
        self.literature = literature or PubMedCounts(gnt_home() / LITERATURE_CACHE)
        self.run = Run(run_dir)
        self.dataset = self.run.dataset()
        self.adjacency = _adjacency(known_network(self.run, self.dataset), self.dataset.n_genes)

    def explain(self, regulator: str, target: str, *, organism: str | None = None,
                groups: np.ndarray | None = None) -> dict:
        """Every kind of evidence for regulator → target (see the module docstring).
        `groups`: a label per cell of the run (cell type, cluster) for within-group
        correlations."""
        dataset = self.dataset
        i, j = (_gene(dataset, gene, self.run_dir) for gene in (regulator, target))
        x, y = dataset.expression[i], dataset.expression[j]
        literature = self.literature.count(regulator, target, organism)
        evidence = {
            "regulator": regulator, "target": target, "run": str(self.run_dir),
            "mode": self.run.mode, "network": self._model[1],
            "ranking": _table_row(self._table, regulator, target),
            **correlations(x, y, seed=self.seed),
            "partial_correlation": partial_correlation(dataset.expression, i, j,
                                                       dataset.regulators, self.seed),
            **network_evidence(self.adjacency, i, j, dataset.genes),
            "model": None, "literature": literature,
            "links": {"pubmed": literature["url"],
                      "ncbi_gene_regulator": ncbi_gene_url(regulator, organism),
                      "ncbi_gene_target": ncbi_gene_url(target, organism),
                      "string": string_url(regulator, target, organism)},
        }
        if groups is not None:
            evidence["groups"] = group_correlations(x, y, np.asarray(groups))
        predictor = self._model[0]
        if getattr(predictor, "ranker_", None) is not None:
            network = predictor.ranker_.network(known_network(self.run, dataset),
                                                dataset.n_genes)
            evidence["model"] = model_evidence(predictor.ranker_, network,
                                               predictor.evidence_[1], i, j)
        return evidence

    @cached_property
    def _model(self):
        return _ranking_model(self.run)

    @cached_property
    def _table(self) -> pd.DataFrame:
        return self.run.candidates()



def explain_pair(run_dir: Path, regulator: str, target: str, *, organism: str | None = None,
                 groups: np.ndarray | None = None, literature: PubMedCounts | None = None,
                 seed: int = 0) -> dict:
    """PairExplainer(run_dir).explain(regulator, target): the evidence for one pair.
    `literature`: where PubMed counts come from (default: $GNT_HOME's cache, GNT_OFFLINE
    honoured)."""
    return PairExplainer(run_dir, literature=literature, seed=seed).explain(
        regulator, target, organism=organism, groups=groups)


def with_evidence(run_dir: Path, table: pd.DataFrame, organism: str | None = None,
                  literature: PubMedCounts | None = None) -> pd.DataFrame:
    """The run's ranked `table` with the evidence columns an export carries: pearson (over
    the cells), l3_path_count (in the network the ranking saw) and pubmed_records (where the
    literature cache holds the count; no request is made)."""
    run = Run(run_dir)
    dataset = run.dataset()
    index = dataset.gene_index
    pairs = np.column_stack([table["regulator"].map(index), table["target"].map(index)])
    columns = evidence_columns(dataset.expression, _adjacency(known_network(run, dataset),
                                                              dataset.n_genes),
                               pairs.astype(np.int64))
    counts = (literature or PubMedCounts(gnt_home() / LITERATURE_CACHE)).cached_counts(
        zip(table["regulator"], table["target"], strict=True), organism)
    return table.assign(**columns, pubmed_records=pd.array(counts, dtype="Int64"))


def cell_groups(run: Run, max_groups: int = MAX_GROUPS) -> dict[str, np.ndarray]:
    """Per obs column of the run's single-cell file (cell type, cluster …, 2 to `max_groups`
    values), a label for each of the run's cells; {} when the run was not read from a
    single-cell file or the file is gone."""
    source = Path(run.config.dataset.get("sources", {}).get("expression", ""))
    if not (source.name and is_single_cell(source) and source.exists()):
        return {}
    try:
        obs = open_matrix(source).obs
    except GntInputError:
        return {}
    rows = obs.index.get_indexer(run.dataset().cells)
    if (rows < 0).any():
        return {}
    return {str(name): column.astype(str).to_numpy()[rows] for name, column in obs.items()
            if 2 <= column.astype(str).nunique() <= max_groups}


def known_network(run: Run, dataset: Dataset) -> np.ndarray:
    """The edges the ranking saw: an evaluation's training edges, a discovery's every edge."""
    return dataset.edges if run.mode == DISCOVER else run.split(dataset).train.positives


def _adjacency(edges: np.ndarray, n_genes: int) -> sp.csr_matrix:
    adjacency = sp.csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])),
                              shape=(n_genes, n_genes))
    adjacency.data[:] = 1.0
    return adjacency


def _gene(dataset: Dataset, gene: str, run_dir: Path) -> int:
    index = dataset.gene_index
    if gene in index:
        return index[gene]
    near = [g for g in dataset.genes if g.lower() == gene.lower()]
    hint = f" Did you mean {near[0]}?" if near else ""
    raise GntInputError(f"{run_dir}: the gene {gene!r} is not among this run's "
                        f"{dataset.n_genes:,} genes.{hint}")


def _ranking_model(run: Run):
    """(the predictor whose ranker explains the score, the network it is read on)."""
    if run.mode != DISCOVER:
        return run.predictor(), "the evaluation's training network (held-out edges hidden)"
    evaluations = run.evaluation_runs()
    if not evaluations:
        return None, "every known edge"
    return evaluations[0].predictor(), (f"every known edge; ranker from evaluation run "
                                        f"'{evaluations[0].path.name}'")


def _table_row(table: pd.DataFrame, regulator: str, target: str) -> dict | None:
    """The pair's row of the run's ranked table (listed either way), or None if not ranked."""
    row = table[((table["regulator"] == regulator) & (table["target"] == target))
                | ((table["regulator"] == target) & (table["target"] == regulator))]
    if row.empty:
        return None
    first = row.iloc[0]
    out = {c: _plain(first[c]) for c in TABLE_COLUMNS if c in row.columns}
    out["listed_as"] = f"{first['regulator']} → {first['target']}"
    return out


def _plain(value):
    value = value.item() if isinstance(value, np.generic) else value
    return None if isinstance(value, float) and np.isnan(value) else value


def evidence_lines(evidence: dict) -> list[str]:
    """explain_pair's evidence as a few lines of plain text."""
    pair = f"{evidence['regulator']} → {evidence['target']}"
    ranking = evidence["ranking"]
    lines = [pair + (f"   rank {ranking['rank']:,}, {ranking['status']}" if ranking else
                     "   (not in the run's ranked table)")]
    if evidence["pearson"] is None:
        lines.append(f"Cells ({evidence['n_cells']:,}): {evidence['note']}.")
    else:
        partial = evidence["partial_correlation"]
        n = evidence["permutations"]
        lines.append(f"Cells ({evidence['n_cells']:,}): Pearson {evidence['pearson']:.3f} "
                     f"({p_text(evidence['pearson_p'], n)}), Spearman "
                     f"{evidence['spearman']:.3f} ({p_text(evidence['spearman_p'], n)}), "
                     "partial correlation given the other "
                     f"regulators {'—' if partial is None else f'{partial:.3f}'}")
    for group in evidence.get("groups", []):
        lines.append(f"  {group['group']} ({group['n_cells']:,} cells): Pearson "
                     f"{_number(group['pearson'])}, Spearman {_number(group['spearman'])}")
    paths = evidence["l3_paths"][:3]
    example = "; e.g. " + ", ".join(f"{evidence['regulator']} → {t} ← {r} → "
                                    f"{evidence['target']}" for t, r in paths) if paths else ""
    lines += [f"Network ({evidence['network']}): {evidence['l3_path_count']:,} paths of length "
              f"3{example}",
              f"  shared regulators: {_names(evidence['shared_regulators'])}; shared targets: "
              f"{_names(evidence['shared_targets'])}",
              f"  {evidence['regulator']} has {evidence['regulator_degree']:,} known targets, "
              f"{evidence['target']} {evidence['target_degree']:,} known regulators"]
    model = evidence["model"]
    if model is not None:
        lines.append(f"Model: log-odds {model['log_odds']:.2f}, {model['summary']}")
    literature = evidence["literature"]
    count = "unknown" if literature["count"] is None else f"{literature['count']:,}"
    asked = f", asked {literature['asked']}" if literature["asked"] else ""
    lines.append(f"Literature: {count} PubMed records ({literature['source']}{asked})  "
                 f"{literature['url'] or ''}")
    return lines


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _names(names: list[str], shown: int = 8) -> str:
    if not names:
        return "none"
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
