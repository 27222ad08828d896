"""Gene-pair splits: unordered-pair dedupe, 8:1:1 positives, and the negative protocols.

The unit of evaluation is the unordered gene pair. Pairs are kept as (regulator, other gene)
rows so that tf-matched negatives and the candidate universe know which side regulates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..io.dataset import GntInputError
from ..vocabulary import GIVEN, PROTOCOLS, SPLIT_NAMES

FRACTIONS = (0.8, 0.1, 0.1)
RANKER_NEGATIVES_PER_POSITIVE = 20
RANKER_SHARE = 0.25  # of the universe's free pairs: the candidates test keeps the rest
BALANCED_SHARE = 0.9  # share of regulators whose negatives match their positives
LAYER_PREVALENCE = 0.02  # of the pairs a regulator-balanced split's last layer is fitted on


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
    notes: list[str] = field(default_factory=list)  # what the split had to do differently
    # non-edges of the universe for the ranker (ranker.py) to learn the top of the list from;
    # never validation or test pairs (under candidates they are taken out of the test)
    ranker_negatives: np.ndarray = field(default_factory=lambda: np.empty((0, 2), np.int64))
    # where the validation negatives are regulator-balanced (a peer's split): uniform non-edges
    # of the universe that the last layer is fitted on with the validation positives, so that
    # it weighs its inputs for the list as it will be ranked (round 19); never listed pairs
    layer_negatives: np.ndarray = field(default_factory=lambda: np.empty((0, 2), np.int64))

    def sets(self) -> dict[str, PairSet]:
        return {"train": self.train, "val": self.val, "test": self.test}

    def summary(self) -> dict:
        return {"protocol": self.protocol, "seed": self.seed} | {
            name: {"pairs": len(s), "positives": int(s.labels.sum()),
                   "prevalence": round(s.prevalence, 6)} for name, s in self.sets().items()
        } | ({"notes": list(self.notes)} if self.notes else {})


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
        raise GntInputError(f"the network has {len(known)} distinct gene pairs; at least 3 are "
                            "needed to split into train, validation and test. Load a network "
                            "with more edges between genes of the expression file.")
    positives = _split_positives(known, rng, fractions)
    regs = np.unique(edges[:, 0]) if regulators is None else np.unique(regulators)
    sampler = _NegativeSampler(n_genes, pair_keys(known, n_genes), rng,
                               None if protocol == "random" else regs)
    wanted, notes = _negatives_wanted(protocol, positives, sampler, fractions)
    state = rng.bit_generator.state
    sets = _draw_negatives(protocol, positives, wanted, sampler)
    if protocol == "tf-matched" and any((s.labels == 0).sum() == 0 for s in sets.values()):
        # regulators that target most genes: share their non-targets among the splits
        rng.bit_generator.state = state
        sampler = _NegativeSampler(n_genes, pair_keys(known, n_genes), rng, regs)
        sets = _draw_negatives(protocol, positives, wanted, sampler, fractions)
    ranker_negatives = np.empty((0, 2), np.int64)
    if protocol == "candidates":
        ranker_negatives = _ranker_negatives(sampler, len(positives[0]))
        sets["test"] = _candidate_test_set(n_genes, regs, positives[2],
                                           [sets["train"], sets["val"],
                                            _pair_set(ranker_negatives[:0], ranker_negatives)])
    elif protocol == "random":
        ranker_negatives = _ranker_negatives(sampler, len(positives[0]))
    _check_both_classes(protocol, sets, sampler, notes)
    return PairSplit(protocol, seed, n_genes, sets["train"], sets["val"], sets["test"], known,
                     notes, ranker_negatives)


def _ranker_negatives(sampler: _NegativeSampler, n_train_positives: int) -> np.ndarray:
    """RANKER_NEGATIVES_PER_POSITIVE non-edges per training positive for the ranker, at most
    RANKER_SHARE of the free pairs (under candidates the test keeps the rest)."""
    room = int(sampler.free * RANKER_SHARE)
    return sampler.random(min(RANKER_NEGATIVES_PER_POSITIVE * n_train_positives, room))


def given_split(sets: dict[str, tuple[np.ndarray, np.ndarray]], edges: np.ndarray,
                n_genes: int, seed: int = 0, regulators: np.ndarray | None = None) -> PairSplit:
    """A PairSplit holding exactly the listed pairs and labels (no dedupe, no checks: a peer's
    split is compared as it was made), and ranker negatives drawn from the universe's pairs
    that no listed set holds."""
    made = {name: PairSet(pairs, labels) for name, (pairs, labels) in sets.items()}
    known = unique_pairs(edges, n_genes)
    listed = np.concatenate([known, *(s.pairs for s in made.values())])
    regs = np.unique(edges[:, 0]) if regulators is None else np.unique(regulators)
    sampler = _NegativeSampler(n_genes, np.unique(pair_keys(listed, n_genes)),
                               np.random.default_rng(seed), regs)
    ranker_negatives = _ranker_negatives(sampler, int(made["train"].labels.sum()))
    layer_negatives = np.empty((0, 2), np.int64)
    if is_regulator_balanced(made["train"], n_genes):
        n_val = int(made["val"].labels.sum())
        layer_negatives = sampler.random(round(n_val / LAYER_PREVALENCE) - n_val)
    return PairSplit(GIVEN, seed, n_genes, made["train"], made["val"], made["test"], known,
                     ranker_negatives=ranker_negatives, layer_negatives=layer_negatives)


def layer_pairs(val: PairSet, layer_negatives: np.ndarray) -> PairSet:
    """The validation positives among `layer_negatives` (see PairSplit.layer_negatives)."""
    positives = val.positives
    return PairSet(np.concatenate([positives, layer_negatives]),
                   np.repeat(np.array([1, 0], np.int8), [len(positives), len(layer_negatives)]))


def is_regulator_balanced(train: PairSet, n_genes: int) -> bool:
    """True when (nearly) every regulator has as many training negatives as positives."""
    positives = np.bincount(train.positives[:, 0], minlength=n_genes)
    negatives = np.bincount(train.pairs[train.labels == 0, 0], minlength=n_genes)
    regulators = positives > 0
    if not regulators.any():
        return False
    gap = np.abs(negatives[regulators] - positives[regulators])
    return bool(np.mean(gap <= np.maximum(1, 0.1 * positives[regulators])) >= BALANCED_SHARE)


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


def _draw_negatives(protocol: str, positives: list[np.ndarray], wanted: list[int],
                    sampler: _NegativeSampler,
                    shares: tuple[float, float, float] | None = None) -> dict[str, PairSet]:
    """Each split's positives with its negatives (the candidates test set comes later)."""
    sets = {}
    for index, (name, pos) in enumerate(zip(SPLIT_NAMES, positives, strict=True)):
        if protocol == "candidates" and name == "test":
            continue
        if protocol == "tf-matched":
            neg = sampler.matched(pos[:, 0], None if shares is None else shares[index])
        else:
            neg = sampler.random(wanted[index])
        sets[name] = _pair_set(pos, neg)
    return sets


def _negatives_wanted(protocol: str, positives: list[np.ndarray], sampler: _NegativeSampler,
                      fractions: tuple[float, float, float]) -> tuple[list[int], list[str]]:
    """Negatives to draw per split: one per positive, unless the universe holds fewer
    non-edges; then fewer in each split alike (under candidates the test keeps its share)."""
    wanted = [len(p) for p in positives]
    if protocol == "tf-matched":
        return wanted, []
    drawn = wanted[:2] if protocol == "candidates" else wanted
    budget = sampler.free
    if protocol == "candidates":
        budget -= max(1, int(np.ceil(sampler.free * fractions[2] / sum(fractions))))
    if sum(drawn) <= budget:
        return wanted, []
    ratio = max(budget, 0) / sum(drawn)
    scaled = [int(count * ratio) for count in wanted]
    which = "Train and validation" if protocol == "candidates" else "Each split"
    note = (f"Dense network: {_density(sampler)} are edges, so only {sampler.free:,} non-edge "
            f"pairs exist. {which} got {ratio:.2f} negatives per positive instead of 1"
            + (", keeping a share of the non-edges for the test." if protocol == "candidates"
               else "."))
    return scaled, [note]


def _density(sampler: _NegativeSampler) -> str:
    edges = sampler.n_edges
    where = "gene pairs" if sampler.regulators is None else "regulator × gene pairs"
    return f"{edges / max(sampler.universe, 1):.0%} of the {sampler.universe:,} {where}"


def _check_both_classes(protocol: str, sets: dict[str, PairSet], sampler: _NegativeSampler,
                        notes: list[str]) -> None:
    """Refuse a split with a set of one class; note tf-matched negatives that ran short."""
    for name, pairs in sets.items():
        positives, negatives = int(pairs.labels.sum()), int((pairs.labels == 0).sum())
        if negatives == 0:
            raise GntInputError(
                f"the {protocol} protocol cannot be used on this network: its {name} pairs "
                f"would hold no non-edge ({_density(sampler)} are edges). Choose the "
                f"{' or '.join(p for p in PROTOCOLS if p != protocol)} protocol, or load more "
                "genes that are not targets (a larger expression matrix, or --top-genes on a "
                "single-cell file).")
        if protocol == "tf-matched" and negatives < positives:
            notes.append(f"Some regulators target almost every gene: the {name} pairs have "
                         f"{negatives:,} non-target negatives for {positives:,} positives.")


def _pair_set(pos: np.ndarray, neg: np.ndarray) -> PairSet:
    pairs = np.concatenate([pos, neg]).astype(np.int64)
    labels = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]).astype(np.int8)
    return PairSet(pairs, labels)


class _NegativeSampler:
    """Draws non-edge pairs of a universe, never the same pair twice across splits.

    The universe is every unordered pair with a regulator on at least one side (a pair of two
    regulators counts once); without regulators, every pair. Free pairs are counted exactly, and
    where they are scarce a draw enumerates them instead of rejecting, so it always ends.
    """

    REJECTION_ROUNDS = 10_000  # each round draws twice what is missing: rarely past a few

    def __init__(self, n_genes: int, known_keys: np.ndarray, rng: np.random.Generator,
                 regulators: np.ndarray | None = None):
        self.n = n_genes
        self.rng = rng
        self.regulators = None if regulators is None else np.unique(regulators)
        self.is_regulator = np.ones(n_genes, dtype=bool)
        if self.regulators is not None:
            self.is_regulator[:] = False
            self.is_regulator[self.regulators] = True
        r = int(self.is_regulator.sum())
        self.universe = r * (n_genes - 1) - r * (r - 1) // 2
        self.taken = 0  # blocked pairs inside the universe
        self.blocked: dict[int, set[int]] = {}  # gene -> partners it may not be paired with
        for key in known_keys.tolist():
            self._block(*divmod(key, n_genes))
        self.n_edges = self.taken  # the network's pairs inside the universe
        self.degree = {gene: len(partners) for gene, partners in self.blocked.items()}

    @property
    def free(self) -> int:
        return self.universe - self.taken

    def _block(self, a: int, b: int) -> None:
        self.blocked.setdefault(a, set()).add(b)
        self.blocked.setdefault(b, set()).add(a)
        self.taken += bool(self.is_regulator[a] or self.is_regulator[b])

    def _take(self, a: int, b: int) -> bool:
        if a == b or b in self.blocked.get(a, ()):
            return False
        self._block(a, b)
        return True

    def random(self, count: int) -> np.ndarray:
        """Uniform non-edge pairs of the universe, (regulator, gene) with the regulator uniform
        among the regulators; at most as many as are free."""
        count = min(count, self.free)
        out: list[tuple[int, int]] = []
        for _ in range(self.REJECTION_ROUNDS):
            if len(out) == count or self.free - (count - len(out)) < self.universe // 64:
                break  # done, or most draws would now miss
            size = 2 * (count - len(out)) + 16
            draws = self.rng.integers(0, self.n, size=(size, 2))
            if self.regulators is not None:
                draws[:, 0] = self.regulators[self.rng.integers(0, len(self.regulators),
                                                                size=size)]
            for a, b in draws.tolist():
                if len(out) < count and self._take(a, b):
                    out.append((a, b))
        rest = self._enumerated(count - len(out))
        return np.array(out + rest, dtype=np.int64).reshape(-1, 2)

    def _enumerated(self, count: int) -> list[tuple[int, int]]:
        """`count` pairs chosen uniformly among the free pairs of the universe, listed."""
        if count <= 0:
            return []
        regulators = np.flatnonzero(self.is_regulator)
        pairs = regulator_gene_pairs(self.n, regulators)
        taken = [a * self.n + b for a, partners in self.blocked.items() for b in partners
                 if a < b]
        free = pairs[~np.isin(pair_keys(pairs, self.n), np.array(taken, dtype=np.int64))]
        chosen = free[self.rng.choice(len(free), size=min(count, len(free)), replace=False)]
        for a, b in chosen.tolist():
            self._block(a, b)
        return [tuple(p) for p in chosen.tolist()]

    def matched(self, regulators: np.ndarray, share: float | None = None) -> np.ndarray:
        """One non-target gene per entry of `regulators` (as many per regulator as listed);
        with `share`, at most that share of the regulator's non-targets in the network."""
        out = []
        genes = np.arange(self.n, dtype=np.int64)
        unique, counts = np.unique(regulators, return_counts=True)
        for r, count in zip(unique.tolist(), counts.tolist(), strict=True):
            taken = np.fromiter(self.blocked.get(r, ()), dtype=np.int64)
            free = np.setdiff1d(genes, np.append(taken, r), assume_unique=True)
            if share is not None:
                count = min(count, max(1, int(share * (self.n - 1 - self.degree[r]))))
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
