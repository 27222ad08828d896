"""What leaves GNT Explorer: ranked pairs in other tools' formats, literature links, and the
filters that choose which pairs a person looks at.

    export      CSV (BEELINE), TSV (SCENIC), GraphML, SIF
    literature  PubMed, NCBI Gene and STRING links, built from checked symbols
    filters     `CandidateFilter`: score, percentile, top k per regulator, gene, status
"""

from .export import FORMATS, export_bytes, format_from_path
from .filters import CandidateFilter, add_links, filter_candidates, pair_status
from .literature import ORGANISMS, ncbi_gene_url, pubmed_url, string_url

__all__ = ["FORMATS", "ORGANISMS", "CandidateFilter", "add_links", "export_bytes",
           "filter_candidates", "format_from_path", "ncbi_gene_url", "pair_status",
           "pubmed_url", "string_url"]
