"""Which ranked list a page shows (discovery's novel pairs, or the evaluation's held-out test
pairs), the filter widgets, shared by the Explore and Export pages, and the organism of the
literature links."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gnt_core.io.organism import infer_organism
from gnt_core.outputs.filters import GENE_ROLES, KNOWN, CandidateFilter, with_cut
from gnt_core.outputs.literature import ORGANISMS
from gnt_core.store.preferences import read_preferences, remember
from gnt_core.store.run import Run
from gnt_core.vocabulary import (
    DISCOVER,
    FALSE_POSITIVE,
    NOVEL,
    TEST_POSITIVE,
    TRAINING_NEGATIVE,
)
from ui import state
from ui.state import index_of

LISTS = {DISCOVER: "Novel pairs (discovery)", "evaluate": "Held-out test pairs (evaluation)"}
EVALUATION_VIEWS = {"False positives": FALSE_POSITIVE, "Test positives": TEST_POSITIVE,
                    "Known edges": KNOWN, "Training negatives": TRAINING_NEGATIVE,
                    "All pairs": "all"}


@dataclass
class CandidateList:
    run: Run
    table: pd.DataFrame
    discovery: bool


def choose_list(run: Run) -> CandidateList | None:
    """Discovery's novel pairs when the run has a finished discovery (the default), else the
    evaluation's table; None (with a message) when nothing is ready."""
    discovery = run.discovery_run() if run.mode != DISCOVER else run
    evaluation = next(iter(run.evaluation_runs()), None) if run.mode == DISCOVER else run
    options = [key for key, found in ((DISCOVER, discovery), ("evaluate", evaluation)) if found]
    if not options:
        st.info("This run has no ranked pairs yet.")
        return None
    if discovery is None:
        _explain_missing_discovery(run)
    choice = st.segmented_control("List", options, format_func=LISTS.get, default=options[0],
                                  key="list") or options[0]
    chosen = discovery if choice == DISCOVER else evaluation
    return CandidateList(chosen, state.table(chosen.candidates_path), choice == DISCOVER)


def _explain_missing_discovery(run: Run) -> None:
    job = run.discovery_job()
    if job is not None and job.status.active:
        st.info("Discovery (models trained on every known edge) is still "
                f"{job.status.state}; its novel pairs will appear here. Meanwhile you see the "
                "evaluation's held-out test pairs.")
    else:
        st.info("This run has no discovery: the list below is the evaluation's, where novel "
                "candidates were never trained on the held-out edges. Train with 'Evaluate, "
                "then discover' for a list of novel pairs you can carry to the bench.")


def filter_widgets(candidates: CandidateList) -> tuple[pd.DataFrame, CandidateFilter]:
    """The table in the chosen view and the filter its widgets set (values kept per session,
    so Explore and Export share them)."""
    table = candidates.table
    if candidates.discovery:
        left, middle, right = st.columns(3)
        top_n = left.number_input("Top N pairs of the ranking (0 = all)", 0, len(table),
                                  min(100, len(table)), key="top_n")
        stability = left.slider("Stable in at least this share of seeds", 0.0, 1.0, 0.0, 0.1,
                                key="min_stability")
        status = NOVEL
    else:
        test_pairs = int(table["status"].isin(["test positive", "test negative"]).sum())
        positives = int((table["status"] == TEST_POSITIVE).sum())
        view = st.segmented_control("Show", list(EVALUATION_VIEWS), default="False positives",
                                    key="evaluation_view") or "All pairs"
        left, middle, right = st.columns(3)
        cut = left.number_input("Cut: the top N test pairs are called edges", 1,
                                max(test_pairs, 1), max(min(positives, test_pairs), 1),
                                key="cut", help="A test negative inside the cut is a false "
                                "positive. Default: as many as there are test positives.")
        table = with_cut(table, int(cut))
        top_n, stability, status = 0, None, EVALUATION_VIEWS[view]
    per_regulator = middle.number_input("At most k pairs per regulator (0 = all)", 0, 10_000, 0,
                                        key="top_k")
    per_target = middle.number_input("At most k pairs per target (0 = all)", 0, 10_000, 0,
                                     key="top_k_target", help="Keeps a list from being ten "
                                     "pairs into one hub target.")
    gene = right.text_input("Gene", key="gene", placeholder="e.g. STAT1")
    role = right.radio("as", GENE_ROLES, horizontal=True, key="gene_role")
    return table, CandidateFilter(status=status, top_n=int(top_n) or None,
                                  min_stability=stability or None,
                                  top_k_per_regulator=int(per_regulator) or None,
                                  top_k_per_target=int(per_target) or None, gene=gene,
                                  gene_role=role)


def expected_line(candidates: CandidateList, top_n: int | None) -> str:
    """'Top N: expected precision p, recall r' for a discovery list."""
    calibration = candidates.run.calibration
    if calibration is None:
        return ("Expected precision is not available: the evaluation was not run at natural "
                "prevalence (candidates protocol).")
    n = top_n or len(candidates.table)
    precision, recall = calibration.expected([n], len(candidates.table))
    return (f"The top {n:,} pairs: expected precision {precision[0]:.3f}, expected recall "
            f"{recall[0]:.3f} — how often pairs ranked this high were held-out known edges "
            "when the evaluation hid a tenth of the network (edges missing from your network "
            "count as wrong, so this is conservative).")


def literature_organism(candidates: CandidateList) -> str | None:
    """The organism for literature links (None: any): the user's last choice for the run's
    dataset, else the one its gene names or TF list say; a change is kept on disk."""
    dataset_id = candidates.run.dataset_id
    genes = pd.unique(candidates.table[["regulator", "target"]].to_numpy().ravel()).tolist()
    guess = infer_organism(genes, candidates.run.dataset_source.get("tfs"))
    last = read_preferences(dataset_id).get("organism") or guess or "any"
    options = ["any", *ORGANISMS]
    key = f"organism-{dataset_id}"
    choice = st.selectbox(
        "Organism for literature links", options, index_of(options, last), key=key,
        on_change=lambda: remember(dataset_id, "organism", st.session_state[key]),
        help="Preselected from the gene names (mouse symbols are Title-case like Gata1, human "
             "ones UPPER-case like GATA1; Ensembl ENSMUSG or ENSG) or the built-in TF list"
             + (f", which say {guess}" if guess else ", which say nothing here")
             + ". Your choice is kept for this dataset.")
    return None if choice == "any" else choice
