"""Paths of length 3 in the training network, a pair feature for "which target of MY regulator?".

L3 (Kovács et al., Nat Commun 2019): gene j is a likely target of regulator i when i's targets
share regulators with j, i → t ← r → j, each path weighted 1/sqrt(in-degree of t · out-degree of
r) so that hubs do not swamp it. Paths that run through the pair's own edge i → j are left out,
so a training edge is scored as if it were unseen (exactly its leave-one-out value) and
training and test pairs look alike to the SVM.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch

ROWS_PER_BLOCK = 256


@dataclass
class ThreePaths:
    """Weighted counts of i → t ← r → j paths, for any (i, j), on one torch device. Holds an
    R × N float32 array (R regulators with training targets, N genes): 160 MB for 2,000
    regulators × 20,000 genes."""

    rows: torch.Tensor  # (N,): row of `reach` for a regulator, -1 for a gene without targets
    reach: torch.Tensor  # (R, N): from regulator i, the weight of all paths to each gene j
    edge_keys: torch.Tensor  # sorted i * N + j of the training edges
    own: torch.Tensor  # per training edge, the weight of the paths through the edge itself

    @classmethod
    def from_edges(cls, edges: np.ndarray, n_genes: int) -> ThreePaths:
        edges = np.unique(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=0)
        edges = edges[edges[:, 0] != edges[:, 1]]
        adjacency = sp.csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])),
                                  shape=(n_genes, n_genes))
        k_in = np.asarray(adjacency.sum(axis=0)).ravel()
        k_out = np.asarray(adjacency.sum(axis=1)).ravel()
        inv_in = 1 / np.sqrt(np.maximum(k_in, 1))
        inv_out = 1 / np.sqrt(np.maximum(k_out, 1))
        regulators = np.flatnonzero(k_out)
        from_regulators = adjacency[regulators]  # (R, N)
        # shared[i, r] = Σ_t A[i, t] A[r, t] / sqrt(k_in t), then / sqrt(k_out r)
        shared = (from_regulators @ sp.diags(inv_in) @ from_regulators.T).toarray()
        shared *= inv_out[regulators][None, :]
        reach = np.empty((len(regulators), n_genes), dtype=np.float32)  # shared @ A_R
        for start in range(0, len(regulators), ROWS_PER_BLOCK):  # bounded float64 temporaries
            block = shared[start:start + ROWS_PER_BLOCK]
            reach[start:start + len(block)] = (from_regulators.T @ block.T).T
        rows = np.full(n_genes, -1, dtype=np.int64)
        rows[regulators] = np.arange(len(regulators))
        i, j = edges[:, 0], edges[:, 1]
        into_j = np.bincount(j, weights=inv_out[i], minlength=n_genes) * inv_in  # u[j]
        from_i = np.bincount(i, weights=inv_in[j], minlength=n_genes) * inv_out  # v[i]
        own = into_j[j] + from_i[i] - inv_in[j] * inv_out[i]
        return cls(torch.as_tensor(rows), torch.as_tensor(reach),
                   torch.as_tensor(i * n_genes + j), torch.as_tensor(own, dtype=torch.float32))

    def to(self, device: str) -> ThreePaths:
        return ThreePaths(*(t.to(device) for t in (self.rows, self.reach, self.edge_keys,
                                                   self.own)))

    def score(self, i: torch.Tensor, j: torch.Tensor) -> torch.Tensor:
        """Weight of the paths i → t ← r → j that avoid the edge i → j."""
        if not len(self.reach):  # a network without edges (e.g. a cross-fitting fold's)
            return torch.zeros(len(i), dtype=self.reach.dtype, device=self.reach.device)
        row = self.rows[i]
        found = self.reach[row.clamp(min=0), j] * (row >= 0)
        keys = i * self.reach.shape[1] + j
        at = torch.searchsorted(self.edge_keys, keys).clamp(max=max(len(self.edge_keys) - 1, 0))
        if len(self.edge_keys):
            found = found - self.own[at] * (self.edge_keys[at] == keys)
        return found.clamp(min=0)
