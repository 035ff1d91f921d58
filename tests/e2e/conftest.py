"""Real-browser fixtures: one Streamlit server and one Debian chromium for the whole session.

The browser is never downloaded: playwright drives /usr/bin/chromium (Debian's `chromium`, which
`.ci/run` installs). Locally the suite skips without it; in CI (CI or ROI_E2E_REQUIRED set) it fails.
Fixture names avoid pytest-playwright's (`page`, `browser`, `base_url`) so the suite behaves the
same whether or not that plugin happens to be installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import free_port, healthy

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 60
TIMEOUT_MS = 30_000  # Streamlit reruns the script on every interaction; be generous.


def _required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("ROI_E2E_REQUIRED"))


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """Start `streamlit run app.py` on a free port with a throwaway ROI_HOME; yield its base URL."""
    tmp = tmp_path_factory.mktemp("e2e-server")
    log_path = tmp / "streamlit.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ROI_HOME": str(tmp / "home")}
    env.pop("ROI_DATABASE_URL", None)
    cmd = [  # started as `make run` starts it (the launcher warms imports and the store first)
        sys.executable,
        "-m",
        "roi.ui.launch",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        # No file watcher: edits to the sources during a run must not change the app under test.
        "--server.fileWatcherType=none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                why = (
                    f"exited with code {proc.returncode}"
                    if proc.poll() is not None
                    else f"not healthy after {STARTUP_TIMEOUT_S}s"
                )
                pytest.fail(
                    f"Streamlit server {why}: {' '.join(cmd)}\n--- server log ---\n"
                    + log_path.read_text(errors="replace"),
                    pytrace=False,
                )
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is missing (apt-get install chromium)"
        if _required():
            pytest.fail(f"{msg}: the browser tests must run in CI", pytrace=False)
        pytest.skip(f"{msg}; browser tests skipped locally")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def app_page(request, chromium, app_url):
    """A fresh browser context (its own Streamlit session) per test, 1400x900.

    A failing test leaves test-artifacts/e2e/FAILED-<test>.png behind.
    """
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, base_url=app_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        if getattr(request.node, "e2e_failed", False):
            save_screenshot(page, f"FAILED-{request.node.name}")
    finally:
        context.close()


CHARTS_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('.js-plotly-plot')].every(c => c.querySelector('.main-svg'))"""


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/e2e/<name>.png, once the charts are drawn.

    Plotly loads lazily and draws about a second after the script run ends; the screenshot waits
    for that (up to 15 s) but does not fail the test over it: assertions judge, pictures inform.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    except PlaywrightTimeoutError:
        pass
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot():
    """`shot(page, name)` saves test-artifacts/e2e/<name>.png (a fixture: conftest is not importable)."""
    return save_screenshot
