"""Model selection, round 19 (issue 22), on VALIDATION pairs only: on a regulator-balanced split,
fit the last layer on pairs drawn as the list is.

    .venv/bin/python benchmarks/select_layer_negatives.py [--seeds 0,1,2] [--sets ...] [--out DIR]

On GENELink's regulator-balanced splits (non-specific and STRING networks) the default fits its
class-balanced layer over (ranker, SVM) on the peer's validation pairs, whose negatives match
each regulator's positives, then adds the regulator prior shift (round 6) to reach the natural
universe. Rounds 12 and 13 found that this layer costs the top of the list (the ranker alone led
precision at 50); round 13's "layer for the top" was still fitted on the peer's balanced pairs.
The candidate here fits the same class-balanced layer on the validation POSITIVES among uniform
regulator × gene non-pairs (round 6's natural validation universe: what the test list looks
like, hubs included) and adds no shift, as the ranker already carries the hub prior.

Every layer is cross-fitted over two halves of the natural validation universe (its positives
are the peer's validation positives): the half that fits a layer never holds a pair it scores,
and the default's half holds the peer's validation pairs whose positives are that half's.
Writes validation.csv / .md.
"""

from __future__ import annotations

import numpy as np
from select_rank_layer import stratified_half
from select_ranker import free_scores, grid
from select_top_of_list import natural_prevalence_split
from tables import mean_sd_markdown

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.prior_shift import RegulatorPrior
from gnt_core.science.splits import PairSet, pair_keys
from gnt_core.science.stacking import Stacker
from gnt_core.store.storage import write_bytes

SETS = ["beeline-mdc/nonspecific", "beeline-mesc/nonspecific", "beeline-mesc/string"]
SHOWN = ("auroc", "auprc_ratio", "p_at_10", "p_at_25", "p_at_50", "p_at_100", "reg_auroc")


def inputs_of(model: GNTLinkPredictor, pairs: np.ndarray) -> np.ndarray:
    return np.column_stack([model.ranker_score(pairs), model.svm_decision(pairs)])


def peer_half(val: PairSet, positives: np.ndarray, n_genes: int, seed: int) -> PairSet:
    """The peer's validation pairs whose positives are `positives`, and half its negatives."""
    chosen = np.random.default_rng(seed).random(len(val)) < 0.5
    listed = np.isin(pair_keys(val.pairs, n_genes), pair_keys(positives, n_genes))
    keep = np.where(val.labels == 1, listed, chosen)
    return PairSet(val.pairs[keep], val.labels[keep])


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, natural, _ = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings).fit(
        data.expression, split.train, split.val, ranker_negatives=split.ranker_negatives)
    assert model.prior_ is not None, "GENELink's split of this set is regulator-balanced"
    listed = inputs_of(model, natural.pairs)
    scores = free_scores(natural.pairs, data, split.train.positives, seed)
    scores["ranker alone"] = listed[:, 0]
    default, candidate = np.empty(len(natural)), np.empty(len(natural))
    half = stratified_half(natural.labels, seed)
    for k, (fit_on, scored) in enumerate(((half, ~half), (~half, half))):
        peer = peer_half(split.val, natural.pairs[fit_on & (natural.labels == 1)],
                         data.n_genes, seed + k)
        peer_inputs = inputs_of(model, peer.pairs)
        stacker = Stacker.fit(peer_inputs, peer.labels, seed)
        prior = RegulatorPrior.fit(split.train, data.n_genes, stacker(peer_inputs), peer.labels)
        default[scored] = prior(stacker(listed[scored]), natural.pairs[scored])
        candidate[scored] = Stacker.fit(listed[fit_on], natural.labels[fit_on], seed)(
            listed[scored])
    scores["layer on the peer's pairs + prior shift (default)"] = default
    scores["layer on the natural validation universe"] = candidate
    return [{"dataset": name, "protocol": protocol, "seed": seed, "method": method,
             **evaluation_metrics(natural.labels, s, natural.pairs[:, 0])}
            for method, s in scores.items()]


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round19", sets=SETS,
                       protocols="given", seeds="0,1,2")
    lines = [f"# Round 19: the layer of a regulator-balanced split fitted on the natural "
             f"validation universe (GENELink's splits, seeds {args.seeds})", "",
             f"Command: `.venv/bin/python benchmarks/select_layer_negatives.py --seeds "
             f"{args.seeds}`", "", *mean_sd_markdown(table, ["dataset", "method"], SHOWN)]
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
