"""The ranker for the top of the list: supervised stacking of link predictors (Ghasemian et al.,
PNAS 2020) with gradient-boosted trees.

Its inputs are the evidence columns of pair_evidence.py (topological predictors of the training
network, both ways, and expression evidence) of a DIRECTED pair i → j. It learns from the
training pairs only, cross-fitted over the known edges: the training edges are cut into `folds`
parts; the predictors of part k's edges (label 1), of their reverse j → i where j can regulate
(label 0: the wrong direction), and of a share of the training negatives (label 0) are computed
on the network WITHOUT part k, so that no edge scores itself and every row looks like a pair the
ranker will be asked about. The negatives are weighted up to the size of the universe they stand
for (natural prevalence), so that the trees are fitted for the pairs at the top. Validation and
test pairs are never used. `bags` repeats it with other folds and seeds, and the margins are
averaged: the head of the list does not hang on one draw.

Why LightGBM: gradient-boosted trees take counts, ratios and correlations on any scale without
tuning, learn the interactions a linear layer cannot ("L3 decides among hubs, correlation among
the rest"), train in seconds on tens of thousands of rows, and save to a plain-text model that
loading never executes (no pickle).

The trees learn what the held-out edges of ONE network look like. Edges that network lacks
but another assay or the literature holds look otherwise: among novel pairs, the pairs whose
genes share many neighbours are the ones other references hold (round 22 in
benchmarks/RESULTS.md), and the trees, fitted to the network's own edges, give that little
weight. So each directed log-odds adds `neighbourhood_weight` · F(AA): F(AA) the share of the
universe's pairs with a shared neighbourhood (a sample of REFERENCE_PAIRS, on the training
network as the ranker sees it) whose Adamic–Adar is at most the pair's, 0 without a shared
neighbour. A fixed prior, never fitted to the edges; through F the same for a pair at the same
place in its network, whatever the network's density (round 23: round 22's log(1 + AA), with
no ceiling, pushed pairs of hubs of dense ChIP networks above the trees' surest edges).

An unordered pair {i, j} (how the evaluation and the candidate table count a pair) is an edge
when either direction is: its score is the log-odds of "i → j or j → i", the two directions
taken as independent, where both genes can regulate, else of i → j alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

from .pair_evidence import (
    EVIDENCE_FEATURES,
    NETWORK_COLUMNS,
    REVERSED,
    ExpressionEvidence,
    NetworkEvidence,
    pair_evidence,
    pair_evidence_both_ways,
)
from .splits import PairSet, pair_keys

RANKER_FOLDS = 5
RANKER_BAGS = 3
TREE_PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15,
               "min_data_in_leaf": 20, "min_sum_hessian_in_leaf": 1e-3,
               "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
               "lambda_l2": 1.0, "verbose": -1, "deterministic": True, "force_row_wise": True}
TREES = 300
MANY_ROWS = 200_000  # below this one thread is as fast, and never stalls on a busy machine
SCORE_BLOCK_PAIRS = 1 << 18  # pairs whose evidence rows are held at once when scoring
REFERENCE_PAIRS = 20_000  # universe pairs whose quantiles fit FoldShift and the prior's F
NEIGHBOURHOOD_WEIGHT = 3.0  # log-odds at the top of the Adamic–Adar distribution; round 23
ADAMIC_ADAR = EVIDENCE_FEATURES.index("adamic_adar")
NETWORK_ADAMIC_ADAR = NETWORK_COLUMNS.index("adamic_adar")
REVERSED_NETWORK_COLUMNS = [NETWORK_COLUMNS.index(REVERSED.get(name, name))
                            for name in NETWORK_COLUMNS]


@dataclass
class TopRanker:
    """Fitted trees (LightGBM text models, one per bag) over EVIDENCE_FEATURES."""

    models: list[str]
    can_regulate: np.ndarray  # (N,) bool: genes that may be the regulator side of a pair
    folds: int = RANKER_FOLDS
    seed: int = 0  # with `folds`, which fold each training edge was held out in
    neighbourhood_weight: float = NEIGHBOURHOOD_WEIGHT
    # ascending Adamic–Adar > 0 of universe pairs on the training network: F's sample; None
    # for a run ranked in round 22, whose prior was weight · log(1 + AA)
    neighbourhood_reference: np.ndarray | None = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def fit(cls, train: PairSet, expression: ExpressionEvidence,
            extra_negatives: np.ndarray | None = None, *, folds: int = RANKER_FOLDS,
            bags: int = RANKER_BAGS, seed: int = 0,
            neighbourhood_weight: float = NEIGHBOURHOOD_WEIGHT) -> TopRanker:
        """Fit on the training pairs and `extra_negatives` (more non-edges of the universe,
        e.g. PairSplit.ranker_negatives: the top of the list is learnt from them)."""
        n_genes = len(expression.mean)
        can_regulate = regulator_mask(train, n_genes)
        negatives = train.pairs[train.labels == 0]
        if extra_negatives is not None:
            negatives = np.concatenate([negatives, np.asarray(extra_negatives).reshape(-1, 2)])
        models = []
        for bag in range(bags):
            rows, labels, weights = cross_fitted_rows(train.positives, negatives, expression,
                                                      can_regulate, folds, seed * 1009 + bag)
            models.append(_fit_trees(rows, labels, weights, seed * 1009 + bag))
        ranker = cls(models, can_regulate, folds, seed, neighbourhood_weight)
        sample = universe_sample(can_regulate, REFERENCE_PAIRS, seed)
        adamic_adar = ranker.network(train.positives, n_genes).features(sample)[
            :, NETWORK_ADAMIC_ADAR]
        ranker.neighbourhood_reference = np.sort(adamic_adar[adamic_adar > 0])
        return ranker

    def network(self, edges: np.ndarray, n_genes: int) -> TrainingNetwork:
        """The training network `edges` (the training positives, in fitting order) as this
        ranker scores pairs on it (the one built for the same edges, kept: it is built once)."""
        edges = np.asarray(edges)
        kept = self.__dict__.get("_network")
        if kept is None or kept.n_genes != n_genes or not np.array_equal(kept.edges, edges):
            kept = self.__dict__["_network"] = TrainingNetwork(
                edges, n_genes, self.folds, self.seed, self.can_regulate)
        return kept

    def directed(self, network: NetworkEvidence, expression: ExpressionEvidence,
                 pairs: np.ndarray) -> np.ndarray:
        """Log-odds of i → j for each directed pair (i, j), averaged over the bags."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self._scored(network, expression, pairs, np.ones(len(pairs), bool),
                            np.zeros(len(pairs), bool))[0]

    def contributions(self, network: NetworkEvidence, expression: ExpressionEvidence,
                      pairs: np.ndarray) -> np.ndarray:
        """Per directed pair, each evidence column's SHAP value (LightGBM's exact TreeSHAP,
        `pred_contrib`) then the base value, averaged over the bags, with the neighbourhood
        prior counted in adamic_adar's: a row sums to `directed`'s log-odds."""
        rows = pair_evidence(network, expression, np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
        contributions = np.mean([booster.predict(rows, pred_contrib=True)
                                 for booster in self._boosters], axis=0)
        contributions[:, ADAMIC_ADAR] += self._neighbourhood_prior(rows)
        return contributions

    def both_ways(self, network: NetworkEvidence, expression: ExpressionEvidence,
                  pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-odds of i → j and of j → i, each NaN where its regulator side cannot regulate
        (a pair of two genes that cannot is scored as listed)."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        sides = self.can_regulate[pairs]
        return self._scored(network, expression, pairs, sides[:, 0] | ~sides[:, 1],
                            sides[:, 1])

    def _scored(self, network: NetworkEvidence, expression: ExpressionEvidence,
                pairs: np.ndarray, forward: np.ndarray, reverse: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """The log-odds of i → j where `forward`, of j → i where `reverse` (NaN elsewhere): a
        block of pairs at a time, in the order of i, whose network rows give both ways."""
        order = np.argsort(pairs[:, 0], kind="stable")
        out = (np.full(len(pairs), np.nan), np.full(len(pairs), np.nan))
        for start in range(0, len(order), SCORE_BLOCK_PAIRS):
            block = order[start:start + SCORE_BLOCK_PAIRS]
            block = block[forward[block] | reverse[block]]
            rows = pair_evidence_both_ways(network, expression, pairs[block])
            for scores, wanted, side in zip(out, (forward, reverse), rows, strict=True):
                chosen = wanted[block]
                if chosen.any():
                    scores[block[chosen]] = np.mean([booster.predict(
                        side[chosen], raw_score=True) for booster in self._boosters],
                        axis=0) + self._neighbourhood_prior(side[chosen])
        return out

    def _neighbourhood_prior(self, rows: np.ndarray) -> np.ndarray:
        """The log-odds the pairs' shared neighbourhood adds (see the module docstring)."""
        adamic_adar = rows[:, ADAMIC_ADAR]
        reference = self.neighbourhood_reference
        if reference is None:
            return self.neighbourhood_weight * np.log1p(adamic_adar)
        share = np.searchsorted(reference, adamic_adar, side="right") / max(len(reference), 1)
        return self.neighbourhood_weight * np.where(adamic_adar > 0, share, 0.0)

    def __call__(self, network: NetworkEvidence, expression: ExpressionEvidence,
                 pairs: np.ndarray) -> np.ndarray:
        """Log-odds that the unordered pair is an edge in either direction."""
        forward, reverse = self.both_ways(network, expression, pairs)
        return either_way(forward, reverse)

    @property
    def _boosters(self) -> list:
        import lightgbm

        cache = self.__dict__.setdefault("_loaded", [])
        if not cache:
            cache.extend(lightgbm.Booster(model_str=text) for text in self.models)
        return cache

    def importance(self) -> dict[str, float]:
        """Each input's share of the trees' total gain, for reports."""
        gain = np.sum([b.feature_importance("gain") for b in self._boosters], axis=0)
        return dict(zip(EVIDENCE_FEATURES, map(float, gain / max(gain.sum(), 1e-12)),
                        strict=True))

    def to_arrays(self) -> dict[str, np.ndarray]:
        weight, reference = np.array(self.neighbourhood_weight), self.neighbourhood_reference
        prior = ({"neighbourhood_weight": weight} if reference is None else  # round 22's
                 {"neighbourhood_share_weight": weight, "neighbourhood_reference": reference})
        return {"ranker_models": np.array(self.models), "can_regulate": self.can_regulate,
                "ranker_folds": np.array([self.folds, self.seed]), **prior}

    @classmethod
    def from_arrays(cls, arrays) -> TopRanker:
        if "ranker_models" not in arrays:
            raise ValueError("This run was ranked by an older GNT Explorer (a stacking layer "
                             "without the ranker for the top of the list). Train the run "
                             "again.")
        folds, seed = map(int, arrays["ranker_folds"])
        fitted = [str(text) for text in arrays["ranker_models"]], np.asarray(
            arrays["can_regulate"], dtype=bool), folds, seed
        if "neighbourhood_share_weight" in arrays:
            return cls(*fitted, float(arrays["neighbourhood_share_weight"]),
                       np.asarray(arrays["neighbourhood_reference"], dtype=float))
        if "neighbourhood_weight" in arrays:  # ranked in round 22: scored as it was
            return cls(*fitted, float(arrays["neighbourhood_weight"]), None)
        return cls(*fitted, 0.0)  # ranked before round 22, without a prior


@dataclass
class TrainingNetwork:
    """The training network as the ranker sees it when it scores: a pair that is a training
    edge (either way) is described by the network without the fold its edge was held out in
    during fitting, as its fitting row was — no edge scores itself, and a known edge ranks
    among unseen pairs as if it were one (a peer's split may list training edges as test
    pairs). Any other pair is described by the whole network, each column mapped to the
    values it would have without one fold (FoldShift): the trees were fitted on such rows, and
    path counts grow with the edges."""

    edges: np.ndarray  # the training positives, in fitting order
    n_genes: int
    folds: int
    seed: int
    can_regulate: np.ndarray  # (N,) bool: the regulators of the pair universe

    def features(self, pairs: np.ndarray) -> np.ndarray:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        rows = self._shift(self._network(None).features(pairs))
        keys = pair_keys(self.edges, self.n_genes)
        order = np.argsort(keys)
        at = np.searchsorted(keys[order], pair_keys(pairs, self.n_genes))
        at = np.clip(at, 0, max(len(keys) - 1, 0))
        known = keys[order][at] == pair_keys(pairs, self.n_genes) if len(keys) else at < 0
        fold = np.where(known, edge_folds(len(keys), self.folds, self.seed)[order][at], -1)
        for k in np.unique(fold[fold >= 0]):
            members = np.flatnonzero(fold == k)
            rows[members] = self._network(int(k)).features(pairs[members])
        return rows

    def _shift(self, rows: np.ndarray) -> np.ndarray:
        cache = self.__dict__
        if "_fold_shift" not in cache:
            reference = universe_sample(self.can_regulate, REFERENCE_PAIRS, self.seed)
            cache["_fold_shift"] = FoldShift.fit(self._network(None).features(reference),
                                                 self._network(0).features(reference),
                                                 REVERSED_NETWORK_COLUMNS)
        return cache["_fold_shift"](rows)

    def _network(self, fold: int | None) -> NetworkEvidence:
        """The whole network (None) or the network without one fold's edges, built once."""
        cache = self.__dict__.setdefault("_built", {})
        if fold not in cache:
            keep = (np.ones(len(self.edges), bool) if fold is None else
                    edge_folds(len(self.edges), self.folds, self.seed) != fold)
            cache[fold] = NetworkEvidence.from_edges(self.edges[keep], self.n_genes, self.seed)
        return cache[fold]


@dataclass
class FoldShift:
    """Per network column, the monotone map that takes a value on the whole training network
    to the value at the same quantile on the network without one fold (quantile matching over
    a sample of universe pairs; beyond the sample's largest value, the ratio of the two
    largest). A column and its reverse (l3 and l3_reverse) share one map, fitted on both: a
    pair scores the same whichever way it is listed. Round 18 (benchmarks/RESULTS.md) chose
    it over scoring on each fold network, which it matches at a fifth of the evidence."""

    keys: list[np.ndarray]  # per column, the whole network's distinct values, ascending
    mapped: list[np.ndarray]  # the fold network's mean value at their quantiles
    ratios: np.ndarray  # per column, beyond the largest key

    @classmethod
    def fit(cls, whole: np.ndarray, fold: np.ndarray,
            reversed_columns: list[int] | None = None) -> FoldShift:
        """`reversed_columns[c]`: the column that holds column c's value for the reverse
        pair (c itself where the column is symmetric; default: every column)."""
        partner = reversed_columns or list(range(whole.shape[1]))
        keys, mapped = [], []
        for c, other in enumerate(partner):
            both = np.unique([c, other])
            x = np.sort(whole[:, both].astype(np.float32), axis=None)
            y = np.sort(fold[:, both], axis=None)
            distinct, start = np.unique(x, return_index=True)
            keys.append(distinct)
            mapped.append(np.add.reduceat(y, start) / np.diff(np.r_[start, len(x)]))
        ratios = np.array([m[-1] / k[-1] if k[-1] else 1.0 for k, m in zip(keys, mapped,
                                                                             strict=True)])
        return cls(keys, mapped, ratios)

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty_like(rows)
        for c, (keys, mapped) in enumerate(zip(self.keys, self.mapped, strict=True)):
            column = rows[:, c].astype(np.float32)  # a tie computed two ways: one value
            out[:, c] = np.where(column > keys[-1], column * self.ratios[c],
                                 np.interp(column, keys, mapped))
        return out


def universe_sample(can_regulate: np.ndarray, size: int, seed: int) -> np.ndarray:
    """`size` directed pairs (regulator, other gene), uniform over the pair universe."""
    rng = np.random.default_rng(seed)
    i = rng.choice(np.flatnonzero(can_regulate), size)
    j = rng.integers(0, len(can_regulate) - 1, size)
    return np.column_stack([i, j + (j >= i)])


def edge_folds(n_edges: int, folds: int, seed: int) -> np.ndarray:
    """The fold each training edge is held out in (bag 0 of a ranker fitted with `seed`)."""
    return np.random.default_rng(seed * 1009).permutation(n_edges) % folds


def either_way(forward: np.ndarray, reverse: np.ndarray) -> np.ndarray:
    """Log-odds of "i → j or j → i" from the two directed log-odds (a NaN side: the other
    direction alone). Symmetric: a pair scores the same listed either way."""
    p, q = (expit(np.nan_to_num(side, nan=-np.inf)) for side in (forward, reverse))
    union = logit(np.clip(1 - (1 - p) * (1 - q), 1e-15, 1 - 1e-15))
    return np.where(np.isnan(reverse), forward, np.where(np.isnan(forward), reverse, union))


def regulator_mask(train: PairSet, n_genes: int) -> np.ndarray:
    """Genes on the regulator side of a training pair: the pair universe's regulators."""
    mask = np.zeros(n_genes, dtype=bool)
    mask[train.pairs[:, 0]] = True
    return mask


def cross_fitted_rows(positives: np.ndarray, negatives: np.ndarray,
                      expression: ExpressionEvidence, can_regulate: np.ndarray, folds: int,
                      seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evidence rows, labels and weights of the training pairs, each fold's rows computed on
    the network without that fold's edges (see the module docstring)."""
    rng = np.random.default_rng(seed)
    fold_of_positive = rng.permutation(len(positives)) % folds  # as edge_folds for bag 0
    fold_of_negative = rng.permutation(len(negatives)) % folds
    n_genes = len(can_regulate)
    negative_weight = natural_weight(len(positives), len(negatives), can_regulate)
    rows, labels, weights = [], [], []
    for fold in range(folds):
        held = positives[fold_of_positive == fold]
        network = NetworkEvidence.from_edges(positives[fold_of_positive != fold], n_genes,
                                             seed)
        drawn = negatives[fold_of_negative == fold]
        forward, backward = pair_evidence_both_ways(network, expression,
                                                    np.concatenate([held, drawn]))
        turned = can_regulate[held[:, 1]], can_regulate[drawn[:, 1]]
        n_held = len(held)
        rows.append(np.concatenate([forward[:n_held], backward[:n_held][turned[0]],
                                    forward[n_held:], backward[n_held:][turned[1]]]))
        n_reverse, n_drawn = int(turned[0].sum()), len(drawn) + int(turned[1].sum())
        labels.append(np.r_[np.ones(n_held), np.zeros(n_reverse + n_drawn)])
        weights.append(np.r_[np.ones(n_held + n_reverse), np.full(n_drawn, negative_weight)])
    return np.concatenate(rows), np.concatenate(labels), np.concatenate(weights)


def natural_weight(n_positives: int, n_negatives: int, can_regulate: np.ndarray) -> float:
    """How many pairs of the universe each negative stands for: its non-edges (regulator ×
    gene pairs, each once) over the negatives."""
    regulators, n_genes = int(can_regulate.sum()), len(can_regulate)
    universe = regulators * (n_genes - 1) - regulators * (regulators - 1) // 2
    return max((universe - n_positives) / max(n_negatives, 1), 1.0)


def _fit_trees(rows: np.ndarray, labels: np.ndarray, weights: np.ndarray, seed: int) -> str:
    import lightgbm

    threads = 1 if len(rows) < MANY_ROWS else max(1, min(os.cpu_count() or 1, 8))
    params = TREE_PARAMS | {"seed": seed, "num_threads": threads}
    data = lightgbm.Dataset(rows, labels, weight=weights, feature_name=list(EVIDENCE_FEATURES),
                            free_raw_data=True)
    return lightgbm.train(params, data, num_boost_round=TREES).model_to_string()
