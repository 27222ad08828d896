"""The Streamlit app, page by page, with streamlit.testing (no browser)."""

import gzip
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gnt_core.store.run import list_runs
from gnt_core.store.storage import write_json
from gnt_core.store.verdicts import VerdictStore
from gnt_core.workflows import jobs
from tests.conftest import shared
from ui.text import IGNORE_CASE_CONTROL, plain

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 120


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def start(page: str | None = None, **query: str) -> AppTest:
    """A new browser session, optionally opened on a URL with query parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "text", "caption", "info", "success", "warning",
                                  "error", "header", "title") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def upload(at: AppTest, files: dict[str, tuple[str, bytes]]) -> AppTest:
    labels = {"expression": "Expression matrix", "network": "Known network (regulator → "
              "target)", "tfs": "TF list (optional)"}
    for role, (name, content) in files.items():
        widget = next(u for u in at.file_uploader if u.label == labels[role])
        widget.upload(name, content)
    next(b for b in at.button if b.label == "Load these files").click()
    return at.run()


def test_first_visit_opens_on_the_demo(home):
    at = start()
    assert [m.value for m in at.metric] == ["300", "300", "476", "29"]
    assert "built-in synthetic demo" in texts(at)
    assert len(at.get("plotly_chart")) == 2
    for name in ("train", "evaluate", "explore", "runs", "export"):
        page = f"app_pages/{name}.py"
        at.switch_page(page).run()
        assert not at.exception and not at.error, page


def test_upload_loads_and_becomes_active(home, demo_files):
    files = {role: (path.name, path.read_bytes()) for role, path in demo_files.items()}
    files["expression"] = ("expr.csv.gz", gzip.compress(files["expression"][1]))
    at = upload(start(), files)
    assert not at.error and "It is now the active dataset" in at.toast[0].value
    assert at.query_params["data"] not in ("", "demo")
    assert at.header[0].value.startswith("Active dataset: expr")


@pytest.mark.parametrize("role,name,content,needle", [
    ("expression", "bad.csv", b",c1,c2\nTF01,1,x\n", "line 2, column 3"),
    ("expression", "broken.h5ad", b"not an hdf5 file", "not a readable .h5ad"),
    ("network", "net.csv", b"TF,target\nAAA,BBB\n", "none of its 1 edges"),
    ("tfs", "tfs.csv", b"a,b\n1,2\n", "which column holds the TF symbols"),
])
def test_bad_upload_shows_a_message_and_keeps_the_demo(home, demo_files, role, name, content,
                                                       needle):
    files = {r: (p.name, p.read_bytes()) for r, p in demo_files.items()}
    files[role] = (name, content)
    at = upload(start(), files)
    assert not at.exception
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert needle in message and "nothing was changed" in message
    assert at.header[0].value == "Active dataset: demo \\(synthetic\\)"


def test_beeline_folder_by_path(home):
    folder = shared("beeline-mdc", "specific")
    at = start()
    next(t for t in at.text_input if t.label == "Folder on the server").input(str(folder))
    next(b for b in at.button if b.label == "Open folder").click()
    at.run()
    assert [m.value for m in at.metric][:3] == ["821", "383", "756"]
    next(t for t in at.text_input if t.label == "Folder on the server").input("/no/such/folder")
    next(b for b in at.button if b.label == "Open folder").click()
    at.run()
    assert "no such folder" in at.error[0].value


def wait_for_jobs(seconds: float = TIMEOUT) -> None:
    deadline = time.time() + seconds
    while jobs.active_jobs() and time.time() < deadline:
        time.sleep(0.5)
    assert not jobs.active_jobs(), "training did not finish in time"


def click_train(epochs: int = 2, seeds: str = "0", mode: str = "discover") -> AppTest:
    at = start("app_pages/train.py")
    next(r for r in at.radio if r.label == "What to run").set_value(mode)
    next(n for n in at.number_input if n.label == "Epochs").set_value(epochs)
    next(n for n in at.number_input if n.label.startswith("Discovery seeds")).set_value(2)
    at.text_input[0].input(seeds)
    next(b for b in at.button if b.label == "Train").click()
    return at.run()


def train_demo(epochs: int = 2, seeds: str = "0", mode: str = "discover") -> AppTest:
    at = click_train(epochs, seeds, mode)
    assert len(list_runs()) == len(seeds.split(",")) + (mode == "discover")
    wait_for_jobs()
    return at.run()


def test_train_evaluate_explore_curate_runs_export(home):
    at = train_demo(seeds="0, 1")
    assert "Training finished" in texts(at) and "Discovery finished" in texts(at)
    assert re.search(r"GNT: epoch [12] kept \(probe AUROC 0\.\d{3}\)\.", texts(at))
    assert {r.state for r in list_runs()} == {"complete"}
    assert sorted(r.mode for r in list_runs()) == ["discover", "evaluate", "evaluate"]

    at.switch_page("app_pages/evaluate.py").run()
    assert not at.exception
    assert at.header[0].value == "Test performance — candidates protocol"
    assert len(at.get("plotly_chart")) == 4  # ROC, PR, precision at k, reliability (2 seeds)
    assert "Verdict" in texts(at) and "GNT" in texts(at)
    assert any(e.label.startswith("Method notes") for e in at.expander)
    assert "prior shift" not in texts(at)  # candidates training is not regulator-balanced
    assert "ranker for the top of the list" in texts(at) and "SVM score" in texts(at)
    assert "transformer add anything here?** Not measurably" in texts(at)
    table = at.dataframe[0].value
    assert list(table["method"]) == ["GNT", "GNE-MLP (ablation)",
                                     "stack without GNT (baseline)", "degree (baseline)",
                                     "|PCC| (baseline)", "network paths L3 (baseline)",
                                     "random (baseline)"]
    assert "precision at 50" in table.columns
    assert "±" in table["AUROC"].iloc[0]  # two seeds
    next(s for s in at.slider if s.label.startswith("Treat the N")).set_value(10).run()
    assert not at.exception

    at.switch_page("app_pages/explore.py").run()
    assert not at.exception
    assert "expected precision" in texts(at)
    pairs = at.dataframe[0].value
    assert {"pubmed", "string", "verdict", "status", "stability",
            "expected_precision"} <= set(pairs.columns)
    assert (pairs["status"] == "novel").all() and len(pairs) == 100
    assert pairs["pubmed"].str.startswith("https://pubmed.ncbi.nlm.nih.gov/").all()
    assert list(at.dataframe[0].proto.column_order)[:7] == [  # the links beside the pair
        "rank", "regulator", "target", "pubmed", "regulator_gene", "target_gene", "string"]
    organism = next(b for b in at.selectbox if b.label == "Organism for literature links")
    assert organism.value == "any"  # the demo's made-up names say nothing
    assert at.get("iframe"), "the network view is rendered"
    regulator, target = pairs.iloc[0]["regulator"], pairs.iloc[0]["target"]
    verdict = next(r for r in at.radio if r.label == "Verdict")
    verdict.set_value("supported")
    next(t for t in at.text_area if t.label == "Note").input("ChIP-seq peak in promoter")
    next(t for t in at.text_input if t.label.startswith("PMIDs")).input("123, 456")
    next(b for b in at.button if b.label == "Save verdict").click()
    at.run()
    saved = VerdictStore().get(regulator, target)
    assert saved.verdict == "supported" and saved.pmids == "123,456"

    run_id = at.query_params["run"]
    restarted = start("app_pages/explore.py", run=run_id)  # a refresh: the verdict is kept
    shown = restarted.dataframe[0].value.set_index(["regulator", "target"])
    assert shown.loc[(regulator, target), "verdict"] == "supported"

    restarted.switch_page("app_pages/runs.py").run()
    listed = restarted.dataframe[0].value.set_index("mode")
    assert len(listed) == 3
    assert listed.loc["discover", "GNT AUROC"] == "—"  # a discovery has no test pairs, and
    assert "novel pairs ranked over 2 seeds" in listed.loc["discover", "discovery"]  # says so
    evaluations = [r.run_id for r in list_runs() if r.mode == "evaluate"]
    restarted.multiselect(key="compare").set_value(evaluations).run()
    compared = restarted.dataframe[1].value.set_index("metric")
    assert compared.loc["AUROC", "B − A"].startswith("+0.000 ± ")  # one group: same mean ± sd
    assert len(restarted.get("plotly_chart")) == 3  # ROC, PR, precision at k of both runs

    restarted.switch_page("app_pages/export.py").run()
    assert [b.label for b in restarted.get("download_button")][:1] == ["Download 100 pairs"]
    assert "1 verdict recorded." in texts(restarted)
    view_name = next(c.value for c in restarted.caption if c.value.startswith("File name"))
    next(r for r in restarted.radio if r.label == "Pairs").set_value("all").run()
    all_name = next(c.value for c in restarted.caption if c.value.startswith("File name"))
    assert "demo" in view_name and "view\\-100" in view_name and "all\\-" in all_name


def test_a_broken_run_shows_a_message_not_a_traceback(home):
    train_demo(mode="evaluate")
    run = list_runs()[0].path
    (run / "curves.json").write_text("{ not json")
    write_json(run / "extra.json", {})
    at = start("app_pages/evaluate.py")
    assert at.error and "Your runs and verdicts are safe" in at.error[0].value


def test_hostile_file_names_and_urls_stay_harmless(home, demo_files):
    files = {role: (f"../../evil<script>{role}\x07.csv", path.read_bytes())
             for role, path in demo_files.items()}
    at = upload(start(), files)
    assert not at.exception and not at.error
    stored = [p for p in (home / "datasets").rglob("*") if p.is_file()]
    assert stored and all(home / "datasets" in p.parents for p in stored)
    assert all("<" not in p.name and ".." not in p.name for p in stored)
    at = start(run="../../etc", data="../../etc/passwd")
    assert not at.error
    assert at.header[0].value == "Active dataset: demo \\(synthetic\\)"


def test_two_sessions_train_at_once_and_the_second_waits_visibly(home):
    first = click_train(80, "0", mode="evaluate")
    second = click_train(2, "1", mode="evaluate")
    assert "Queued behind 1 run." in texts(second)
    assert "queued, protocol candidates, seed 1" in texts(second)  # the sidebar, from job.json
    wait_for_jobs(240)
    runs = {r.seed: r for r in list_runs()}
    assert sorted(runs) == [0, 1] and all(r.state == "complete" for r in runs.values())
    assert "Training finished" in texts(first.run()) and "Training finished" in texts(
        second.run())


def test_a_given_split_from_the_train_page(home, tmp_path, demo):
    from tests.test_given_split import write_split

    write_split(tmp_path / "split", demo, leak=True)
    at = start("app_pages/train.py")
    next(r for r in at.radio if r.label == "What to run").set_value("evaluate")
    next(n for n in at.number_input if n.label == "Epochs").set_value(2)
    field = next(t for t in at.text_input if t.label.startswith("Use a given split"))
    field.input(str(tmp_path / "nowhere"))
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert "The given split cannot be used" in at.error[0].value and not list_runs()
    field = next(t for t in at.text_input if t.label.startswith("Use a given split"))
    field.input(str(tmp_path / "split"))
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    wait_for_jobs()
    at.switch_page("app_pages/evaluate.py").run()
    assert at.header[0].value == "Test performance — given protocol"
    assert "are training positives" in at.warning[-1].value


def test_each_method_as_good_as_gnt_is_explained_in_its_own_words():
    from ui.notes import AS_GOOD_AS_GNT, as_good_as_gnt

    comparison = {"auroc": {"best_baseline": "paths", "baseline": "tie", "ablation": "ahead"},
                  "auprc": {"best_baseline": "degree", "baseline": "behind", "ablation": "tie"},
                  "epr": {"best_baseline": "paths", "baseline": "behind", "ablation": "tie"}}
    warnings = dict(zip(["paths", "degree", "gne_mlp"], as_good_as_gnt(comparison), strict=True))
    assert "on AUROC, EPR" in warnings["paths"] and "paths of length 3" in warnings["paths"]
    assert "training edges" in warnings["degree"] and "on AUPRC" in warnings["degree"]
    assert [m for m, w in warnings.items() if "transformer" in w] == ["gne_mlp"]
    assert len(set(AS_GOOD_AS_GNT.values())) == len(AS_GOOD_AS_GNT)


def named(at: AppTest, name: str) -> AppTest:
    next(t for t in at.text_input if t.label.startswith("Dataset name")).input(name)
    return at


def test_uploads_are_named_renamed_and_never_share_a_name(home, demo_files):
    files = {role: (path.name, path.read_bytes()) for role, path in demo_files.items()}
    name = "mDC <i>day 2</i>"
    at = upload(named(start(), name), files)
    assert at.header[0].value == f"Active dataset: {plain(name)}"
    data_id = at.query_params["data"]
    again = upload(named(start(), "MDC <I>DAY 2</I>"), files)
    assert "already called" in again.error[0].value
    next(t for t in at.text_input if t.label == "New name").input("mouse DCs")
    next(b for b in at.button if b.label == "Rename").click()
    assert at.run().header[0].value == "Active dataset: mouse DCs"
    assert start(data=data_id).header[0].value == "Active dataset: mouse DCs"  # kept on disk


def test_the_ignore_case_hint_names_the_apps_own_control(home, demo_files):
    network = demo_files["network"].read_text().replace("TF01", "tf01")
    files = {"expression": ("expr.csv", demo_files["expression"].read_bytes()),
             "network": ("net.csv", network.encode())}
    at = upload(start(), files)
    report = texts(at)
    assert "when case is ignored" in report and IGNORE_CASE_CONTROL in report
    assert "--ignore-case" not in report


def test_the_train_form_is_remembered_and_labelled_by_its_configuration(home):
    at = start("app_pages/train.py")
    labels = [e.label for e in at.expander]
    assert "Advanced settings (GNT Explorer's default configuration)" in labels
    assert "Why these defaults?" in labels and "RESULTS.md" not in texts(at)
    next(r for r in at.radio if r.label == "Configuration").set_value("paper").run()
    assert "Advanced settings (the thesis' configuration)" in [e.label for e in at.expander]
    next(r for r in at.radio if r.label.startswith("Negative protocol")).set_value("tf-matched")
    next(n for n in at.number_input if n.label == "Epochs").set_value(7)
    at.text_input[0].input("0, x")  # refused, and still remembered
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert "Seeds must be" in at.error[0].value and not list_runs()
    at.text_input[0].input("0, y")  # a second try takes its own values, not the first's
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert "Seeds must be" in at.error[0].value and at.text_input[0].value == "0, y"
    again = start("app_pages/train.py")  # a reload
    assert next(r for r in again.radio if r.label == "Configuration").value == "paper"
    assert next(r for r in again.radio if r.label.startswith("Negative protocol")).value == \
        "tf-matched"
    assert next(n for n in again.number_input if n.label == "Epochs").value == 7
    assert again.text_input[0].value == "0, y"


def test_the_metrics_table_bolds_every_method_that_ties_the_best_mean():
    from gnt_core.science.metrics import METRICS, format_metrics, metrics_frame
    from ui.charts import highlight_winners

    def run(epr: float, auroc: float) -> dict:
        return {name: 0.5 for name in METRICS} | {"epr": epr, "auroc": auroc}

    summary = metrics_frame([{"gnt": run(53.1762, 0.90), "gne_mlp": run(53.1758, 0.95),
                              "degree": run(12.0, 0.70)}])
    styled = highlight_winners(format_metrics(summary), summary)
    bold = styled._compute().ctx  # {(row, column): [(property, value), ...]}
    column = list(styled.data.columns).index
    epr, auroc = column("EPR"), column("AUROC")
    assert {row for (row, c), css in bold.items() if c == epr and css} == {0, 1}
    assert {row for (row, c), css in bold.items() if c == auroc and css} == {1}


def test_the_train_page_says_which_epoch_was_kept_and_why_it_stopped():
    from ui.training import epoch_kept

    def epoch(n: int, auroc: float | None) -> dict:
        return {"epoch": n, "epochs": 30, "loss": 1.0, "val_auroc": auroc}

    stopped = [epoch(n, 0.6 + (0.01 * n if n <= 6 else 0.0)) for n in range(1, 22)]
    assert epoch_kept("GNT", stopped) == ("GNT: epoch 6 kept (probe AUROC 0.660); it stopped "
                                          "at epoch 21 of 30, 15 epochs without a better probe.")
    assert epoch_kept("GNT", [epoch(n, 0.7) for n in range(1, 31)]) == \
        "GNT: epoch 1 kept (probe AUROC 0.700)."
    unscored = [epoch(n, float("nan")) for n in range(1, 31)]
    assert epoch_kept("GNT", unscored) == ("GNT: no validation pairs, so its last epoch (30) "
                                           "is kept.")
