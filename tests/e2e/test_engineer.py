"""An engineer in a real browser: trying sample runs without an API key, and starting the app the
way the README says (`make run`): no e-mail prompt, and the firm's accent as the theme colour."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import free_port, healthy

REPO = Path(__file__).resolve().parents[2]
SAMPLE_TOGGLE = "Use the sample results (illustrative, no key needed)"
USE = "Use these results in the scenario"
# invented sample results are shown with n and intervals but never counted as measured
ILLUSTRATIVE = "Illustrative demo data: every number is an assumption, not a measurement."


def settled(page: Page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settled(page)


def no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_without_a_key_the_sample_results_reach_task_mix_and_overview(app_page, shot):
    """Follow the page's own instructions: sample results → scenario → Task mix and Overview."""
    app_page.goto("/evaluate")
    expect(app_page.get_by_role("heading", name="Evaluate", level=1)).to_be_visible()
    settled(app_page)
    instructions = app_page.get_by_test_id("stAlertContentWarning").filter(has_text="No API key")
    expect(instructions).to_contain_text(SAMPLE_TOGGLE)
    expect(instructions).to_contain_text(USE)
    expect(app_page.get_by_test_id("stCode").first).to_contain_text("up to $")  # the dry-run estimate
    shot(app_page, "evaluate-no-key")

    app_page.get_by_test_id("stCheckbox").filter(has_text=SAMPLE_TOGGLE).click()  # a toggle
    use = app_page.get_by_role("button", name=USE)
    expect(use).to_be_visible()
    settled(app_page)
    no_errors(app_page)
    shot(app_page, "evaluate-sample-results")
    use.click()
    expect(
        app_page.get_by_test_id("stAlertContentSuccess").filter(has_text="now in the scenario")
    ).to_be_visible()
    settled(app_page)

    go_to(app_page, "Task mix")
    expect(app_page.get_by_text(ILLUSTRATIVE)).to_be_visible()
    app_page.get_by_text("Where the accuracy numbers come from").click()
    # the provenance table is a canvas grid: its cells are in the accessibility tree, not painted text
    expect(app_page.get_by_text("illustrative sample results", exact=False).first).to_be_attached()
    no_errors(app_page)
    go_to(app_page, "Overview")
    expect(app_page.get_by_text(ILLUSTRATIVE)).to_be_visible()
    expect(app_page.get_by_text("measured by sample runs", exact=False)).to_have_count(0)
    no_errors(app_page)
    shot(app_page, "overview-with-sample-results")


def test_make_run_is_headless_and_themed_with_the_firm_accent(tmp_path, monkeypatch, chromium):
    """`make run` on a machine that never ran Streamlit: no e-mail prompt, no usage statistics,
    and the accent saved on the Report page is the app's primary colour."""
    from roi.report.branding import Branding, save_branding
    from roi.store import open_store

    home = tmp_path / "home"
    monkeypatch.setenv("ROI_HOME", str(home))
    store = open_store()
    save_branding(store, Branding(firm_name="Example LLP", accent="#0A7F5C"))
    store.dispose()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ROI_HOME": str(home),
        "HOME": str(tmp_path / "user"),  # a machine that never ran Streamlit: no credentials file
        "DISPLAY": ":99",  # a desktop: Streamlit is headless by default only without a display
        "BROWSER": "true",  # were it not headless, opening a browser does nothing
    }
    env.pop("ROI_DATABASE_URL", None)
    log_path = tmp_path / "make-run.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            # -o: never reinstall the venv from inside a test
            ["make", "--no-print-directory", "-o", ".venv/.installed", "run", f"PORT={port}"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the server it starts stops with it
        )
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make run` did not serve the app:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.25)
        output = log_path.read_text(errors="replace")
        assert "Email" not in output and "Welcome to Streamlit" not in output, output
        assert "Collecting usage statistics" not in output, output

        context = chromium.new_context(viewport={"width": 1400, "height": 900}, base_url=url)
        try:
            page = context.new_page()
            page.goto("/task_mix")
            expect(page.get_by_role("heading", name="Task mix", level=1)).to_be_visible(timeout=30_000)
            settled(page)
            apply = page.get_by_role("button", name="Apply changes")
            colour = apply.evaluate("b => getComputedStyle(b).backgroundColor")
            assert colour == "rgb(10, 127, 92)", colour
        finally:
            context.close()
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """Stop `make` and the server it started (its process group), which may have exited already."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue
