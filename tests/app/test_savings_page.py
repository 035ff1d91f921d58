"""The Savings achieved page: the go-live date is set on the page and kept with the scenario, the
months since are compared with the plan, and the counterfactual can be switched."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from roi.scenario import parse_scenario
from roi.ui.state import SCENARIO_KEY, seeded_key, widget_key
from tests.roi.usage.month_end_data import scenario_doc, three_months

ROOT = Path(__file__).resolve().parents[2]


def page(doc: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "savings.py"), default_timeout=60)
    at.session_state[SCENARIO_KEY] = parse_scenario(doc)
    return at


def imported(tmp_path: Path) -> None:
    from roi.ui.state import store
    from roi.usage import ingest

    ingest(store(), [three_months(tmp_path / "requests.csv")])


def test_without_a_go_live_date_the_page_asks_for_it_and_keeps_it_with_the_scenario(tmp_path):
    from datetime import date

    imported(tmp_path)
    doc = scenario_doc()
    del doc["go_live"]
    at = page(doc).run()
    assert not at.exception
    assert "Set the day routing went live" in at.info[0].value
    at.date_input(key=seeded_key("go_live")).set_value(date(2026, 9, 1)).run()
    assert not at.exception
    assert at.session_state[SCENARIO_KEY].go_live == date(2026, 9, 1)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Achieved saving to date (computed)"].startswith("$")
    table = at.dataframe[0].value
    assert table["Month"].tolist() == ["2026-09", "2026-10"]


def test_plan_and_actual_agree_when_the_plan_was_right_and_the_baseline_can_be_switched(tmp_path):
    imported(tmp_path)
    at = page(scenario_doc()).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("Month")
    # the plan was 1,200 requests a month: October's 31 days are 40 more, all of the difference
    assert table.loc["2026-09", "Achieved saving"] == table.loc["2026-09", "Planned saving"]
    assert table.loc["2026-10", ["Task mix", "Routing split", "Prices"]].tolist() == ["$0.00"] * 3
    assert {m.label: m.value for m in at.metric}["Difference"] == table.loc["2026-10", "Volume"] != "$0.00"
    assert any("model mix before go-live" in c.value for c in at.caption)
    at.radio(key=widget_key("sv_baseline")).set_value("scenario").run()
    assert any("baseline model, claude-sonnet-4-5" in c.value for c in at.caption)


def test_no_usage_since_go_live_says_what_to_import(tmp_path):
    at = page(scenario_doc()).run()
    assert not at.exception
    assert "No usage on or after the go-live date" in at.info[0].value
