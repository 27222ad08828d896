"""The `gnt` command: demo, train, evaluate, discover, benchmark, score; serve, add-user,
remove-user, gc.

Input problems print one paragraph on stderr and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import socket
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from .io import (
    EXAMPLES,
    Dataset,
    GntInputError,
    SingleCellOptions,
    load_beeline_folder,
    load_dataset,
    load_example,
    write_demo,
    write_example,
)
from .io.examples import TF_ORGANISMS, builtin_tfs
from .io.priors import PRIORS, get_prior, prior_source
from .outputs.export import FORMATS, export_bytes, format_from_path
from .outputs.filters import (
    STATUS_CHOICES,
    CandidateFilter,
    add_verdicts,
    filter_candidates,
    with_cut,
)
from .outputs.literature import ORGANISMS
from .science.candidates import UNIVERSES
from .science.metrics import metrics_frame
from .settings import (
    PRESET_DESCRIPTIONS,
    PRESETS,
    DiscoverySettings,
    RunSettings,
    TrainConfig,
    preset,
)
from .store.access import (
    ENV_DATA_ROOTS,
    add_user,
    audit,
    configured_auth,
    has_users,
    is_loopback,
    remove_user,
    sso_providers,
)
from .store.run import Run, collect_garbage
from .store.storage import gnt_home, write_bytes
from .store.verdicts import VerdictStore
from .vocabulary import (
    DISCOVER,
    EVALUATE,
    GIVEN,
    METRIC_LABELS,
    METRICS,
    PROTOCOLS,
    STAGES,
    parse_seeds,
)
from .workflows.beeline_export import write_beeline_evaluation
from .workflows.benchmark import run_benchmark
from .workflows.cluster import open_client
from .workflows.curated import check_run, curated_reference
from .workflows.discover import run_discovery
from .workflows.explain import evidence_lines, explain_pair, with_evidence
from .workflows.memory import check_memory, estimate_memory, with_free_memory
from .workflows.pipeline import check_split, evaluate_run, rescore_run, run_pipeline

EXIT_INPUT = 2
CELL_GROUPS_HELP = ("expression tokens per gene, one per k-means group of cells (1 = the paper's "
                    "single expression token)")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (GntInputError, RunDirError) as err:
        print("\n".join(textwrap.wrap(f"gnt: {err}", width=100)), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("gnt: interrupted", file=sys.stderr)
        return 130


class RunDirError(Exception):
    """A run directory that cannot be used (exists already, or is not a run)."""


# ---------------------------------------------------------------- shared argument groups


def _data_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("data (a bundled example, a BEELINE folder, or files)")
    group.add_argument("--example", choices=list(EXAMPLES),
                       help="a real dataset that ships with GNT Explorer (BEELINE mDC)")
    group.add_argument("--data", type=Path, action="append",
                       help="BEELINE/GENELink folder (gnt benchmark: repeat for several)")
    group.add_argument("--expression", type=Path, help="expression CSV/TSV(.gz) or .h5ad")
    group.add_argument("--network", type=Path, help="edge list: regulator, target[, weight]")
    group.add_argument("--prior", choices=list(PRIORS),
                       help="no network of your own: CollecTRI or DoRothEA (A-C) for "
                            "--organism, downloaded once from OmniPath and cached")
    group.add_argument("--tfs", type=Path, help="optional TF list: a file, or 'builtin' for the "
                       "bundled list of --organism")
    group.add_argument("--organism", choices=TF_ORGANISMS,
                       help="for --tfs builtin and --prior: human or mouse")
    group.add_argument("--orientation", default="auto",
                       choices=["auto", "genes_x_cells", "cells_x_genes"])
    group.add_argument("--ignore-case", action="store_true",
                       help="match network genes to expression genes ignoring case")
    cells = parent.add_argument_group("single-cell files (.h5ad, .loom, a 10x folder)")
    cells.add_argument("--layer", default="X", help="X, raw, or the name of a layer")
    cells.add_argument("--gene-column", help="a var column holding gene symbols")
    cells.add_argument("--cells", metavar="COLUMN=VALUE[,VALUE…]",
                       help="keep the cells whose obs COLUMN is one of the values")
    cells.add_argument("--top-genes", type=int, metavar="N",
                       help="keep the network's genes, the TFs and the N most variable genes")
    cells.add_argument("--gene-map", help="a two-column file mapping gene identifiers to "
                       "symbols, or 'online' to look Ensembl IDs up on mygene.info (with "
                       "--organism; answers cached in $GNT_HOME/idmap)")
    return parent


def _model_options() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("model (defaults: the preset's, phase 1 as in the paper)")
    group.add_argument("--preset", default="default", choices=list(PRESETS),
                       help="; ".join(f"{k}: {v}" for k, v in PRESET_DESCRIPTIONS.items()))
    group.add_argument("--epochs", type=int, default=defaults.epochs)
    group.add_argument("--patience", type=int, default=defaults.patience,
                       help="stop phase 1 after this many epochs without a better validation "
                            "probe (0: run every epoch)")
    group.add_argument("--dim", type=int, default=defaults.dim)
    group.add_argument("--alpha", type=float, default=defaults.alpha)
    group.add_argument("--cell-groups", type=int, default=defaults.cell_groups,
                       help=CELL_GROUPS_HELP)
    group.add_argument("--batch-size", type=int, default=defaults.batch_size)
    group.add_argument("--lr", type=float, default=defaults.learning_rate)
    group.add_argument("--softmax", default=defaults.softmax,
                       choices=["auto", "full", "sampled"])
    group.add_argument("--stacking", action=argparse.BooleanOptionalAction,
                       help="rank through the ranker for the top of the list (boosted trees "
                       "over the network's topological predictors and expression evidence, "
                       "cross-fitted on training pairs) and a layer adding the SVM score, "
                       "fitted on validation pairs; never used for tf-matched (default: the "
                       "preset's, on in default, off in paper)")
    return parent


def _cluster_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where the cells run (Dask distributed)")
    group.add_argument("--workers", type=int, help="a local cluster of N worker processes "
                       "(default: one per CPU); 0 runs in this process")
    group.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="an existing Dask cluster ('dask scheduler' + 'dask worker')")


def _device_option() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                        help="auto: CUDA when present, else the CPU")
    return parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gnt", description="GeneNet Transformer: predict "
                                     "missing regulatory edges, with honest evaluation.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    data, model, device = _data_options(), _model_options(), _device_option()

    demo = commands.add_parser("demo", help="write the synthetic demo dataset (or a larger "
                               "synthetic one)")
    demo.add_argument("out_dir", type=Path)
    demo.add_argument("--example", choices=list(EXAMPLES),
                      help="write a bundled real example (BEELINE mDC) instead")
    demo.add_argument("--genes", type=int, default=300)
    demo.add_argument("--regulators", type=int, default=30)
    demo.add_argument("--cells", type=int, default=300)
    demo.add_argument("--regulators-per-target", type=int, default=3,
                      help="each regulated gene gets 1 to this many regulators")
    demo.set_defaults(handler=_demo)

    train = commands.add_parser("train", parents=[data, model, device],
                                help="train GNT, the ablation and the baselines; evaluate and "
                                "rank candidates")
    train.add_argument("--protocol", choices=PROTOCOLS,
                       help="negative protocol (default: the preset's)")
    train.add_argument("--split-dir", type=Path, help="use the given split instead: a folder "
                       "with train.csv, val.csv, test.csv (columns tf,target,label)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--universe", default="regulators", choices=UNIVERSES,
                       help="candidate pairs to rank")
    train.add_argument("--no-ablation", action="store_true", help="skip the GNE-MLP ablation")
    train.add_argument("--out", type=Path, required=True, help="run directory to create")
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("evaluate", help="re-score a saved run's test pairs and "
                                   "print every method's metrics")
    evaluate.add_argument("run_dir", type=Path)
    evaluate.set_defaults(handler=_evaluate)

    bench = commands.add_parser("benchmark", parents=[data, model, device],
                                help="datasets × protocols × seeds × methods; resumable; "
                                "writes results.csv and summary.md")
    bench.add_argument("--protocols", default=",".join(PROTOCOLS),
                       help="comma-separated (default: all three)")
    bench.add_argument("--seeds", default="0,1,2,3,4", help="comma-separated seeds")
    bench.add_argument("--given-split", metavar="NAME",
                       help="also evaluate on each dataset's given split in DIR/NAME (e.g. "
                            "splits-genelink): protocol 'given', and 'given-clean' without "
                            "test pairs that are training positives")
    bench.add_argument("--out", type=Path, required=True, help="folder for the results")
    _cluster_options(bench)
    bench.set_defaults(handler=_benchmark)

    discover = commands.add_parser(
        "discover", parents=[data, model, device],
        help="train on every known edge and rank the novel pairs: cross-fitted, consensus "
             "over seeds, with stability and expected precision")
    discover.add_argument("--evaluation", type=Path, help="a complete evaluation run whose "
                          "settings, epoch count and calibration to use (default: evaluate "
                          "first, candidates protocol, into OUT/evaluation)")
    discover.add_argument("--seeds", type=int, default=DiscoverySettings.seeds,
                          help="number of seeds in the consensus (default 5)")
    discover.add_argument("--seed", type=int, default=0, help="the first seed")
    discover.add_argument("--folds", type=int, default=DiscoverySettings.folds,
                          help="cross-fitting folds of the unknown pairs")
    discover.add_argument("--top-n", type=int, default=DiscoverySettings.top_n,
                          help="stability: the fraction of seeds with the pair in the top N")
    discover.add_argument("--universe", default="regulators", choices=UNIVERSES,
                          help="candidate pairs to rank")
    discover.add_argument("--out", type=Path, required=True, help="run directory to create")
    discover.add_argument("--curated", metavar="SOURCE",
                          help="check the novel pairs against curated edges: an edge list "
                               "file, or collectri / dorothea (OmniPath, for --organism; "
                               "downloaded once and cached)")
    discover.set_defaults(handler=_discover)

    serve = commands.add_parser("serve", help="start the app (127.0.0.1 by default; another "
                                "address is a shared server and needs users)")
    serve.add_argument("--address", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--data-root", type=Path, action="append", default=[],
                       help="on a shared server, a folder users may open datasets from "
                            "(repeat for several)")
    serve.set_defaults(handler=_serve)

    add_user = commands.add_parser("add-user", help="add (or reset) a user of a shared server; "
                                   "the password is read from the terminal, or stdin")
    add_user.add_argument("name")
    add_user.set_defaults(handler=_add_user)
    remove_user = commands.add_parser("remove-user", help="remove a user of a shared server")
    remove_user.add_argument("name")
    remove_user.set_defaults(handler=_remove_user)

    gc = commands.add_parser("gc", help="remove failed and cancelled runs (and, with "
                             "--older-than, old ones); runs with verdicts are kept")
    gc.add_argument("--older-than", type=float, metavar="DAYS",
                    help="also remove complete runs last updated more than DAYS days ago")
    gc.add_argument("--include-verdicts", action="store_true",
                    help="remove runs that verdicts refer to as well")
    gc.add_argument("--dry-run", action="store_true", help="only list what would go")
    gc.add_argument("--root", type=Path, help="runs folder (default: $GNT_HOME/runs)")
    gc.set_defaults(handler=_gc)

    score = commands.add_parser("score", parents=[device],
                                help="export a run's ranked pairs (an evaluation run can be "
                                     "rescored over another universe)")
    score.add_argument("run_dir", type=Path)
    score.add_argument("--format", choices=list(FORMATS), help="default: from the file name "
                       "(rankedEdges.csv: beeline; .csv; .tsv: scenic; .graphml; .sif; .cyjs)")
    score.add_argument("--status", choices=STATUS_CHOICES, default="all",
                       help="keep pairs of this status (an evaluation run's false positives "
                            "are test negatives among as many top test pairs as it has test "
                            "positives)")
    score.add_argument("--top", type=int, help="keep the K best pairs (after --status)")
    score.add_argument("--universe", choices=UNIVERSES,
                       help="rescore an evaluation run over this universe")
    score.add_argument("--organism", choices=list(ORGANISMS),
                       help="for the pubmed_records column (counts already in the literature "
                            "cache; no request is made)")
    score.add_argument("--out", type=Path, help="file to write")
    score.add_argument("--evaluation-set", type=Path, metavar="DIR",
                       help="with --format beeline: write DIR/rankedEdges.csv (the test pairs "
                            "of an evaluation run under candidates, both directions where both "
                            "genes can regulate) and DIR/refNetwork.csv (its held-out edges) for "
                            "BEELINE's BLEval (docs/beeline.md)")
    score.set_defaults(handler=_score)

    explain = commands.add_parser("explain", help="the evidence behind one pair of a run: "
                                  "correlations in the cells, paths in the known network, what "
                                  "drove the ranker, PubMed records (GNT_OFFLINE=1: no request)")
    explain.add_argument("run_dir", type=Path)
    explain.add_argument("regulator")
    explain.add_argument("target")
    explain.add_argument("--format", choices=["text", "json"], default="text")
    explain.add_argument("--organism", choices=list(ORGANISMS),
                         help="limit the PubMed count and links to this organism")
    explain.set_defaults(handler=_explain)
    return parser


def _settings(args, **overrides) -> RunSettings:
    """The preset's RunSettings with these overrides and the --stacking choice, if made."""
    stacking = {} if args.stacking is None else {"stacking": args.stacking}
    return preset(args.preset, **overrides, **stacking)


def _require_at_least(*checks: tuple[str, float, float]) -> None:
    """Each (option, value, minimum): a value below its minimum is the user's to fix."""
    for name, value, minimum in checks:
        if value < minimum:
            raise GntInputError(f"{name} must be at least {minimum:g}, not {value:g}")


def _train_config(args, dataset_cells: int | None = None) -> TrainConfig:
    """Phase-1 settings from the model and device options."""
    _require_at_least(("--epochs", args.epochs, 1), ("--dim", args.dim, 1),
                      ("--batch-size", args.batch_size, 1))
    if not args.lr > 0:
        raise GntInputError(f"--lr must be above 0, not {args.lr:g}")
    if dataset_cells is not None and not 1 <= args.cell_groups <= dataset_cells:
        raise GntInputError(f"--cell-groups must be from 1 to the number of cells "
                            f"({dataset_cells}), not {args.cell_groups}.")
    return TrainConfig(dim=args.dim, alpha=args.alpha, epochs=args.epochs,
                       batch_size=args.batch_size, learning_rate=args.lr, softmax=args.softmax,
                       device=args.device, seed=getattr(args, "seed", 0),
                       cell_groups=args.cell_groups, patience=args.patience)


def _demo(args) -> int:
    if args.example:
        paths = write_example(args.example, args.out_dir)
        print(f"wrote the example {args.example}: {', '.join(str(p) for p in paths.values())}")
        return 0
    paths = write_demo(args.out_dir, n_genes=args.genes, n_regulators=args.regulators,
                       n_cells=args.cells, max_regulators_per_target=args.regulators_per_target)
    print(f"wrote the demo dataset: {', '.join(str(p) for p in paths.values())}")
    return 0


def _load(args):
    network = args.network
    if args.prior is not None:
        if args.network is not None:
            raise GntInputError("give either --network FILE or --prior NAME, not both")
        network = prior_source(get_prior(args.prior, args.organism, gnt_home() / "priors"))
    sources = [args.example is not None, bool(args.data),
               args.expression is not None or network is not None]
    if sum(sources) > 1 or len(args.data or ()) > 1:
        raise GntInputError("give one of --example NAME, --data DIR, or --expression and "
                            "--network")
    if args.example is not None:
        return load_example(args.example)
    if args.data:
        return load_beeline_folder(args.data[0], orientation=args.orientation,
                                   ignore_case=args.ignore_case)
    if args.expression is None or network is None:
        raise GntInputError("give --example NAME (a bundled dataset), --data DIR (a BEELINE "
                            "folder), or --expression FILE with --network FILE or --prior NAME")
    tfs = builtin_tfs(args.organism) if str(args.tfs) == "builtin" else args.tfs
    return load_dataset(args.expression, network, tfs=tfs,
                        orientation=args.orientation, ignore_case=args.ignore_case,
                        single_cell=_single_cell(args))


def _single_cell(args) -> SingleCellOptions:
    column, values = None, ()
    if args.cells:
        column, _, listed = args.cells.partition("=")
        values = tuple(v.strip() for v in listed.split(",") if v.strip())
        if not column.strip() or not values:
            raise GntInputError(f"--cells takes COLUMN=VALUE[,VALUE…], such as "
                                f"cell_type=B cell, not {args.cells!r}")
    if args.top_genes is not None and args.top_genes < 1:
        raise GntInputError("--top-genes must be a positive number of genes")
    return SingleCellOptions(layer=args.layer, gene_column=args.gene_column,
                             cells_column=column.strip() if column else None,
                             cells_values=values, top_genes=args.top_genes,
                             gene_map=args.gene_map, organism=args.organism,
                             cache=str(gnt_home() / "idmap"))


def _check_new_dir(path: Path) -> None:
    if path.exists() and any(path.iterdir()):
        raise RunDirError(f"{path} exists and is not empty; choose a new run directory")


def _train(args) -> int:
    _check_new_dir(args.out)
    dataset = _load(args)
    for line in dataset.report.lines():
        print(f"  {line}")
    config = _train_config(args, dataset.n_cells)
    overrides = {"protocol": args.protocol} if args.protocol else {}
    settings = _settings(args, seed=args.seed, train=config, ablation=not args.no_ablation,
                         universe=args.universe,
                         split_dir=str(args.split_dir) if args.split_dir else None, **overrides)
    check_split(dataset, settings)
    _check_memory(dataset, settings, discover=False)
    args.out.mkdir(parents=True, exist_ok=True)
    run = Run(args.out)
    run.set_state("running")
    with _ProgressBars() as bars:
        metrics = run_pipeline(dataset, settings, run, progress=bars.update)
    print(_metrics_table(metrics))
    print(f"run saved in {args.out}")
    return 0


def _check_memory(dataset: Dataset, settings: RunSettings, discover: bool) -> None:
    estimate = estimate_memory(dataset, settings, discover)
    print(f"  Memory: {with_free_memory(estimate)}.")
    check_memory(estimate, "This discovery" if discover else "This run")


def _evaluate(args) -> int:
    _check_run(args.run_dir)
    print(_metrics_table(evaluate_run(args.run_dir)))
    return 0


def _discover(args) -> int:
    _check_new_dir(args.out)
    reference = None if args.curated is None else curated_reference(args.curated,
                                                                    args.organism)
    _require_at_least(("--seeds", args.seeds, 1), ("--folds", args.folds, 2),
                      ("--top-n", args.top_n, 1))
    if args.evaluation is not None:
        _check_run(args.evaluation)
        evaluation = Run(args.evaluation)
        dataset = (_load(args) if args.data or args.expression or args.example
                   else evaluation.dataset())
        settings = replace(evaluation.settings, seed=args.seed, universe=args.universe,
                           train=replace(evaluation.settings.train, device=args.device))
    else:
        dataset = _load(args)
        for line in dataset.report.lines():
            print(f"  {line}")
        settings = _settings(args, protocol="candidates", ablation=False, seed=args.seed,
                             universe=args.universe, train=_train_config(args, dataset.n_cells))
        check_split(dataset, settings)
        _check_memory(dataset, settings, discover=True)
        evaluation = Run(args.out / "evaluation")
        evaluation.path.mkdir(parents=True)
        evaluation.set_state("running")
        with _ProgressBars() as bars:
            print(_metrics_table(run_pipeline(dataset, settings, evaluation,
                                              progress=bars.update)))
    discovery = DiscoverySettings(seeds=args.seeds, folds=args.folds, top_n=args.top_n)
    run = Run(args.out)
    run.set_state("running")
    with _ProgressBars() as bars:
        summary = run_discovery(dataset, settings, discovery, run, [evaluation],
                                progress=bars.update)
    top = run.candidates().head(10)
    print(f"{summary['n_pairs']:,} novel pairs ranked ({len(summary['seeds'])} seeds, "
          f"{summary['folds']}-fold cross-fitting, {summary['epochs']} epochs); the best 10:")
    print(top[["regulator", "target", "rank", "stability", "expected_precision"]].to_string(
        index=False, float_format=lambda v: f"{v:.3f}"))
    if reference is not None:
        check = check_run(args.out, reference)
        print(f"Curated edges ({args.curated}): {check.sentence()}")
        print(check.curve.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print(f"run saved in {args.out}; ranked pairs in {run.candidates_path}")
    return 0


def _score(args) -> int:
    _check_run(args.run_dir)
    if args.evaluation_set is not None:
        return _evaluation_set(args)
    if args.out is None:
        raise GntInputError("give --out FILE (or --evaluation-set DIR with --format beeline)")
    run = Run(args.run_dir)
    try:
        fmt = args.format or format_from_path(str(args.out))
    except ValueError as err:
        raise GntInputError(str(err)) from None
    if args.universe and run.mode == DISCOVER:
        raise GntInputError("--universe rescores an evaluation run; a discovery run's universe "
                            "is fixed (run gnt discover again with --universe)")
    if args.universe:
        with tqdm(desc="scoring pairs", unit="pair", unit_scale=True, leave=False) as bar:
            def progress(stage: str, done: int, total: int, info: dict) -> None:
                bar.total = total
                bar.update(done - bar.n)

            table = rescore_run(run.path, universe=args.universe, device=args.device,
                                progress=progress)
    else:
        table = run.candidates()
    if run.mode == EVALUATE:  # the cut of the evaluation view: as many pairs as test positives
        table = with_cut(table, run.metrics.test["gnt"]["n_pos"])
    table = filter_candidates(table, CandidateFilter(status=args.status, limit=args.top))
    table = with_evidence(run.path, table, args.organism)
    verdicts = VerdictStore.existing()
    if verdicts is not None:
        table = add_verdicts(table, verdicts.table())
    write_bytes(args.out, export_bytes(table, fmt))
    print(f"wrote {len(table)} ranked pairs to {args.out} ({fmt})")
    return 0


def _evaluation_set(args) -> int:
    if args.format not in (None, "beeline") or args.out or args.universe or args.top or (
            args.status != "all"):
        raise GntInputError("--evaluation-set writes BEELINE's two files for a run's whole "
                            "test: use it with --format beeline alone (no --out, --status, "
                            "--top or --universe)")
    figures = write_beeline_evaluation(args.run_dir, args.evaluation_set, args.device)
    print(f"wrote {figures['ranked_edges']:,} ranked edges (rankedEdges.csv) and "
          f"{figures['reference_edges']:,} held-out edges (refNetwork.csv) to "
          f"{args.evaluation_set}\n"
          f"BLEval's AUPRC on them: {figures['bleval_auprc']:.4f} directed (the run's "
          f"directed test AUPRC: {figures['directed_auprc']:.4f}), "
          f"{figures['bleval_undirected_auprc']:.4f} undirected (the run's own test AUPRC: "
          f"{figures['unordered_auprc']:.4f})")
    return 0


def _explain(args) -> int:
    _check_run(args.run_dir)
    evidence = explain_pair(args.run_dir, args.regulator, args.target, organism=args.organism)
    print(json.dumps(evidence, indent=1) if args.format == "json"
          else "\n".join(evidence_lines(evidence)))
    return 0


def _serve(args) -> int:
    app = Path(__file__).resolve().parents[1] / "app.py"
    if not app.is_file():
        raise GntInputError(f"{app} is missing: gnt serve runs the app of a GNT Explorer "
                            "checkout (app.py beside gnt_core/)")
    single_sign_on = bool(sso_providers(configured_auth()))  # an incomplete [auth] stops here
    if not is_loopback(args.address) and not has_users() and not single_sign_on:
        raise GntInputError(f"--address {args.address} would share the app with other machines, "
                            "and a shared server needs users: add them with 'gnt add-user "
                            "NAME' first, or configure single sign-on (docs/sso.md), or serve "
                            "on 127.0.0.1")
    roots = os.pathsep.join(str(p.resolve()) for p in args.data_root)
    os.environ[ENV_DATA_ROOTS] = roots or os.environ.get(ENV_DATA_ROOTS, "")
    os.execv(sys.executable, serve_command(app, args.address, args.port))
    return 0


def serve_command(app: Path, address: str, port: int) -> list[str]:
    """The app's server, with nothing leaving the machine (whatever the folder it starts in):
    no usage statistics, and no look-up of the machine's external IP address (ui/offline.py)."""
    server_name = socket.gethostname() if address in ("", "0.0.0.0", "::") else address
    return [sys.executable, str(app.parent / "ui" / "offline.py"), "run", str(app),
            "--server.address", address, "--server.port", str(port),
            "--browser.serverAddress", server_name, "--browser.gatherUsageStats", "false"]


def _add_user(args) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise GntInputError("the two passwords differ; nothing was changed")
    else:
        password = sys.stdin.readline().rstrip("\n")
    add_user(args.name, password)
    print(f"user {args.name} can log in to a shared server")
    return 0


def _remove_user(args) -> int:
    if not remove_user(args.name):
        raise GntInputError(f"there is no user {args.name!r}")
    print(f"user {args.name} removed")
    return 0


def _gc(args) -> int:
    store = VerdictStore.existing()
    keep = set() if args.include_verdicts or store is None else set(store.table()["run_id"])
    removed = collect_garbage(args.root, older_than_days=args.older_than, keep=keep,
                              dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    print(f"{verb} {len(removed)} run(s)" + "".join(f"\n  {p}" for p in removed))
    if not args.dry_run:
        audit(getpass.getuser(), "gc", runs=[p.name for p in removed])
    return 0


def _benchmark(args) -> int:
    protocols = [p.strip() for p in args.protocols.split(",") if p.strip()]
    unknown = sorted(set(protocols) - set(PROTOCOLS))
    if unknown:
        raise GntInputError(f"unknown protocol(s) {', '.join(unknown)}; choose from "
                            f"{', '.join(PROTOCOLS)}")
    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as err:
        raise GntInputError(f"--seeds: {err}") from None
    folders = args.data or []
    datasets = {f"{d.resolve().parent.name}/{d.resolve().name}":
                (lambda folder=d: load_beeline_folder(folder)) for d in folders}
    split_dirs = {name: str(d / args.given_split) for name, d in zip(datasets, folders,
                                                                     strict=True)
                  } if args.given_split else {}
    if args.example or args.expression:  # one more dataset, read as gnt train reads it
        single = argparse.Namespace(**(vars(args) | {"data": None}))
        datasets[args.example or Path(args.expression).name] = lambda: _load(single)
    if not datasets:
        raise GntInputError("give the datasets: --data DIR (repeat for several), --example "
                            "NAME, or --expression FILE with --network FILE or --prior NAME")
    settings = _settings(args, train=_train_config(args))
    if args.given_split:
        protocols.append(GIVEN)
    command = "gnt " + " ".join(sys.argv[1:]) if sys.argv[0].endswith("gnt") else ""
    with tqdm(desc="benchmark cells", unit="cell", file=sys.stderr) as bar:
        def progress(stage: str, done: int, total: int, info: dict) -> None:
            bar.total = total
            bar.set_postfix_str(info["label"])
            bar.update(done - bar.n)

        with open_client(args.scheduler, args.workers,
                         {"GPU": 1} if args.device == "cuda" else None) as client:
            results = run_benchmark(datasets, protocols, seeds, settings, args.out, progress,
                                    command=command, split_dirs=split_dirs, client=client)
    print(f"{len(results)} rows in {args.out / 'results.csv'}; summary in "
          f"{args.out / 'summary.md'}")
    return 0


def _check_run(run_dir: Path) -> None:
    if not Run(run_dir).status.complete:
        raise RunDirError(f"{run_dir} is not a complete GNT run directory (made by 'gnt "
                          "train --out DIR')")


def _metrics_table(metrics: dict) -> str:
    lines = [f"protocol: {metrics['protocol']}   seed: {metrics['seed']}"]
    sections = [("test", "test pairs")]
    if "test_without_training_positives" in metrics:
        leaked = metrics["test_pairs_that_are_training_positives"]
        sections.append(("test_without_training_positives",
                         "without the test pairs that are training positives "
                         f"({leaked['labelled_0']} labelled 0, {leaked['labelled_1']} labelled 1)"))
    for key, title in sections:
        frame = metrics_frame([metrics[key]]).set_index("method")[list(METRICS)]
        frame.columns = [METRIC_LABELS[m] for m in METRICS]
        lines += [f"{title}:", frame.to_string(float_format=lambda v: f"{v:.3f}")]
        first = next(iter(metrics[key].values()))
        lines.append(f"  {first['n_pos']} positive, {first['n_neg']} negative (prevalence "
                     f"{first['prevalence']:.4f})")
    return "\n".join(lines)


class _ProgressBars:
    """One tqdm bar for the current pipeline stage; a finished stage stays as one line."""

    def __enter__(self):
        self.stage, self.bar = None, None
        return self

    def update(self, stage: str, step: int, total: int, info: dict) -> None:
        if stage != self.stage:
            self.__exit__()
            self.stage = stage
            label = STAGES[stage].label if stage in STAGES else stage
            self.bar = tqdm(total=total, desc=label, file=sys.stderr)
        if "loss" in info:
            self.bar.set_postfix(loss=f"{info['loss']:.3f}", val_auroc=f"{info['val_auroc']:.3f}")
        self.bar.update(step - self.bar.n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False


if __name__ == "__main__":
    sys.exit(main())
