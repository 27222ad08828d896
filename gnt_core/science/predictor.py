"""GNT end to end as one estimator: phase-1 embeddings, pair features, RBF SVM."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score

from ..settings import (
    DEFAULT_CLASS_WEIGHT,
    DEFAULT_FEATURES,
    DEFAULT_GAMMA_SCALE,
    SVM_MAX_TRAIN_PAIRS,
    RunSettings,
    TrainConfig,
)
from .device import resolve_device
from .embedding import EpochReport, TrainResult, train_gene_embeddings
from .pair_evidence import ExpressionEvidence
from .pair_features import PairFeaturizer, parse_features
from .prior_shift import RegulatorPrior
from .ranker import TopRanker, either_way
from .splits import PairSet, is_regulator_balanced, layer_pairs
from .stacking import Stacker
from .svm import PairSVM, RBFDecision

SCORE_CHUNK_PAIRS = 1 << 16


class GNTLinkPredictor(BaseEstimator):
    """Scores gene pairs: f(i, j) = SVM(features of h_i, h_j), with h learned by GNT (or the
    GNE ablation); the features are h_i * h_j, by default with the genes' training degrees.

    A scikit-learn estimator: parameters are set in the constructor (`get_params`, `set_params`
    and `clone` work); `fit` learns from the training pairs and selects the phase-1 epoch on the
    validation pairs; fitted attributes end in `_`; `decision_function` scores any pairs.

    prior_shift: when the training negatives are regulator-balanced (tf-matched, GENELink's
    non-specific splits), add each regulator's log prior odds to the Platt-scaled score, so that
    pairs rank as in the natural universe (see prior_shift.py); set False to rank the pairs of a
    regulator-balanced set.
    stacking: rank through the ranker for the top of the list (ranker.py: trees over the
    network's topological predictors and expression evidence, cross-fitted on the training
    pairs and `ranker_negatives`) and a logistic layer over its score and the SVM's, fitted on
    the validation pairs (stacking.py; on a regulator-balanced split, on the validation
    positives among `layer_negatives`, without the prior shift); set False to rank by the SVM
    alone.
    """

    def __init__(self, config: TrainConfig | None = None, *, svm_c: float = 1.0,
                 features: str = DEFAULT_FEATURES,
                 svm_max_train_pairs: int = SVM_MAX_TRAIN_PAIRS,
                 class_weight: str | None = DEFAULT_CLASS_WEIGHT,
                 svm_gamma_scale: float = DEFAULT_GAMMA_SCALE, stacking: bool = True,
                 prior_shift: bool = True):
        self.config = config or TrainConfig()
        self.svm_c = svm_c
        self.features = features
        self.svm_max_train_pairs = svm_max_train_pairs
        self.class_weight = class_weight
        self.svm_gamma_scale = svm_gamma_scale
        self.stacking = stacking
        self.prior_shift = prior_shift

    @classmethod
    def from_settings(cls, settings: RunSettings, config: TrainConfig | None = None
                      ) -> GNTLinkPredictor:
        """The predictor a run's settings describe (phase 1 from `config`, default theirs). A
        tf-matched test is regulator-balanced itself, so its pairs are ranked without the
        regulator prior shift and without the stacking layer."""
        return cls(config or settings.train, svm_c=settings.svm_c, features=settings.features,
                   svm_max_train_pairs=settings.svm_max_train_pairs,
                   class_weight=settings.svm_class_weight,
                   svm_gamma_scale=settings.svm_gamma_scale,
                   stacking=settings.uses_stacking,
                   prior_shift=settings.prior_shift and settings.protocol != "tf-matched")

    def fit(self, expression: np.ndarray, train: PairSet, val: PairSet | None,
            progress: Callable[[EpochReport], None] | None = None, *,
            ranker_negatives: np.ndarray | None = None,
            layer_negatives: np.ndarray | None = None, ranker: TopRanker | None = None
            ) -> GNTLinkPredictor:
        """Fit on the training pairs; `ranker_negatives` are more non-edges for the ranker, or
        `ranker` one already fitted on these training pairs (e.g. GNT's, for the ablation).
        Where the training pairs are regulator-balanced, the stacking layer is fitted on the
        validation positives among `layer_negatives` (PairSplit.layer_negatives), which stand
        for the natural universe, and then needs no prior shift."""
        self.fit_embeddings(expression, train, val, progress).fit_classifier(train)
        self.ranker_ = self.stack_ = self.prior_ = None
        balanced = is_regulator_balanced(train, len(expression))
        natural = balanced and layer_negatives is not None and len(layer_negatives) > 0
        if self.stacking and val is not None and len(np.unique(val.labels)) == 2:
            evidence = ExpressionEvidence.from_expression(expression, self.config.seed)
            ranker = ranker or TopRanker.fit(train, evidence, ranker_negatives,
                                             seed=self.config.seed)
            self.use_ranking(ranker, None, expression, evidence).fit_stack(
                layer_pairs(val, layer_negatives) if natural else val)
        if self.prior_shift and balanced and not (natural and self.stack_ is not None):
            self.prior_ = RegulatorPrior.fit(
                train, len(expression), *((self.decision_function(val.pairs), val.labels)
                                          if val is not None else ()))
        return self

    def fit_stack(self, val: PairSet) -> GNTLinkPredictor:
        """The stacking layer (ranker score, SVM score) on the validation pairs."""
        inputs = np.column_stack([self.ranker_score(val.pairs), self.svm_decision(val.pairs)])
        self.stack_ = Stacker.fit(inputs, val.labels, self.config.seed)
        return self

    def use_ranking(self, ranker: TopRanker | None, stacker: Stacker | None,
                    expression: np.ndarray, evidence: ExpressionEvidence | None = None
                    ) -> GNTLinkPredictor:
        """Rank through `ranker` and `stacker` (None: the SVM alone), the ranker's evidence
        taken from the training network and this expression (or its `evidence`, made
        already)."""
        self.ranker_, self.stack_ = ranker, stacker
        if ranker is not None:
            self.evidence_ = (ranker.network(self.featurizer_.edges, len(expression)),
                              evidence or ExpressionEvidence.from_expression(
                                  expression, self.config.seed))
        return self

    def ranker_score(self, pairs: np.ndarray) -> np.ndarray:
        """The ranker's log-odds that the unordered pair is an edge (the stack without GNT)."""
        return self.ranker_(*self.evidence_, np.asarray(pairs, dtype=np.int64).reshape(-1, 2))

    def directed_scores(self, pairs: np.ndarray, device: str = "auto"
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Scores of i → j and of j → i: the stacking layer over each direction's ranker
        log-odds (NaN where that direction's regulator side cannot regulate; without a ranker
        the SVM's one score, as it is symmetric, and NaN)."""
        _, forward, reverse = self.scores_both_ways(pairs, device)
        return forward, reverse

    def fit_embeddings(self, expression: np.ndarray, train: PairSet, val: PairSet | None,
                       progress: Callable[[EpochReport], None] | None = None
                       ) -> GNTLinkPredictor:
        """Phase 1 on the training positives; the epoch is chosen on the validation pairs (the
        last epoch is kept when there are none)."""
        self.training_: TrainResult = train_gene_embeddings(expression, train, val, self.config,
                                                            progress)
        model = self.training_.model
        self.degree_ = np.zeros((len(expression), 2), dtype=np.int64)
        np.add.at(self.degree_[:, 0], train.positives[:, 0], 1)
        np.add.at(self.degree_[:, 1], train.positives[:, 1], 1)
        self.train_edges_ = train.positives
        self.output_weight_ = model.output.weight.detach().float().cpu().numpy()
        self.output_bias_ = model.output.bias.detach().float().cpu().numpy()
        return self

    def fit_classifier(self, train: PairSet) -> GNTLinkPredictor:
        """Phases 2 and 3: pair features and the SVM, on (at most svm_max_train_pairs) training
        pairs. Can be refitted with other features or SVM settings on the same embeddings."""
        blocks, weights = parse_features(self.features)
        self.featurizer_ = PairFeaturizer(blocks, self.training_.embeddings,
                                          self.output_weight_, self.output_bias_, self.degree_,
                                          self.train_edges_, block_weights=weights)
        svm_set = self._bounded(train)
        self.svm_train_pairs_ = len(svm_set)
        features = self.featurizer_.fit_scaling(svm_set.pairs, svm_set.labels).transform(
            svm_set.pairs, svm_set.labels)
        svm = PairSVM(C=self.svm_c, class_weight=self.class_weight,
                      gamma_scale=self.svm_gamma_scale)
        self.decision_ = svm.fit(features, svm_set.labels).decision_
        return self

    @property
    def embeddings_(self) -> np.ndarray:
        return self.featurizer_.embeddings

    @classmethod
    def from_fitted(cls, featurizer: PairFeaturizer, decision: RBFDecision,
                    config: TrainConfig, ranking: tuple[TopRanker, Stacker] | None = None,
                    expression: np.ndarray | None = None, prior: RegulatorPrior | None = None
                    ) -> GNTLinkPredictor:
        """A saved predictor; with a ranking (ranker and stacking layer), the expression its
        evidence is taken from."""
        predictor = cls(config, features="+".join(featurizer.blocks),
                        stacking=ranking is not None, prior_shift=prior is not None)
        predictor.featurizer_ = featurizer
        predictor.decision_ = decision
        predictor.use_ranking(*(ranking or (None, None)), expression)
        predictor.prior_ = prior
        return predictor

    def _bounded(self, train: PairSet) -> PairSet:
        """Stratified subsample when the training pairs exceed svm_max_train_pairs."""
        if len(train) <= self.svm_max_train_pairs:
            return train
        rng = np.random.default_rng(self.config.seed)
        keep = []
        for label in (0, 1):
            members = np.flatnonzero(train.labels == label)
            share = round(self.svm_max_train_pairs * len(members) / len(train))
            keep.append(rng.choice(members, max(1, share), replace=False))
        keep = np.sort(np.concatenate(keep))
        return PairSet(train.pairs[keep], train.labels[keep])

    def iter_scores(self, pairs: np.ndarray, chunk: int = SCORE_CHUNK_PAIRS,
                    device: str = "auto", stacked: bool = True
                    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per chunk of `pairs` (bounded memory), from one pass over its features: the
        unordered score (the stacking layer's when there is one, then the regulator prior
        shift when there is one, both only when `stacked`; else the SVM's), the scores of
        i → j and of j → i (see directed_scores), and the ranker's own unordered score (the
        stack without GNT; NaN when it is not used)."""
        device = resolve_device(device)
        stacker = getattr(self, "stack_", None) if stacked else None
        prior = getattr(self, "prior_", None) if stacked else None
        for start in range(0, len(pairs), chunk):
            block = pairs[start:start + chunk]
            svm = self.decision_(self.featurizer_.features(block, device=device),
                                 device=device)
            if stacker is None:
                scores, ranker = [svm, svm, np.full(len(block), np.nan)], np.full_like(svm, np.nan)
            else:
                sides = self.ranker_.both_ways(*self.evidence_, block)
                ranker = either_way(*sides)
                scores = [stacker(np.column_stack([ranker, svm]))]
                scores += [np.where(np.isnan(side), np.nan, stacker(
                    np.column_stack([np.nan_to_num(side), svm]))) for side in sides]
            yield *(scores if prior is None else (prior(s, block) for s in scores)), ranker

    def scores_both_ways(self, pairs: np.ndarray, device: str = "auto"
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """decision_function and directed_scores of `pairs` in one pass."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        parts = list(zip(*self.iter_scores(pairs, device=device), strict=True)) or [[]] * 4
        return tuple(np.concatenate([np.empty(0), *part]) for part in parts[:3])

    def decision_function(self, pairs: np.ndarray, device: str = "auto") -> np.ndarray:
        return self.scores_both_ways(pairs, device)[0]

    def svm_decision(self, pairs: np.ndarray, device: str = "auto") -> np.ndarray:
        """The SVM's scores alone (the stacking layer's first input)."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return np.concatenate([np.empty(0), *(score for score, *_ in self.iter_scores(
            pairs, device=device, stacked=False))])

    def score(self, pairs: np.ndarray, labels: np.ndarray) -> float:
        """AUROC of the pair scores."""
        return float(roc_auc_score(labels, self.decision_function(pairs)))
