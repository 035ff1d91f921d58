"""Ranges on the pages: with uncertain inputs, Overview and Break-even & ROI show P10–P90 beside the
point, the chance of payback and how the ranges were made, and a fan chart; with none, nothing on
screen changes. Ranges are typed where the values are (Task mix, Break-even & ROI), and Optimize can
hold the floors with a probability and say what it costs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from roi import present
from roi.engine import compute
from roi.scenario import demo_scenario, load_scenario, parse_scenario
from roi.ui.state import SCENARIO_KEY, seeded_key
from roi.uncertainty import simulate
from tests.app.helpers import button, page

ROOT = Path(__file__).resolve().parents[2]
MEASURED = load_scenario(ROOT / "tests" / "fixtures" / "scenarios" / "measured.json")


def opened(name: str, s) -> AppTest:
    at = page(name)
    at.session_state[SCENARIO_KEY] = s
    return at.run()


def _texts(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.delta) for m in at.metric]
    )


def _chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_the_overview_shows_ranges_odds_and_a_fan_when_inputs_are_uncertain():
    at = opened("overview", MEASURED)
    assert not at.exception
    u = simulate(MEASURED)
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Payback"] == f"P10–P90 {present.payback_span(u)}"
    assert deltas["Net benefit, 24 months"].startswith("P10–P90 $")
    text = _texts(at)
    assert present.uncertainty_words(u) in text and "10,000 draws (seed 1)" in text
    assert "Cumulative net benefit, with its range" in _chart_titles(at)


def test_without_ranges_nothing_on_screen_changes():
    at = opened("overview", demo_scenario())
    assert not at.exception
    assert "P10" not in _texts(at) and "draws" not in _texts(at)
    assert "Cumulative net benefit" in _chart_titles(at)
    assert "Cumulative net benefit, with its range" not in _chart_titles(at)
    p = compute(demo_scenario()).projection
    assert {m.label: m.delta for m in at.metric}["Net benefit, 24 months"] == (
        "net gain" if p.horizon_net_benefit >= 0 else "net loss"
    )


def test_break_even_states_the_probability_and_what_drives_the_spread():
    at = opened("break_even", MEASURED)
    assert not at.exception
    spans = present.range_spans(simulate(MEASURED))
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Payback"] == spans["payback"] and deltas["ROI"] == spans["roi"]
    assert "chance within the 24 months" in _texts(at)
    assert {"Cumulative net benefit, with its range", "What drives the spread"} <= set(_chart_titles(at))


def test_a_range_typed_on_break_even_reaches_the_scenario_and_the_tiles():
    at = opened("break_even", demo_scenario())
    at.text_input(key=seeded_key("money:volume_growth_per_month:low")).set_value("0")
    at.text_input(key=seeded_key("money:volume_growth_per_month:high")).set_value("6").run()
    assert not at.exception
    s = at.session_state[SCENARIO_KEY]
    assert s.ranges["volume_growth_per_month"].low == 0 and s.ranges[
        "volume_growth_per_month"
    ].high == pytest.approx(0.06)
    assert "P10–P90" in {m.label: m.delta for m in at.metric}["Payback"]
    # a range that leaves the value outside is refused and changes nothing
    at.text_input(key=seeded_key("money:one_time_cost:low")).set_value("30,000")
    at.text_input(key=seeded_key("money:one_time_cost:high")).set_value("40,000").run()
    assert "one_time_cost" not in at.session_state[SCENARIO_KEY].ranges
    assert any("(the value)" in e.value for e in at.error)


def test_ranges_are_edited_beside_the_task_table():
    doc = copy.deepcopy(demo_scenario().to_dict())
    doc["tasks"][0]["error_cost"] = {"low": 1.0, "likely": doc["tasks"][0]["error_cost"], "high": 50.0}
    at = opened("task_mix", parse_scenario(doc))
    assert not at.exception
    assert at.expander[-1].label.startswith("How sure are these numbers?")
    button(at, "Apply changes").click().run()  # the unedited tables keep the range
    assert at.session_state[SCENARIO_KEY].tasks[0].ranges["error_cost"].high == 50.0


def test_optimize_can_hold_floors_with_a_probability_and_says_what_it_costs():
    from roi.optimize import price_of_confidence

    at = opened("routing", MEASURED)
    at.selectbox(key="w:optimize_confidence").set_value("with 95% probability")
    button(at, "Optimize").click().run()
    assert not at.exception
    expected = price_of_confidence(MEASURED, 0.95)
    message = (at.success or at.warning)[0].value
    assert "with 95% probability" in message and present.money(expected.extra_spend) in message
    s = at.session_state[SCENARIO_KEY]
    triage = next(t for t in s.tasks if t.name == "Email triage")
    assert triage.routing.shares == next(
        c.shares for c in expected.confident.choices if c.task == "Email triage"
    )


def test_presentation_has_the_range_slides_only_when_something_is_uncertain():
    from roi.slides import slides

    assert "How sure the payback is" in [x.title for x in slides(compute(MEASURED), simulate(MEASURED))]
    assert "How sure the payback is" not in [x.title for x in slides(compute(demo_scenario()), None)]


def test_a_price_change_is_set_on_the_models_page():
    at = opened("models", demo_scenario())
    at.selectbox(key="w:pc_model").set_value("claude-sonnet-4-5")
    form = [
        n
        for n in at.number_input
        if n.label.startswith(("From month", "Price factor", "Factor, low", "Factor, high"))
    ]
    values = {
        "From month": 7,
        "Price factor (likely)": 0.8,
        "Factor, low (optional)": 0.6,
        "Factor, high (optional)": 1.0,
    }
    for n in form:
        n.set_value(values[n.label])
    button(at, "Apply price change").click().run()
    assert not at.exception and not at.error
    pc = at.session_state[SCENARIO_KEY].models["claude-sonnet-4-5"].price_change
    assert (pc.from_month, pc.factor, pc.factor_range.low, pc.factor_range.high) == (7, 0.8, 0.6, 1.0)
    button(at, "Remove its price change").click().run()
    assert at.session_state[SCENARIO_KEY].models["claude-sonnet-4-5"].price_change is None


def test_the_report_says_which_inputs_carry_a_range():
    from roi.report.assumptions import assumptions

    doc = copy.deepcopy(MEASURED.to_dict())
    doc["tasks"][0]["error_cost"] = {"low": 2.0, "likely": 5.0, "high": 20.0}
    ranged = {a.item: a.value for a in assumptions(parse_scenario(doc)) if "range" in a.value}
    assert ranged["Intake classification"].endswith("· range $2.00–$20.00")
    assert "Beta posterior" in ranged["Email triage on claude-haiku-4-5"]
    assert not [a for a in assumptions(demo_scenario()) if "range" in a.value]
