"""Gene encoders: GNT (2-token transformer) and the GNE-style MLP ablation.

A gene is two d-vectors: a learned identity embedding and a linear map of its standardised
expression profile (weighted by alpha). The transformer mixes them as a 2-token sequence; the
ablation concatenates them through an MLP, as GNE does. With cell groups, the expression gives
one token per group of cells (a linear map of the gene's expression in those cells) instead of
one for all cells. Either way the pooled vector is projected
to the gene representation h, and an output layer W_out[N, d] + b scores every gene as a network
neighbour of the input gene.
"""

from __future__ import annotations

import torch
from torch import nn

ARCHITECTURES = ("transformer", "mlp")


class GeneEncoder(nn.Module):
    def __init__(self, expression: torch.Tensor, *, dim: int = 128, alpha: float = 1.0,
                 architecture: str = "transformer", n_layers: int = 2, n_heads: int = 4,
                 dropout: float = 0.1, cell_groups: torch.Tensor | None = None):
        super().__init__()
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, not {architecture!r}")
        n_genes, n_cells = expression.shape
        self.architecture = architecture
        self.alpha = alpha
        # the standardised expression is data, not a parameter: rebuilt from the dataset on load
        self.register_buffer("expression", expression, persistent=False)
        if cell_groups is None:
            cell_groups = torch.zeros(n_cells, dtype=torch.long)
        # cells sorted by group, so that a gene's profile splits into one slice per group
        self.register_buffer("cell_order", torch.argsort(cell_groups, stable=True),
                             persistent=False)
        counts = torch.bincount(cell_groups)
        self.group_sizes = counts[counts > 0].tolist()
        self.identity = nn.Embedding(n_genes, dim)
        self.attributes = nn.ModuleList(nn.Linear(size, dim) for size in self.group_sizes)
        n_tokens = 1 + len(self.group_sizes)
        if architecture == "transformer":
            layer = nn.TransformerEncoderLayer(dim, n_heads, dim_feedforward=2 * dim,
                                               dropout=dropout, batch_first=True)
            self.mixer = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        else:
            self.mixer = nn.Sequential(nn.Linear(n_tokens * dim, dim), nn.Tanh(),
                                       nn.Dropout(dropout))
        self.project = nn.Linear(dim, dim)
        self.output = nn.Linear(dim, n_genes)

    def embed(self, genes: torch.Tensor) -> torch.Tensor:
        """Representations h (batch, dim) of the given gene indices."""
        profiles = self.expression[genes][:, self.cell_order].split(self.group_sizes, dim=1)
        tokens = [self.identity(genes), *(self.alpha * linear(profile) for linear, profile in
                                          zip(self.attributes, profiles, strict=True))]
        if self.architecture == "transformer":
            mixed = self.mixer(torch.stack(tokens, dim=1)).mean(dim=1)
        else:
            mixed = self.mixer(torch.cat(tokens, dim=1))
        return self.project(mixed)

    def forward(self, genes: torch.Tensor) -> torch.Tensor:
        """Logits over all genes as neighbours of each input gene (full softmax)."""
        return self.output(self.embed(genes))

    def sampled_logits(self, genes: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
        """Logits for a (batch, k) set of candidate neighbours per input gene."""
        h = self.embed(genes)
        weights = self.output.weight[candidates]  # (batch, k, dim)
        return torch.einsum("bd,bkd->bk", h, weights) + self.output.bias[candidates]

    @torch.no_grad()
    def all_embeddings(self, batch_size: int = 4096) -> torch.Tensor:
        was_training = self.training
        self.eval()
        n = self.expression.shape[0]
        genes = torch.arange(n, device=self.expression.device)
        out = torch.cat([self.embed(genes[i:i + batch_size]) for i in range(0, n, batch_size)])
        self.train(was_training)
        return out
