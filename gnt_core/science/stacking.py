"""The rank-level layer over GNT (`RunSettings(stacking=True)`, the default; off in the paper
preset): a logistic regression, fitted on VALIDATION pairs only, over the SVM's score, the
priors a user computes in one line —
the two genes' training degrees (the same symmetric log-degree features the SVM sees) and the
|Pearson correlation| of their profiles — and the paths of length 3 between them (L3, the SVM's
paths block). It can learn "the prior is all there is" as well as "trust the embedding"; test
pairs never enter it. Round 10 of model selection (benchmarks/RESULTS.md) added L3: it lifts
the top of a list ranked across regulators; within one regulator (tf-matched) a layer does not
help, so a tf-matched run does not use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from .pair_features import PairFeaturizer
from .preprocess import standardise

STACK_INPUTS = ("svm", "out_degree_sum", "out_degree_diff", "in_degree_sum", "in_degree_diff",
                "abs_pcc", "paths_both_ways", "paths_asymmetry")


def pcc_profiles(expression: np.ndarray) -> np.ndarray:
    """Per-gene z-scored profiles divided by sqrt(cells): a row dot product is the PCC."""
    return standardise(expression) / np.float32(np.sqrt(expression.shape[1]))


def stack_inputs(svm_scores: np.ndarray, featurizer: PairFeaturizer, profiles: np.ndarray,
                 pairs: np.ndarray) -> np.ndarray:
    """The stacker's inputs for `pairs`, one row each (columns: STACK_INPUTS)."""
    pcc = np.abs(np.einsum("ij,ij->i", profiles[pairs[:, 0]], profiles[pairs[:, 1]]))
    return np.column_stack([svm_scores, featurizer.degree_features(pairs), pcc,
                            featurizer.paths_features(pairs)]).astype(np.float64)


@dataclass
class Stacker:
    """Standardised inputs, then a linear log-odds: the stacked pair score."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, inputs: np.ndarray, labels: np.ndarray, seed: int = 0) -> Stacker:
        mean, scale = inputs.mean(axis=0), inputs.std(axis=0) + 1e-9
        model = LogisticRegression(C=1.0, class_weight="balanced", random_state=seed)
        model.fit((inputs - mean) / scale, labels)
        return cls(model.coef_[0].astype(np.float64), float(model.intercept_[0]), mean, scale)

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        return ((inputs - self.mean) / self.scale) @ self.coef + self.intercept

    def weights(self) -> dict[str, float]:
        """Each input's weight (per sd of the input), for reports."""
        return dict(zip(STACK_INPUTS, map(float, self.coef), strict=True))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"coef": self.coef, "intercept": np.array([self.intercept]), "mean": self.mean,
                "scale": self.scale}

    @classmethod
    def from_arrays(cls, arrays) -> Stacker:
        coef = np.asarray(arrays["coef"])
        if len(coef) != len(STACK_INPUTS):
            raise ValueError(f"This run's stacking layer has {len(coef)} inputs, not the "
                             f"{len(STACK_INPUTS)} of this version ({', '.join(STACK_INPUTS)}): "
                             "an older GNT Explorer trained it. Train the run again.")
        return cls(coef, float(arrays["intercept"][0]), np.asarray(arrays["mean"]),
                   np.asarray(arrays["scale"]))
