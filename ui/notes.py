"""Method notes the app shows beside results: what the default model does, and what the
benchmarks say about it (benchmarks/RESULTS.md)."""

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
    "training pairs only, each held-out edge scored on the network without it; then a logistic "
    "layer, fitted on the validation pairs, adds the GNT SVM score. Layer weights, per sd of "
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
network's shape: check them against the literature knowing that. Figures:
`benchmarks/RESULTS.md` in the project.
"""
