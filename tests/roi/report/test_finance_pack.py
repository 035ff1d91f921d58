"""The monthly finance pack (`roi report --month`): every section's numbers are the numbers of the
command that owns them (chargeback, savings, forecast, budgets), in a workbook finance opens, an
offline HTML page and a PDF; hostile matter names stay text."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from roi.cli import main
from roi.report.pack import build_pack
from roi.report.pack_files import pack_html, pack_xlsx
from roi.scenario import parse_scenario
from roi.store import Store
from roi.usage import ingest, priced_store
from roi.usage.allocation import Rule, allocate, rules, save_rules
from roi.usage.budgets import Budget, save_budgets
from tests.roi.usage.month_end_data import scenario_doc, three_months

EVIL = '=HYPERLINK("http://evil.example","x")<script>alert(1)</script>'


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    ingest(s, [three_months(tmp_path / "requests.csv", last_day="2026-11-20")])
    save_rules(s, [Rule("tag", "matter:2026-014", "M-014", "Acme"), Rule("tag", "matter:2026-020", EVIL)])
    save_budgets(s, [Budget("total", "", 10.0), Budget("matter", "M-014", 4.0)])
    try:
        yield s
    finally:
        s.dispose()


def _sheet(wb, name: str) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def test_the_workbook_holds_the_numbers_of_each_command(store):
    pack = build_pack(store, "2026-11", parse_scenario(scenario_doc()))
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert wb.sheetnames == [
        "Summary",
        "Spend by model",
        "By matter",
        "Reconciliation",
        "Savings",
        "Forecast",
        "Budgets",
    ]
    by_model = {r["Model"]: r["Computed cost (USD)"] for r in _sheet(wb, "Spend by model")}
    assert sum(by_model.values()) == pytest.approx(20 * 0.32)
    chargeback = allocate(priced_store(store), "matter", month="2026-11", rule_list=rules(store))
    matters = {r["Matter"]: r["Cost (USD)"] for r in _sheet(wb, "By matter")}
    expected = dict(zip(chargeback.groups["key"], chargeback.groups["cost_usd"], strict=True))
    assert matters == expected | {f"'{EVIL}": expected.pop(EVIL)}  # a formula-like matter stays text
    savings = _sheet(wb, "Savings")
    assert [r["Month"] for r in savings] == ["2026-09", "2026-10", "2026-11"]
    assert savings[-1]["Achieved saving (USD)"] == pytest.approx(20 * 40 * 0.7 * (0.015 - 0.005))
    budgets = {r["Budget"]: r for r in _sheet(wb, "Budgets")}
    assert (
        budgets["Total"]["Spent (USD)"] == pytest.approx(6.40) and budgets["Total"]["Status"] == "will cross"
    )
    assert _sheet(wb, "Forecast")[0]["Month"] == "2026-11"


def test_without_a_plan_the_savings_section_says_why(store):
    pack = build_pack(store, "2026-10")
    (savings,) = [s for s in pack.sections if s.title.startswith("Savings")]
    assert savings.table is None and "no scenario given" in savings.notes[0]


def test_the_html_is_offline_and_escapes_what_it_shows(store):
    html = pack_html(build_pack(store, "2026-11", parse_scenario(scenario_doc()))).decode()
    for title in (
        "Spend by model",
        "Spend by matter",
        "Reconciliation with the bill",
        "Savings achieved vs plan",
        "Forecast",
        "Budgets",
    ):
        assert f"<h2>{title}</h2>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    page = re.sub(r'<script id="plotlyjs">.*?</script>', "", html, flags=re.S)  # plotly.js itself, embedded
    assert not re.search(r"""(src|href)=["']https?://""", page)  # nothing loads from the web


def test_cli_writes_the_pack_and_refuses_what_it_cannot_write(store, tmp_path, capsys, monkeypatch, chromium):
    monkeypatch.setenv("ROI_DATABASE_URL", str(store.engine.url))
    (tmp_path / "plan.json").write_text(json.dumps(scenario_doc()), encoding="utf-8")
    for ext in ("xlsx", "html", "pdf"):
        assert (
            main(
                [
                    "report",
                    str(tmp_path / "plan.json"),
                    "--month",
                    "2026-11",
                    "--out",
                    str(tmp_path / f"pack.{ext}"),
                ]
            )
            == 0
        )
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "pack.pdf").pages)
    assert "Finance pack, November 2026" in " ".join(text.split()) and "Page 1 of" in text
    capsys.readouterr()
    assert main(["report", "--month", "2026-11", "--out", str(tmp_path / "pack.pptx")]) == 2
    assert "written as xlsx, html, pdf" in capsys.readouterr().err
    assert main(["report", "--month", "2025-01", "--out", str(tmp_path / "p.xlsx")]) == 2
    assert "no usage imported for 2025-01" in capsys.readouterr().err
