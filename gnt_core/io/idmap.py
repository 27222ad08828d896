"""Ensembl gene IDs to symbols, looked up online (MyGene.info) when asked, cached on disk.

`lookup_symbols(ids, organism, folder)` asks MyGene.info's query service for the IDs the cache
does not know yet (in batches), adds the answers to `folder/mygene-<organism>.json`, and returns
ID → symbol for every ID with one. IDs that MyGene.info does not know are cached as unknown too,
so that a second load of the same file works offline. Without a connection, the IDs already
cached are used and the message says how many could not be looked up.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from .dataset import GntInputError

MYGENE = "https://mygene.info/v3/query"
SPECIES = {"human": "human", "mouse": "mouse"}
BATCH = 1000
TIMEOUT_S = 60


def lookup_symbols(ids: list[str], organism: str, folder: Path,
                   notes: list[str] | None = None) -> dict[str, str]:
    """ID (version suffix ignored) -> symbol, from the cache and, for the rest, MyGene.info."""
    if organism not in SPECIES:
        raise GntInputError(f"online identifier look-up is offered for "
                            f"{' and '.join(SPECIES)}, not {organism!r}")
    path = Path(folder) / f"mygene-{organism}.json"
    cache: dict[str, str | None] = json.loads(path.read_text()) if path.is_file() else {}
    wanted = sorted({str(i).split(".")[0] for i in ids} - set(cache))
    try:
        for start in range(0, len(wanted), BATCH):
            cache |= _query(wanted[start:start + BATCH], organism)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        missing = len(set(wanted) - set(cache))
        if notes is None or missing == len({str(i).split(".")[0] for i in ids}):
            raise GntInputError(f"could not reach mygene.info to look up {missing:,} gene "
                                f"identifiers ({getattr(err, 'reason', err)}). Connect this "
                                "machine to the internet once (answers are cached), or give "
                                "a two-column mapping file (--gene-map FILE).") from None
        notes.append(f"mygene.info could not be reached: {missing:,} identifiers not yet "
                     "cached keep their ID.")
    finally:
        if wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(cache))
            os.replace(tmp, path)
    return {i: s for i, s in cache.items() if s}


def _query(ids: list[str], organism: str) -> dict[str, str | None]:
    body = urlencode({"q": ",".join(ids), "scopes": "ensembl.gene", "fields": "symbol",
                      "species": SPECIES[organism]}).encode()
    request = urllib.request.Request(MYGENE, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        answers = json.loads(response.read())
    found: dict[str, str | None] = dict.fromkeys(ids)
    for answer in answers:
        if answer.get("symbol") and found.get(answer["query"]) is None:
            found[answer["query"]] = str(answer["symbol"])
    return found
