"""Debian's Chromium for the exports that need a real renderer (PDF via Playwright, PNG charts via kaleido).

Never downloads a browser: the path is BROWSER_PATH when set, else /usr/bin/chromium, else `chromium`
on PATH. Browser work runs in a worker thread, so it also works where an asyncio loop is already
running (Streamlit, pytest-playwright).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from roi.errors import ReportError

T = TypeVar("T")

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
CHARTS_DRAWN = """() => [...document.querySelectorAll('.plotly-graph-div')]
    .every(d => d._fullLayout && d.querySelector('.main-svg'))"""


def chromium_path() -> str:
    """Where Chromium is; ReportError with the fix when it is not installed."""
    candidates = [os.environ.get("BROWSER_PATH"), str(DEFAULT_CHROMIUM), shutil.which("chromium")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise ReportError(
        "the PDF and PPTX exports need Chromium: install Debian's chromium package "
        "(apt-get install chromium) or set BROWSER_PATH to a Chromium executable"
    )


def in_worker_thread(fn: Callable[[], T]) -> T:
    """Run `fn` in a fresh thread (no event loop there) and return its result or raise its error."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="roi-report") as pool:
        return pool.submit(fn).result()


def block_network(context, blocked: list[str] | None = None) -> None:
    """Abort every request that would leave the machine (a report must render offline)."""

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    context.route("**/*", handle)
