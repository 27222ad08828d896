"""From a regulator-balanced training design to the natural universe: the regulator prior shift.

When every regulator's training negatives are drawn as many as its positives (the tf-matched
protocol; GENELink's splits of non-specific and STRING networks), each regulator has even odds
in training, so no model fitted on those pairs can learn that hub regulators have more targets.
Ranked among all regulator × gene pairs, that is most of the signal (the degree baseline).

Bayes' rule for a change of class priors (King & Zeng 2001, "prior correction"; Saerens et al.
2002) gives the natural log-odds of a pair: its training log-odds (the model's score, Platt-scaled
on validation pairs, which follow the training design) plus the log prior odds of its regulator,
log(training positives of the regulator + 1/2) up to a constant. A pair is unordered (either gene
may regulate the other), so its prior counts the training positives of both genes as regulator.
Fitted on training and validation pairs only; applied when the pairs ranked are not themselves
regulator-balanced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from .splits import PairSet

SMOOTHING = 0.5  # added to a regulator's training positives (a regulator with none stays finite)


@dataclass
class RegulatorPrior:
    """score → slope * score + intercept (training log-odds) + log(out_a + out_b + 1/2)."""

    slope: float
    intercept: float
    out_degree: np.ndarray  # (n_genes,) training positives of each gene as regulator

    @classmethod
    def fit(cls, train: PairSet, n_genes: int, val_scores: np.ndarray | None = None,
            val_labels: np.ndarray | None = None) -> RegulatorPrior:
        """Platt scaling on the validation pairs' scores (slope 1 without both classes)."""
        slope, intercept = 1.0, 0.0
        if val_labels is not None and len(np.unique(val_labels)) == 2:
            platt = LogisticRegression(C=1e4).fit(np.asarray(val_scores).reshape(-1, 1),
                                                  val_labels)
            slope, intercept = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        return cls(slope, intercept, np.bincount(train.positives[:, 0], minlength=n_genes))

    def __call__(self, scores: np.ndarray, pairs: np.ndarray) -> np.ndarray:
        prior = self.out_degree[pairs[:, 0]] + self.out_degree[pairs[:, 1]] + SMOOTHING
        return self.slope * np.asarray(scores) + self.intercept + np.log(prior)

    def to_report(self) -> dict:
        return {"platt_slope": self.slope, "platt_intercept": self.intercept,
                "regulators_with_training_positives": int((self.out_degree > 0).sum())}

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"platt": np.array([self.slope, self.intercept]), "out_degree": self.out_degree}

    @classmethod
    def from_arrays(cls, arrays) -> RegulatorPrior:
        platt = np.asarray(arrays["platt"], dtype=np.float64)
        return cls(float(platt[0]), float(platt[1]), np.asarray(arrays["out_degree"]))
