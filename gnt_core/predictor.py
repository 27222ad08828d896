"""GNT end to end as one estimator: phase-1 embeddings, pair features, RBF SVM."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from sklearn.metrics import roc_auc_score

from .classify import PairSVM, RBFDecision, pair_features
from .splits import PairSet
from .train import EpochReport, TrainConfig, TrainResult, resolve_device, train_gene_embeddings

SCORE_CHUNK_PAIRS = 1 << 16
# Above this many training pairs the SVM is fitted on a stratified random subsample: its
# support vectors (≤ this many) set the cost of scoring every candidate pair.
SVM_MAX_TRAIN_PAIRS = 5_000


class GNTLinkPredictor:
    """Scores gene pairs: f(i, j) = SVM(h_i * h_j), with h learned by GNT (or the GNE ablation).

    Parameters are set in the constructor; `fit` learns from the training pairs and selects the
    phase-1 epoch on the validation pairs; `decision_function` scores any pairs.
    """

    def __init__(self, config: TrainConfig | None = None, *, svm_c: float = 1.0,
                 features: str = "hadamard", svm_max_train_pairs: int = SVM_MAX_TRAIN_PAIRS):
        self.config = config or TrainConfig()
        self.svm_c = svm_c
        self.features = features
        self.svm_max_train_pairs = svm_max_train_pairs

    def fit(self, expression: np.ndarray, train: PairSet, val: PairSet,
            progress: Callable[[EpochReport], None] | None = None) -> GNTLinkPredictor:
        self.training_: TrainResult = train_gene_embeddings(expression, train, val, self.config,
                                                            progress)
        self.embeddings_ = self.training_.embeddings
        svm_set = self._bounded(train)
        self.svm_train_pairs_ = len(svm_set)
        features = pair_features(self.embeddings_, svm_set.pairs, self.features)
        self.decision_ = PairSVM(C=self.svm_c).fit(features, svm_set.labels).decision_
        return self

    @classmethod
    def from_fitted(cls, embeddings: np.ndarray, decision: RBFDecision,
                    config: TrainConfig, features: str = "hadamard") -> GNTLinkPredictor:
        predictor = cls(config, features=features)
        predictor.embeddings_ = embeddings
        predictor.decision_ = decision
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

    def iter_decision(self, pairs: np.ndarray, chunk: int = SCORE_CHUNK_PAIRS,
                      device: str = "auto") -> Iterator[np.ndarray]:
        """Scores of `pairs`, one chunk at a time (bounded memory)."""
        device = resolve_device(device)
        for start in range(0, len(pairs), chunk):
            features = pair_features(self.embeddings_, pairs[start:start + chunk], self.features)
            yield self.decision_(features, device=device)

    def decision_function(self, pairs: np.ndarray, device: str = "auto") -> np.ndarray:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return np.concatenate([np.empty(0), *self.iter_decision(pairs, device=device)])

    def score(self, pairs: np.ndarray, labels: np.ndarray) -> float:
        """AUROC of the pair scores."""
        return float(roc_auc_score(labels, self.decision_function(pairs)))
