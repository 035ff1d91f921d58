"""How the exports read on paper and on screen: two charts to a PDF page where they fit, and no
chart that repeats, inside its drawing, the title its heading already gives."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader

from roi import charts, routing
from roi.optimize import frontier
from roi.report.browser import CHARTS_DRAWN
from roi.report.content import report_charts
from roi.report.pdf import MARGIN_MM
from roi.sensitivity import accuracy_curve, tornado
from roi.slides import under_heading

PT_PER_MM = 72 / 25.4


def page_texts(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def page_fill(data: bytes) -> list[float]:
    """How far down each page its content reaches, as a share of the printable height (the
    lowest line of text: a chart's axis labels are text, so a chart counts to its bottom)."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        height = float(page.mediabox.height)
        top, bottom = height - MARGIN_MM["top"] * PT_PER_MM, MARGIN_MM["bottom"] * PT_PER_MM
        lows: list[float] = []

        def visit(text, cm, tm, font, size, lows=lows, bottom=bottom):
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if text.strip() and y > bottom:  # the footer ("Page n of N") is printed in the margin
                lows.append(y)

        page.extract_text(visitor_text=visit)
        out.append((top - min(lows)) / (top - bottom))
    return out


def own_titles(r) -> set[str]:
    """The titles the report's charts carry when drawn on their own (on the dashboard pages)."""
    s = r.scenario
    figs = [
        charts.monthly_spend(r),
        charts.spend_by_model(r),
        charts.latency_by_task(r),
        charts.cost_vs_accuracy(r, frontier(r.matrix)),
        charts.benefit_waterfall(r),
        charts.cumulative_net_benefit(r),
        charts.tornado(tornado(s)),
        charts.accuracy_break_even(accuracy_curve(s, routing.small_model(s))),
    ]
    return {f.layout.title.text for f in figs}


def test_a_chart_under_a_heading_keeps_only_its_qualifier(demo):
    plain = charts.monthly_spend(demo, scale=1.6)
    headed = under_heading(charts.monthly_spend(demo, scale=1.6), 1.6)
    assert plain.layout.title.text == "Monthly token spend"
    assert not headed.layout.title.text
    assert headed.layout.margin.t < plain.layout.margin.t  # the plot gets the title's room
    qualified = charts.cumulative_net_benefit(demo)
    sub = qualified.layout.title.subtitle.text
    headed = under_heading(charts.cumulative_net_benefit(demo))
    assert sub and headed.layout.title.text == sub


def test_the_pdf_puts_two_charts_on_a_page_and_leaves_no_page_half_empty(pdf_bytes, report):
    texts = page_texts(pdf_bytes)
    on_page = {}
    for c in report.charts:
        start = f"{c.title} {c.takeaway[:25]}"
        on_page[c.key] = next(i for i, t in enumerate(texts) if start in t)
    assert len(set(on_page.values())) == math.ceil(len(report.charts) / 2), on_page
    fill = page_fill(pdf_bytes)
    # the first page is the headline (a cover), the last one ends where the report ends
    assert all(f >= 0.75 for f in fill[1:-1]), [round(f, 2) for f in fill]


@pytest.mark.usefixtures("chromium")
def test_the_html_does_not_repeat_a_charts_title_under_its_heading(in_browser, tmp_path, html_bytes, demo):
    path = tmp_path / "report.html"
    path.write_bytes(html_bytes)

    def read(page, blocked):
        page.goto(path.as_uri())
        page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        return page.eval_on_selector_all(
            "figure.chart",
            """figs => figs.map(f => [f.querySelector('h3').textContent,
                [...f.querySelectorAll('.gtitle')].map(t => t.textContent)])""",
        )

    drawn = in_browser(read)
    assert [h for h, _ in drawn] == [c.title for c in report_charts(demo)]
    titles = own_titles(demo)
    for heading, shown in drawn:
        assert heading not in shown
        assert not set(shown) & titles, (heading, shown)
