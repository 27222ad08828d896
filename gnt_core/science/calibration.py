"""Expected precision of a ranked list, calibrated on an evaluation at natural prevalence.

In an evaluation under the `candidates` protocol a tenth of the known edges is hidden and every
other regulator × gene pair is ranked with them. For the top fraction r of that ranking we know
the precision (the share of hidden edges among the pairs so far) and the recall (the share of
hidden edges found). `Calibration` keeps both as monotone functions of r (isotonic fits, pooled
over the evaluation's seeds) and applies them to the ranks of another list of the same
universe, such as discovery's novel pairs.

What it measures, plainly: how often a pair ranked this high turned out to be a known edge that
the model had not seen. Edges missing from the reference network are counted as wrong, so for
an incomplete network the estimate is conservative.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression

HEAD_POINTS = 2_000  # the head of the ranking is kept at full resolution
TAIL_POINTS = 400  # then log-spaced points


@dataclass
class Calibration:
    fraction: np.ndarray  # rank fraction (rank / pairs ranked), ascending
    precision: np.ndarray  # expected precision of the pairs down to that fraction
    recall: np.ndarray  # expected share of the hidden edges found down to that fraction
    n_pairs: int  # test pairs ranked, summed over the evaluation runs
    n_positives: int
    sources: list[str]  # the evaluation runs it was fitted on

    @classmethod
    def fit(cls, rankings: list[tuple[np.ndarray, np.ndarray]],
            sources: list[str]) -> Calibration:
        """Fit from (labels, scores) of the test pairs of one or more evaluation runs."""
        fractions, labels = [], []
        for run_labels, scores in rankings:
            order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
            fractions.append(np.arange(1, len(order) + 1) / len(order))
            labels.append(np.asarray(run_labels)[order].astype(np.float64))
        fraction, label = np.concatenate(fractions), np.concatenate(labels)
        order = np.argsort(fraction, kind="stable")
        fraction, label = fraction[order], label[order]
        found = np.cumsum(label)
        precision = found / np.arange(1, len(label) + 1)
        recall = found / max(found[-1], 1.0)
        keep = _thin(len(fraction))
        smooth = IsotonicRegression(increasing=False, y_min=0.0, y_max=1.0)
        precision = smooth.fit_transform(fraction[keep], precision[keep])
        return cls(fraction[keep], precision, recall[keep], int(len(label)),
                   int(found[-1]), sources)

    def expected(self, ranks: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
        """Expected precision and recall of the list down to each rank (of `n_pairs`)."""
        fraction = np.asarray(ranks, dtype=np.float64) / max(n_pairs, 1)
        return (np.interp(fraction, self.fraction, self.precision),
                np.interp(fraction, self.fraction, self.recall))

    def to_dict(self) -> dict:
        return asdict(self) | {name: getattr(self, name).tolist()
                               for name in ("fraction", "precision", "recall")}

    @classmethod
    def from_dict(cls, values: dict) -> Calibration:
        arrays = {name: np.asarray(values[name], dtype=np.float64)
                  for name in ("fraction", "precision", "recall")}
        return cls(**(values | arrays))


def _thin(n: int) -> np.ndarray:
    head = np.arange(min(n, HEAD_POINTS))
    tail = np.geomspace(max(HEAD_POINTS, 1), n, TAIL_POINTS).round().astype(int) - 1
    return np.unique(np.concatenate([head, tail[(tail >= 0) & (tail < n)], [n - 1]]))
