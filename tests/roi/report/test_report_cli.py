"""`roi report SCENARIO.json --out FILE` through the real `roi` entry point (roi.cli.main)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

import roi.cli
from roi.report.branding import Branding, save_branding
from roi.report.csv import read_sections
from roi.report.html import scenario_from_html
from roi.scenario import DEMO_SCENARIO_FILE, demo_scenario
from roi.store import open_store


def test_html_xlsx_csv(tmp_path, capsys):
    for ext in ("html", "xlsx", "csv"):
        out = tmp_path / f"deck.{ext}"
        assert roi.cli.main(["report", str(DEMO_SCENARIO_FILE), "--out", str(out)]) == 0
        assert f"wrote {out}" in capsys.readouterr().out
    assert scenario_from_html((tmp_path / "deck.html").read_bytes()) == demo_scenario()
    wb = openpyxl.load_workbook(tmp_path / "deck.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "Tasks", "Projection"]
    assert len(read_sections((tmp_path / "deck.csv").read_bytes())["projection"]) == 24


def test_numbers_match_roi_scenario_json(tmp_path, capsys):
    assert roi.cli.main(["scenario", str(DEMO_SCENARIO_FILE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    out = tmp_path / "n.xlsx"
    assert roi.cli.main(["report", str(DEMO_SCENARIO_FILE), "--out", str(out)]) == 0
    rows = list(openpyxl.load_workbook(out)["Projection"].iter_rows(min_row=2, values_only=True))
    assert [r[-1] for r in rows] == pytest.approx(doc["cumulative_net_benefit"], rel=1e-12)
    assert rows[0][2] == pytest.approx(doc["month1"]["spend"], rel=1e-12)


def test_an_html_report_is_a_valid_input(tmp_path):
    html = tmp_path / "r.html"
    assert roi.cli.main(["report", str(DEMO_SCENARIO_FILE), "--out", str(html)]) == 0
    again, direct = tmp_path / "again.csv", tmp_path / "direct.csv"
    assert roi.cli.main(["report", str(html), "--out", str(again)]) == 0
    assert roi.cli.main(["report", str(DEMO_SCENARIO_FILE), "--out", str(direct)]) == 0
    assert again.read_bytes() == direct.read_bytes()


def test_saved_branding_is_used_unless_turned_off(tmp_path):
    store = open_store()  # the test's own ROI_HOME (tests/conftest.py)
    save_branding(store, Branding(firm_name="Ackerman LLP", accent="#2DA44E"))
    store.dispose()
    out = tmp_path / "b.html"
    assert roi.cli.main(["report", str(DEMO_SCENARIO_FILE), "--out", str(out)]) == 0
    assert "Ackerman LLP" in out.read_text()
    assert roi.cli.main(["report", str(DEMO_SCENARIO_FILE), "--out", str(out), "--no-branding"]) == 0
    assert "Ackerman LLP" not in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{scenario}", "--out", "{tmp}/x.docx"], "unknown report type '.docx'"),
        (["{scenario}", "--out", "{tmp}/x"], "unknown report type '(no extension)'"),
        (["{tmp}/missing.json", "--out", "{tmp}/x.html"], "cannot read the file"),
        (["{broken}", "--out", "{tmp}/x.html"], 'task "Intake": requests_per_month: required'),
        (["{notjson}", "--out", "{tmp}/x.csv"], "not valid JSON"),
        (["{scenario}", "--out", "{tmp}/no/such/dir/x.html"], "No such file or directory"),
        (["{tmp}/page.html", "--out", "{tmp}/x.csv"], "not a Routing ROI report"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"baseline": {"model": "claude-opus-4-1"}, "tasks": [{"name": "Intake"}]}))
    notjson = tmp_path / "notjson.json"
    notjson.write_text("{ nope")
    (tmp_path / "page.html").write_text("<html><body>not a report</body></html>")
    argv = ["report"] + [
        a.format(scenario=DEMO_SCENARIO_FILE, tmp=tmp_path, broken=broken, notjson=notjson) for a in args
    ]
    assert roi.cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("roi: error: ") and message in err
    assert err.count("\n") == 1


def test_report_help_names_the_formats(capsys):
    with pytest.raises(SystemExit):
        roi.cli.main(["report", "--help"])
    out = io.StringIO(capsys.readouterr().out).read()
    assert ".html, .pptx, .pdf, .xlsx, .csv" in out
