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

The head of a ranking holds few pairs: two hits among the first two pairs say little. Each
point is therefore shrunk towards the precision of the first PRIOR_HEAD pairs with the weight
of PRIOR_PAIRS pairs (a beta prior), and carries a 90 % interval from the same beta posterior.
`reliability` checks it: the precision it predicts for a held-out ranking against the
precision observed there, by rank bin.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import beta
from sklearn.isotonic import IsotonicRegression

HEAD_POINTS = 2_000  # the head of the ranking is kept at full resolution
TAIL_POINTS = 400  # then log-spaced points
PRIOR_PAIRS = 5  # the weight of the prior, in pairs
PRIOR_HEAD = 100  # the prior: the precision of the first 100 pairs (pooled over runs)
INTERVAL = (0.05, 0.95)
RELIABILITY_BINS = (1, 11, 26, 51, 101, 251, 501, 1001, 2501)


@dataclass
class Calibration:
    fraction: np.ndarray  # rank fraction (rank / pairs ranked), ascending
    precision: np.ndarray  # expected precision of the pairs down to that fraction
    recall: np.ndarray  # expected share of the hidden edges found down to that fraction
    n_pairs: int  # test pairs ranked, summed over the evaluation runs
    n_positives: int
    sources: list[str]  # the evaluation runs it was fitted on
    lower: np.ndarray = field(default_factory=lambda: np.empty(0))  # 90 % interval of
    upper: np.ndarray = field(default_factory=lambda: np.empty(0))  # the precision

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
        pairs = np.arange(1, len(label) + 1)
        prior = found[min(PRIOR_HEAD, len(label)) - 1] / min(PRIOR_HEAD, len(label))
        hits, misses = found + PRIOR_PAIRS * prior, pairs - found + PRIOR_PAIRS * (1 - prior)
        recall = found / max(found[-1], 1.0)
        keep = _thin(len(fraction))
        smooth = IsotonicRegression(increasing=False, y_min=0.0, y_max=1.0)
        precision = smooth.fit_transform(fraction[keep], (hits / (hits + misses))[keep])
        lower, upper = (beta.ppf(q, hits[keep], misses[keep]) for q in INTERVAL)
        return cls(fraction[keep], precision, recall[keep], int(len(label)),
                   int(found[-1]), sources, lower, upper)

    def expected(self, ranks: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
        """Expected precision and recall of the list down to each rank (of `n_pairs`)."""
        fraction = np.asarray(ranks, dtype=np.float64) / max(n_pairs, 1)
        return (np.interp(fraction, self.fraction, self.precision),
                np.interp(fraction, self.fraction, self.recall))

    def interval(self, ranks: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
        """The 90 % interval of the expected precision down to each rank (NaN: a calibration
        saved before intervals were kept)."""
        fraction = np.asarray(ranks, dtype=np.float64) / max(n_pairs, 1)
        if not len(self.lower):
            return np.full(len(fraction), np.nan), np.full(len(fraction), np.nan)
        return (np.interp(fraction, self.fraction, self.lower),
                np.interp(fraction, self.fraction, self.upper))

    def to_dict(self) -> dict:
        return asdict(self) | {name: getattr(self, name).tolist() for name in ARRAYS}

    @classmethod
    def from_dict(cls, values: dict) -> Calibration:
        arrays = {name: np.asarray(values[name], dtype=np.float64) for name in ARRAYS
                  if name in values}
        return cls(**(values | arrays))


ARRAYS = ("fraction", "precision", "recall", "lower", "upper")


def reliability(calibration: Calibration, labels: np.ndarray, scores: np.ndarray,
                bins: tuple[int, ...] = RELIABILITY_BINS) -> pd.DataFrame:
    """Predicted against observed precision of a held-out ranking, per rank bin [start, next
    start): the mean expected precision of the bin's pairs (pair by pair: the expected
    precision at rank k minus the share of hits above it) and the share of hits among them."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    hits = np.asarray(labels)[order].astype(np.float64)
    ranks = np.arange(1, len(hits) + 1)
    expected = calibration.expected(ranks, len(hits))[0] * ranks  # expected hits down to k
    rows = []
    for start, stop in zip(bins[:-1], bins[1:], strict=True):
        if start > len(hits):
            break
        stop = min(stop, len(hits) + 1)
        before = expected[start - 2] if start > 1 else 0.0
        rows.append({"ranks": f"{start}–{stop - 1}", "pairs": stop - start,
                     "predicted": (expected[stop - 2] - before) / (stop - start),
                     "observed": hits[start - 1:stop - 1].mean()})
    return pd.DataFrame(rows)


def _thin(n: int) -> np.ndarray:
    head = np.arange(min(n, HEAD_POINTS))
    tail = np.geomspace(max(HEAD_POINTS, 1), n, TAIL_POINTS).round().astype(int) - 1
    return np.unique(np.concatenate([head, tail[(tail >= 0) & (tail < n)], [n - 1]]))


def held_out_reliability(rankings: list[tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """Reliability of the calibration over evaluation runs (seeds), each run held out in turn:
    fitted on the others, checked on it; per rank bin the mean over held-out runs of the
    predicted and observed precision, and the observed precision's spread (sd over runs)."""
    if len(rankings) < 2:
        raise ValueError("a reliability check needs at least two evaluation runs")
    tables = [reliability(Calibration.fit(rankings[:k] + rankings[k + 1:], []), *held)
              for k, held in enumerate(rankings)]
    stacked = pd.concat(tables)
    summary = stacked.groupby("ranks", sort=False).agg(
        pairs=("pairs", "first"), predicted=("predicted", "mean"),
        observed=("observed", "mean"), observed_sd=("observed", "std"))
    return summary.reset_index()
