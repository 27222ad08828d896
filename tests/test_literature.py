from urllib.parse import parse_qs, urlparse

import pytest

from gnt_core.outputs.literature import is_valid_symbol, ncbi_gene_url, pubmed_url, string_url


def test_pubmed_query_is_encoded_once():
    url = pubmed_url("STAT1", "IRF1", organism="mouse")
    assert url.startswith("https://pubmed.ncbi.nlm.nih.gov/?term=")
    assert "%28STAT1%5Btiab%5D%20AND%20IRF1%5Btiab%5D%29%20AND%20mice%5Bmh%5D" in url
    assert parse_qs(urlparse(url).query)["term"] == ["(STAT1[tiab] AND IRF1[tiab]) AND mice[mh]"]


def test_gene_and_string_links():
    assert parse_qs(urlparse(ncbi_gene_url("Nkx2-1", "mouse")).query)["term"] == [
        'Nkx2-1[sym] AND "Mus musculus"[orgn]']
    query = parse_qs(urlparse(string_url("Gata1", "Pu.1", "mouse")).query)
    assert query == {"identifiers": ["Gata1\rPu.1"], "species": ["10090"]}


@pytest.mark.parametrize("bad", ['<img src=x onerror=alert(1)>', '"><script>', "A B", "",
                                 "../etc", "x" * 41, "A&B", "é"])
def test_hostile_symbols_never_reach_a_url(bad):
    assert not is_valid_symbol(bad)
    assert pubmed_url(bad, "STAT1") is None
    assert ncbi_gene_url(bad) is None
    assert string_url("STAT1", bad) is None


def test_unknown_organism_is_refused():
    with pytest.raises(ValueError, match="organism"):
        pubmed_url("A", "B", organism="martian")
