"""Gene-pair splits: unordered-pair dedupe, 8:1:1 positives, and the negative protocols.

The unit of evaluation is the unordered gene pair. Pairs are kept as (regulator, other gene)
rows so that tf-matched negatives and the candidate universe know which side regulates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..vocabulary import GIVEN, PROTOCOLS, SPLIT_NAMES

FRACTIONS = (0.8, 0.1, 0.1)


@dataclass
class PairSet:
    """Gene pairs (n, 2) as (regulator-side gene, other gene) indices with 0/1 labels."""

    pairs: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def positives(self) -> np.ndarray:
        return self.pairs[self.labels == 1]

    @property
    def prevalence(self) -> float:
        return float(self.labels.mean()) if len(self.labels) else 0.0


@dataclass
class PairSplit:
    protocol: str
    seed: int
    n_genes: int
    train: PairSet
    val: PairSet
    test: PairSet
    known_pairs: np.ndarray  # every unique positive pair of the network, (P, 2)

    def sets(self) -> dict[str, PairSet]:
        return {"train": self.train, "val": self.val, "test": self.test}

    def summary(self) -> dict:
        return {"protocol": self.protocol, "seed": self.seed} | {
            name: {"pairs": len(s), "positives": int(s.labels.sum()),
                   "prevalence": round(s.prevalence, 6)} for name, s in self.sets().items()}


def pair_keys(pairs: np.ndarray, n_genes: int) -> np.ndarray:
    """One int64 per unordered pair: min * n + max."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return np.minimum(pairs[:, 0], pairs[:, 1]) * n_genes + np.maximum(pairs[:, 0], pairs[:, 1])


def unique_pairs(edges: np.ndarray, n_genes: int) -> np.ndarray:
    """Collapse directed edges to unordered pairs, keeping the first listed direction."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    edges = edges[edges[:, 0] != edges[:, 1]]
    _, first = np.unique(pair_keys(edges, n_genes), return_index=True)
    return edges[np.sort(first)]


def regulator_gene_pairs(n_genes: int, regulators: np.ndarray,
                         only: np.ndarray | None = None) -> np.ndarray:
    """Every unordered (regulator, gene) pair once, self-pairs excluded.

    A pair of two regulators appears once, with the lower-index gene as the regulator side.
    `only` limits the output to those regulators (for making the pairs block by block).
    """
    regulators = np.unique(np.asarray(regulators, dtype=np.int64))
    is_regulator = np.zeros(n_genes, dtype=bool)
    is_regulator[regulators] = True
    genes = np.arange(n_genes, dtype=np.int64)
    blocks = []
    for r in regulators if only is None else np.asarray(only, dtype=np.int64):
        keep = (genes != r) & ~(is_regulator & (genes < r))
        others = genes[keep]
        blocks.append(np.stack([np.full(len(others), r), others], axis=1))
    return np.concatenate(blocks) if blocks else np.empty((0, 2), dtype=np.int64)


def split_pairs(edges: np.ndarray, n_genes: int, *, protocol: str = "random", seed: int = 0,
                regulators: np.ndarray | None = None,
                fractions: tuple[float, float, float] = FRACTIONS) -> PairSplit:
    """Split the network's unordered pairs into train/val/test and add negatives.

    protocol:
      random      negatives uniform over all non-edge pairs, 1:1 in each split (the thesis);
      tf-matched  each regulator gets as many non-target negatives as it has positives;
      candidates  test = every regulator × gene pair not used in train/val, labelled by the
                  network, at its natural prevalence; train/val negatives are drawn from that
                  same universe (uniform regulator × gene non-edges, 1:1), so that a model
                  learns what the test asks (hub regulators included).
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
    rng = np.random.default_rng(seed)
    known = unique_pairs(edges, n_genes)
    if len(known) < 3:
        raise ValueError(f"the network has {len(known)} distinct gene pairs; at least 3 are "
                         "needed to split into train, validation and test")
    positives = _split_positives(known, rng, fractions)
    sampler = _NegativeSampler(n_genes, pair_keys(known, n_genes), rng)
    regs = np.unique(edges[:, 0]) if regulators is None else np.unique(regulators)
    sets = {}
    for name, pos in zip(SPLIT_NAMES, positives, strict=True):
        if protocol == "candidates" and name == "test":
            continue
        if protocol == "random":
            neg = sampler.random(len(pos))
        elif protocol == "tf-matched":
            neg = sampler.matched(pos[:, 0])
        else:
            neg = sampler.random(len(pos), regulators=regs)
        sets[name] = _pair_set(pos, neg)
    if protocol == "candidates":
        sets["test"] = _candidate_test_set(n_genes, regs, positives[2],
                                           [sets["train"], sets["val"]])
    return PairSplit(protocol, seed, n_genes, sets["train"], sets["val"], sets["test"], known)


def given_split(sets: dict[str, tuple[np.ndarray, np.ndarray]], edges: np.ndarray,
                n_genes: int, seed: int = 0) -> PairSplit:
    """A PairSplit holding exactly the listed pairs and labels (no dedupe, no checks: a peer's
    split is compared as it was made)."""
    made = {name: PairSet(pairs, labels) for name, (pairs, labels) in sets.items()}
    return PairSplit(GIVEN, seed, n_genes, made["train"], made["val"], made["test"],
                     unique_pairs(edges, n_genes))


def is_training_positive(pairs: np.ndarray, train: PairSet, n_genes: int) -> np.ndarray:
    """Which pairs are (in either direction) a training positive: a leak in a given split."""
    return np.isin(pair_keys(pairs, n_genes), pair_keys(train.positives, n_genes))


def _split_positives(known: np.ndarray, rng: np.random.Generator,
                     fractions: tuple[float, float, float]) -> list[np.ndarray]:
    n = len(known)
    order = rng.permutation(n)
    n_val = max(1, int(round(fractions[1] * n)))
    n_test = max(1, int(round(fractions[2] * n)))
    n_train = n - n_val - n_test
    return [known[order[:n_train]], known[order[n_train:n_train + n_val]],
            known[order[n_train + n_val:]]]


def _pair_set(pos: np.ndarray, neg: np.ndarray) -> PairSet:
    pairs = np.concatenate([pos, neg]).astype(np.int64)
    labels = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]).astype(np.int8)
    return PairSet(pairs, labels)


class _NegativeSampler:
    """Draws non-edge pairs, never the same pair twice across splits."""

    def __init__(self, n_genes: int, known_keys: np.ndarray, rng: np.random.Generator):
        self.n = n_genes
        self.rng = rng
        self.blocked: dict[int, set[int]] = {}  # gene -> partners it may not be paired with
        self.n_blocked = 0
        for key in known_keys.tolist():
            self._block(*divmod(key, n_genes))

    def _block(self, a: int, b: int) -> None:
        self.blocked.setdefault(a, set()).add(b)
        self.blocked.setdefault(b, set()).add(a)
        self.n_blocked += 1

    def _take(self, a: int, b: int) -> bool:
        if a == b or b in self.blocked.get(a, ()):
            return False
        self._block(a, b)
        return True

    def random(self, count: int, regulators: np.ndarray | None = None) -> np.ndarray:
        """Uniform non-edge pairs: over all genes, or (regulator, gene) with the regulator
        uniform among `regulators`."""
        available = self.n * (self.n - 1) // 2 - self.n_blocked
        if regulators is not None:
            available = min(available, len(regulators) * (self.n - 1) - self.n_blocked)
        if count > available:
            raise ValueError(f"only {available} non-edge pairs remain; cannot draw {count}")
        out: list[tuple[int, int]] = []
        while len(out) < count:
            size = 2 * (count - len(out)) + 16
            draws = self.rng.integers(0, self.n, size=(size, 2))
            if regulators is not None:
                draws[:, 0] = regulators[self.rng.integers(0, len(regulators), size=size)]
            for a, b in draws.tolist():
                if len(out) < count and self._take(a, b):
                    out.append((a, b))
        return np.array(out, dtype=np.int64).reshape(-1, 2)

    def matched(self, regulators: np.ndarray) -> np.ndarray:
        """One non-target gene per entry of `regulators` (as many per regulator as listed)."""
        out = []
        genes = np.arange(self.n, dtype=np.int64)
        unique, counts = np.unique(regulators, return_counts=True)
        for r, count in zip(unique.tolist(), counts.tolist(), strict=True):
            taken = np.fromiter(self.blocked.get(r, ()), dtype=np.int64)
            free = np.setdiff1d(genes, np.append(taken, r), assume_unique=True)
            chosen = self.rng.choice(free, size=min(count, len(free)), replace=False)
            for g in chosen.tolist():
                self._block(r, g)
                out.append((r, g))
        return np.array(out, dtype=np.int64).reshape(-1, 2)


def _candidate_test_set(n_genes: int, regulators: np.ndarray, test_pos: np.ndarray,
                        used: list[PairSet]) -> PairSet:
    """Every regulator × gene pair not used in train/val; positives are the test edges."""
    universe = regulator_gene_pairs(n_genes, regulators)
    keys = pair_keys(universe, n_genes)
    used_keys = np.concatenate([pair_keys(s.pairs, n_genes) for s in used])
    test_keys = pair_keys(test_pos, n_genes)
    keep = ~np.isin(keys, used_keys)
    universe, keys = universe[keep], keys[keep]
    # a test edge whose regulator is outside the given regulator list still counts
    outside = test_pos[~np.isin(test_keys, keys)]
    pairs = np.concatenate([universe, outside])
    labels = np.concatenate([np.isin(keys, test_keys), np.ones(len(outside), bool)])
    return PairSet(pairs, labels.astype(np.int8))
