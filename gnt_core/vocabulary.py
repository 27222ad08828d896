"""The project's shared names, each defined once: pipeline stages, negative protocols, split
names, metrics, methods, the pair-status words, the gene-symbol rule, seed lists and the progress
callback. Everything else imports them from here; nothing here imports the rest of gnt_core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

# progress(stage, step, total, info): every long call of the library reports through this
Progress = Callable[[str, int, int, dict], None]


def no_progress(stage: str, step: int, total: int, info: dict) -> None:
    return None


class Stage(NamedTuple):
    label: str
    weight: float  # share of a run's time, for one progress bar over all stages


# the stages of one run, in the order the pipeline runs them
STAGES = {
    "split": Stage("Splitting pairs", 0.02),
    "gnt": Stage("Training GNT", 0.6),
    "gne_mlp": Stage("Training the GNE-MLP ablation", 0.2),
    "score": Stage("Scoring candidate pairs", 0.15),
    "baselines": Stage("Computing baselines", 0.03),
    "discover": Stage("Discovering: models on every known edge, cross-fitted, over seeds", 1.0),
}

EVALUATION_STAGES = ("split", "gnt", "gne_mlp", "score", "baselines")
DISCOVERY_STAGES = ("discover",)

PROTOCOLS = ("random", "tf-matched", "candidates")
GIVEN = "given"  # the protocol name of a split read from files (e.g. a peer's)
PROTOCOL_DESCRIPTIONS = {
    "random": "the thesis' protocol: negatives are random non-edge pairs, 1:1. Easy to score "
              "well on: 'is one gene a hub regulator?' alone separates the classes.",
    "tf-matched": "each negative shares its regulator with a positive, 1:1. Measures whether "
                  "the model picks the right targets of a regulator.",
    "candidates": "the realistic test: every regulator × gene pair not used in training, at "
                  "its natural prevalence (a few percent or less). Precision means what you "
                  "expect when you rank novel edges.",
    GIVEN: "a given split (for example a published method's own pairs), used exactly.",
}
SPLIT_NAMES = ("train", "val", "test")

# per-regulator: macro average over regulators with at least 3 test positives
# precision at k: the share of edges among the top k pairs (a list is read from the top)
TOP_K = (10, 25, 50, 100)
METRICS = ("auroc", "auprc", "auprc_ratio", "epr", *(f"p_at_{k}" for k in TOP_K), "reg_auroc",
           "reg_auprc")
METRIC_LABELS = {"auroc": "AUROC", "auprc": "AUPRC", "auprc_ratio": "AUPRC ratio",
                 "epr": "EPR", **{f"p_at_{k}": f"precision at {k}" for k in TOP_K},
                 "reg_auroc": "per-regulator AUROC", "reg_auprc": "per-regulator AUPRC"}
# "ranker": the stack without GNT (science/ranker.py alone), what GNT is added to
BASELINES = ("ranker", "degree", "pcc", "paths", "random")
FREE_PREDICTORS = ("degree", "pcc", "paths")  # issue 22's bar: the best single one
METHODS = ("gnt", "gne_mlp", *BASELINES)
METHOD_LABELS = {"gnt": "GNT", "gne_mlp": "GNE-MLP (ablation)",
                 "ranker": "stack without GNT (baseline)", "degree": "degree (baseline)",
                 "pcc": "|PCC| (baseline)", "paths": "network paths L3 (baseline)",
                 "random": "random (baseline)"}

# The stacking layer's inputs (science/stacking.py STACK_INPUTS), as the app names them.
STACK_INPUT_LABELS = {"ranker": "network and expression ranker", "svm": "GNT SVM score"}

# Pair status, one word per state, the same in tables, the network legend, the CLI and exports.
# A known edge is "known (<where>)": in the split's training or validation positives, or in the
# network (discovery: every known edge). Novel: never a known edge. Evaluation tables only: a
# held-out test positive, a training negative (a train/val pair of label 0: the model was fitted
# to score it low), a test negative, and a false positive (a test negative inside the cut).
KNOWN_TRAIN = "known (train)"
KNOWN_VAL = "known (val)"
KNOWN_NETWORK = "known (network)"
NOVEL = "novel"
TEST_POSITIVE = "test positive"
TRAINING_NEGATIVE = "training negative"
TEST_NEGATIVE = "test negative"
FALSE_POSITIVE = "false positive"
KNOWN_STATUSES = (KNOWN_TRAIN, KNOWN_VAL, KNOWN_NETWORK)
PAIR_STATUSES = (NOVEL, *KNOWN_STATUSES, TEST_POSITIVE, TRAINING_NEGATIVE, TEST_NEGATIVE,
                 FALSE_POSITIVE)

# the two modes of a run: evaluate (held-out test pairs, metrics) and discover (trained on every
# known edge, cross-fitted, ranks the pairs that are not known edges)
EVALUATE = "evaluate"
DISCOVER = "discover"

SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,39}$")


def is_valid_symbol(symbol: str) -> bool:
    """Whether a gene name may enter a URL or HTML (letters, digits, '.', '-', '_'; ≤ 40)."""
    return isinstance(symbol, str) and bool(SYMBOL_PATTERN.fullmatch(symbol))


def parse_seeds(text: str, max_seeds: int | None = None) -> list[int]:
    """Seeds typed as '0, 1, 2' or '0 1 2': whole numbers, duplicates dropped, order kept."""
    try:
        seeds = list(dict.fromkeys(int(s) for s in text.replace(",", " ").split()))
    except ValueError:
        seeds = []
    if not seeds or (max_seeds is not None and len(seeds) > max_seeds):
        most = f"1 to {max_seeds}" if max_seeds is not None else "one or more"
        raise ValueError(f"seeds must be {most} whole numbers separated by commas, such as "
                         f"0, 1, 2 (not {text!r})")
    return seeds
