"""Model selection, round 23 (issue 22), on VALIDATION pairs and the validation analog of the
curated check: the shape of the ranker's neighbourhood prior.

    .venv/bin/python benchmarks/select_prior_shape.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Round 22 added w · log(1 + Adamic–Adar) to each directed log-odds (w = 1). On the analog it
found the other reference's edges (mESC specific's top 1,000 novel pairs: 16.7 → 31.3 mESC
STRING edges), but on the dense cell-type-specific ChIP networks it pushed pairs of hubs above
the trees' surest held-out edges: on GENELink's split mESC specific's precision at 50 fell from
1.000 to 0.873 and mHSC-L's from 0.987 to 0.900 (w = 0.5 kept both). In a dense network a
large Adamic–Adar is common, and log(1 + AA) has no ceiling. Variants, one fit per cell, the
prior changed at scoring:

- log: w · log(1 + AA), w = 0 (rounds 11–21), 0.5, 1 (round 22's default);
- capped: min(log(1 + AA), c), c = 1, 1.5: round 22's prior with a ceiling;
- quantile: w · F(AA), F the share of the universe's pairs with a shared neighbourhood whose AA
  is at most the pair's (0 without one; a sample of REFERENCE_PAIRS universe pairs on the
  training network as the ranker sees it), w = 1, 2, 3, 4, 6: the same prior for a pair at the
  same place in its network's neighbourhood distribution, whatever the network's density;
- tail: w · log(1 / (1 - F + 1/n)), n the sampled pairs with a shared neighbourhood, w = 0.25,
  0.5: as the quantile prior but without a ceiling (the rarest AA pushed most);
- scaled: w · log(1 + AA / m), m the median AA of those pairs, w = 1, 2: round 22's prior on
  each network's own scale.

Rows: validation metrics on every set; on the analog sets each other reference's edges among
the top 100 / 1,000 novel pairs (as select_reference_blend.py; round 22's mESC specific ↔
STRING, and here also each cell type's specific ↔ non-specific ChIP network, which share few
edges: 121 of mDC specific's 754, 1,406 of mESC specific's 29,066). Writes validation.csv /
.md and analog.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from select_ranker import free_predictor_cell, grid, write_validation
from select_reference_blend import TOPS, analog_hits
from tables import mean_sd_markdown

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.pair_evidence import pair_evidence
from gnt_core.science.ranker import ADAMIC_ADAR, REFERENCE_PAIRS, TopRanker, universe_sample

LOG_WEIGHTS = (0.0, 0.5, 1.0)
CAPS = (1.0, 1.5)
QUANTILE_WEIGHTS = (1.0, 2.0, 3.0, 4.0, 6.0)
TAIL_WEIGHTS = (0.25, 0.5)
SCALED_WEIGHTS = (1.0, 2.0)
ANALOGS = {"beeline-mesc/specific": ("beeline-mesc/string", "beeline-mesc/nonspecific"),
           "beeline-mesc/string": ("beeline-mesc/specific",),
           "beeline-mdc/specific": ("beeline-mdc/nonspecific",),
           "beeline-mdc/nonspecific": ("beeline-mdc/specific",),
           "beeline-mesc/nonspecific": ("beeline-mesc/specific",)}


@dataclass
class ShapedPrior(TopRanker):
    """The ranker with another prior shape (see the module docstring)."""

    shape: str = "log"
    cap: float = np.inf
    quantiles: np.ndarray | None = None  # ascending AA > 0 of universe pairs

    def _neighbourhood_prior(self, rows: np.ndarray) -> np.ndarray:
        aa = rows[:, ADAMIC_ADAR]
        if self.shape == "log":
            return np.minimum(self.neighbourhood_weight * np.log1p(aa), self.cap)
        if self.shape == "scaled":
            return self.neighbourhood_weight * np.log1p(aa / np.median(self.quantiles))
        n = len(self.quantiles)
        share = np.where(aa > 0, np.searchsorted(self.quantiles, aa, side="right") / n, 0.0)
        if self.shape == "tail":
            return self.neighbourhood_weight * -np.log1p(1 / n - share)
        return self.neighbourhood_weight * share


def variants(ranker: TopRanker, quantiles: np.ndarray) -> dict[str, TopRanker]:
    fitted = (ranker.models, ranker.can_regulate, ranker.folds, ranker.seed)
    out = {f"log, weight {w:g}": ShapedPrior(*fitted, w) for w in LOG_WEIGHTS}
    out |= {f"log capped at {c:g}": ShapedPrior(*fitted, 1.0, cap=c) for c in CAPS}
    for shape, weights in (("quantile", QUANTILE_WEIGHTS), ("tail", TAIL_WEIGHTS),
                           ("scaled", SCALED_WEIGHTS)):
        out |= {f"{shape}, weight {w:g}": ShapedPrior(*fitted, w, shape, quantiles=quantiles)
                for w in weights}
    for variant in out.values():
        variant.__dict__["_loaded"] = ranker._boosters
    return out


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, split, listed, evidence, scores = free_predictor_cell(name, protocol, seed)
    ranker = TopRanker.fit(split.train, evidence, split.ranker_negatives, seed=seed)
    network = ranker.network(split.train.positives, data.n_genes)
    sample = universe_sample(ranker.can_regulate, REFERENCE_PAIRS, seed)
    universe = pair_evidence(network, evidence, sample)[:, ADAMIC_ADAR]
    quantiles = np.sort(universe[universe > 0])
    for label, variant in variants(ranker, quantiles).items():
        scores[label] = variant(network, evidence, listed.pairs)
    return analog_rows(name, protocol, seed, data.genes, listed, scores)


def analog_rows(name: str, protocol: str, seed: int, genes: list[str], listed,
                scores: dict[str, np.ndarray]) -> list[dict]:
    """One row per method: its validation metrics on the listed pairs and, where `name` has
    analogs, each other reference's edges among its top novel pairs."""
    hits = [analog_hits(reference, genes, listed.pairs, listed.labels == 0, scores,
                        reference.split("/")[1]) for reference in ANALOGS.get(name, ())]
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(listed.labels, s, listed.pairs[:, 0]),
             **{k: v for h in hits for k, v in h[method].items()}}
            for method, s in scores.items()]


def analog_round(cell, description: str, round_name: str, label: str, title: str,
                 script: str, protocols: str = "candidates,given") -> None:
    """A selection round with analogs: `cell` over its grid (seeds 0–2 by default), then
    validation.md ("{label}: {title}") and analog.md."""
    args, table = grid(cell, description, round_name, seeds="0,1,2", protocols=protocols)
    write_validation(args, table, f"{label}: {title}", script)
    write_analog(args, table, label)


def write_analog(args, table, title: str) -> None:
    """analog.md: per analog (set → other reference) its edges among each method's top novel
    pairs, mean ± sd over seeds."""
    lines = [f"# {title}: the other references' edges among the top novel pairs (seeds "
             f"{args.seeds})", ""]
    for name, references in ANALOGS.items():
        for reference in references if name in set(table["dataset"]) else ():
            shown = tuple(f"{reference.split('/')[1]}_top_{k}" for k in TOPS)
            lines += [f"## {name} → {reference}", "", *mean_sd_markdown(
                table[table["dataset"] == name], ["protocol", "method"], shown), ""]
    (args.out / "analog.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    analog_round(cell, __doc__.splitlines()[0], "selection-round23", "Round 23",
                 "the shape of the neighbourhood prior", "select_prior_shape.py")


if __name__ == "__main__":
    main()
