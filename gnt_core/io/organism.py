"""Which organism a dataset's genes come from, read off the names themselves: a built-in TF list
of an organism, Ensembl prefixes (ENSG human, ENSMUSG mouse), or the case of the gene symbols
(mouse symbols are Title-case like Gata1, human ones UPPER-case like GATA1). None when the names
do not say (the demo's made-up TF01, G001)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .examples import TF_ORGANISMS, builtin_tfs

ENSEMBL_PREFIXES = {"ENSMUSG": "mouse", "ENSG": "human"}  # the longer prefix first
# a symbol with two letters or more: mouse ones have lower-case letters after the first
MOUSE_SYMBOL = re.compile(r"^[A-Z][a-z0-9-]*[a-z][a-z0-9-]*$")
HUMAN_SYMBOL = re.compile(r"^[A-Z0-9-]*[A-Z][A-Z0-9-]*[A-Z][A-Z0-9-]*$")
MAJORITY = 0.6  # the share of genes one organism's pattern needs


def infer_organism(genes: list[str], tf_list: str | Path | None = None) -> str | None:
    """'human' or 'mouse' when the TF list or most gene names say so, else None."""
    return _builtin_list_organism(tf_list) or _majority(Counter(map(_organism_of, genes)),
                                                        len(genes))


def _builtin_list_organism(tf_list: str | Path | None) -> str | None:
    if tf_list is None:
        return None
    return next((organism for organism in TF_ORGANISMS
                 if Path(tf_list).name == builtin_tfs(organism).name), None)


def _organism_of(gene: str) -> str | None:
    upper = gene.upper()
    for prefix, organism in ENSEMBL_PREFIXES.items():
        if upper.startswith(prefix):
            return organism
    if MOUSE_SYMBOL.match(gene):
        return "mouse"
    if HUMAN_SYMBOL.match(gene):
        return "human"
    return None


def _majority(counts: Counter, total: int) -> str | None:
    found = [(n, organism) for organism, n in counts.items() if organism is not None]
    if not found or total == 0:
        return None
    n, organism = max(found)
    return organism if n / total >= MAJORITY else None
