"""What leaves GNT Explorer: ranked pairs in other tools' formats, literature links, and the
filters that choose which pairs a person looks at.

    export      BEELINE rankedEdges (TSV), spreadsheet CSV (formula-safe), SCENIC, GraphML,
                SIF, Cytoscape JSON
    literature  PubMed, NCBI Gene and STRING links, built from checked symbols
    filters     `CandidateFilter`: status, top N, stability, per-regulator / per-target caps,
                gene; the evaluation view's cut; links and verdicts per pair
"""

from .export import FORMATS, export_bytes, format_from_path
from .filters import CandidateFilter, add_links, add_verdicts, filter_candidates, with_cut
from .literature import ORGANISMS, ncbi_gene_url, pubmed_url, string_url

__all__ = ["FORMATS", "ORGANISMS", "CandidateFilter", "add_links", "add_verdicts",
           "export_bytes", "filter_candidates", "format_from_path", "ncbi_gene_url",
           "pubmed_url", "string_url", "with_cut"]
