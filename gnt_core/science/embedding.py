"""Phase 1: learn gene embeddings by predicting each gene's training-network neighbours.

Only the training positives enter this loop. After every epoch a linear probe (ridge
regression on Hadamard pair features of the training pairs) is scored on the validation pairs;
the epoch with the best validation AUROC is kept, and training stops once `patience` epochs
have passed without a better one (the kept epoch is then the one a full run would keep unless
a later epoch would have beaten it). Without validation pairs (discovery, whose
epoch count was chosen by an evaluation run) the last epoch is kept.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

from ..settings import TrainConfig
from .device import resolve_device
from .encoder import GeneEncoder
from .preprocess import cell_groups, compress_profiles, standardise
from .splits import PairSet

FULL_SOFTMAX_MAX_GENES = {"cpu": 5_000, "cuda": 50_000}
PROBE_MAX_PAIRS = 5_000


@dataclass
class EpochReport:
    epoch: int
    epochs: int
    loss: float
    val_auroc: float
    seconds: float


@dataclass
class TrainResult:
    model: GeneEncoder
    embeddings: np.ndarray  # (N, dim) float32, from the best epoch
    best_epoch: int
    best_val_auroc: float
    device: str
    softmax: str
    seconds: float
    history: list[EpochReport] = field(default_factory=list)


def neighbour_examples(train_positives: np.ndarray) -> np.ndarray:
    """(gene, neighbour) examples: both directions of every training pair."""
    pairs = np.asarray(train_positives, dtype=np.int64).reshape(-1, 2)
    return np.concatenate([pairs, pairs[:, ::-1]])


def train_gene_embeddings(expression: np.ndarray, train: PairSet, val: PairSet | None,
                          config: TrainConfig | None = None,
                          progress: Callable[[EpochReport], None] | None = None,
                          ) -> TrainResult:
    """Fit a GeneEncoder on the positives of `train`; select the epoch on `val`."""
    config = config or TrainConfig()
    device = resolve_device(config.device)
    n_genes = expression.shape[0]
    softmax = choose_softmax(config.softmax, n_genes, device)
    started = time.perf_counter()
    threads = torch.get_num_threads()
    if device == "cpu":
        torch.set_num_threads(max(1, config.threads))
    try:
        return _train(expression, train, val, config, progress, device, softmax, started)
    finally:
        torch.set_num_threads(threads)


def _train(expression: np.ndarray, train: PairSet, val: PairSet | None, config: TrainConfig,
           progress: Callable[[EpochReport], None] | None, device: str, softmax: str,
           started: float) -> TrainResult:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        groups = (cell_groups(expression, config.cell_groups, config.seed)
                  if config.cell_groups > 1 else None)
        profiles, groups = compress_profiles(standardise(expression), groups, config.seed)
        model = GeneEncoder(
            torch.from_numpy(profiles), dim=config.dim, alpha=config.alpha,
            architecture=config.architecture, n_layers=config.n_layers, n_heads=config.n_heads,
            dropout=config.dropout,
            cell_groups=None if groups is None else torch.from_numpy(groups)).to(device)
        examples = torch.from_numpy(neighbour_examples(train.positives)).to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
        generator = torch.Generator(device=device).manual_seed(config.seed)
        probe = _LinearProbe(train, val, config.seed)
        best = (-1.0, 0, None)
        history = []
        for epoch in range(1, config.epochs + 1):
            loss = _run_epoch(model, examples, optimiser, generator, config, softmax)
            embeddings = model.all_embeddings()
            val_auroc = probe.score(embeddings.float().cpu().numpy())
            history.append(EpochReport(epoch, config.epochs, loss, val_auroc,
                                       time.perf_counter() - started))
            if np.isnan(val_auroc) or val_auroc > best[0]:  # no usable probe: keep the last
                best = (val_auroc, epoch, copy.deepcopy(model.state_dict()))
            if progress is not None:
                progress(history[-1])
            if config.patience and epoch - best[1] >= config.patience:
                break  # a best this old was never beaten later (RESULTS.md, round 14)
        model.load_state_dict(best[2])
        embeddings = model.all_embeddings().float().cpu().numpy()
    return TrainResult(model, embeddings, best[1], best[0], device, softmax,
                       time.perf_counter() - started, history)


def choose_softmax(softmax: str, n_genes: int, device: str) -> str:
    if softmax == "auto":
        return "full" if n_genes <= FULL_SOFTMAX_MAX_GENES[device] else "sampled"
    if softmax not in ("full", "sampled"):
        raise ValueError(f"softmax must be 'auto', 'full' or 'sampled', not {softmax!r}")
    return softmax


def _run_epoch(model: GeneEncoder, examples: torch.Tensor, optimiser: torch.optim.Optimizer,
               generator: torch.Generator, config: TrainConfig, softmax: str) -> float:
    model.train()
    n_genes = model.output.out_features
    order = torch.randperm(len(examples), generator=generator, device=examples.device)
    total = 0.0
    for start in range(0, len(examples), config.batch_size):
        batch = examples[order[start:start + config.batch_size]]
        genes, neighbours = batch[:, 0], batch[:, 1]
        if softmax == "full":
            loss = F.cross_entropy(model(genes), neighbours)
        else:
            negatives = torch.randint(0, n_genes, (len(batch), config.n_neg_samples),
                                      generator=generator, device=batch.device)
            candidates = torch.cat([neighbours[:, None], negatives], dim=1)
            logits = model.sampled_logits(genes, candidates)
            loss = F.cross_entropy(logits, torch.zeros_like(neighbours))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        total += loss.item() * len(batch)
    return total / max(len(examples), 1)


class _LinearProbe:
    """Validation AUROC of a ridge-regression probe on Hadamard features of training pairs.

    A closed-form linear probe costs milliseconds per epoch; the SVM is fitted once, at the end.
    """

    def __init__(self, train: PairSet, val: PairSet | None, seed: int, ridge: float = 1.0):
        rng = np.random.default_rng(seed)
        keep = np.arange(len(train))
        if len(keep) > PROBE_MAX_PAIRS:
            keep = np.sort(rng.choice(keep, PROBE_MAX_PAIRS, replace=False))
        self.train_pairs, self.train_labels = train.pairs[keep], train.labels[keep]
        self.val = val
        self.ridge = ridge
        self.usable = (val is not None and len(np.unique(self.train_labels)) == 2
                       and len(np.unique(val.labels)) == 2)

    def score(self, embeddings: np.ndarray) -> float:
        if not self.usable:
            return float("nan")
        emb = embeddings.astype(np.float64)
        x = emb[self.train_pairs[:, 0]] * emb[self.train_pairs[:, 1]]
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-8
        x = (x - mean) / scale
        y = self.train_labels * 2.0 - 1.0
        w = np.linalg.solve(x.T @ x + self.ridge * len(x) * np.eye(x.shape[1]), x.T @ y)
        x_val = (emb[self.val.pairs[:, 0]] * emb[self.val.pairs[:, 1]] - mean) / scale
        return float(roc_auc_score(self.val.labels, x_val @ w))
