"""`gnt score RUN --format beeline --evaluation-set DIR`: an evaluation run's held-out test,
written so that BEELINE's BLEval scores the run as fairly as the run scores itself (see
outputs/beeline_eval.py and docs/beeline.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..io import GntInputError
from ..outputs.beeline_eval import (
    bleval_auprc,
    directed_auprc,
    ranked_edges,
    reference_edges,
)
from ..store.run import Run
from ..store.storage import write_bytes
from ..vocabulary import EVALUATE


def beeline_evaluation_set(run_dir: Path, device: str = "auto"
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rankedEdges, refNetwork) of an evaluation run under `candidates`: every test pair (the
    pairs the run neither trained nor validated on), each direction in which its genes can
    regulate with that direction's score, and the test pairs' known edges. Directions come from
    the model, which saw only the training network: no test edge orients a pair."""
    run = Run(run_dir)
    dataset = run.dataset()
    split = run.split(dataset)
    if run.mode != EVALUATE or split.protocol != "candidates":
        raise GntInputError(f"{run_dir}: an evaluation set needs an evaluation run under the "
                            "candidates protocol (its test pairs are every pair not used in "
                            "training, at natural prevalence, as BEELINE ranks them). Run "
                            "'gnt train --protocol candidates' and export that run.")
    pairs = split.test.pairs
    predictor = run.predictor()
    forward, reverse = predictor.directed_scores(pairs, device)
    if getattr(predictor, "ranker_", None) is None:  # one score, whichever way: list both
        regulator = np.zeros(dataset.n_genes, dtype=bool)
        regulator[dataset.regulators] = True
        reverse = np.where(regulator[pairs[:, 0]] & regulator[pairs[:, 1]], forward, np.nan)
    names = np.asarray(dataset.genes, dtype=object)
    ranked = ranked_edges(names[pairs[:, 0]], names[pairs[:, 1]], forward, reverse)
    return ranked, reference_edges(split.test.positives, dataset.edges, dataset.genes)


def write_beeline_evaluation(run_dir: Path, folder: Path, device: str = "auto") -> dict:
    """Write DIR/rankedEdges.csv (TAB-separated) and DIR/refNetwork.csv; return their sizes,
    the AUPRC BLEval gives them (directed, and in its undirected mode), and the run's own test
    AUPRC directed (the same pairs and genes as BLEval's directed figure) and unordered (what
    the run reports; BLEval's undirected mode asks the same question)."""
    ranked, reference = beeline_evaluation_set(run_dir, device)
    write_bytes(Path(folder) / "rankedEdges.csv", ranked.to_csv(index=False, sep="\t").encode())
    write_bytes(Path(folder) / "refNetwork.csv", reference.to_csv(index=False).encode())
    return {"ranked_edges": len(ranked),
            "reference_edges": int((reference["Gene1"] != reference["Gene2"]).sum()),
            "bleval_auprc": bleval_auprc(ranked, reference),
            "bleval_undirected_auprc": bleval_auprc(ranked, reference, directed=False),
            "directed_auprc": directed_auprc(ranked, reference),
            "unordered_auprc": Run(run_dir).metrics.test["gnt"]["auprc"]}
