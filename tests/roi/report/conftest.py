"""Fixtures for the export tests: the demo result, a test branding, Chromium, built artefacts.

Browser-dependent tests (PDF, PPTX charts via kaleido, the HTML report in a real browser) need
Debian's /usr/bin/chromium: locally they skip without it; in CI (CI or ROI_E2E_REQUIRED set) they
fail, the same rule as tests/e2e. Playwright runs in a worker thread, so no event loop is left
behind in the main thread for the tests that follow.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from roi.engine import Result, compute
from roi.report import build_report, render
from roi.report.branding import Branding
from roi.report.browser import CHROMIUM_ARGS, block_network, in_worker_thread
from roi.scenario import demo_scenario, parse_scenario

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts" / "report"
CHROMIUM = Path("/usr/bin/chromium")
GENERATED = date(2026, 12, 1)
FIRM = "Ackerman & <Partners>"
ACCENT = "#8250DF"


def _required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("ROI_E2E_REQUIRED"))


def png_logo(size: tuple[int, int] = (120, 40), colour: str = ACCENT) -> bytes:
    """A small real PNG (Pillow) to stand in for a firm's logo."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's chromium; skip locally without it, fail in CI."""
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is missing (apt-get install chromium)"
        if _required():
            pytest.fail(f"{msg}: the export tests that render must run in CI", pytrace=False)
        pytest.skip(f"{msg}; rendering export tests skipped locally")
    return str(CHROMIUM)


HOSTILE = "</script><script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"


@pytest.fixture(scope="session")
def hostile():
    """The demo with a scenario name and a task name that try to become HTML and a formula."""
    doc = demo_scenario().to_dict()
    doc["name"] = "Q4 " + HOSTILE
    doc["tasks"][0]["name"] = '=HYPERLINK("http://evil.example","x")' + HOSTILE
    return parse_scenario(doc)


@pytest.fixture(scope="session")
def demo() -> Result:
    return compute(demo_scenario())


@pytest.fixture(scope="session")
def branding() -> Branding:
    return Branding(firm_name=FIRM, accent=ACCENT, logo_png=png_logo())


@pytest.fixture(scope="session")
def report(demo, branding):
    return build_report(demo, branding=branding, generated=GENERATED)


@pytest.fixture(scope="session")
def html_bytes(report) -> bytes:
    return render(report, "html")


@pytest.fixture(scope="session")
def pptx_bytes(report, chromium) -> bytes:
    return render(report, "pptx")


@pytest.fixture(scope="session")
def pdf_bytes(report, chromium) -> bytes:
    return render(report, "pdf")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def with_page(fn: Callable, *, viewport: dict | None = None):
    """Call fn(page, blocked) on a fresh page of Debian's chromium with the network blocked.

    `blocked` lists every request that tried to leave the machine. Runs in a worker thread.
    """

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
                blocked: list[str] = []
                block_network(context, blocked)
                return fn(context.new_page(), blocked)
            finally:
                browser.close()

    return in_worker_thread(run)


# --- a picture of a slide, drawn from the PPTX's own shapes ----------------------------------------

_PX_PER_EMU = 96 / 914400


def _px(v: int | None) -> str:
    return f"{(v or 0) * _PX_PER_EMU:.1f}px"


def _rgb(obj) -> str | None:
    try:
        return "#" + str(obj.fore_color.rgb if hasattr(obj, "fore_color") else obj.color.rgb)
    except (AttributeError, TypeError):
        return None


def _paragraphs(tf) -> str:
    out = []
    for p in tf.paragraphs:
        size = p.font.size.pt if p.font.size else 18
        align = {2: "center", 3: "right"}.get(int(p.alignment) if p.alignment is not None else 1, "left")
        out.append(
            f'<p style="margin:0;font-size:{size * 96 / 72:.1f}px;font-weight:{700 if p.font.bold else 400};'
            f'color:{_rgb(p.font) or "#24292F"};text-align:{align}">{html.escape(p.text) or "&nbsp;"}</p>'
        )
    return "".join(out)


def slide_html(slide, width: int, height: int) -> str:
    """An HTML picture of a slide: every shape at its position with its fill, text, picture or table.

    Not PowerPoint's renderer (none is installed here), but it shows what the file holds, where.
    """
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    parts = []
    for sh in slide.shapes:
        box = f"position:absolute;left:{_px(sh.left)};top:{_px(sh.top)};width:{_px(sh.width)};height:{_px(sh.height)};"
        if sh.shape_type == MSO_SHAPE_TYPE.PICTURE:
            uri = f"data:{sh.image.content_type};base64,{base64.b64encode(sh.image.blob).decode()}"
            parts.append(f'<img style="{box}" src="{uri}">')
        elif getattr(sh, "has_table", False) and sh.has_table:
            rows = "".join(
                f'<tr style="height:{_px(r.height)}">'
                + "".join(
                    f'<td style="border:1px solid #D0D7DE;padding:2px 6px;background:{_rgb(c.fill) or "#fff"}">'
                    f"{_paragraphs(c.text_frame)}</td>"
                    for c in r.cells
                )
                + "</tr>"
                for r in sh.table.rows
            )
            parts.append(f'<table style="{box}height:auto;border-collapse:collapse">{rows}</table>')
        else:
            bg = _rgb(sh.fill) if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE else None
            inner = _paragraphs(sh.text_frame) if sh.has_text_frame else ""
            parts.append(f'<div style="{box}{f"background:{bg};" if bg else ""}">{inner}</div>')
    return (
        '<html><body style="margin:0;font-family:Carlito,Calibri,Liberation Sans,Arial,sans-serif">'
        f'<div style="position:relative;width:{_px(width)};height:{_px(height)};background:#fff;overflow:hidden">'
        f"{''.join(parts)}</div></body></html>"
    )


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


@pytest.fixture
def in_browser(chromium) -> Callable:
    """`in_browser(fn)` runs fn(page, blocked) in Debian's chromium with the network blocked."""
    return with_page


@pytest.fixture
def slide_picture(chromium, artifacts) -> Callable[[object, int, int, str], Path]:
    """`slide_picture(slide, width, height, name)` saves test-artifacts/report/<name>.png of a slide."""

    def save(slide, width: int, height: int, name: str) -> Path:
        path = artifacts / f"{slug(name)}.png"
        doc = slide_html(slide, width, height)

        def shoot(page, blocked):
            page.set_content(doc)
            page.screenshot(path=str(path))

        with_page(
            shoot, viewport={"width": round(width * _PX_PER_EMU), "height": round(height * _PX_PER_EMU)}
        )
        return path

    return save
