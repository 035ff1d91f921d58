"""The PDF, read with pypdf: several pages, the headline figures, drawn charts and page numbers."""

from __future__ import annotations

import io

from pypdf import PdfReader

from roi import present
from roi.report.content import report_charts


def _pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_pages_with_numbers(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    pages = _pages(pdf_bytes)
    assert len(pages) >= 2
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {len(pages)}" in text


def test_pdf_says_what_the_report_says(pdf_bytes, demo, branding):
    text = " ".join(_pages(pdf_bytes))
    for value in (
        present.money(demo.month1_baseline_spend),
        present.money(demo.month1_spend),
        present.percent(demo.savings_pct),
        f"month {demo.projection.payback_month}",
    ):
        assert value in text
    assert branding.firm_name in text
    assert "How the numbers are computed" in text
    assert "catalog (genai-prices, as of" in text and "assumed (illustrative demo)" in text


def test_pdf_charts_are_drawn(pdf_bytes, demo):
    """Axis titles exist only inside plotly's SVG: finding them means the charts were drawn."""
    text = " ".join(_pages(pdf_bytes))
    for axis in (
        "Token spend per month (USD)",
        "Mean time to a full answer (seconds)",
        "Net benefit over the horizon",
    ):
        assert axis in text
    for chart in report_charts(demo):
        assert chart.title in text
