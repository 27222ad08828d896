"""Phase 3: the RBF SVM that scores pairs, and its exact batched decision function.

`RBFDecision` recomputes the fitted SVM's decision function exactly, in batched matrix form
with torch, so that millions of candidate pairs score fast on CPU or GPU. It is stored as plain
arrays (no pickle) and is the only scorer the library uses after fitting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from sklearn.svm import SVC

# pairs × support vectors per block, at most (CPU: 4 MiB in float32, so that the block stays in
# cache: 2.7× the pairs/s of 2,048-pair float64 blocks at 3,500 support vectors, see
# benchmarks/RESULTS.md; GPU: 512 MiB)
KERNEL_BLOCK_ELEMENTS = {"cpu": 2**20, "cuda": 2**27}
BLOCK_PAIRS = {"cpu": 4096, "cuda": 65536}
# float64 is exact to ~1e-9 of scikit-learn; float32 kernels (the default) to ~1e-5 absolute
# (5e-6 on scores of sd 0.6 in the realistic benchmark: the same top 1,000 of 50,000 pairs)
KERNEL_DTYPE = {"cpu": torch.float32, "cuda": torch.float32}


@dataclass
class RBFDecision:
    """f(x) = sum_k dual_k * exp(-gamma * |x - sv_k|^2) + intercept (sklearn's convention)."""

    support_vectors: np.ndarray
    dual_coef: np.ndarray
    intercept: float
    gamma: float

    @classmethod
    def from_svc(cls, svc: SVC) -> RBFDecision:
        return cls(np.asarray(svc.support_vectors_, dtype=np.float64),
                   np.asarray(svc.dual_coef_[0], dtype=np.float64),
                   float(svc.intercept_[0]), float(svc.gamma))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"support_vectors": self.support_vectors, "dual_coef": self.dual_coef,
                "intercept": np.array([self.intercept]), "gamma": np.array([self.gamma])}

    @classmethod
    def from_arrays(cls, arrays) -> RBFDecision:
        return cls(np.asarray(arrays["support_vectors"], dtype=np.float64),
                   np.asarray(arrays["dual_coef"], dtype=np.float64),
                   float(arrays["intercept"][0]), float(arrays["gamma"][0]))

    def __call__(self, features: np.ndarray | torch.Tensor, *, device: str = "cpu",
                 dtype: torch.dtype | None = None, fused: bool = False) -> np.ndarray:
        return np.concatenate(list(self.iter_blocks(features, device=device, dtype=dtype,
                                                    fused=fused)) or [np.empty(0)])

    def iter_blocks(self, features: np.ndarray | torch.Tensor, *, device: str = "cpu",
                    dtype: torch.dtype | None = None, fused: bool = False
                    ) -> Iterator[np.ndarray]:
        """Scores block by block; each block's kernel matrix stays small enough for the cache
        and is built in place: exp(2γ x·s − γ|s|² − γ|x|²), one GEMM and one exp per entry.
        The kernel is computed in `dtype`; the weighted sum over support vectors is always
        accumulated in float64 (in float32 it loses ~100× more accuracy). `features` may be a
        tensor already on `device`. fused=True compiles the block with torch.compile so that
        the exp and the weighted sum run in one pass over the kernel matrix (GPU; compiling
        costs seconds once per process)."""
        dtype = dtype or KERNEL_DTYPE[device]
        sv = torch.as_tensor(self.support_vectors, dtype=dtype, device=device)
        coef = torch.as_tensor(self.dual_coef, dtype=torch.float64, device=device)
        sv_term = -self.gamma * (sv * sv).sum(dim=1)
        block = max(1, min(BLOCK_PAIRS[device], KERNEL_BLOCK_ELEMENTS[device] // max(len(sv), 1)))
        scores = _compiled_block_scores() if fused else _block_scores
        for start in range(0, len(features), block):
            x = torch.as_tensor(features[start:start + block], device=device).to(dtype)
            yield scores(x, sv, sv_term, coef, self.gamma, self.intercept).cpu().numpy()


def _block_scores(x: torch.Tensor, sv: torch.Tensor, sv_term: torch.Tensor, coef: torch.Tensor,
                  gamma: float, intercept: float) -> torch.Tensor:
    exponent = torch.addmm(sv_term, x, sv.T, alpha=2.0 * gamma)
    exponent.sub_(gamma * (x * x).sum(dim=1, keepdim=True))
    kernel = exponent.clamp_(max=0.0).exp_().to(torch.float64)
    return kernel @ coef + intercept


def _fusable_block_scores(x: torch.Tensor, sv: torch.Tensor, sv_term: torch.Tensor,
                          coef: torch.Tensor, gamma: float, intercept: float) -> torch.Tensor:
    """_block_scores with the sum written as a reduction, which the compiler fuses with the
    exp (a matrix-vector product would first materialise the float64 kernel). No addmm here:
    compiled with dynamic shapes, torch 2.13's addmm(alpha=<float>) gave wrong scores."""
    exponent = (x @ sv.T) * (2.0 * gamma) + sv_term
    exponent = exponent - gamma * (x * x).sum(dim=1, keepdim=True)
    return (exponent.clamp(max=0.0).exp().to(torch.float64) * coef).sum(dim=1) + intercept


@cache
def _compiled_block_scores():
    return torch.compile(_fusable_block_scores, dynamic=True)


class PairSVM:
    """RBF support vector classifier on pair features; `decision_function` is the pair score."""

    def __init__(self, C: float = 1.0, gamma: float | str = "scale",
                 class_weight: str | None = None, gamma_scale: float = 1.0):
        self.C = C
        self.gamma = gamma
        self.gamma_scale = gamma_scale
        self.class_weight = class_weight

    def fit(self, features: np.ndarray, labels: np.ndarray) -> PairSVM:
        if len(np.unique(labels)) != 2:
            raise ValueError("the SVM needs training pairs of both classes")
        gamma = self.gamma
        if gamma == "scale":  # sklearn's rule, resolved here so that the value is stored
            gamma = self.gamma_scale / (features.shape[1] * max(float(features.var()), 1e-12))
        svc = SVC(kernel="rbf", C=self.C, gamma=float(gamma), class_weight=self.class_weight)
        svc.fit(np.asarray(features, dtype=np.float64), labels)
        self.decision_ = RBFDecision.from_svc(svc)
        self.n_support_ = int(len(svc.support_))
        return self

    def decision_function(self, features: np.ndarray, device: str = "cpu") -> np.ndarray:
        return self.decision_(features, device=device)
