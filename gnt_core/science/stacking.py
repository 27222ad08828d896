"""The last layer of GNT Explorer's default ranking (`RunSettings(stacking=True)`; off in the
paper preset): a logistic regression, fitted on VALIDATION pairs only, over two scores — the
ranker's (ranker.py: gradient-boosted trees over the topological predictors of the training
network and the expression evidence, cross-fitted on the training pairs) and the GNT SVM's.
It weighs what the embedding adds to what the network and the profiles already say; test pairs
never enter it. Within one regulator (tf-matched) a layer does not help (round 10 of model
selection, benchmarks/RESULTS.md), so a tf-matched run does not use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

STACK_INPUTS = ("ranker", "svm")


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
