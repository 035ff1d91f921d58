"""Speed as a person feels it, in Debian's Chromium driven by Playwright (no AppTest shortcuts).

Three figures, measured in one run:
- slider to redrawn numbers: the Routing page's routine-work slider moved one step, until the
  "Monthly spend, routed" tile shows the new figure, against a bare Streamlit app with one slider
  and one metric on the same machine (alternating, same browser);
- first page ready: from a fresh server answering /_stcore/health to the Overview's tiles drawn and
  the script idle, in a new browser (empty cache); also when its charts are drawn, and the same
  browser coming back (reload);
- page switch: a click in the sidebar until the new page's title is shown and the script is idle.

Targets (issue "speed you can feel"): slider ≤ 2× the bare app, first page ≤ 3 s, switch ≤ 1 s.
`--first-page N` measures only the first page (N fresh servers); `--in-page` checks its numbers
inside the page at every frame rather than by Playwright's polling (see NUMBERS_SHOWN).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("BROWSER_PATH", "/usr/bin/chromium"))
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BARE_APP = """
import streamlit as st
v = st.slider("Share", 0, 100, 50)
st.metric("Value", f"${v * 123:,.0f}")
"""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ROUTED = "Monthly spend, routed"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(script: Path, cwd: Path):
    """A Streamlit server on a free port, started as `make run` starts the app (through the
    launcher) or, for the bare app, with `streamlit run`; yields (url, seconds to healthy)."""
    port = _port()
    env = dict(os.environ, ROI_HOME=tempfile.mkdtemp())
    env.pop("ROI_DATABASE_URL", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            *(["roi.ui.launch"] if script == ROOT / "app.py" else ["streamlit", "run", str(script)]),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.perf_counter() - t0 > 60:
                    raise RuntimeError("server not healthy after 60 s") from None
                time.sleep(0.02)
        yield url, time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(10)


def _metric(page, label: str):
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label)
    )
    return tile.first.get_by_test_id("stMetricValue")


def _move(page, slider, value_label: str, key: str) -> float:
    """Press one arrow key on the slider; ms until the metric shows a different text."""
    before = _metric(page, value_label).inner_text()
    slider.focus()
    t0 = time.perf_counter()
    slider.press(key)
    page.wait_for_function(
        """([label, before]) => {
            const tiles = [...document.querySelectorAll('[data-testid="stMetric"]')];
            const t = tiles.find(t => t.querySelector('[data-testid="stMetricLabel"]')?.innerText.includes(label));
            const v = t?.querySelector('[data-testid="stMetricValue"]')?.innerText;
            return v !== undefined && v !== before;
        }""",
        arg=[value_label, before],
    )
    ms = (time.perf_counter() - t0) * 1000
    page.locator(IDLE).wait_for()
    return ms


def ranged_slider(browser, samples: int) -> list[float]:
    """The same slider move on a scenario whose inputs carry ranges (measured accuracies and low /
    likely / high inputs): the tiles then wait for the simulation (10,000 draws) too."""
    import json

    sys.path.insert(0, str(ROOT))
    from roi import share
    from roi.scenario import parse_scenario

    doc = json.loads((ROOT / "tests" / "fixtures" / "scenarios" / "measured.json").read_text())
    doc["volume_growth_per_month"] = {"low": 0.0, "likely": 0.02, "high": 0.05}
    doc["tasks"][0]["error_cost"] = {"low": 2.0, "likely": 5.0, "high": 20.0}
    token = share.encode(parse_scenario(doc))
    with server(ROOT / "app.py", ROOT) as (app_url, _):
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.goto(f"{app_url}/?s={token}")
        _metric(page, ROUTED).wait_for()
        page.locator(IDLE).wait_for()
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Routing what-if").click()
        _metric(page, ROUTED).wait_for()
        page.locator(IDLE).wait_for()
        slider = page.get_by_role("slider", name="Share of routine work on the small model (%)")
        for _ in range(2):
            _move(page, slider, ROUTED, "ArrowLeft")
        return [
            _move(page, slider, ROUTED, "ArrowLeft" if (i // 5) % 2 == 0 else "ArrowRight")
            for i in range(samples)
        ]


def slider_figures(browser, samples: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        with server(bare, Path(tmp)) as (bare_url, _), server(ROOT / "app.py", ROOT) as (app_url, _):
            bp = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            bp.goto(bare_url)
            bp.locator(IDLE).wait_for()
            bslider = bp.get_by_role("slider")
            ap = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            ap.goto(f"{app_url}/routing")
            _metric(ap, ROUTED).wait_for()
            ap.locator(IDLE).wait_for()
            aslider = ap.get_by_role("slider", name="Share of routine work on the small model (%)")
            for _ in range(2):  # warm both (first render of each code path)
                _move(bp, bslider, "Value", "ArrowLeft")
                _move(ap, aslider, ROUTED, "ArrowLeft")
            bare_ms, app_ms = [], []
            for i in range(samples):
                key = "ArrowLeft" if (i // 5) % 2 == 0 else "ArrowRight"  # stay inside 0..100
                bare_ms.append(_move(bp, bslider, "Value", key))
                app_ms.append(_move(ap, aslider, ROUTED, key))
            return bare_ms, app_ms


CHARTS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].length > 0
    && [...document.querySelectorAll('.js-plotly-plot')].every(c => c.querySelector('.main-svg'))"""


# The same "numbers shown, script idle" as `_metric(...).wait_for()` then IDLE, checked inside the
# page at every frame: Playwright's locator checks are evaluations it sends every 500 ms (after a
# first few), and each waits for the page's main thread. On the first page that thread is busy
# for 1.4-1.9 s evaluating Streamlit's plotly bundle shortly after the tiles are drawn, so a check
# sent then reports the tiles only once the bundle is loaded and the charts drawn.
NUMBERS_SHOWN = f"""() => !!document.querySelector('{IDLE}')
    && [...document.querySelectorAll('[data-testid="stMetric"]')].some(t =>
        t.querySelector('[data-testid="stMetricLabel"]')?.innerText.includes('{ROUTED}')
        && t.checkVisibility())"""


def _numbers_shown(page, in_page: bool) -> None:
    if in_page:
        page.wait_for_function(NUMBERS_SHOWN, polling="raf")
    else:
        _metric(page, ROUTED).wait_for()
        page.locator(IDLE).wait_for()


def first_page(browser, samples: int, in_page: bool = False) -> tuple[list[float], list[float], list[float]]:
    """Seconds from a fresh server answering /_stcore/health to the Overview's numbers shown with
    the script idle, and to its charts drawn, in a new browser (empty cache); and the numbers again
    for the same browser coming back (reload: cached scripts)."""
    numbers, drawn, again = [], [], []
    for _ in range(samples):
        with server(ROOT / "app.py", ROOT) as (url, _):
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            t0 = time.perf_counter()
            page.goto(url)
            _numbers_shown(page, in_page)
            numbers.append(time.perf_counter() - t0)
            page.wait_for_function(CHARTS_DRAWN)
            drawn.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            page.reload()
            _numbers_shown(page, in_page)
            again.append(time.perf_counter() - t0)
            page.context.close()
    return numbers, drawn, again


def page_switches(browser, samples: int) -> list[float]:
    with server(ROOT / "app.py", ROOT) as (url, _):
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.goto(url)
        _metric(page, ROUTED).wait_for()
        page.locator(IDLE).wait_for()
        nav = page.get_by_test_id("stSidebarNav")
        out = []
        for i in range(samples + 2):
            title = ("Routing what-if", "Overview", "Break-even & ROI", "Overview")[i % 4]
            t0 = time.perf_counter()
            nav.get_by_role("link", name=title, exact=True).click()
            page.get_by_role("heading", name=title, level=1).wait_for()
            page.locator(IDLE).wait_for()
            if i >= 2:  # the first visit of each page warms its imports
                out.append(time.perf_counter() - t0)
        return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--first-page",
        type=int,
        metavar="N",
        help="measure only the first page, N fresh servers (default: all three figures, 5 first pages)",
    )
    parser.add_argument(
        "--in-page",
        action="store_true",
        help="check 'numbers shown, script idle' inside the page at every frame, not by Playwright's "
        "locator polling (which waits out the plotly bundle's evaluation): first page only",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium): browser figures skipped")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            if args.first_page:
                bare_ms, app_ms, switches, ranged_ms = [], [], [], []
                firsts, drawn, again = first_page(browser, samples=args.first_page, in_page=args.in_page)
            else:
                bare_ms, app_ms = slider_figures(browser, samples=20)
                ranged_ms = ranged_slider(browser, samples=20)
                firsts, drawn, again = first_page(browser, samples=5, in_page=args.in_page)
                switches = page_switches(browser, samples=12)
        finally:
            browser.close()
    print("Real browser (Chromium), medians; targets from the issue")
    if app_ms:
        b, a = statistics.median(bare_ms), statistics.median(app_ms)
        print(
            f"{'slider move -> routed spend redrawn (ms)':48} {a:8.0f}   bare app {b:6.0f}   ratio {a / b:4.1f}x (≤ 2x)"
        )
    if ranged_ms:
        print(
            f"{'  ... with ranges, simulation on (ms)':48} {statistics.median(ranged_ms):8.0f}   (< 250 ms)  "
            f"worst {max(ranged_ms):.0f}"
        )
    print(
        f"{'first page ready after healthy (s)' + (' [in page]' if args.in_page else ''):48} "
        f"{statistics.median(firsts):8.2f}   (≤ 3 s)  "
        f"all {[round(x, 2) for x in firsts]}"
    )
    print(
        f"{'  ... its charts drawn (s)':48} {statistics.median(drawn):8.2f}   all {[round(x, 2) for x in drawn]}"
    )
    print(f"{'  ... the same browser coming back (s)':48} {statistics.median(again):8.2f}")
    if switches:
        print(
            f"{'page switch (s)':48} {statistics.median(switches):8.2f}   (≤ 1 s)  worst {max(switches):.2f}"
        )


if __name__ == "__main__":
    main()
