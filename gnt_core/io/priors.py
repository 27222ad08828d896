"""Prior networks for users who have none: CollecTRI and DoRothEA (levels A–C), human or
mouse, from the OmniPath web service, downloaded on request and cached in $GNT_HOME/priors/.

The cache folder is the caller's ($GNT_HOME/priors for the CLI and the app). A cached prior
loads offline. Without a cache and without a connection the message says what
to do. A loaded prior names itself (resource, organism, download date, source URL, sha256), so
that a run records which prior and which version it used.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from .dataset import GntInputError
from .sniff import sha256_of

OMNIPATH = "https://omnipathdb.org/interactions?"
ORGANISM_TAXA = {"human": 9606, "mouse": 10090}
PRIORS = {"collectri": {"datasets": "collectri"},
          "dorothea": {"datasets": "dorothea", "dorothea_levels": "A,B,C"}}
TIMEOUT_S = 120


@dataclass(frozen=True)
class Prior:
    """A cached prior network: its edge list file and where it came from."""

    name: str
    organism: str
    path: Path
    url: str
    downloaded: str

    @property
    def description(self) -> str:
        return (f"prior {self.name} ({self.organism}), OmniPath, downloaded {self.downloaded}, "
                f"sha256 {sha256_of(self.path)[:12]}")


def prior_url(name: str, organism: str) -> str:
    if name not in PRIORS:
        raise GntInputError(f"there is no prior {name!r}; choose {' or '.join(PRIORS)}")
    if organism not in ORGANISM_TAXA:
        raise GntInputError(f"prior networks are offered for {' and '.join(ORGANISM_TAXA)}; "
                            f"choose the organism (CLI: --organism), not {organism!r}")
    query = PRIORS[name] | {"genesymbols": "yes", "organisms": ORGANISM_TAXA[organism],
                            "fields": "sources,references", "license": "academic"}
    return OMNIPATH + urlencode(query)


def get_prior(name: str, organism: str, folder: Path, *, download: bool = True) -> Prior:
    """The prior from the cache folder, else (with `download`) from OmniPath into it."""
    folder = Path(folder)
    path, meta = folder / f"{name}-{organism}.tsv.gz", folder / f"{name}-{organism}.json"
    url = prior_url(name, organism)
    if not path.is_file():
        if not download:
            raise GntInputError(f"the {name} prior for {organism} is not cached in {folder}; "
                                "download it first (an internet connection is needed once).")
        _download(url, path, meta, name)
    info = json.loads(meta.read_text()) if meta.is_file() else {}
    return Prior(name, organism, path, info.get("url", url), info.get("downloaded", "?"))


def _download(url: str, path: Path, meta: Path, name: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            body = response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise GntInputError(f"could not download the {name} prior from omnipathdb.org "
                            f"({getattr(err, 'reason', err)}). Connect this machine to the "
                            "internet once (the prior is cached for later, offline use), or "
                            "give your own network file.") from None
    if not body.strip() or b"\t" not in body.split(b"\n", 1)[0]:
        raise GntInputError(f"omnipathdb.org answered the {name} request with something that "
                            "is not a table; try again later, or give your own network file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(gzip.compress(body, mtime=0))
    os.replace(tmp, path)
    meta.write_text(json.dumps({"url": url, "downloaded": time.strftime("%Y-%m-%d")}))


def prior_source(prior: Prior) -> io.BytesIO:
    """The prior as a network file for the readers: regulator (OmniPath's source gene
    symbol), target (target gene symbol), and the sign where OmniPath gives stimulation or
    inhibition; named after the prior, so that the run records it."""
    table = pd.read_csv(prior.path, sep="\t", dtype=str, keep_default_na=False)
    missing = {"source_genesymbol", "target_genesymbol"} - set(table.columns)
    if missing:
        raise GntInputError(f"{prior.path}: the cached {prior.name} prior lacks the columns "
                            f"{', '.join(sorted(missing))}; delete it and download it again.")
    sign = np.where(table.get("is_stimulation", "0") == "1", "+",
                    np.where(table.get("is_inhibition", "0") == "1", "-", ""))
    edges = pd.DataFrame({"regulator": table["source_genesymbol"],
                          "target": table["target_genesymbol"], "sign": sign})
    buffer = io.BytesIO(edges.to_csv(index=False).encode())
    buffer.name = prior.description
    return buffer
