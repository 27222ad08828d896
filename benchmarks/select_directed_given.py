"""Model selection, round 20 (issue 22), on VALIDATION pairs only: score a peer's directed pairs
in the direction listed.

    .venv/bin/python benchmarks/select_directed_given.py [--seeds 0,1,2] [--sets ...] [--out DIR]

GENELink's splits label DIRECTED pairs (tf, target): a pair whose reverse is an edge may be
listed with the label 0 (74 test pairs of mDC non-specific, 225 of mESC non-specific, 134 of
mESC specific). The default scores the unordered pair ("i → j or j → i"), so such a pair takes
its edge's score. The candidate scores i → j alone where both genes can regulate (the ranker's
directed log-odds through the same layer; elsewhere the two are the same). Scored on the peer's
validation pairs as they are (the only list that holds such pairs), and on round 6's natural
validation universe where the split is regulator-balanced. Writes validation.csv / .md.
"""

from __future__ import annotations

import numpy as np
from select_ranker import grid
from select_top_of_list import natural_prevalence_split
from tables import mean_sd_markdown

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.store.storage import write_bytes

SETS = ["beeline-mdc/specific", "beeline-mdc/nonspecific", "beeline-mesc/nonspecific",
        "beeline-mesc/string", "beeline-mhsc-l/specific", "beeline-mesc/specific"]
SHOWN = ("auroc", "auprc_ratio", "p_at_10", "p_at_50", "p_at_100", "reg_auroc")


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, natural, _ = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings).fit(
        data.expression, split.train, split.val, ranker_negatives=split.ranker_negatives,
        layer_negatives=split.layer_negatives)
    rows = []
    lists = {"peer's validation pairs": split.val}
    if natural is not split.val:
        lists["natural validation universe"] = natural
    for listed_as, listed in lists.items():
        unordered, forward, _ = model.scores_both_ways(listed.pairs)
        scores = {"unordered (default)": unordered,
                  "as listed": np.where(np.isnan(forward), unordered, forward)}
        rows += [{"dataset": name, "protocol": protocol, "list": listed_as, "seed": seed,
                  "method": method,
                  **evaluation_metrics(listed.labels, s, listed.pairs[:, 0])}
                 for method, s in scores.items()]
    return rows


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round20", sets=SETS,
                       protocols="given", seeds="0,1,2")
    lines = [f"# Round 20: a peer's directed pairs scored as listed (GENELink's splits, seeds "
             f"{args.seeds})", "", f"Command: `.venv/bin/python benchmarks/"
             f"select_directed_given.py --seeds {args.seeds}`", "",
             *mean_sd_markdown(table, ["dataset", "list", "method"], SHOWN)]
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
