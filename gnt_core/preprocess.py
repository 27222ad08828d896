"""Expression preprocessing applied before the encoder and the correlation baseline."""

from __future__ import annotations

import numpy as np


def standardise(expression: np.ndarray) -> np.ndarray:
    """Z-score each gene over cells; genes with zero variance become all zeros."""
    values = np.asarray(expression, dtype=np.float64)
    mean = values.mean(axis=1, keepdims=True)
    std = values.std(axis=1, keepdims=True)
    return np.divide(values - mean, std, out=np.zeros_like(values), where=std > 0).astype(
        np.float32)
