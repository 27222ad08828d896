"""Who uses a shared server and what they see: single sign-on checks and gate, logout, the
signed-in name, server paths hidden from remote users, and a server that sends nothing out."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit import net_util
from streamlit.testing.v1 import AppTest
from streamlit.web import bootstrap
from streamlit.web.server import server_util

from gnt_core.cli import main, serve_command
from gnt_core.io import GntInputError
from gnt_core.store.access import (
    add_user,
    configured_auth,
    hide_server_paths,
    may_see_server_paths,
    sso_providers,
)
from tests.conftest import free_port, wait_healthy
from ui.offline import no_external_address

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CHROMIUM = Path("/usr/bin/chromium")
AUTH = {"redirect_uri": "https://gnt.example.org/oauth2callback", "cookie_secret": "s" * 40,
        "client_id": "gnt", "client_secret": "secret",
        "server_metadata_url": "https://sso.example.org/realms/lab/.well-known/"
                               "openid-configuration"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def shared_address():
    streamlit_config.set_option("server.address", "0.0.0.0")
    yield
    streamlit_config.set_option("server.address", "127.0.0.1")


# ---------------------------------------------------------------- single sign-on settings


def test_a_complete_auth_section_names_its_providers():
    assert sso_providers({}) == {}
    assert sso_providers(AUTH) == {"default": "sso.example.org"}
    named = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")} | {
        "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}}
    assert sso_providers(named) == {"google": "Google"}


@pytest.mark.parametrize("key", ["redirect_uri", "cookie_secret", "client_id", "client_secret",
                                 "server_metadata_url"])
def test_a_missing_auth_key_is_named(key):
    with pytest.raises(GntInputError, match=f"missing '{key}'"):
        sso_providers({k: v for k, v in AUTH.items() if k != key})


def test_unusable_auth_values_are_refused():
    with pytest.raises(GntInputError, match="oauth2callback"):
        sso_providers(AUTH | {"redirect_uri": "https://gnt.example.org/"})
    with pytest.raises(GntInputError, match="cookie_secret"):
        sso_providers(AUTH | {"cookie_secret": "short"})
    with pytest.raises(GntInputError, match=r"\[auth.entra\] .* missing 'client_secret'"):
        sso_providers({"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "s" * 40,
                       "entra": {"client_id": "x", "server_metadata_url": "https://e/"}})


def test_gnt_serve_checks_the_auth_section_and_accepts_it_instead_of_users(
        home, tmp_path, monkeypatch, capsys):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[auth]\nredirect_uri = "https://gnt.example.org/oauth2callback"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["serve", "--address", "0.0.0.0"]) == 2
    assert "missing 'cookie_secret'" in capsys.readouterr().err
    secrets.write_text("[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in AUTH.items()))
    assert configured_auth() == AUTH
    started = []
    monkeypatch.setattr("gnt_core.cli.os.execv", lambda exe, argv: started.append(argv))
    assert main(["serve", "--address", "0.0.0.0"]) == 0 and started


# ---------------------------------------------------------------- server paths


def test_only_a_local_app_without_sign_in_shows_server_paths():
    assert may_see_server_paths("127.0.0.1", single_sign_on=False)
    assert not may_see_server_paths("0.0.0.0", single_sign_on=False)
    assert not may_see_server_paths("127.0.0.1", single_sign_on=True)  # behind a proxy


def test_absolute_paths_are_cut_out_of_messages():
    roots = [Path("/srv/lab-data"), Path("/mnt/shared")]
    text = ("/srv/lab-data/beeline/mdc: no BL--ExpressionData.csv; only folders inside "
            "(/srv/lab-data, /mnt/shared) can be opened. [Errno 2] No such file: "
            "'/home/ada/.gnt/runs/2024-01-01-x/config.json', see https://x.org/a/b, 1/2 genes")
    assert hide_server_paths(text, roots) == (
        "beeline/mdc: no BL--ExpressionData.csv; only folders inside (lab-data, shared) can be "
        "opened. [Errno 2] No such file: '…/config.json', see https://x.org/a/b, 1/2 genes")


# ---------------------------------------------------------------- the app


def everything_shown(at: AppTest) -> str:
    """Everything each element of a finished AppTest run carries, sidebar included."""
    return "\n".join(str(getattr(node, "proto", "")) for node in [*at.main, *at.sidebar])


def test_single_sign_on_shows_only_the_provider_button_before_sign_in(home):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.run()
    assert [b.label for b in at.button] == ["Sign in with sso.example.org"]
    assert not at.text_input and not at.sidebar.children and not at.header
    at.user["is_logged_in"] = True
    at.user["email"] = "<b>ada</b>@example.org"
    at.run()
    assert at.header[0].value.startswith("Active dataset")
    assert "<b>ada</b>@example.org" in [t.value for t in at.sidebar.text]  # st.text: as is
    assert str(home) not in everything_shown(at)  # signed-in users are remote


def test_an_incomplete_auth_section_is_a_message_and_nothing_else(home):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH | {"client_secret": ""}
    at.run()
    assert "missing 'client\\_secret'" in at.error[0].value  # escaped Markdown
    assert not at.button and not at.header


def test_logout_returns_to_the_login_form_and_paths_stay_hidden(home, shared_address):
    add_user("ada", "correct horse battery")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("ada")
    at.text_input[1].input("correct horse battery")
    at.button[0].click()
    at.run()
    assert "ada" in [t.value for t in at.sidebar.text]
    assert str(home) not in everything_shown(at) and "Data directory" not in everything_shown(at)
    at.sidebar.button(key="logout").click()
    at.run()
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    assert not at.header and "user" not in at.session_state


def test_a_local_app_shows_the_data_directory_and_no_logout(home):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert f"Data directory: {home}" in everything_shown(at)
    assert not [b for b in at.sidebar.button if b.key == "logout"]


# ---------------------------------------------------------------- nothing leaves the machine


@pytest.fixture
def no_lookup(monkeypatch):
    """Fail the test if Streamlit asks checkip.amazonaws.com for the external IP."""
    def refuse(url: str, timeout: float = 5) -> None:
        raise AssertionError(f"Streamlit asked {url}")

    monkeypatch.setattr(net_util, "_make_blocking_http_get", refuse)
    monkeypatch.setattr(net_util, "_external_ip", None)


def flags_of(command: list[str]) -> dict[str, object]:
    """The --section.option value pairs of a `streamlit run` command line, typed."""
    pairs = command[command.index("run") + 2:]
    return {key.removeprefix("--"): {"false": False, "true": True}.get(value, value)
            for key, value in zip(pairs[::2], pairs[1::2], strict=True)}


@pytest.mark.parametrize("launcher", ["streamlit run app.py", "gnt serve"])
def test_the_server_sends_nothing_out(launcher, tmp_path, monkeypatch, no_lookup):
    """Started the project's way (its config in the project folder, or gnt serve's flags from
    any folder) on every interface, the banner asks for no external IP and no usage stats are
    gathered."""
    if launcher == "gnt serve":
        monkeypatch.chdir(tmp_path)  # the project's config is not read from here
        flags = flags_of(serve_command(Path(APP), "0.0.0.0", 8501))
    else:
        monkeypatch.chdir(ROOT)
        flags = {"server.address": "0.0.0.0"}
    try:
        streamlit_config.get_config_options(force_reparse=True, options_from_flags=flags)
        streamlit_config.set_option("server.headless", True)
        assert streamlit_config.get_option("browser.gatherUsageStats") is False
        bootstrap._print_url(is_running_hello=False)
    finally:
        monkeypatch.chdir(ROOT)
        streamlit_config.get_config_options(force_reparse=True)


def test_the_launcher_never_looks_the_external_ip_up(no_lookup):
    assert serve_command(Path(APP), "127.0.0.1", 8501)[1].endswith("ui/offline.py")
    no_external_address()
    assert not server_util.is_url_from_allowed_origins("https://elsewhere.example.org")


# ---------------------------------------------------------------- in a real browser


def test_a_remote_user_in_a_browser_signs_in_sees_no_server_path_and_signs_out(home, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    add_user("ada", "correct horse battery")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gnt_core.cli", "serve", "--address",
                               "0.0.0.0", "--port", str(port), "--data-root", str(tmp_path)],
                              env=os.environ | {"GNT_HOME": str(home)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}"), "the app did not answer"
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"http://127.0.0.1:{port}")
            page.get_by_label("User name").fill("ada")
            page.get_by_role("textbox", name="Password").fill("correct horse battery")
            page.get_by_role("button", name="Log in").click()
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_text("ada", exact=True).wait_for()
            page.get_by_text("Open a folder on the server").click()
            page.get_by_role("textbox", name="Folder on the server").fill(str(tmp_path / "absent"))
            page.get_by_role("button", name="Open folder").click()
            page.get_by_text("This folder could not be opened").wait_for()
            shown = page.locator("body").inner_text()
            assert str(home) not in shown and str(tmp_path) not in shown
            assert str(ROOT) not in shown and "Data directory" not in shown
            sidebar.get_by_role("button", name="Log out").click()
            page.get_by_role("button", name="Log in").wait_for()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
