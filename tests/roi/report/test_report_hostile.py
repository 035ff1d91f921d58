"""Names that try to become markup stay text in the deck and the PDF too (the HTML report and the
workbook have their own tests): a scenario, a task and a firm named with HTML, a formula and
Markdown arrive as the characters typed, with no link, script or action behind them."""

from __future__ import annotations

import io
import re

import pytest
from pptx import Presentation

from roi.engine import compute
from roi.report import build_report, render
from roi.report.branding import Branding
from tests.roi.report.conftest import GENERATED, HOSTILE

MARKDOWN = "**bold** [link](http://evil.example) :red[red] $x$"


@pytest.fixture(scope="module")
def hostile_report(hostile):
    firm = Branding(firm_name="Firm " + MARKDOWN + " <b>x</b>", accent="#8250DF")
    return build_report(compute(hostile), branding=firm, generated=GENERATED)


def test_the_deck_holds_hostile_names_as_plain_text(hostile_report, hostile, chromium):
    prs = Presentation(io.BytesIO(render(hostile_report, "pptx")))
    text = "\n".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert HOSTILE in text  # the scenario's name, character for character
    assert "Firm " + MARKDOWN + " <b>x</b>" in text  # the firm's name: no Markdown or HTML applied
    links = [
        r.hyperlink.address
        for s in prs.slides
        for sh in s.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    assert links == []  # nothing became a link


def test_the_pdf_prints_hostile_names_as_text_and_runs_nothing(hostile_report, chromium):
    from pypdf import PdfReader

    data = render(hostile_report, "pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "window.__pwned" in flat and "<script>" in flat  # printed, not run
    assert "[link](http://evil.example)" in flat
    assert b"/JavaScript" not in data and b"/JS " not in data and b"/Launch" not in data
