"""Model selection, round 13 (issue 22), on VALIDATION pairs only: a last layer fitted for the
top of the list.

    .venv/bin/python benchmarks/select_top_layer.py [--seeds 0,1] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Round 12 found that on GENELink's regulator-balanced splits the class-balanced logistic layer
over (ranker, SVM), fitted on the peer's balanced validation pairs, costs the top of the list:
the ranker alone led precision at 50. The candidate (`fit_for_top` below) keeps the ranker's
score and adds the SVM's at the weight per sd (0 … 2) that gives the validation pairs the
highest average precision, then Platt-scales it. Each cell as in round 11
(select_ranker.py): GNT fitted once on the default split, every layer cross-fitted over two
halves of the validation pairs, scored on the list that ranks as the test does (candidates:
validation positives among every unused universe pair; given: round 6's natural validation
universe of a regulator-balanced split, else its validation pairs). Writes validation.csv / .md.
"""

from __future__ import annotations

import numpy as np
from select_ranker import SHOWN, free_scores, grid, layered_rows, validation_list
from select_top_of_list import natural_prevalence_split
from tables import mean_sd_markdown

from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import is_regulator_balanced
from gnt_core.science.stacking import Stacker
from gnt_core.store.storage import write_bytes

SVM_WEIGHTS = (0.0, 0.125, 0.25, 0.5, 1.0, 2.0)


def fit_for_top(inputs: np.ndarray, labels: np.ndarray, seed: int) -> Stacker:
    """The ranker's score plus the SVM's at the weight (per sd, from SVM_WEIGHTS; the smallest
    on a tie) that gives the validation pairs the highest average precision, Platt-scaled."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score

    mean, scale = inputs.mean(axis=0), inputs.std(axis=0) + 1e-9
    z = (inputs - mean) / scale
    precision = [average_precision_score(labels, z[:, 0] + w * z[:, 1]) for w in SVM_WEIGHTS]
    direction = np.array([1.0, SVM_WEIGHTS[int(np.argmax(precision))]])
    platt = LogisticRegression(class_weight="balanced", random_state=seed)
    platt.fit((z @ direction)[:, None], labels)
    return Stacker(platt.coef_[0, 0] * direction, float(platt.intercept_[0]), mean, scale)


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, natural_val, _ = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings).fit(
        data.expression, split.train, split.val, ranker_negatives=split.ranker_negatives)
    model.prior_ = None  # each layer is compared as it ranks, without the prior shift
    balanced = protocol == "given" and is_regulator_balanced(split.train, data.n_genes)
    listed = natural_val if balanced else validation_list(data, split)
    scores = free_scores(listed.pairs, data, split.train.positives, seed)
    scores["ranker alone"] = model.ranker_score(listed.pairs)
    layers = {"balanced (default)": lambda x, y, _: Stacker.fit(x, y, seed),
              "for the top": lambda x, y, _: fit_for_top(x, y, seed)}
    return layered_rows(name, protocol, seed, model, split.val, listed, scores, layers)


def main() -> None:
    args, table = grid(cell, __doc__.splitlines()[0], "selection-round13")
    lines = [f"# Round 13: a last layer for the top of the list, validation pairs only (seeds "
             f"{args.seeds})", "", f"Command: `.venv/bin/python benchmarks/select_top_layer.py "
             f"--seeds {args.seeds} --sets {args.sets} --protocols {args.protocols}`", "",
             *mean_sd_markdown(table, ["dataset", "protocol", "method"], SHOWN)]
    write_bytes(args.out / "validation.md", ("\n".join(lines) + "\n").encode())
    print("\n".join(lines))


if __name__ == "__main__":
    main()
