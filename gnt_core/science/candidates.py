"""Candidate universe, chunked scoring and the ranked candidate table.

A universe of up to STREAM_MIN_PAIRS pairs is scored and ranked in memory. A larger one (genome
scale: tens of millions of regulator × gene pairs) is streamed: pairs are made a block of
regulators at a time (`score_block`, which can also run as tasks on a cluster), every score goes
to a Parquet part of a folder, and only the best `top_k` pairs of each regulator stay in memory,
ranked against all scores (one float32 per pair; `merge_blocks`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import Dataset
from ..vocabulary import (
    KNOWN_NETWORK,
    KNOWN_TRAIN,
    KNOWN_VAL,
    NOVEL,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAINING_NEGATIVE,
    Progress,
)
from .predictor import GNTLinkPredictor
from .splits import PairSplit, pair_keys, regulator_gene_pairs

UNIVERSES = ("regulators", "tf-list", "all")
CANDIDATE_COLUMNS = ("regulator", "target", "score", "rank", "percentile", "status",
                     "rank_in_regulator", "rank_in_target", "regulator_degree", "target_degree",
                     "target_adjusted", "score_forward", "score_reverse")
STREAM_MIN_PAIRS = 2_000_000
TOP_K_PER_REGULATOR = 200
PAIRS_PER_BLOCK = 1_000_000


@dataclass
class Candidates:
    """The ranked table; in memory mode also every scored pair and its score."""

    table: pd.DataFrame
    n_pairs: int
    streamed: bool
    top_k: int | None = None
    pairs: np.ndarray | None = None
    scores: np.ndarray | None = None
    ranker_scores: np.ndarray | None = None  # of `pairs`: the stack without GNT (NaN: none)


def universe_regulators(dataset: Dataset, universe: str = "regulators") -> np.ndarray:
    """The regulator side of the universe: network regulators, listed TFs, or every gene."""
    if universe == "regulators":
        return dataset.regulators
    if universe == "tf-list":
        if dataset.tf_list is None or not len(dataset.tf_list):
            raise ValueError("universe 'tf-list' needs a TF list; none was loaded")
        return dataset.tf_list
    if universe == "all":
        return np.arange(dataset.n_genes)
    raise ValueError(f"universe must be one of {', '.join(UNIVERSES)}, not {universe!r}")


def count_candidates(dataset: Dataset, universe: str = "regulators") -> int:
    r = len(np.unique(universe_regulators(dataset, universe)))
    return r * (dataset.n_genes - 1) - r * (r - 1) // 2


def regulator_blocks(dataset: Dataset, universe: str = "regulators",
                     block_pairs: int = PAIRS_PER_BLOCK) -> list[np.ndarray]:
    """The universe's regulators, in blocks of about `block_pairs` pairs each."""
    regulators = np.unique(universe_regulators(dataset, universe))
    per_block = max(1, block_pairs // max(dataset.n_genes, 1))
    return [regulators[start:start + per_block] for start in range(0, len(regulators),
                                                                   per_block)]


def block_pairs(dataset: Dataset, universe: str, block: np.ndarray) -> np.ndarray:
    """The unordered pairs of a block of regulators, oriented by the network."""
    pairs = regulator_gene_pairs(dataset.n_genes, universe_regulators(dataset, universe),
                                 only=block)
    return orient_by_network(pairs, dataset.edges, dataset.n_genes)


def iter_candidate_blocks(dataset: Dataset, universe: str = "regulators",
                          block_pairs_: int = PAIRS_PER_BLOCK) -> Iterator[np.ndarray]:
    """The universe's unordered pairs, a block of regulators at a time, oriented by the network."""
    for block in regulator_blocks(dataset, universe, block_pairs_):
        yield block_pairs(dataset, universe, block)


def candidate_pairs(dataset: Dataset, universe: str = "regulators") -> np.ndarray:
    """Unordered pairs to score: network regulators × genes, listed TFs × genes, or all pairs."""
    blocks = list(iter_candidate_blocks(dataset, universe))
    return np.concatenate(blocks) if blocks else np.empty((0, 2), dtype=np.int64)


def orient_by_network(pairs: np.ndarray, edges: np.ndarray, n_genes: int) -> np.ndarray:
    """Flip pairs whose only known direction is the reverse one (regulator listed first)."""
    directed = edges[:, 0] * n_genes + edges[:, 1]
    flip = (np.isin(pairs[:, 1] * n_genes + pairs[:, 0], directed)
            & ~np.isin(pairs[:, 0] * n_genes + pairs[:, 1], directed))
    out = pairs.copy()
    out[flip] = pairs[flip][:, ::-1]
    return out


def pair_statuses(pairs: np.ndarray, split: PairSplit | None, edges: np.ndarray,
                  n_genes: int) -> np.ndarray:
    """Each pair's status word (see vocabulary): a training or validation positive, a test
    positive, another known edge, a training negative (the ranker's and the layer's negatives
    too), a test negative, or novel."""
    keys = pair_keys(pairs, n_genes)
    status = np.full(len(pairs), NOVEL, dtype=object)
    if split is not None:
        for pair_set, word in ((split.train, TRAINING_NEGATIVE), (split.val, TRAINING_NEGATIVE),
                               (split.test, TEST_NEGATIVE)):
            negatives = pair_set.pairs[pair_set.labels == 0]
            status[np.isin(keys, pair_keys(negatives, n_genes))] = word
        fitted = np.concatenate([split.ranker_negatives, split.layer_negatives])
        status[np.isin(keys, pair_keys(fitted, n_genes))] = TRAINING_NEGATIVE
    status[np.isin(keys, pair_keys(edges, n_genes))] = KNOWN_NETWORK
    if split is not None:
        for pair_set, word in ((split.test, TEST_POSITIVE), (split.val, KNOWN_VAL),
                               (split.train, KNOWN_TRAIN)):
            status[np.isin(keys, pair_keys(pair_set.positives, n_genes))] = word
    return status


def with_directions(predictor: GNTLinkPredictor, pairs: np.ndarray, forward: np.ndarray,
                    reverse: np.ndarray, edges: np.ndarray, n_genes: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of two genes that can both regulate, with their scores both ways (forward and
    reverse, from score_pairs): each is turned to its likelier direction unless the network
    knows its direction (without a ranker the score is symmetric: both ways alike, nothing
    turned). Returns the pairs and the scores of regulator → target and of target →
    regulator (NaN: one way only)."""
    ranker = getattr(predictor, "ranker_", None)
    if ranker is None:  # a symmetric score: the same both ways, for pairs of two regulators
        regulates = np.zeros(n_genes, dtype=bool)
        regulates[edges[:, 0]] = True
        both = regulates[pairs[:, 0]] & regulates[pairs[:, 1]]
        return pairs, np.where(both, forward, np.nan), np.where(both, forward, np.nan)
    both = ranker.can_regulate[pairs[:, 0]] & ranker.can_regulate[pairs[:, 1]]
    forward, reverse = np.where(both, forward, np.nan), np.where(both, reverse, np.nan)
    directed = edges[:, 0] * n_genes + edges[:, 1]
    known = (np.isin(pairs[:, 0] * n_genes + pairs[:, 1], directed)
             | np.isin(pairs[:, 1] * n_genes + pairs[:, 0], directed))
    flip = (reverse > forward) & ~known
    pairs = pairs.copy()
    pairs[flip] = pairs[flip][:, ::-1]
    forward[flip], reverse[flip] = reverse[flip], forward[flip]
    return pairs, forward, reverse


def known_degrees(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Each gene's number of known targets (out-degree) and known regulators (in-degree)."""
    return (np.bincount(dataset.edges[:, 0], minlength=dataset.n_genes),
            np.bincount(dataset.edges[:, 1], minlength=dataset.n_genes))


def target_means(pairs: np.ndarray, scores: np.ndarray, n_genes: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per gene, the sum and the count of the scores of the pairs it is the target of."""
    return (np.bincount(pairs[:, 1], weights=scores, minlength=n_genes),
            np.bincount(pairs[:, 1], minlength=n_genes))


def rank_table(pairs: np.ndarray, scores: np.ndarray, dataset: Dataset, status: np.ndarray,
               all_scores: np.ndarray | None = None, target_mean: np.ndarray | None = None,
               extra: dict[str, np.ndarray] | None = None,
               directions: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """The ranked candidate table (rank 1 = highest score), with the hub-aware columns.

    With `all_scores` (sorted ascending), ranks and percentiles are among all those scores:
    rank = 1 + the number of higher scores. Otherwise among `scores`, ties in listed order.
    `target_adjusted` is the score minus the mean score of the target's pairs (by default over
    `pairs`): a target that every regulator scores high (a hub) gains nothing from it.
    `directions`: the scores of regulator → target and target → regulator (with_directions).
    `extra` columns (one value per pair) are carried along.
    """
    names = np.asarray(dataset.genes, dtype=object)
    table = pd.DataFrame({"regulator": names[pairs[:, 0]], "target": names[pairs[:, 1]],
                          "score": scores})
    if all_scores is None:
        table["rank"] = table["score"].rank(ascending=False, method="first").astype(np.int64)
        total = len(table)
    else:
        above = len(all_scores) - np.searchsorted(all_scores, scores.astype(all_scores.dtype),
                                                  side="right")
        table["rank"] = (above + 1).astype(np.int64)
        total = len(all_scores)
    table["percentile"] = 100.0 * (1.0 - (table["rank"] - 1) / max(total, 1))
    table["status"] = status
    for side in ("regulator", "target"):
        table[f"rank_in_{side}"] = table.groupby(side)["score"].rank(
            ascending=False, method="first").astype(np.int64)
    out_degree, in_degree = known_degrees(dataset)
    table["regulator_degree"] = out_degree[pairs[:, 0]]
    table["target_degree"] = in_degree[pairs[:, 1]]
    if target_mean is None:
        sums, counts = target_means(pairs, scores, dataset.n_genes)
        target_mean = sums / np.maximum(counts, 1)
    table["target_adjusted"] = scores - target_mean[pairs[:, 1]]
    unknown = np.full(len(pairs), np.nan)
    table["score_forward"], table["score_reverse"] = directions or (unknown, unknown)
    for name, values in (extra or {}).items():
        table[name] = values
    table = table[[*CANDIDATE_COLUMNS, *(extra or {})]]
    return table.sort_values(["rank", "regulator", "target"], ignore_index=True)


def score_pairs(predictor: GNTLinkPredictor, pairs: np.ndarray, *, device: str = "auto",
                progress: Progress | None = None, offset: int = 0,
                total: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scores of many pairs, of each both ways, and the ranker's own
    (GNTLinkPredictor.iter_scores), computed chunk by chunk (bounded memory)."""
    scores = np.empty((4, len(pairs)))
    done = 0
    for chunk in predictor.iter_scores(pairs, device=device):
        scores[:, done:done + len(chunk[0])] = chunk
        done += len(chunk[0])
        if progress is not None:
            progress("score", offset + done, total or len(pairs), {})
    return scores[0], scores[1], scores[2], scores[3]


def score_candidates(predictor: GNTLinkPredictor, dataset: Dataset,
                     split: PairSplit | None = None, *, universe: str = "regulators",
                     device: str = "auto",
                     progress: Progress | None = None, stream_to: Path | None = None,
                     top_k: int = TOP_K_PER_REGULATOR, keep: np.ndarray | None = None
                     ) -> Candidates:
    """Score every candidate pair and rank them.

    Universes above STREAM_MIN_PAIRS pairs need `stream_to` (a Parquet path): all scores are
    written there and the table keeps the best `top_k` pairs per regulator, and `pairs` /
    `scores` only those of the `keep` pairs found in the universe (e.g. the test pairs, so that
    they are not scored twice).
    """
    total = count_candidates(dataset, universe)
    if total > STREAM_MIN_PAIRS:
        if stream_to is None:
            raise ValueError(f"{total:,} candidate pairs: give a Parquet path to stream them to")
        return _stream(predictor, dataset, split, universe, device, progress,
                       Path(stream_to), top_k, total, keep)
    pairs = candidate_pairs(dataset, universe)
    scores, forward, reverse, ranker = score_pairs(predictor, pairs, device=device,
                                                   progress=progress)
    pairs, *directions = with_directions(predictor, pairs, forward, reverse, dataset.edges,
                                         dataset.n_genes)
    status = pair_statuses(pairs, split, dataset.edges, dataset.n_genes)
    table = rank_table(pairs, scores, dataset, status, directions=tuple(directions))
    return Candidates(table, len(pairs), False, pairs=pairs, scores=scores,
                      ranker_scores=ranker)


def _stream(predictor: GNTLinkPredictor, dataset: Dataset, split: PairSplit | None,
            universe: str, device: str, progress: Progress | None,
            path: Path, top_k: int, total: int, keep: np.ndarray | None = None) -> Candidates:
    blocks, done, kept = [], 0, []
    keep = np.empty((0, 2), dtype=np.int64) if keep is None else np.asarray(keep)
    with parquet_folder(path) as folder:
        for index, block in enumerate(regulator_blocks(dataset, universe)):
            scored = score_block(predictor, dataset, universe, block, top_k, device)
            write_part(folder, index, scored)
            blocks.append(scored)
            found, at = locate_pairs(block_pairs(dataset, universe, block), keep,
                                     dataset.n_genes)
            kept.append((keep[found], *(values[at[found]].astype(np.float64)
                                        for values in (scored.scores, scored.ranker_scores))))
            done += scored.n_pairs
            if progress is not None:
                progress("score", done, total, {})
    candidates = merge_blocks(blocks, dataset, split, top_k)
    candidates.pairs = np.concatenate([np.empty((0, 2), np.int64), *(p for p, _, _ in kept)])
    candidates.scores = np.concatenate([np.empty(0), *(s for _, s, _ in kept)])
    candidates.ranker_scores = np.concatenate([np.empty(0), *(r for _, _, r in kept)])
    return candidates


def locate_pairs(pairs: np.ndarray, query: np.ndarray, n_genes: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Which `query` pairs are among `pairs` (unordered), and where (valid where found)."""
    keys = pair_keys(pairs, n_genes)
    order = np.argsort(keys)
    query_keys = pair_keys(query, n_genes)
    at = np.clip(np.searchsorted(keys[order], query_keys), 0, max(len(keys) - 1, 0))
    found = keys[order][at] == query_keys if len(keys) else np.zeros(len(query), bool)
    return found, order[at] if len(keys) else at


@dataclass
class ScoredBlock:
    """One block of regulators scored: the Parquet partition of every score, the best pairs of
    each regulator, every score (for global ranks) and per-target sums."""

    parquet: bytes
    kept_pairs: np.ndarray
    kept_scores: np.ndarray
    scores: np.ndarray  # float32
    target_sums: np.ndarray
    target_counts: np.ndarray
    kept_directions: np.ndarray  # (kept, 2): regulator → target, target → regulator
    ranker_scores: np.ndarray  # float32, every pair: the stack without GNT (NaN: none)

    @property
    def n_pairs(self) -> int:
        return len(self.scores)


def score_block(predictor: GNTLinkPredictor, dataset: Dataset, universe: str,
                block: np.ndarray, top_k: int, device: str = "auto") -> ScoredBlock:
    """Score a block of regulators (a task of its own when scoring is distributed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pairs = block_pairs(dataset, universe, block)
    scores, forward, reverse, ranker = score_pairs(predictor, pairs, device=device)
    pairs, forward, reverse = with_directions(predictor, pairs, forward, reverse,
                                              dataset.edges, dataset.n_genes)
    names = pa.array(dataset.genes, type=pa.string())
    table = pa.table({
        "regulator": pa.DictionaryArray.from_arrays(pairs[:, 0].astype(np.int32), names),
        "target": pa.DictionaryArray.from_arrays(pairs[:, 1].astype(np.int32), names),
        "score": scores.astype(np.float32)})
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    keep = top_k_per_regulator(pairs[:, 0], scores, top_k)
    sums, counts = target_means(pairs, scores, dataset.n_genes)
    return ScoredBlock(buffer.getvalue().to_pybytes(), pairs[keep], scores[keep],
                       scores.astype(np.float32), sums, counts,
                       np.column_stack([forward, reverse])[keep], ranker.astype(np.float32))


@contextmanager
def parquet_folder(path: Path) -> Iterator[Path]:
    """A folder of Parquet parts (read back whole with pyarrow.parquet.read_table), written
    under a temporary name and put in place when complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(path, ignore_errors=True)
    os.replace(tmp, path)


def write_part(folder: Path, index: int, scored: ScoredBlock) -> None:
    (folder / f"part-{index:05d}.parquet").write_bytes(scored.parquet)


def merge_blocks(blocks: list[ScoredBlock], dataset: Dataset, split: PairSplit | None,
                 top_k: int) -> Candidates:
    """The ranked table from scored blocks (in any order): the best pairs of each regulator,
    ranked against every score."""
    pairs = np.concatenate([b.kept_pairs for b in blocks])
    scores = np.concatenate([b.kept_scores for b in blocks])
    directions = np.concatenate([b.kept_directions for b in blocks])
    keep = top_k_per_regulator(pairs[:, 0], scores, top_k)  # flipped pairs cross blocks
    pairs, scores, directions = pairs[keep], scores[keep], directions[keep]
    all_scores = np.sort(np.concatenate([b.scores for b in blocks]))
    target_mean = sum(b.target_sums for b in blocks) / np.maximum(
        sum(b.target_counts for b in blocks), 1)
    status = pair_statuses(pairs, split, dataset.edges, dataset.n_genes)
    table = rank_table(pairs, scores, dataset, status, all_scores=all_scores,
                       target_mean=target_mean, directions=(directions[:, 0], directions[:, 1]))
    return Candidates(table, len(all_scores), True, top_k=top_k)


def top_k_per_regulator(regulators: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores of each regulator."""
    order = np.lexsort((-scores, regulators))
    grouped = regulators[order]
    starts = np.r_[0, np.flatnonzero(grouped[1:] != grouped[:-1]) + 1]
    position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return np.sort(order[position < k])
