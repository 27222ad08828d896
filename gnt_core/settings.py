"""Every parameter of a run, in one place, as plain dataclasses (no torch): `TrainConfig` for
phase 1, `RunSettings` for the whole run, and the named presets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Above this many training pairs the SVM is fitted on a stratified random subsample: its
# support vectors (≤ this many) set the cost of scoring every candidate pair.
SVM_MAX_TRAIN_PAIRS = 5_000
# GNT Explorer's configuration, chosen on validation pairs (benchmarks/RESULTS.md); the thesis
# used features="hadamard", svm_gamma_scale=1.0, class_weight=None
DEFAULT_FEATURES = "hadamard+degree+paths"
DEFAULT_GAMMA_SCALE = 0.5
DEFAULT_CLASS_WEIGHT = "balanced"


@dataclass
class TrainConfig:
    """Phase-1 hyper-parameters; the defaults are the paper's."""

    dim: int = 128
    alpha: float = 1.0
    architecture: str = "transformer"
    n_layers: int = 2
    n_heads: int = 4
    dropout: float = 0.1
    epochs: int = 30
    patience: int = 15  # stop after this many epochs without a better probe (0: never); round 14
    batch_size: int = 256
    learning_rate: float = 0.002
    n_neg_samples: int = 10
    softmax: str = "auto"  # "full", "sampled" or "auto" (full while N is small for the device)
    device: str = "auto"
    seed: int = 0
    cell_groups: int = 1  # expression tokens: one per k-means group of cells (1 = the paper)
    # CPU threads for phase 1. Its matrices are small, so 1 thread costs ~10 % on idle cores
    # (0.386 vs 0.350 s/epoch, 2 cores); with 2, torch's OpenMP threads busy-wait and a second
    # process on the same cores made epochs 10-15 times slower.
    threads: int = 1

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RunSettings:
    """Everything a run depends on. The defaults are GNT Explorer's configuration, chosen on
    validation pairs (benchmarks/RESULTS.md); `preset("paper")` is the thesis'."""

    protocol: str = "candidates"
    seed: int = 0
    train: TrainConfig = field(default_factory=TrainConfig)
    svm_c: float = 1.0
    svm_gamma_scale: float = DEFAULT_GAMMA_SCALE
    svm_class_weight: str | None = DEFAULT_CLASS_WEIGHT  # no change on 1:1 training pairs
    svm_max_train_pairs: int = SVM_MAX_TRAIN_PAIRS
    features: str = DEFAULT_FEATURES
    stacking: bool = True  # a logistic layer over SVM, degrees, |PCC|, L3 (validation pairs)
    prior_shift: bool = True  # regulator-balanced training ranked as the natural universe
    ablation: bool = True
    universe: str = "regulators"
    split_dir: str | None = None  # a given split (train/val/test.csv); protocol becomes "given"

    @property
    def uses_stacking(self) -> bool:
        """Whether a run fits the stacking layer: never for a tf-matched test, which is
        regulator-balanced itself and asks which target, not which pair of all."""
        return self.stacking and self.protocol != "tf-matched"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> RunSettings:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        known["train"] = TrainConfig(**known.get("train", {}))
        known.setdefault("stacking", False)  # runs saved before the layer existed ran without it
        return cls(**known)


@dataclass
class DiscoverySettings:
    """Discovery: how many seeds, how many cross-fitting folds, and the list length that
    stability is measured at. Phase-1 epochs default to the evaluation's choice."""

    seeds: int = 5
    folds: int = 3
    top_n: int = 1000  # stability = fraction of seeds in which a pair ranks in the top N
    epochs: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS = {
    "default": {},
    # the thesis: Hadamard features, RBF SVM with sklearn's gamma, random negatives
    "paper": {"features": "hadamard", "svm_gamma_scale": 1.0, "svm_class_weight": None,
              "protocol": "random", "prior_shift": False, "stacking": False},
}
PRESET_DESCRIPTIONS = {
    "default": "GNT Explorer's default: Hadamard + training-degree + network-paths (L3) pair "
               "features, candidates protocol, the regulator prior shift after "
               "regulator-balanced training, a logistic layer over SVM score, degrees, |PCC| "
               "and L3 fitted on validation pairs (chosen on the validation pairs of six "
               "BEELINE datasets)",
    "paper": "the thesis: Hadamard pair features only, random negatives",
}
PRESET_NAMES = {"default": "GNT Explorer's default configuration",
                "paper": "the thesis' configuration"}


def preset(name: str, **overrides) -> RunSettings:
    """RunSettings of a named preset, with overrides (e.g. protocol, seed, train)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, not {name!r}")
    return RunSettings(**(PRESETS[name] | overrides))
