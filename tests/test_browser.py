"""End to end in a real headless Chromium: the app served on a free localhost port.

Skipped where Debian's chromium or the playwright package is missing. Screenshots of each page
go to tests/_artifacts/ (not committed) for a person to look at.
"""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from tests.conftest import free_port, wait_healthy

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
expect.set_options(timeout=30_000)  # not 5 s: a loaded CI machine uploads and reruns slowly
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "_artifacts"
HOSTILE = ['<img src=x onerror="window.__xss=1">', '"><script>window.__xss=2</script>']
TRAIN_TIMEOUT_MS = 180_000
READ_TIMEOUT_MS = 180_000  # a file read runs in its own process, slow when the cores are busy
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=os.environ | {"GNT_HOME": str(home)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    if not wait_healthy(url):
        process.kill()
        pytest.fail("the app did not start within 60 s")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def page(server):
    """A browser page on the app, with every request that would leave the machine blocked
    (and the test failing if one was tried: the app must work offline)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    blocked = []

    def only_local(route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 1400, "height": 1800},
                                      accept_downloads=True)
        context.route("**/*", only_local)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server)
        yield page
        browser.close()
    assert not blocked, f"requests that would leave the machine: {blocked}"


EVERY_NODE_IN_VIEW = """() => {
  const box = document.getElementById("mynetwork").getBoundingClientRect();
  return Object.values(network.getPositions()).every(p => {
    const at = network.canvasToDOM(p);
    return at.x >= 0 && at.y >= 0 && at.x <= box.width && at.y <= box.height;
  });
}"""


def shot(page, name: str) -> None:
    time.sleep(1.0)  # let charts finish drawing
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for_read(page, text: str, **options) -> None:
    """Wait for `text` after a file read; if it never comes, fail with what the page shows
    instead (and a screenshot), so that a slow or failed read says which."""
    try:
        page.get_by_text(text, **options).wait_for(timeout=READ_TIMEOUT_MS)
    except playwright.TimeoutError:
        page.screenshot(path=str(SHOTS / "read-timeout.png"), full_page=True)
        shown = page.locator("body").inner_text(timeout=5_000)[-2_000:]
        pytest.fail(f"{text!r} did not appear within {READ_TIMEOUT_MS // 1000} s; the page "
                    f"shows:\n{shown}")


def go(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for()


def train(page, epochs: int, protocol: str, discover: bool = True) -> None:
    go(page, "Train")
    page.get_by_text("Evaluate, then discover" if discover else "Evaluate only",
                     exact=False).first.click()
    page.get_by_text(f"{protocol} —", exact=False).first.click()
    page.get_by_role("spinbutton", name="Discovery seeds (consensus and stability)").fill("2")
    if not page.get_by_label("Epochs").is_visible():  # the expander may still be open
        page.get_by_text("Advanced settings (GNT Explorer's default configuration)").click()
    page.get_by_label("Epochs").fill(str(epochs))
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("button", name="Cancel this run").wait_for()  # the new job is shown
    page.get_by_text("Training finished.").wait_for(timeout=TRAIN_TIMEOUT_MS)
    if discover:
        queue = page.get_by_role("heading", name="Training queue")
        finished = page.get_by_text("Discovery finished")
        deadline = time.monotonic() + TRAIN_TIMEOUT_MS / 1000
        while not finished.is_visible() and time.monotonic() < deadline:
            assert queue.count() <= 1, "the training queue is shown twice"
            time.sleep(0.5)
        finished.wait_for()


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox, and wait until the app has rerun with it."""
    open_list(page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)))
    page.get_by_role("option", name=option).click()
    expect(page.get_by_role("option", name=option)).to_have_count(0)  # the list has closed
    settle(page)


def open_list(box) -> None:
    """Open a selectbox's or multiselect's list (one opened while the page scrolls closes)."""
    box.scroll_into_view_if_needed()
    time.sleep(0.3)
    box.click()


def settle(page) -> None:
    """Wait until the script run that the last click started is over."""
    time.sleep(0.5)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def download(page, button: str, suffix: str | None = None) -> Path:
    """The file a download button gives; with `suffix`, clicked again until the file has it (on
    a loaded machine the button can still hold the previous choice's file for a moment)."""
    return downloaded(page, button, suffix)[0]


def downloaded(page, button: str, suffix: str | None = None) -> tuple[Path, str]:
    """The file a download button gives and the name the browser is told to save it under."""
    deadline = time.monotonic() + 30
    while True:
        with page.expect_download() as done:
            page.get_by_role("button", name=button).click()
        name = done.value.suggested_filename
        if suffix is None or name.endswith(suffix) or time.monotonic() > deadline:
            return Path(done.value.path()), name
        time.sleep(1)


def tick_labels(page, chart_title: str, axis: str) -> list[str]:
    """The tick labels of one axis ('x' or 'y') of the plotly chart with this title."""
    chart = page.locator(".js-plotly-plot").filter(has_text=chart_title).first
    return [t for t in chart.locator(f".{axis}tick text").all_text_contents() if t]


def is_decade(label: str) -> bool:
    """A decade's label as plotly writes it: 0.001, 0.01, 0.1, 1, 10, 100, 1000, 10k, …"""
    return re.fullmatch(r"0\.0*1|10*|10*k", label) is not None


def test_train_evaluate_discover_explore_curate_export(page):
    page.get_by_text("Active dataset: demo (synthetic)").wait_for()
    shot(page, "1-data")
    started = time.perf_counter()
    train(page, epochs=3, protocol="candidates")
    print(f"click Train → evaluation and discovery of the demo: "
          f"{time.perf_counter() - started:.1f} s")
    shot(page, "2-train")
    # the run's curves, its device and the sidebar stay right once it has ended
    expect(page.get_by_text("Training", exact=True).first).to_be_visible()  # the curves' title
    expect(page.get_by_text(re.compile(r"evaluation · protocol candidates, seed 0, 3 epochs, "
                                       r"device (cpu|cuda)"))).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text(
        re.compile("complete, protocol candidates, seed 0"))).to_be_visible()
    page.reload()  # the form keeps its values
    page.get_by_role("heading", name="Train").wait_for()
    expect(page.get_by_role("spinbutton", name="Discovery seeds (consensus and stability)")
           ).to_have_value("2")
    page.get_by_role("link", name="See the ROC and PR curves").click()
    page.get_by_text("ROC curve (AUROC in legend)").wait_for()
    page.get_by_text("Verdict", exact=False).first.wait_for()
    expect(page.get_by_text("Treat the N best-ranked test pairs as predicted edges")
           ).to_be_visible()
    pr_title = "Precision–recall curve (AUPRC in legend)"
    page.get_by_text(pr_title).wait_for()
    time.sleep(1)
    precision_ticks = tick_labels(page, pr_title, "y")  # a log axis at this low prevalence
    assert precision_ticks and all(is_decade(t) for t in precision_ticks), precision_ticks
    assert precision_ticks[-1] == "1", precision_ticks  # and never past 1
    k_ticks = tick_labels(page, "Precision among the top k test pairs", "x")
    assert k_ticks and all(is_decade(t) for t in k_ticks), k_ticks
    shot(page, "2-evaluate")

    go(page, "Explore candidates")
    page.get_by_text("Novel pairs (discovery)").wait_for()
    page.get_by_text("expected precision", exact=False).first.wait_for()
    expect(page.get_by_text("100 pairs match")).to_be_visible()
    page.get_by_role("heading", name="In the cells").wait_for()  # the selected pair's evidence
    page.get_by_text(re.compile(r"in each cell$")).first.wait_for()  # the scatter (plotly)
    page.get_by_text("What drove the score", exact=True).wait_for()
    expect(page.get_by_text(re.compile(r"paths? of length 3 \(")).first).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)
    shot(page, "3-explore-evidence")
    page.get_by_role("tab", name="Network").click()
    frame = page.frame_locator("iframe").first
    frame.locator("canvas").first.wait_for()
    views = [f for f in page.frames if f.evaluate("() => typeof network !== 'undefined'")]
    assert views, "no network view among the page's frames"
    for view in views:
        view.wait_for_function(EVERY_NODE_IN_VIEW, timeout=10_000)
    shot(page, "3-explore")
    page.get_by_role("tab", name="Record a verdict").click()
    expect(page.get_by_role("link", name=re.compile("^PubMed: "))).to_have_attribute(
        "href", re.compile("^https://pubmed.ncbi.nlm.nih.gov/"))  # in the pair's panel
    expect(page.get_by_role("link", name=re.compile("^STRING: "))).to_be_visible()
    page.get_by_text("supported", exact=True).click()
    note = "ChIP-seq peak in the promoter (browser test)"
    page.get_by_label("Note").fill(note)
    page.get_by_label("PMIDs (comma separated)").fill("12345, 678")
    page.get_by_role("button", name="Save verdict").click()
    page.get_by_text("Saved: supported").wait_for()

    page.reload()
    page.get_by_role("heading", name="Explore candidates").wait_for()
    page.get_by_role("tab", name="Record a verdict").click()
    expect(page.get_by_label("Note")).to_have_value(note)
    expect(page.get_by_text(re.compile(r"^On file: supported, saved \d{4}-"))).to_be_visible()
    shot(page, "4-verdict-after-reload")

    go(page, "Runs")
    shot(page, "5-runs")
    go(page, "Export")
    page.get_by_text("the current view: 100 pairs").wait_for()
    expect(page.get_by_text("1 verdict recorded.")).to_be_visible()
    path, view_name = downloaded(page, "Download 100 pairs")
    ranked = pd.read_csv(path, sep="\t")  # as BEELINE reads
    assert list(ranked.columns) == ["Gene1", "Gene2", "EdgeWeight"]
    assert len(set(map(frozenset, zip(ranked["Gene1"], ranked["Gene2"], strict=True)))) == 100
    page.get_by_text(re.compile(r"^all [\d,]+ ranked pairs")).click()
    settle(page)
    _, all_name = downloaded(page, re.compile(r"^Download [\d,]+ pairs$"))
    assert view_name.startswith("demo-synthetic-") and "-view-100-" in view_name, view_name
    assert "-all-" in all_name and all_name != view_name, all_name
    page.get_by_text("the current view: 100 pairs").click()
    settle(page)
    assert ranked["EdgeWeight"].is_monotonic_decreasing and (ranked["EdgeWeight"] >= 0).all()
    choose(page, "Format", "GraphML — Cytoscape, Gephi (node roles; edge status, stability, "
                           "verdict)")
    graph = nx.read_graphml(download(page, "Download 100 pairs", suffix=".graphml"))
    assert graph.number_of_edges() == 100
    assert {d["status"] for *_, d in graph.edges(data=True)} == {"novel"}
    assert all(0 <= d["stability"] <= 1 for *_, d in graph.edges(data=True))
    shot(page, "6-export")


def hostile_files(folder: Path) -> list[Path]:
    from gnt_core.io import make_demo_tables

    expression, network, _ = make_demo_tables()
    renamed = {"G001": HOSTILE[0], "G002": HOSTILE[1]}
    expression = expression.rename(index=renamed)
    network = network.replace(renamed)
    paths = [folder / "hostile-expr.csv", folder / "hostile-net.csv"]
    expression.to_csv(paths[0])
    network.to_csv(paths[1], index=False)
    return paths


def upload_files(page, expression: Path, network: Path) -> None:
    """Put an expression and a network file into the Data page's upload form."""
    page.get_by_text("Active dataset:").first.wait_for()
    page.get_by_role("tab", name="Upload files").click()
    # by label, not by position: while the form renders, the first input found may be the 10x
    # uploader's, which refuses a .csv ("text/csv files are not allowed")
    uploader_input(page, "Expression matrix").set_input_files(str(expression))
    uploader_input(page, "Known network").set_input_files(str(network))


def uploader_input(page, label: str):
    """The file input of the uploader whose label starts with `label`."""
    return page.get_by_test_id("stFileUploader").filter(has_text=label).get_by_test_id(
        "stFileUploaderDropzoneInput")


def test_hostile_gene_names_never_execute(page, tmp_path):
    upload_files(page, *hostile_files(tmp_path))
    expect(page.get_by_test_id("stFileChip")).to_have_count(2)  # both files listed
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)  # and uploaded
    page.get_by_label(re.compile("^Dataset name")).fill(HOSTILE[1])  # a hostile dataset name
    page.get_by_role("button", name="Load these files").click()
    wait_for_read(page, f"Active dataset: {HOSTILE[1]}")
    train(page, epochs=2, protocol="random", discover=False)
    go(page, "Explore candidates")
    page.get_by_text("Known edges", exact=True).click()  # every known edge of the gene
    page.get_by_label("Gene", exact=True).fill(HOSTILE[0])
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^[1-9][\d,]* pairs match"))).to_be_visible()
    page.get_by_role("heading", name="In the cells").wait_for()  # names in the evidence plots
    page.get_by_role("tab", name="Network").click()
    page.frame_locator("iframe").first.locator("canvas").first.wait_for()
    time.sleep(2)
    shot(page, "7-hostile-names")
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss") is None, frame.url
    html = page.locator("iframe").first.get_attribute("srcdoc") or ""
    assert HOSTILE[0] not in html and "<script>window.__xss" not in html
    assert "\\u0026lt;img src=x" in html  # shown, escaped, as a node label


def test_a_killed_reader_leaves_the_server_and_the_dataset_as_they_were(page, server,
                                                                         demo_files):
    from gnt_core.io.isolated import MARKER

    page.get_by_text("Active dataset: demo (synthetic)").wait_for()
    upload_files(page, demo_files["expression"], demo_files["network"])
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)
    page.get_by_role("button", name="Load these files").click()
    deadline, killed = time.time() + 30, None
    while killed is None and time.time() < deadline:  # the reader, as soon as it starts
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and MARKER.encode() in (
                        entry / "cmdline").read_bytes().split(b"\0"):
                    os.kill(int(entry.name), signal.SIGKILL)
                    killed = entry.name
                    break
            except OSError:
                continue
    assert killed, "no reader process was seen"
    wait_for_read(page, "the reader stopped", exact=False)
    expect(page.get_by_text("Active dataset: demo (synthetic)")).to_be_visible()
    assert urllib.request.urlopen(f"{server}/_stcore/health", timeout=5).read() == b"ok"
    shot(page, "8-killed-reader")


def single_cell_files(folder: Path) -> tuple[Path, Path]:
    """The demo as an AnnData file as scanpy users have them: Ensembl-like var_names, symbols
    in a var column (five regulators renamed to real mouse TFs), a cell-type column."""
    import anndata

    from gnt_core.io import make_demo_tables

    expression, network, _ = make_demo_tables()
    renamed = dict(zip(["TF01", "TF02", "TF03", "TF04", "TF05"],
                       ["Sox2", "Pou5f1", "Nanog", "Klf4", "Myc"], strict=True))
    symbols = [renamed.get(g, g) for g in expression.index]
    adata = anndata.AnnData(expression.T.to_numpy(np.float32))
    adata.obs_names = list(expression.columns)
    adata.var_names = [f"ENSMUSG{i:011d}" for i in range(len(symbols))]
    adata.var["gene_symbols"] = symbols
    adata.obs["cell_type"] = ["stem" if i % 2 else "neural" for i in range(adata.n_obs)]
    adata.obs["cluster"] = [f"c{i % 3}" for i in range(adata.n_obs)]
    paths = (folder / "cells.h5ad", folder / "network.csv")
    adata.write_h5ad(paths[0])
    network.replace(renamed).to_csv(paths[1], index=False)
    return paths


def test_an_h5ad_with_a_symbol_column_a_cell_type_and_the_mouse_tf_list(page, tmp_path):
    upload_files(page, *single_cell_files(tmp_path))
    expect(page.get_by_test_id("stFileChip")).to_have_count(2)
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)
    choose(page, "…or a built-in TF list", "mouse")
    page.get_by_role("button", name="Load these files").click()
    # an .h5ad is read in two steps: first the choices (symbols column preselected)
    wait_for_read(page, "Choose what to read")
    choose(page, "Cells", "cell_type")
    page.get_by_test_id("stMultiSelect").click()
    page.get_by_role("option", name="stem").click()
    page.keyboard.press("Escape")
    settle(page)
    page.get_by_role("spinbutton", name=re.compile("Most variable genes")).fill("0")
    settle(page)
    shot(page, "9-h5ad-choices")
    page.get_by_role("button", name="Load with these choices").click()
    wait_for_read(page, "Active dataset: cells")
    expect(page.get_by_text("listed TFs matched an expression gene only when case is ignored",
                            exact=False)).to_be_visible()
    expect(page.get_by_text("cell_type is stem", exact=False)).to_be_visible()
    expect(page.get_by_text("from the var column 'gene_symbols'", exact=False)).to_be_visible()
    train(page, epochs=2, protocol="tf-matched", discover=False)
    shot(page, "10-h5ad-trained")
    go(page, "Explore candidates")  # mouse, from the built-in mouse TF list and Title-case names
    organism = page.get_by_role("combobox", name="Organism for literature links")
    expect(organism).to_have_value("mouse")
    choose(page, "Organism for literature links", "human")
    page.reload()  # the choice is kept for the dataset
    page.get_by_role("heading", name="Explore candidates").wait_for()
    expect(organism).to_have_value("human")
    choose(page, "Colour the cells by", "cluster")  # an obs column of the .h5ad
    page.get_by_text("Within each group of cells").wait_for()
    expect(page.get_by_text(re.compile(r"coloured by cluster$")).first).to_be_visible()
    shot(page, "10b-h5ad-evidence")
    page.get_by_role("tab", name="Check the list").click()
    curated = tmp_path / "curated.csv"
    curated.write_text("TF,target\nSox2,G100\nMyc,G200\nNanog,G150\n")
    uploader_input(page, "Edge list").set_input_files(str(curated))
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0)
    page.get_by_role("button", name="Check the list").click()
    page.get_by_text(re.compile(r"novel pairs are curated edges, against")).wait_for()
    expect(page.locator(".js-plotly-plot").filter(
        has_text="Curated edges among the top N")).to_have_count(1)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    shot(page, "10c-curated-check")


def runs_offered(page):
    """The runs in an open multiselect's list (not its 'Select all')."""
    return page.get_by_role("option").filter(has_not_text="Select all")


def compare_options(page) -> int:
    """How many finished evaluation runs the Runs page offers to compare."""
    go(page, "Runs")
    if page.get_by_text("No runs yet").count():
        return 0
    open_list(page.get_by_test_id("stMultiSelect"))
    count = runs_offered(page).count()
    page.keyboard.press("Escape")
    return count


def test_runs_compares_two_evaluations_and_overlays_their_curves(page):
    page.get_by_text("Active dataset:").first.wait_for()
    for protocol in ("candidates", "tf-matched")[:max(0, 2 - compare_options(page))]:
        train(page, epochs=2, protocol=protocol, discover=False)
    go(page, "Runs")
    for _ in range(2):
        open_list(page.get_by_test_id("stMultiSelect"))
        runs_offered(page).first.click()
        page.keyboard.press("Escape")
        settle(page)
    expect(page.get_by_text("the difference's sd is", exact=False)).to_be_visible()
    for title in ("ROC curve", "Precision–recall curve", "Precision among the top k"):
        expect(page.locator(".js-plotly-plot").filter(has_text=title)).to_have_count(1)
    precision_ticks = tick_labels(page, "Precision–recall curve", "y")
    assert precision_ticks and float(precision_ticks[-1]) <= 1, precision_ticks
    shot(page, "11-runs-compared")
