"""What every export says: charts, assumptions with provenance, formats and file names."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from roi.engine import compute
from roi.errors import ReportError, ScenarioError
from roi.provenance import Provenance
from roi.report import FORMATS, build, file_name, format_for_path
from roi.report.assumptions import assumptions, key_assumptions
from roi.report.content import report_charts
from roi.scenario import demo_scenario, parse_scenario


@pytest.mark.parametrize(
    ("prov", "words"),
    [
        (
            {"kind": "measured", "n": 40, "ci": [0.9, 0.975], "run": 3},
            "measured (n=40; 95% interval 90.0%–97.5%; run 3)",
        ),
        ({"kind": "measured", "n": 64, "correct": 8, "run": "run 12"}, "measured (n=64; run 12)"),
        ({"kind": "imported", "files": ["a.csv", "b.json"]}, "imported (from a.csv, b.json)"),
        (
            {"kind": "assumed", "note": "placeholder: measure with sample runs"},
            "assumed (placeholder: measure with sample runs)",
        ),
        ({"kind": "catalog"}, "catalog"),
    ],
)
def test_provenance_in_words(prov, words):
    p = Provenance.from_dict(prov, "x")
    assert p.describe() == words
    assert p.to_dict() == {**prov, "run": str(prov["run"])} if "run" in prov else p.to_dict() == prov


@pytest.mark.parametrize(
    "prov",
    [None, "not a dict", {"n": 3}, {"kind": "measured", "ci": ["x", None]}, {"kind": "measured", "n": -1}],
)
def test_a_broken_provenance_is_refused_naming_its_key(prov):
    with pytest.raises(ScenarioError, match=r'provenance\["x"\]'):
        Provenance.from_dict(prov, "x")


def test_measured_accuracy_shows_n_and_interval_everywhere():
    doc = demo_scenario().to_dict()
    doc["illustrative"] = False
    doc["provenance"] = {
        "tasks.Email triage.accuracy.claude-haiku-4-5": {"kind": "measured", "n": 200, "ci": [0.93, 0.98]},
        "tasks.Legal opinions.latency.claude-opus-4-1": {"kind": "measured", "n": 50},
    }
    doc["tasks"][5]["latency_s"] = {"claude-opus-4-1": 61.5}
    s = parse_scenario(doc)
    rows = {(a.group, a.item): a for a in assumptions(s)}
    acc = rows[("Accuracy", "Email triage on claude-haiku-4-5")]
    assert acc.source == "measured (n=200; 95% interval 93.0%–98.0%)" and acc.number == 0.957
    assert rows[("Latency", "Legal opinions on claude-opus-4-1")].source == "measured (n=50)"
    assert (
        rows[("Accuracy", "Intake classification on claude-haiku-4-5")].source
        == "assumed (typed in the scenario)"
    )
    summary = {a.item: a for a in key_assumptions(s) if a.group == "Accuracy"}
    assert summary["claude-haiku-4-5"].source == "assumed on 5 tasks, measured on 1 task"


def test_charts_are_the_slides_plus_the_break_even():
    r = compute(demo_scenario())
    charts = report_charts(r)
    assert [c.title for c in charts][:2] == ["Monthly token spend", "Where the spend goes"]
    assert charts[-1].key == "accuracy-break-even"
    assert "89.6%" in charts[-1].takeaway
    for c in charts:
        fig = c.figure(1.0)
        assert fig.data, c.key


def test_formats_and_file_names():
    assert list(FORMATS) == ["html", "pptx", "pdf", "xlsx", "csv"]
    assert [format_for_path(f"out/deck{FORMATS[f].extension.upper()}") for f in FORMATS] == list(FORMATS)
    with pytest.raises(ReportError, match="unknown report type '.txt'"):
        format_for_path("notes.txt")
    with pytest.raises(ReportError, match="unknown report format"):
        build(demo_scenario(), "docx")
    name = file_name(demo_scenario().with_name("Q4 <Plan> / Acme"), "pptx", today=date(2026, 12, 1))
    assert name == "q4-plan-acme-2026-12-01.pptx"


def test_no_streamlit_in_the_report_package():
    code = (
        "import sys, roi.report, roi.report.html, roi.report.pptx, roi.report.pdf, roi.report.xlsx, "
        "roi.report.csv, roi.cli.report, roi.report.branding; assert 'streamlit' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_chromium_the_browser_exports_say_how_to_fix_it(monkeypatch, tmp_path):
    from roi.report import browser

    monkeypatch.setattr(browser, "DEFAULT_CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "also-missing"))
    monkeypatch.setenv("PATH", str(tmp_path))
    for fmt in ("pdf", "pptx"):
        with pytest.raises(ReportError, match="apt-get install chromium"):
            build(demo_scenario(), fmt)
