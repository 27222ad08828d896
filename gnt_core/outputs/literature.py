"""Literature for a gene pair: links (PubMed search, NCBI Gene, STRING) and the number of PubMed
records that mention both genes (NCBI E-utilities esearch, kept in a local SQLite cache with the
date it was asked).

Symbols are checked against a strict pattern before they enter a URL; each URL's query is
encoded once, whole, with urllib.parse. E-utilities allows 3 requests a second, 10 with an API
key (NCBI_API_KEY). With GNT_OFFLINE=1, or once a request has failed, no request is made: a
count not in the cache is unknown (None) and the links stay.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
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
ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
ENV_OFFLINE = "GNT_OFFLINE"
ENV_API_KEY = "NCBI_API_KEY"
ENV_ESEARCH = "GNT_ESEARCH_URL"  # another E-utilities endpoint (a mirror, a recorded fixture)
REQUESTS_PER_SECOND = {False: 3, True: 10}  # without, with an API key


def _organism(organism: str | None) -> tuple[str, str, int] | None:
    if organism is None or organism == "":
        return None
    if organism not in ORGANISMS:
        raise ValueError(f"organism must be one of {', '.join(ORGANISMS)}, not {organism!r}")
    return ORGANISMS[organism]


def pubmed_term(gene_a: str, gene_b: str, organism: str | None = None) -> str | None:
    """The PubMed query for both symbols in title/abstract (and the organism); None if a symbol
    is not valid."""
    if not (is_valid_symbol(gene_a) and is_valid_symbol(gene_b)):
        return None
    term = f"({gene_a}[tiab] AND {gene_b}[tiab])"
    org = _organism(organism)
    return term + f" AND {org[0]}" if org else term


def pubmed_url(gene_a: str, gene_b: str, organism: str | None = None) -> str | None:
    """PubMed search for both symbols in title/abstract; None if a symbol is not valid."""
    term = pubmed_term(gene_a, gene_b, organism)
    return None if term is None else PUBMED + urlencode({"term": term}, quote_via=quote)


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


class PubMedCounts:
    """How many PubMed records mention both genes, asked of E-utilities once per query and kept
    in `cache` (SQLite: query, count, date). `sleep` and `clock` are the rate limiter's."""

    def __init__(self, cache: Path, *, offline: bool | None = None, api_key: str | None = None,
                 endpoint: str | None = None, timeout: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cache = Path(cache)
        self.offline = os.environ.get(ENV_OFFLINE, "") not in ("", "0") if offline is None \
            else offline
        self.api_key = (os.environ.get(ENV_API_KEY) if api_key is None else api_key) or None
        self.endpoint = endpoint or os.environ.get(ENV_ESEARCH) or ESEARCH
        self.timeout, self.sleep, self.clock = timeout, sleep, clock
        self.interval = 1 / REQUESTS_PER_SECOND[self.api_key is not None]
        self.last_request = -float("inf")
        self.error: str | None = None
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        with self._database() as db:
            db.execute("CREATE TABLE IF NOT EXISTS counts (term TEXT PRIMARY KEY, "
                       "count INTEGER NOT NULL, asked TEXT NOT NULL)")

    def count(self, gene_a: str, gene_b: str, organism: str | None = None,
              cache: dict[str, tuple[int, str]] | None = None) -> dict:
        """{count (None: unknown), asked (the date it was asked), url, source (where the count
        came from, or why there is none)}; `cache`: the cache's rows read once already
        (`counts` does)."""
        term = pubmed_term(gene_a, gene_b, organism)
        found = {"count": None, "asked": None, "url": pubmed_url(gene_a, gene_b, organism),
                 "source": "invalid symbol" if term is None else "unknown"}
        if term is None:
            return found
        row = (self._cache_rows(term) if cache is None else cache).get(term)
        if row is not None:
            return found | {"count": row[0], "asked": row[1], "source": "cache"}
        if self.offline or self.error is not None:
            return found | {"source": "offline" if self.offline else self.error}
        count = self._ask(term)
        if count is None:
            return found | {"source": self.error}
        asked = datetime.now(UTC).date().isoformat()
        with self._database() as db:
            db.execute("INSERT OR REPLACE INTO counts VALUES (?, ?, ?)", (term, count, asked))
        return found | {"count": count, "asked": asked, "source": "NCBI E-utilities"}

    def counts(self, pairs: Iterable[tuple[str, str]], organism: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[dict]:
        """`count` of each pair in turn (rate-limited), reporting (done, total)."""
        pairs = list(pairs)
        cache = self._cache_rows()
        out = []
        for done, (gene_a, gene_b) in enumerate(pairs, start=1):
            out.append(self.count(gene_a, gene_b, organism, cache))
            if progress is not None:
                progress(done, len(pairs))
        return out

    def cached_counts(self, pairs: Iterable[tuple[str, str]], organism: str | None = None
                      ) -> list[int | None]:
        """Each pair's count where the cache holds it, else None (never a request)."""
        cache = self._cache_rows()
        return [cache.get(pubmed_term(a, b, organism), (None,))[0] for a, b in pairs]

    def _cache_rows(self, term: str | None = None) -> dict[str, tuple[int, str]]:
        """The cache's rows: all of them, or the one of `term`."""
        query, values = "SELECT term, count, asked FROM counts", ()
        if term is not None:
            query, values = query + " WHERE term = ?", (term,)
        with self._database() as db:
            rows = db.execute(query, values).fetchall()
        return {found: (count, asked) for found, count, asked in rows}

    def _ask(self, term: str) -> int | None:
        wait = self.last_request + self.interval - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.last_request = self.clock()
        query = {"db": "pubmed", "term": term, "rettype": "count", "retmode": "json"}
        if self.api_key:
            query["api_key"] = self.api_key
        try:
            with urllib.request.urlopen(f"{self.endpoint}?{urlencode(query, quote_via=quote)}",
                                        timeout=self.timeout) as response:
                return int(json.load(response)["esearchresult"]["count"])
        except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as err:
            reason = err.reason if isinstance(err, urllib.error.URLError) else err
            self.error = f"NCBI not reached: {str(reason)[:80] or type(err).__name__}"
            return None

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.cache, timeout=30, isolation_level=None)  # autocommit
        try:
            yield db
        finally:
            db.close()
