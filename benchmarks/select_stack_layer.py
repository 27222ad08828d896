"""Model selection, round 24 (issue 22), on VALIDATION pairs and the validation analog of the
curated check: how much of GNT's SVM score the stacking layer takes.

    .venv/bin/python benchmarks/select_stack_layer.py [--seeds 0,1,2] [--sets ...]
        [--protocols candidates,given] [--out DIR]

Round 23's TRRUST check (mDC specific, ten seeds) found the stack without GNT holding more
curated edges in its top 1,000 novel pairs than the default (13.0 vs 10.8; L3 11.8): the layer,
a logistic regression over (ranker score, SVM score) fitted on a few dozen validation edges,
gives the SVM a weight whether or not it measurably adds to the ranker there. Variants, GNT
fitted once per cell, each layer cross-fitted over two halves of the validation pairs
(select_ranker.layered; a balanced split's layer on its natural layer pairs, as the product):

- the stack as it is (Stacker, class-balanced);
- the ranker alone (the stack without GNT);
- the layer with the SVM input only when a likelihood-ratio test on the layer's own fitting
  pairs keeps it (deviance drop > 3.84, p < 0.05 for one added input; else the ranker alone);
- the layer with its SVM weight halved.

Rows: validation metrics on every set; on the analog sets each other reference's edges among
the top 100 / 1,000 novel pairs (select_prior_shape.ANALOGS). Writes validation.csv / .md and
analog.md.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2
from select_prior_shape import analog_round, analog_rows
from select_ranker import free_scores, layered, validation_list
from select_top_of_list import natural_prevalence_split
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from gnt_core.science.predictor import GNTLinkPredictor
from gnt_core.science.splits import is_regulator_balanced, layer_pairs
from gnt_core.science.stacking import Stacker

KEEP_DEVIANCE = chi2.ppf(0.95, 1)


def deviance(inputs: np.ndarray, labels: np.ndarray) -> float:
    model = LogisticRegression(C=1e6).fit(inputs, labels)
    return 2 * len(labels) * log_loss(labels, model.predict_proba(inputs)[:, 1])


def tested_layer(inputs: np.ndarray, labels: np.ndarray, seed: int):
    """The stack where the SVM input lowers the deviance by > KEEP_DEVIANCE, else the layer on
    the ranker alone (a Stacker whose SVM weight is 0, on the scale of the other half's)."""
    stacker = Stacker.fit(inputs, labels, seed)
    z = (inputs - stacker.mean) / stacker.scale
    if deviance(z[:, :1], labels) - deviance(z, labels) <= KEEP_DEVIANCE:
        alone = Stacker.fit(inputs[:, :1], labels, seed)
        stacker.coef, stacker.intercept = np.r_[alone.coef, 0.0], alone.intercept
    return stacker


def halved_layer(inputs: np.ndarray, labels: np.ndarray, seed: int):
    stacker = Stacker.fit(inputs, labels, seed)
    stacker.coef[1] *= 0.5
    return stacker


def cell(name: str, protocol: str, seed: int) -> list[dict]:
    data, settings, split, _, _ = natural_prevalence_split(name, protocol, seed)
    model = GNTLinkPredictor.from_settings(settings).fit(
        data.expression, split.train, split.val, ranker_negatives=split.ranker_negatives,
        layer_negatives=split.layer_negatives)
    listed = validation_list(data, split)
    natural = is_regulator_balanced(split.train, data.n_genes) and len(split.layer_negatives)
    fitted = layer_pairs(split.val, split.layer_negatives) if natural else split.val
    scores = free_scores(listed.pairs, data, split.train.positives, seed)
    scores["ranker alone"] = model.ranker_score(listed.pairs)
    layers = {"stack": lambda x, y, _: Stacker.fit(x, y, seed),
              "stack, SVM if LRT": lambda x, y, _: tested_layer(x, y, seed),
              "stack, SVM weight halved": lambda x, y, _: halved_layer(x, y, seed)}
    for label, fit_layer in layers.items():
        scores[label] = layered(model, fitted, listed, fit_layer, seed)
    return analog_rows(name, protocol, seed, data.genes, listed, scores)


def main() -> None:
    analog_round(cell, __doc__.splitlines()[0], "selection-round24", "Round 24",
                 "the stacking layer's SVM weight", "select_stack_layer.py")


if __name__ == "__main__":
    main()
