"""Method notes the app shows beside results: what the default model does, what the project's
benchmarks say about it, and what a baseline or the ablation as good as GNT would mean."""

from gnt_core.vocabulary import METHOD_LABELS, METRIC_LABELS

# what a method as good as GNT would explain GNT's result by, one sentence per method
AS_GOOD_AS_GNT = {
    "gne_mlp": "Under this protocol GNT's result is explained as well by the same pipeline "
               "without the transformer (an MLP encoder): the transformer added nothing "
               "measurable.",
    "ranker": "Under this protocol GNT's result is explained as well by the stack without GNT: "
              "the known network's shape and the expression evidence, without GNT's embedding.",
    "degree": "Under this protocol GNT's result is explained as well by how many training edges "
              "the two genes already have: ranking hub genes first does as well.",
    "paths": "Under this protocol GNT's result is explained as well by counting paths of length "
             "3 in the known network (L3): the known network's shape alone does as well, "
             "without any expression data or training.",
    "pcc": "Under this protocol GNT's result is explained as well by |PCC|, how strongly the "
           "two expression profiles correlate: no model is needed for that.",
    "random": "Under this protocol GNT ranks no better than chance (a random ranking).",
}


def as_good_as_gnt(comparison: dict) -> list[str]:
    """A warning (Markdown) for each baseline or the ablation that ties with or beats GNT: on
    which metrics, and what it would explain GNT's result by."""
    found: dict[str, list[str]] = {}
    for metric, result in comparison.items():
        for role, method in (("baseline", result.get("best_baseline")), ("ablation", "gne_mlp")):
            if result.get(role) in ("tie", "behind"):
                found.setdefault(method, []).append(METRIC_LABELS[metric])
    return [f"The **{METHOD_LABELS[method]}** is as good as GNT or ahead of it on "
            f"{', '.join(metrics)} (within one sd over seeds, or 2 % with one seed). "
            f"{AS_GOOD_AS_GNT[method]} Do not read it as evidence that GNT learnt regulation."
            for method, metrics in found.items()]


DEFAULTS_CHOICE = (
    "The default configuration was chosen on validation pairs, never on test pairs, of six "
    "BEELINE datasets (mouse dendritic cells with two ChIP-seq networks, mouse embryonic stem "
    "cells with three, mouse haematopoietic stem cells), under the tf-matched, candidates and "
    "GENELink's protocols, five seeds each. Beyond the thesis' configuration (the Hadamard "
    "product of the two genes' embeddings, into an SVM), it adds what lifted the top of the "
    "ranking there: each gene's number of training edges and the paths of length 3 (L3) between "
    "them in the known network as pair features, a class-balanced SVM and, except under "
    "tf-matched, a ranker over the known network's shape and the expression evidence, joined "
    "with the SVM score by a logistic layer fitted on validation pairs. Choose the thesis' "
    "configuration to reproduce the thesis. Whatever you choose, the Evaluate page trains the "
    "same baselines and the GNE-MLP ablation beside GNT on your data, so you can see what each "
    "part adds."
)

PRIOR_SHIFT = (
    "This split's training pairs are balanced per regulator (each regulator has as many "
    "negatives as positives), so no model fitted on them can learn that hub regulators have "
    "more targets. GNT's scores here include the **regulator prior shift**: the SVM score, "
    "Platt-scaled on validation pairs (slope {slope:.2f}), plus log(training targets of the two "
    "genes + ½). That is Bayes' rule for ranking the natural universe of regulator × gene pairs; "
    "the GNE-MLP ablation gets the same shift. Turn it off with `prior_shift=False` "
    "(library) to rank the pairs of a regulator-balanced set."
)

STACKING = (
    "GNT's scores here come through the **ranker for the top of the list**: gradient-boosted "
    "trees over 23 topological predictors of the training network (L3 both ways, common "
    "neighbours, Adamic–Adar, PageRank, a low-rank score, degrees, …) and the expression "
    "evidence of the two genes (Pearson, Spearman and partial correlation), fitted on the "
    "training pairs only, each held-out edge scored on the network without it, plus a fixed "
    "prior for genes that share neighbours (up to 3 log-odds, by where the pair's Adamic–Adar "
    "stands among the network's pairs: the edges another reference holds among those the "
    "network lacks look like that more than like its own); then a logistic "
    "layer, fitted on the validation pairs, adds the GNT SVM score (where the training pairs "
    "are balanced per regulator, the layer is fitted on the validation edges among uniform "
    "non-edges of the whole universe instead, so that it weighs the two for the list as it "
    "is ranked, hub regulators included). Layer weights, per sd of "
    "each input: {weights}. The evidence the trees used most: {evidence}. The baseline "
    "\"stack without GNT\" is the ranker alone: where GNT ties with it, the embedding added "
    "nothing measurable to this ranking. The paper configuration (or `gnt train "
    "--no-stacking`) ranks by the SVM alone."
)

TRANSFORMER_VERDICT = (
    "**Does the transformer add anything here?** Not measurably, on the data we could test. "
    "On the six shared BEELINE sets the same pipeline with an MLP encoder (the GNE-MLP "
    "ablation, trained beside GNT on every run) ranks as well as the transformer: within one "
    "sd in most cells, and inside the stacked ranking as well. One principled change that "
    "could have made it matter — several expression tokens per gene over cell groups — was "
    "selected on validation pairs and helped the MLP as much. What lifts the top of the list "
    "is the known network's structure and the ranker built on it; compare GNT with the "
    "\"stack without GNT\" and GNE-MLP rows below before crediting the embedding."
)

TRANSFORMER = """
**Does the transformer matter?** Rarely, on the BEELINE data we could test. GNT's encoder (a
2-layer transformer over an identity token and expression token(s)) and the GNE-MLP ablation
(the same pipeline with an MLP encoder) were compared on six BEELINE sets (mDC ×2, mESC ×3,
mHSC-L) under tf-matched, candidates and GENELink's splits, 5 seeds each: the two are within
one standard deviation of each other in most cells, on AUROC, AUPRC and per-regulator metrics;
GNT is ahead by more than one sd only on the two largest networks (mESC specific and STRING).
Most of what either learns comes from the network's structure (which genes are hubs, who shares
neighbours); expression evidence alone (correlation, partial correlation, GENIE3-style tree
importance) is close to chance within a regulator on these data. The ablation is always trained
beside GNT so that you can see this for your own data: where it ties with GNT, read GNT's result
as "an embedding of the known network", not as evidence that the transformer found regulation
in the expression.

**The network-paths baseline (L3).** Paths of length 3 in the training network (regulator → its
targets ← their other regulators → gene) score a pair without any expression data or training.
GNT uses them as pair features and in its stacking layer; alone, they come close to GNT when
choosing the targets of one regulator, and on one of the six BEELINE sets we tested (mDC,
non-specific ChIP-seq) they still rank the very top of a candidate list better than GNT does
(AUPRC). Where the L3 curve is at or above GNT's, the top candidates are explained by the known
network's shape: check them against the literature knowing that. These figures come from the
project's benchmark runs, which ship with its source code rather than with the app.
"""
