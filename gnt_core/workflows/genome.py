"""Genome-scale candidate scoring split by regulator blocks across Dask workers.

Each block of regulators is a task (`candidates.score_block`): it scores its pairs and returns
its Parquet partition, the best pairs of each of its regulators, and its scores as float32.
The submitting process writes the partitions and merges the best pairs and the global ranks
(`candidates.merge_blocks`): the blocks are the ones single-process streaming uses, so the
result is the same, pair for pair and rank for rank.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..io import Dataset
from ..science.candidates import (
    PAIRS_PER_BLOCK,
    TOP_K_PER_REGULATOR,
    Candidates,
    ScoredBlock,
    merge_blocks,
    parquet_folder,
    regulator_blocks,
    score_block,
    write_part,
)
from ..science.predictor import GNTLinkPredictor
from ..science.splits import PairSplit
from ..vocabulary import Progress, no_progress
from .cluster import run_tasks, scatter


def score_distributed(client: Any, predictor: GNTLinkPredictor, dataset: Dataset,
                      split: PairSplit | None = None, *, stream_to: Path,
                      universe: str = "regulators", top_k: int = TOP_K_PER_REGULATOR,
                      device: str = "cpu", block_pairs: int = PAIRS_PER_BLOCK,
                      progress: Progress | None = None) -> Candidates:
    """Every candidate pair scored block by block on the cluster (in this process when
    client is None); the Parquet parts in `stream_to`, the ranked best pairs returned."""
    blocks = regulator_blocks(dataset, universe, block_pairs)
    shared = (scatter(client, predictor), scatter(client, dataset))
    tasks = {index: (*shared, universe, block, top_k, device)
             for index, block in enumerate(blocks)}
    scored: dict[int, ScoredBlock] = {}
    report = progress or no_progress
    with parquet_folder(Path(stream_to)) as folder:
        def keep(index: int, block: ScoredBlock) -> None:
            write_part(folder, index, block)
            scored[index] = block
            report("score", len(scored), len(blocks), {})

        run_tasks(client, score_block, tasks, keep)
    return merge_blocks([scored[i] for i in sorted(scored)], dataset, split, top_k)
