"""The workbook (openpyxl) and the CSV hold exactly the numbers of `roi scenario --json`."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest

from roi.cells import cell, neutral_text
from roi.engine import compute
from roi.report import build, build_report, render
from roi.report.csv import read_sections
from roi.report.xlsx import SUMMARY_HEADER_ROW

TOL = 1e-9


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def _rows(ws, header_row: int = 1) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def workbook(report):
    return openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))


def test_sheets(workbook):
    assert workbook.sheetnames == ["Summary", "Tasks", "Projection", "Breakdown", "Assumptions"]


def test_summary_equals_the_json(workbook, demo):
    d = demo.to_dict()
    got = {r["JSON key"]: r["Value"] for r in _rows(workbook["Summary"], SUMMARY_HEADER_ROW)}
    for key, value in d["month1"].items():
        assert _close(got[f"month1.{key}"], value), key
    for key in (
        "savings_pct",
        "mean_latency_s",
        "baseline_mean_latency_s",
        "accuracy",
        "baseline_accuracy",
        "roi_pct",
    ):
        assert _close(got[key], d[key]), key
    assert got["payback_month"] == d["payback_month"]
    assert _close(got["cumulative_net_benefit[-1]"], d["cumulative_net_benefit"][-1])


def test_projection_equals_the_json(workbook, demo):
    d = demo.to_dict()
    rows = _rows(workbook["Projection"])
    assert [r["Month"] for r in rows] == list(range(1, demo.scenario.horizon_months + 1))
    assert _close(rows[0]["Token spend routed (USD)"], d["month1"]["spend"])
    assert _close(rows[0]["Token spend today (USD)"], d["month1"]["baseline_spend"])
    assert _close(rows[0]["Net benefit (USD)"], d["month1"]["net_benefit"])
    for row, cum in zip(rows, d["cumulative_net_benefit"], strict=True):
        assert _close(row["Cumulative net benefit (USD)"], cum)
    cell_ = workbook["Projection"]["B2"]
    assert cell_.data_type == "n" and "$" in cell_.number_format  # a number, shown as money


def test_tasks_and_breakdown_equal_the_engine(workbook, demo):
    d = demo.to_dict()
    tasks = _rows(workbook["Tasks"])
    assert [t["Task"] for t in tasks] == [t["name"] for t in d["tasks"]]
    for row, t in zip(tasks, d["tasks"], strict=True):
        assert _close(row["Spend routed, month 1 (USD)"], t["spend"])
        assert _close(row["Spend today, month 1 (USD)"], t["baseline_spend"])
        assert _close(row["Latency routed (s)"], t["mean_latency_s"])
        assert _close(row["Accuracy routed"], t["accuracy"])
    breakdown = _rows(workbook["Breakdown"])
    for model, spend in demo.spend_by_model().items():
        got = sum(r["Cost routed, month 1 (USD)"] for r in breakdown if r["Model"] == model)
        assert _close(got, spend), model
    for model, spend in demo.spend_by_model(baseline=True).items():
        got = sum(r["Cost today, month 1 (USD)"] for r in breakdown if r["Model"] == model)
        assert _close(got, spend), model
    requests = sum(r["Requests, routed (month 1)"] for r in breakdown if r["Task"] == "Intake classification")
    assert requests == 10_000


def test_assumptions_sheet_has_sources(workbook):
    rows = _rows(workbook["Assumptions"])
    by_item = {(r["Group"], r["Assumption"]): r for r in rows}
    one_time = by_item[("Money and time", "One-time set-up cost")]
    assert one_time["Number"] == 25_000 and one_time["Source"] == "assumed (illustrative demo)"
    assert by_item[("Prices ($ per million tokens)", "claude-haiku-4-5")]["Source"].startswith("catalog")


def test_header_uses_the_accent(workbook, branding):
    head = workbook["Tasks"]["A1"]
    assert head.fill.fgColor.rgb.endswith(branding.accent.lstrip("#"))
    assert branding.firm_name in workbook["Summary"]["A1"].value


def test_csv_equals_the_json(demo, report):
    parts = read_sections(render(report, "csv"))
    d = demo.to_dict()
    proj = parts["projection"]
    assert len(proj) == demo.scenario.horizon_months
    assert _close(float(proj[0]["spend"]), d["month1"]["spend"])
    for row, cum in zip(proj, d["cumulative_net_benefit"], strict=True):
        assert _close(float(row["cumulative_net_benefit"]), cum)
    for row, t in zip(parts["tasks"], d["tasks"], strict=True):
        assert row["task"] == t["name"]
        assert _close(float(row["spend"]), t["spend"])
        assert _close(float(row["baseline_latency_s"]), t["baseline_latency_s"])


# --- formulas from user data are never run ----------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"])
def test_formula_starts_are_neutralized(text):
    assert neutral_text(text) == "'" + text


@pytest.mark.parametrize("value", [-25_000.0, -1, 0.5, None, True])
def test_numbers_stay_numbers(value):
    assert cell(value) == value
    assert cell(float("nan")) is None


def test_hostile_task_is_text_in_the_workbook_and_csv(hostile):
    name = hostile.tasks[0].name
    assert name.startswith("=HYPERLINK(")
    wb = openpyxl.load_workbook(io.BytesIO(build(hostile, "xlsx")))
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
    tasks = _rows(wb["Tasks"])
    assert tasks[0]["Task"] == "'" + name
    assert wb["Summary"]["A2"].value == hostile.name  # starts with "Q4": left as it is
    parts = read_sections(build(hostile, "csv"))
    assert parts["tasks"][0]["task"] == "'" + name
    # negative numbers in the CSV are numbers, not neutralized text
    assert float(parts["projection"][0]["error_cost_saved"]) < 0


def test_same_numbers_from_a_fresh_evaluation(demo):
    """build() computes the scenario itself; its workbook matches an independent compute()."""
    wb = openpyxl.load_workbook(io.BytesIO(build(demo.scenario, "xlsx")))
    again = compute(demo.scenario).to_dict()
    rows = _rows(wb["Projection"])
    assert _close(rows[-1]["Cumulative net benefit (USD)"], again["cumulative_net_benefit"][-1])
    assert build_report(demo).result is demo
