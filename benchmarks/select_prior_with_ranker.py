"""Model selection, round 12 (issue 22), on VALIDATION pairs only: does the regulator prior shift
still belong on top of the ranker?

    .venv/bin/python benchmarks/select_prior_with_ranker.py [--seeds 0,1] [--out DIR]

The prior shift (round 6) adds each pair's log prior odds to the Platt-scaled score when the
training negatives are balanced per regulator (GENELink's splits of non-specific and STRING
networks), because no model fitted on such pairs can learn that hub regulators have more
targets. The ranker (round 11) is fitted on 20 ranker negatives per training positive drawn
uniformly from the universe: it can learn exactly that, so the shift may now count the hubs
twice. Scored on round 6's natural validation universe of those splits (validation positives
among uniform regulator × gene non-pairs; test pairs never scored): the default (layer and
shift), the layer without the shift, and the ranker alone. Writes validation.csv / .md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from select_top_of_list import natural_prevalence_split
from tables import mean_sd_markdown

from gnt_core.science.metrics import evaluation_metrics
from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.store.storage import write_bytes, write_table

SETS = ["beeline-mdc/nonspecific", "beeline-mesc/nonspecific", "beeline-mesc/string"]
SHOWN = ("auroc", "auprc_ratio", "p_at_10", "p_at_50", "p_at_100", "reg_auroc")


def cell(name: str, seed: int) -> list[dict]:
    data, settings, split, val, _ = natural_prevalence_split(name, "given", seed)
    model = GNTLinkPredictor.from_settings(settings).fit(
        data.expression, split.train, split.val, ranker_negatives=split.ranker_negatives)
    scores = {"layer + prior shift (default)": model.decision_function(val.pairs)}
    shift, model.prior_ = model.prior_, None
    scores["layer, no prior shift"] = model.decision_function(val.pairs)
    scores["ranker alone"] = model.ranker_score(val.pairs)
    assert shift is not None, "GENELink's split of this set is regulator-balanced"
    return [{"dataset": name, "seed": seed, "method": method,
             **evaluation_metrics(val.labels, s, val.pairs[:, 0])}
            for method, s in scores.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "selection-round12")
    args = parser.parse_args()
    rows = [row for name in SETS for seed in map(int, args.seeds.split(","))
            for row in cell(name, seed)]
    table = pd.DataFrame(rows)
    write_table(args.out / "validation.csv", table)
    lines = [f"# Round 12: the prior shift on top of the ranker (GENELink's splits, natural "
             f"validation universe, seeds {args.seeds})", "",
             f"Command: `.venv/bin/python benchmarks/select_prior_with_ranker.py --seeds "
             f"{args.seeds}`", "", *mean_sd_markdown(table, ["dataset", "method"], SHOWN)]
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
