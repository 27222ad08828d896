"""Phase 2: SVM features of gene pairs from the per-gene arrays learnt in phase 1.

Blocks: hadamard h_i*h_j (the paper), directed, phase-1 logits, training degrees, paths of length 3
in the training network; built with torch
on the scoring device, standardised per block, stored as plain arrays (no pickle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .paths import ThreePaths

FEATURE_BLOCKS = ("hadamard", "directed", "logits", "degree", "paths")


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
    log(1 + out- and in-degree) in the training network, combined symmetrically; paths, the
    weighted i → t ← r → j paths of the training network both ways (`ThreePaths`). With more
    than the Hadamard block, every column is standardised on the training pairs and each block
    weighted to equal variance (times its optional weight).
    """

    blocks: tuple[str, ...]
    embeddings: np.ndarray
    output_weight: np.ndarray | None = None
    output_bias: np.ndarray | None = None
    degree: np.ndarray | None = None  # (N, 2): out-degree, in-degree
    edges: np.ndarray | None = None  # (E, 2): the training network, for the paths block
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
            elif block == "degree":
                parts.append(self._degrees(pairs, own_edges))
            else:
                parts.append(self._paths(pairs))
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

    def degree_features(self, pairs: np.ndarray) -> np.ndarray:
        """The degree block of `pairs` (not scaled), for pairs that are not training edges."""
        return self._degrees(torch.as_tensor(np.asarray(pairs, dtype=np.int64).reshape(-1, 2)),
                             None).numpy()

    def paths_features(self, pairs: np.ndarray) -> np.ndarray:
        """The paths block of `pairs` (not scaled)."""
        return self._paths(torch.as_tensor(np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
                           ).numpy()

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

    def _paths(self, pairs: torch.Tensor) -> torch.Tensor:
        """Symmetric in i and j: log(1 + paths i⇝j + paths j⇝i) and |log(1 + i⇝j) − log(1 +
        j⇝i)|; paths through the pair's own edge are never counted (no own_edges needed)."""
        device = pairs.device.type
        paths = self._on_device.get(("paths", device))
        if paths is None:
            paths = ThreePaths.from_edges(self.edges, len(self.embeddings)).to(device)
            self._on_device[("paths", device)] = paths
        i, j = pairs[:, 0], pairs[:, 1]
        forward, backward = paths.score(i, j).double(), paths.score(j, i).double()
        return torch.stack([(forward + backward).log1p(),
                            (forward.log1p() - backward.log1p()).abs()], dim=1)

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
        return {"hadamard": d, "directed": 3 * d, "logits": 2, "degree": 4, "paths": 2}[block]

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"blocks": np.array(self.blocks), "embeddings": self.embeddings}
        if self.block_weights is not None:
            arrays["block_weights"] = np.array(self.block_weights)
        for name in ("output_weight", "output_bias", "degree", "edges", "mean", "scale"):
            if getattr(self, name) is not None:
                arrays[name] = getattr(self, name)
        return arrays

    @classmethod
    def from_arrays(cls, arrays) -> PairFeaturizer:
        optional = {name: np.asarray(arrays[name]) for name in
                    ("output_weight", "output_bias", "degree", "edges", "mean", "scale")
                    if name in arrays}
        weights = tuple(map(float, arrays["block_weights"])) if "block_weights" in arrays else None
        return cls(tuple(str(b) for b in arrays["blocks"]), np.asarray(arrays["embeddings"]),
                   **optional, block_weights=weights)
