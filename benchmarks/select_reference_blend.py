"""Model selection, round 22 (issue 22), on VALIDATION pairs and the validation analog of the
curated check: Adamic–Adar added to the ranker's log-odds.

    .venv/bin/python benchmarks/select_reference_blend.py [--seeds 0,1,2] [--sets ...]
        [--out DIR]

The curated check found the ranker's novel pairs, trained on a cell type's ChIP-seq network,
holding fewer literature-curated edges than L3's. On the analog that selects without TRRUST
(novel pairs of a run trained on mESC specific, counted against mESC STRING's network, and the
other way round) the evidence columns that find another reference's edges among novel pairs
are the undirected neighbourhood ones (common neighbours, Adamic–Adar, resource allocation:
about twice L3's hits in the top 1,000), which the ranker, fitted to held-out edges of the
one network, gives little weight. Variants, each the ranker alone (the stack without GNT, GNT
not fitted), scored on round 11's candidates validation list:

- Adamic–Adar alone (log(1 + AA) on the training network, as the ranker sees it);
- the ranker whose directed log-odds add w · log(1 + AA) (TopRanker.neighbourhood_weight with
  no neighbourhood_reference), w = 0 (the ranker of rounds 11–21), 0.5, 1 (round 22's
  default; round 23 changed the shape, select_prior_shape.py) and 2: one fit, the weight
  changed at scoring.

Rows: validation metrics on every set; on the analog sets, the other reference's edges among
the top 100 / 1,000 of the list's negatives (novel pairs: unknown to training and validation;
test pairs among them are never labelled). Writes validation.csv / .md and analog.md.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from bench_reference import reference_edges
from select_ranker import free_predictor_cell, grid, write_validation
from tables import mean_sd_markdown

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.pair_evidence import pair_evidence
from gnt_core.science.ranker import ADAMIC_ADAR, TopRanker
from gnt_core.store.storage import write_bytes

ANALOGS = {"beeline-mesc/specific": "beeline-mesc/string",  # neither is built from TRRUST
           "beeline-mesc/string": "beeline-mesc/specific"}
WEIGHTS = (0.0, 0.5, 1.0, 2.0)  # 0: the ranker of rounds 11–21; 1: round 22's default
TOPS = (100, 1000)


def analog_hits(reference_name: str, genes: list[str], pairs: np.ndarray, negative: np.ndarray,
                scores: dict[str, np.ndarray], column: str = "analog"
                ) -> dict[str, dict[str, float]]:
    """Per method, the reference's edges among its top novel pairs (`{column}_top_{k}`)."""
    reference, known = reference_edges(reference_name)
    symbols = np.array([g.upper() for g in genes])
    novel = pairs[negative]
    held = np.isin(symbols[novel], list(known)).all(axis=1)
    hit = np.array([tuple(sorted(symbols[p])) in reference for p in novel])
    out = {}
    for method, s in scores.items():
        order = np.argsort(-s[negative], kind="stable")
        order = order[held[order]]
        out[method] = {f"{column}_top_{k}": float(hit[order[:k]].sum()) for k in TOPS}
    return out


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, seed=seed)
    network = ranker.network(split.train.positives, data.n_genes)
    adamic_adar = pair_evidence(network, evidence, listed.pairs)[:, ADAMIC_ADAR]
    scores["adamic-adar"] = np.log1p(adamic_adar)
    for weight in WEIGHTS:
        logged = replace(ranker, neighbourhood_weight=weight, neighbourhood_reference=None)
        scores[f"ranker, weight {weight:g}"] = logged(network, evidence, listed.pairs)
    hits = analog_hits(ANALOGS[name], data.genes, listed.pairs, listed.labels == 0,
                       scores) if name in ANALOGS else {}
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0]), **hits.get(method, {})}
            for method, s in scores.items()]


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round22", seeds="0,1,2",
                       protocols="candidates")
    write_validation(args, table, "Round 22: Adamic–Adar added to the ranker",
                     "select_reference_blend.py")
    shown = tuple(f"analog_top_{k}" for k in TOPS)
    lines = ["# Round 22: the other reference's edges among the top novel pairs "
             f"(seeds {args.seeds})", "", "Analog references: " + ", ".join(
                 f"{a} → {b}" for a, b in ANALOGS.items()), "",
             *mean_sd_markdown(table[table["dataset"].isin(ANALOGS)], ["dataset", "method"],
                               shown)]
    write_bytes(args.out / "analog.md", ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
