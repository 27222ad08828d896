"""The science, one module per stage of the flow:

    preprocess     z-scored expression, k-means cell groups
    splits         unordered-pair dedupe, train/val/test, negative protocols
    encoder        the GNT transformer encoder and the GNE-MLP ablation
    embedding      phase 1: learn gene embeddings from the training network, epoch chosen on
                   validation pairs
    pair_features  phase 2: features of a gene pair (Hadamard, degrees, …)
    svm            phase 3: the RBF SVM and its exact batched decision function
    predictor      phases 1–3 as one scikit-learn estimator, `GNTLinkPredictor`
    baselines      degree, |PCC|, random
    metrics        AUROC, AUPRC, EPR, curves, the per-method metrics table
    candidates     the candidate universe, chunked scoring, the ranked table
    device         CPU or CUDA

Uses the readers (`gnt_core.io`) and `gnt_core.settings`; never runs, jobs, the CLI or the app.
Names are re-exported lazily: `from gnt_core.science import split_pairs` loads only `splits`.
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "standardise": ".preprocess", "cell_groups": ".preprocess",
    "PairSet": ".splits", "PairSplit": ".splits", "split_pairs": ".splits",
    "given_split": ".splits", "pair_keys": ".splits", "unique_pairs": ".splits",
    "GeneEncoder": ".encoder",
    "train_gene_embeddings": ".embedding", "EpochReport": ".embedding",
    "TrainResult": ".embedding",
    "PairFeaturizer": ".pair_features", "parse_features": ".pair_features",
    "PairSVM": ".svm", "RBFDecision": ".svm",
    "GNTLinkPredictor": ".predictor",
    "degree_scores": ".baselines", "pcc_scores": ".baselines", "random_scores": ".baselines",
    "BASELINE_FUNCTIONS": ".baselines",
    "evaluation_metrics": ".metrics", "curve_points": ".metrics", "metrics_frame": ".metrics",
    "Candidates": ".candidates", "score_candidates": ".candidates",
    "candidate_pairs": ".candidates",
    "resolve_device": ".device", "device_info": ".device",
}
__all__ = list(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
