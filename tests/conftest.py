import socket
import time
import urllib.request
from pathlib import Path

import pytest

from gnt_core.io import demo_dataset, write_demo

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MDC = SHARED_DATA / "beeline-mdc"


def shared(*parts: str) -> Path:
    """A path under ../shared/data; the test is skipped where it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (public data kept outside the project)")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, seconds: float = 60) -> bool:
    """Whether the app at url answers its health check within `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.3)
    return False


@pytest.fixture(scope="session")
def demo():
    return demo_dataset()


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo"))



@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, add the text the page showed to the report (CI has no
    screenshots to look at)."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None:
        try:
            report.sections.append(("page text", page.locator("body").inner_text()[:4000]))
        except Exception as err:  # noqa: BLE001 - diagnostics must never hide the failure
            report.sections.append(("page text", f"unavailable: {err}"))
    return report
