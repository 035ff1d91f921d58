"""The comparison as the Scenarios page shows it: one column per scenario (so up to four fit any
screen), the current scenario marked as such and as saved or not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from roi.compare import STATUS_ROW, Comparison, compare_table, comparison, saved_revision
from roi.engine import compute
from roi.numbers import money, percent, seconds, share
from roi.scenario import demo_scenario, parse_scenario
from roi.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def plan(name: str, one_time_cost: float):
    return replace(demo_scenario(), name=name, one_time_cost=one_time_cost)


def test_the_current_scenario_is_saved_only_while_it_equals_the_revision_it_came_from(store):
    s = plan("Plan A", 25_000)
    assert saved_revision(store, s, None) is None  # never saved
    rev = store.save_scenario(s, expected_revision=None)
    assert saved_revision(store, s, ("Plan A", rev)) == rev
    assert saved_revision(store, replace(s, one_time_cost=1.0), ("Plan A", rev)) is None  # edited
    assert saved_revision(store, s.with_name("Plan B"), ("Plan A", rev)) is None  # renamed
    store.delete_scenario("Plan A")
    assert saved_revision(store, s, ("Plan A", rev)) is None  # the saved copy is gone


def test_the_comparison_says_which_scenario_is_current_and_whether_it_is_saved(store):
    for name, cost in (("Plan A", 10_000), ("Plan B", 20_000)):
        store.save_scenario(plan(name, cost), expected_revision=None)
    store.save_scenario(plan("Plan B", 30_000), expected_revision=1)
    current = plan("Plan A", 10_000)
    c = comparison(store, current, ["Plan A", "Plan B"], loaded=("Plan A", 1))
    assert list(c.results) == ["Plan A (current)", "Plan A", "Plan B"]
    assert c.current == "Plan A (current)"
    assert c.status == {
        "Plan A (current)": "current, saved as revision 1",
        "Plan A": "saved, revision 1",
        "Plan B": "saved, revision 2",
    }
    edited = replace(current, one_time_cost=5_000)
    c = comparison(store, edited, ["Plan B"], loaded=("Plan A", 1))
    assert c.status["Plan A (current)"] == "current, unsaved changes"


def test_the_table_has_a_column_per_scenario_and_a_row_per_figure(store):
    for name, cost in (("Plan A", 10_000), ("Plan B", 20_000), ("Plan C", 40_000)):
        store.save_scenario(plan(name, cost), expected_revision=None)
    current = demo_scenario()
    c = comparison(store, current, ["Plan A", "Plan B", "Plan C"], loaded=None)
    table = compare_table(c)
    assert list(table.columns) == ["", f"{current.name} (current)", "Plan A", "Plan B", "Plan C"]
    rows = table.set_index("")
    assert rows.index[0] == STATUS_ROW
    assert rows.loc[STATUS_ROW].tolist() == ["current, unsaved changes"] + ["saved, revision 1"] * 3
    for label, r in c.results.items():
        p = r.projection
        assert rows.loc["Spend today ($/month)", label] == money(r.month1_baseline_spend)
        assert rows.loc["Spend routed ($/month)", label] == money(r.month1_spend)
        assert rows.loc["Savings", label] == percent(r.savings_pct)
        assert rows.loc["Mean time to an answer", label] == seconds(r.mean_latency_s)
        assert rows.loc["Expected accuracy", label] == share(r.accuracy)
        assert rows.loc["Net benefit, month 1", label] == money(p.month1.net)
        assert rows.loc["Payback", label] == f"month {p.payback_month}"
        assert rows.loc["Net benefit over the horizon", label] == money(p.horizon_net_benefit)
        assert rows.loc["ROI", label] == percent(p.roi_pct, 0)
    # a cheaper set-up shows where it should: the horizon figure, not the monthly spend
    assert rows.loc["Spend routed ($/month)"].nunique() == 1
    assert rows.loc["Net benefit over the horizon"].nunique() == 4


def test_a_scenario_with_nothing_to_say_shows_dashes():
    empty = compute(parse_scenario({"name": "Blank", "baseline": {"model": "claude-opus-4-5"}}))
    table = compare_table(Comparison({"Blank": empty}, {"Blank": "current, unsaved changes"}, "Blank", []))
    rows = table.set_index("")["Blank"]
    assert rows["Savings"] == rows["ROI"] == rows["Expected accuracy"] == "—"
