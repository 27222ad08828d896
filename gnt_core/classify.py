"""Phases 2 and 3: pair features from gene embeddings, and the RBF SVM that scores pairs.

`RBFDecision` recomputes the fitted SVM's decision function exactly, in batched matrix form
with torch, so that millions of candidate pairs score fast on CPU or GPU. It is stored as plain
arrays (no pickle) and is the only scorer the library uses after fitting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import torch
from sklearn.svm import SVC

FEATURE_BLOCKS = ("hadamard", "directed", "logits", "degree")
# pairs × support vectors per block, at most (CPU: 256 MiB in float64; GPU: 512 MiB in float32)
KERNEL_BLOCK_ELEMENTS = {"cpu": 2**25, "cuda": 2**27}
BLOCK_PAIRS = {"cpu": 2048, "cuda": 65536}  # CPU: keep the block in cache (measured fastest)
# float64 is exact to ~1e-9 of scikit-learn; float32 kernels (GPU default) to ~2e-6 absolute
KERNEL_DTYPE = {"cpu": torch.float64, "cuda": torch.float32}


def parse_features(features: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Blocks and their weights: 'hadamard' (the paper), or blocks joined by '+', each with an
    optional weight, e.g. 'hadamard+degree*2'."""
    blocks, weights = [], []
    for part in (p.strip() for p in features.split("+") if p.strip()):
        name, _, weight = part.partition("*")
        try:
            weights.append(float(weight) if weight else 1.0)
        except ValueError:
            weights.append(-1.0)
        blocks.append(name.strip())
    if not blocks or any(b not in FEATURE_BLOCKS for b in blocks) or min(weights) <= 0:
        raise ValueError(f"pair features are blocks from {', '.join(FEATURE_BLOCKS)} joined by "
                         f"'+', each with an optional positive weight ('*2'), not {features!r}")
    return tuple(blocks), tuple(weights)


@dataclass
class PairFeaturizer:
    """SVM features of (i, j) pairs from per-gene arrays learnt in phase 1.

    Blocks: hadamard h_i*h_j (the paper); directed [h_i, h_j, |h_i - h_j|]; logits, the phase-1
    model's own neighbour scores h_i·W_j + b_j and h_j·W_i + b_i; degree, the two genes'
    log(1 + out- and in-degree) in the training network, combined symmetrically. With more
    than the Hadamard block, every column is standardised on the training pairs and each block
    weighted to equal variance (times its optional weight).
    """

    blocks: tuple[str, ...]
    embeddings: np.ndarray
    output_weight: np.ndarray | None = None
    output_bias: np.ndarray | None = None
    degree: np.ndarray | None = None  # (N, 2): out-degree, in-degree
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    block_weights: tuple[float, ...] | None = None  # relative weight of each block (1 each)
    _on_device: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def paper(self) -> bool:
        return self.blocks == ("hadamard",)

    def transform(self, pairs: np.ndarray, own_edges: np.ndarray | None = None) -> np.ndarray:
        """Features of `pairs` as a float64 array (see `features`)."""
        return self.features(pairs, own_edges).numpy()

    def features(self, pairs: np.ndarray, own_edges: np.ndarray | None = None,
                 device: str = "cpu") -> torch.Tensor:
        """Features of `pairs`, float64 on `device` (built there: a GPU scores without a
        host round trip); own_edges marks training positives, whose degrees then leave out
        the pair's own edge (so they look like the degrees of unseen pairs)."""
        pairs = torch.as_tensor(np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2),
                                device=device)
        i, j = pairs[:, 0], pairs[:, 1]
        embeddings = self._tensor("embeddings", device)
        hi, hj = embeddings[i], embeddings[j]
        parts = []
        for block in self.blocks:
            if block == "hadamard":
                parts.append(hi * hj)
            elif block == "directed":
                parts += [hi, hj, (hi - hj).abs()]
            elif block == "logits":
                w, b = self._tensor("output_weight", device), self._tensor("output_bias", device)
                parts.append(torch.stack([(hi * w[j]).sum(dim=1) + b[j],
                                          (hj * w[i]).sum(dim=1) + b[i]], dim=1))
            else:
                parts.append(self._degrees(pairs, own_edges))
        features = torch.cat([part.to(torch.float64) for part in parts], dim=1)
        if self.mean is not None:
            features = (features - self._tensor("mean", device)) / self._tensor("scale", device)
        return features

    def _tensor(self, name: str, device: str) -> torch.Tensor:
        """An array of this featurizer as a tensor on `device`, copied once per array."""
        array = getattr(self, name)
        held = self._on_device.get((name, device))
        if held is None or held[0] is not array:
            held = (array, torch.as_tensor(array, device=device))
            self._on_device[(name, device)] = held
        return held[1]

    def _degrees(self, pairs: torch.Tensor, own_edges: np.ndarray | None) -> torch.Tensor:
        """Symmetric in i and j (a pair is unordered): sum and |difference| of the two genes'
        log(1 + out-degree), and the same of log(1 + in-degree)."""
        degree = self._tensor("degree", pairs.device.type).to(torch.float64)[pairs]  # (n, 2, 2)
        out, into = degree[..., 0], degree[..., 1]  # (n, 2): of i and of j
        if own_edges is not None:  # a training edge i→j is not counted for its own pair
            own = torch.as_tensor(own_edges, dtype=torch.float64, device=pairs.device)
            out[:, 0] -= own
            into[:, 1] -= own
        out, into = out.clamp(min=0).log1p(), into.clamp(min=0).log1p()
        return torch.stack([out.sum(dim=1), (out[:, 0] - out[:, 1]).abs(),
                            into.sum(dim=1), (into[:, 0] - into[:, 1]).abs()], dim=1)

    def fit_scaling(self, pairs: np.ndarray, own_edges: np.ndarray) -> PairFeaturizer:
        """Standardise columns on the training pairs, each block weighted to variance 1."""
        if self.paper:
            return self
        raw = self.transform(pairs, own_edges)
        widths = [self._width(b) for b in self.blocks]
        weights = self.block_weights or (1.0,) * len(self.blocks)
        weight = np.concatenate([np.full(w, b / np.sqrt(w)) for w, b in zip(widths, weights,
                                                                             strict=True)])
        self.mean, self.scale = raw.mean(axis=0), (raw.std(axis=0) + 1e-9) / weight
        return self

    def _width(self, block: str) -> int:
        d = self.embeddings.shape[1]
        return {"hadamard": d, "directed": 3 * d, "logits": 2, "degree": 4}[block]

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"blocks": np.array(self.blocks), "embeddings": self.embeddings}
        if self.block_weights is not None:
            arrays["block_weights"] = np.array(self.block_weights)
        for name in ("output_weight", "output_bias", "degree", "mean", "scale"):
            if getattr(self, name) is not None:
                arrays[name] = getattr(self, name)
        return arrays

    @classmethod
    def from_arrays(cls, arrays) -> PairFeaturizer:
        optional = {name: np.asarray(arrays[name]) for name in
                    ("output_weight", "output_bias", "degree", "mean", "scale") if name in arrays}
        weights = tuple(map(float, arrays["block_weights"])) if "block_weights" in arrays else None
        return cls(tuple(str(b) for b in arrays["blocks"]), np.asarray(arrays["embeddings"]),
                   **optional, block_weights=weights)


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
