"""Literature links for a gene pair: PubMed search, NCBI Gene, STRING.

Symbols are checked against a strict pattern before they enter a URL; each URL's query is
encoded once, whole, with urllib.parse.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ..vocabulary import is_valid_symbol

# organism -> (PubMed MeSH term, NCBI organism name, NCBI taxonomy id used by STRING)
ORGANISMS = {
    "human": ("humans[mh]", "Homo sapiens", 9606),
    "mouse": ("mice[mh]", "Mus musculus", 10090),
    "rat": ("rats[mh]", "Rattus norvegicus", 10116),
    "zebrafish": ("zebrafish[mh]", "Danio rerio", 7955),
    "fly": ("drosophila melanogaster[mh]", "Drosophila melanogaster", 7227),
    "yeast": ("saccharomyces cerevisiae[mh]", "Saccharomyces cerevisiae", 4932),
}
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/?"
NCBI_GENE = "https://www.ncbi.nlm.nih.gov/gene/?"
STRING = "https://string-db.org/cgi/network?"


def _organism(organism: str | None) -> tuple[str, str, int] | None:
    if organism is None or organism == "":
        return None
    if organism not in ORGANISMS:
        raise ValueError(f"organism must be one of {', '.join(ORGANISMS)}, not {organism!r}")
    return ORGANISMS[organism]


def pubmed_url(gene_a: str, gene_b: str, organism: str | None = None) -> str | None:
    """PubMed search for both symbols in title/abstract; None if a symbol is not valid."""
    if not (is_valid_symbol(gene_a) and is_valid_symbol(gene_b)):
        return None
    term = f"({gene_a}[tiab] AND {gene_b}[tiab])"
    org = _organism(organism)
    if org:
        term += f" AND {org[0]}"
    return PUBMED + urlencode({"term": term}, quote_via=quote)


def ncbi_gene_url(symbol: str, organism: str | None = None) -> str | None:
    if not is_valid_symbol(symbol):
        return None
    term = f"{symbol}[sym]"
    org = _organism(organism)
    if org:
        term += f' AND "{org[1]}"[orgn]'
    return NCBI_GENE + urlencode({"term": term}, quote_via=quote)


def string_url(gene_a: str, gene_b: str, organism: str | None = None) -> str | None:
    if not (is_valid_symbol(gene_a) and is_valid_symbol(gene_b)):
        return None
    query = {"identifiers": f"{gene_a}\r{gene_b}"}
    org = _organism(organism)
    if org:
        query["species"] = str(org[2])
    return STRING + urlencode(query, quote_via=quote)
