"""The PDF: the HTML report printed by headless Chromium (Playwright), with page numbers.

Same content as the HTML report, because it is the HTML report: the page is laid out at the
printable width, every plotly chart is drawn, then Chromium prints it. Requests that would leave
the machine are blocked, so the PDF is made offline like the report it prints.
"""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from roi.errors import ReportError
from roi.report.browser import CHARTS_DRAWN, CHROMIUM_ARGS, block_network, chromium_path, in_worker_thread
from roi.report.content import Report
from roi.report.html import render_html

PAGE_FORMAT = "A4"
MARGIN_MM = {"top": 14, "bottom": 18, "left": 14, "right": 14}
# A4 is 210 mm wide; CSS has 96 px per inch. Charts are drawn at the width they will be printed at.
PRINT_WIDTH_PX = round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)
TIMEOUT_MS = 60_000


def footer_template(rep: Report) -> str:
    """Chromium's footer: firm and scenario on the left, 'Page n of N' on the right."""
    return footer_html(" · ".join(x for x in (rep.branding.firm_name, rep.scenario.name) if x))


def footer_html(who: str) -> str:
    """A footer naming `who` on the left and 'Page n of N' on the right (the finance pack's too)."""
    return (
        '<div style="width:100%; font-size:9px; color:#57606A; padding:0 14mm; display:flex; '
        "justify-content:space-between; font-family:system-ui, Helvetica, Arial, sans-serif; "
        'font-variant-ligatures:none;">'
        f"<span>{escape(who)}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


def _print(html: str, footer: str, executable: str) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="roi-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
                    block_network(context)
                    page = context.new_page()
                    page.emulate_media(media="print")
                    page.goto(src.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                    page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)
                    return page.pdf(
                        format=PAGE_FORMAT,
                        print_background=True,
                        display_header_footer=True,
                        header_template="<span></span>",
                        footer_template=footer,
                        margin={k: f"{v}mm" for k, v in MARGIN_MM.items()},
                    )
                finally:
                    browser.close()
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise ReportError(f"the PDF could not be rendered by Chromium: {first}") from None


def build_pdf(rep: Report) -> bytes:
    html = render_html(rep)
    footer = footer_template(rep)
    executable = chromium_path()
    return in_worker_thread(lambda: _print(html, footer, executable))
