"""Safe on a shared lab server: bounded readers in a disposable process, loopback by default,
users for a shared server, server folders inside data roots, disk space, clean-up, no zombies."""

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from gnt_core.cli import main
from gnt_core.io import GntInputError
from gnt_core.io.isolated import MARKER, check_files
from gnt_core.settings import RunSettings, TrainConfig
from gnt_core.store import storage
from gnt_core.store.access import add_user, check_password, resolve_in_roots
from gnt_core.store.datasets import DEMO, folder_spec, store_upload
from gnt_core.store.run import Run, collect_garbage, list_runs
from gnt_core.store.verdicts import VerdictStore
from gnt_core.workflows import jobs
from gnt_core.workflows.pipeline import run_pipeline
from tests.conftest import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port` (from /proc/net/tcp*)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.mark.parametrize("launcher", ["streamlit run app.py", "gnt serve"])
def test_the_app_listens_on_loopback_only_by_default(launcher, home):
    port = free_port()
    command = ([sys.executable, "-m", "streamlit", "run", APP]  # the config binds it
               if launcher.startswith("streamlit") else
               [sys.executable, "-m", "gnt_core.cli", "serve", "--port", str(port)])
    env = os.environ | {"GNT_HOME": str(home), "STREAMLIT_SERVER_PORT": str(port)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}"), "the app did not answer"
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_shared_server_without_users_refuses_to_start(home, capsys):
    assert main(["serve", "--address", "0.0.0.0", "--port", str(free_port())]) == 2
    assert "needs users" in capsys.readouterr().err


def test_login_on_a_shared_server(home, monkeypatch):
    add_user("ada", "correct horse battery")
    assert not check_password("ada", "wrong password!") and not check_password("bob", "x" * 12)
    stored = json.loads((home / "users.json").read_text())["ada"]
    assert "correct" not in json.dumps(stored) and len(bytes.fromhex(stored["salt"])) == 16
    assert oct((home / "users.json").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setattr("ui.access.FAILED_LOGIN_DELAY_S", 0.0)
    streamlit_config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not any("Active dataset" in h.value for h in at.header)
        at.text_input[0].input("ada")
        at.text_input[1].input("not the password")
        at.button[0].click()
        at.run()
        assert "Wrong user name or password" in at.error[0].value
        assert not any("Active dataset" in h.value for h in at.header)
        at.text_input[1].input("correct horse battery")
        at.button[0].click()
        at.run()
        assert at.header[0].value.startswith("Active dataset")
    finally:
        streamlit_config.set_option("server.address", "127.0.0.1")


TRAVERSALS = ["..", "../outside", "data/../../outside", "/etc", "/", "~", "~/outside",
              "%2e%2e/outside", "..%2foutside", "data%2F..%2F..%2Foutside", "link-out",
              "link-out/sub", "data/\x00", "", "   "]


@pytest.mark.parametrize("text", TRAVERSALS)
def test_server_folders_stay_inside_the_data_roots(text, tmp_path, home):
    root = tmp_path / "roots" / "lab"
    (root / "data" / "mdc").mkdir(parents=True)
    (tmp_path / "roots" / "outside" / "sub").mkdir(parents=True)
    (root / "link-out").symlink_to(tmp_path / "roots" / "outside")
    with pytest.raises(GntInputError, match="data roots"):
        resolve_in_roots(text, [root.resolve()])
    with pytest.raises(GntInputError):
        folder_spec(text, data_roots=[root.resolve()])
    outside = str(tmp_path / "roots" / "outside")
    with pytest.raises(GntInputError, match="data roots"):
        resolve_in_roots(outside, [root.resolve()])
    assert resolve_in_roots("data/mdc", [root.resolve()]) == (root / "data" / "mdc").resolve()
    assert resolve_in_roots(str(root / "data"), [root.resolve()]) == (root / "data").resolve()


def test_a_killed_reader_is_a_message(demo_files, home):
    caught = {}

    def kill_the_reader():
        deadline = time.time() + 30
        while time.time() < deadline and "pid" not in caught:
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                    except OSError:
                        continue
                    if MARKER.encode() in cmdline:
                        caught["pid"] = int(entry.name)
                        os.kill(caught["pid"], signal.SIGKILL)
                        return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_the_reader)
    killer.start()
    with pytest.raises(GntInputError, match="killed by signal SIGKILL"):
        check_files({"expression": str(demo_files["expression"]),
                     "network": str(demo_files["network"])}, "these files")
    killer.join()


def test_a_reader_out_of_memory_leaves_nothing_behind(demo_files, home, monkeypatch):
    monkeypatch.setenv("GNT_READER_MEMORY", str(64 * 2**20))  # too little to start numpy
    uploads = {role: open(path, "rb") for role, path in demo_files.items()}
    with pytest.raises(GntInputError, match="the reader stopped"):
        store_upload(uploads)
    assert not [p for p in (home / "datasets").rglob("*")]


def test_disk_full_is_refused_before_writing_and_leaves_nothing_half_written(
        demo, demo_files, home, monkeypatch):
    real = storage.shutil.disk_usage
    monkeypatch.setattr(storage.shutil, "disk_usage",
                        lambda p: real(p)._replace(free=100 * 2**20))
    uploads = {role: open(path, "rb") for role, path in demo_files.items()}
    with pytest.raises(GntInputError, match="Not enough disk space"):
        store_upload(uploads)
    assert not list((home / "datasets").glob("*"))
    run = Run.create(home / "runs", "full")
    with pytest.raises(GntInputError, match="Not enough disk space"):
        run_pipeline(demo, RunSettings(train=TrainConfig(epochs=1)), run)
    assert run.status.state == "failed" and sorted(p.name for p in run.path.iterdir()) == [
        "status.json"]
    monkeypatch.setattr(storage.shutil, "disk_usage", real)

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", no_space)
    broken = Run(home / "runs" / "enospc")  # made by hand: every write now fails
    broken.path.mkdir()
    with pytest.raises(OSError):
        run_pipeline(demo, RunSettings(train=TrainConfig(epochs=1)), broken)
    assert not list(broken.path.rglob("*.tmp")) and not (broken.path / "config.json").exists()


def test_gc_removes_failed_and_old_runs_and_keeps_those_with_verdicts(home, capsys):
    root = home / "runs"
    runs = {name: Run.create(root, name) for name in ("failed", "cancelled", "old", "new",
                                                       "judged")}
    runs["failed"].set_state("failed", error="x")
    runs["cancelled"].set_state("cancelled")
    for name in ("old", "judged"):
        runs[name].set_state("complete")
        status = json.loads((runs[name].path / "status.json").read_text())
        storage.write_json(runs[name].path / "status.json", status | {"updated": 0})
    runs["new"].set_state("complete")
    VerdictStore().set("A", "B", "supported", run_id=runs["judged"].id)
    assert main(["gc", "--dry-run", "--older-than", "30"]) == 0
    assert "would remove 3 run(s)" in capsys.readouterr().out and len(list_runs(root)) == 5
    assert main(["gc", "--older-than", "30"]) == 0
    assert sorted(r.run_id.split("-")[2] for r in list_runs(root)) == ["judged", "new"]
    assert collect_garbage(root, older_than_days=30, keep=set()) == [runs["judged"].path]
    log = (home / "audit.log").read_text().splitlines()
    assert json.loads(log[-1])["action"] == "gc"


def test_no_zombie_after_three_runs(home):
    settings = RunSettings(protocol="tf-matched", ablation=False, train=TrainConfig(epochs=1))
    runs = [jobs.submit(DEMO, replace(settings, seed=seed)) for seed in range(3)]
    deadline = time.time() + 180
    while jobs.active_jobs() and time.time() < deadline:
        time.sleep(0.5)
    assert all(Run(r).status.complete for r in runs)
    deadline = time.time() + 20  # the reaper threads wait() right after exit: slow under load
    while (zombies := zombie_children()) and time.time() < deadline:
        time.sleep(0.2)
    assert not zombies


def zombie_children() -> list[str]:
    """Process ids of this process's children that exited and were never waited for."""
    zombies = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] == "Z" and int(fields[1]) == os.getpid():
                zombies.append(entry.name)
    return zombies


def test_verdicts_record_who_gave_them(home):
    store = VerdictStore()
    store.set("A", "B", "supported", user="ada")
    assert store.get("A", "B").user == "ada"
    assert store.table()["user"].tolist() == ["ada"]
