"""What a managing partner reads and moves, through AppTest: the net benefit beside the savings, the
three tiers of work as top-level controls, amounts with separators, and placeholder accuracies
marked on every page and refused by Optimize until measured or accepted."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from roi.engine import compute
from roi.numbers import money_short
from roi.optimize import optimize, placeholders
from roi.present import money
from roi.scenario import Routing, demo_scenario, load_scenario
from roi.ui.state import SCENARIO_KEY, seeded_key

ROOT = Path(__file__).resolve().parents[2]
HAIKU, SONNET, OPUS = "claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1"
FROM_USAGE = load_scenario(ROOT / "tests" / "fixtures" / "scenarios" / "from_usage.json")


def page(name: str, scenario=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=30)
    if scenario is not None:
        at.session_state[SCENARIO_KEY] = scenario
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def numbers(values) -> np.ndarray:
    """A trace array as plotly writes it into the page: a list, or typed binary data."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def all_on_haiku():
    s = demo_scenario()
    return s.with_tasks([replace(t, routing=Routing(shares={HAIKU: 1.0})) for t in s.tasks])


# --- 7. net benefit on the main pages --------------------------------------------------------------


@pytest.mark.parametrize("name", ["overview", "routing"])
def test_a_token_saving_that_loses_money_shows_the_loss(name):
    s = all_on_haiku()
    at = page(name, s)
    assert not at.exception
    r = compute(s)
    shown = metrics(at)
    assert shown["Token savings"] == "93.3%"
    assert shown["Net benefit, 24 months"] == money_short(r.projection.horizon_net_benefit) == "-$28.7M"
    assert shown["Payback"] == "none"
    net = next(m for m in at.metric if m.label == "Net benefit, 24 months")
    assert net.proto.delta == "net loss"


def test_no_tile_is_called_p95_ish():
    at = page("overview")
    assert not any("ish" in label for label in metrics(at))


# --- 8. the three tiers --------------------------------------------------------------------------


def test_routing_shows_routine_medium_and_hard_controls_outside_the_per_task_section():
    at = page("routing")
    assert not at.exception
    for tier in ("routine", "medium", "hard"):
        assert at.slider(key=seeded_key(f"tier:{tier}"))
    # none of them is inside the collapsible per-task section
    (section,) = at.expander
    inside = {w.key for w in section.slider}
    assert not inside & {seeded_key(f"tier:{t}") for t in ("routine", "medium", "hard")}
    assert any("60% of requests" in m.value for m in at.markdown)
    assert any("30% of requests" in m.value for m in at.markdown)
    assert any("10% of requests" in m.value for m in at.markdown)
    assert at.slider(key=seeded_key("tier:medium")).value == round(100 * 16_000 / 18_000)


def test_lowering_opus_on_hard_work_moves_the_share_to_sonnet():
    at = page("routing")
    at.slider(key=seeded_key("tier:hard")).set_value(70).run()
    assert not at.exception
    s = at.session_state[SCENARIO_KEY]
    legal = next(t for t in s.tasks if t.name == "Legal opinions")
    assert legal.routing.shares == pytest.approx({OPUS: 0.7, SONNET: 0.3})
    assert metrics(at)["Monthly spend, routed"] == money_short(compute(s).month1_spend)
    # the per-task sliders follow
    assert at.slider(key=seeded_key(f"split:Legal opinions:{SONNET}")).value == 30
    assert at.slider(key=seeded_key(f"split:Legal opinions:{HAIKU}")).value == 0


def test_a_per_task_slider_gives_freed_share_to_the_next_model_down():
    at = page("routing")
    at.slider(key=seeded_key(f"split:Legal opinions:{OPUS}")).set_value(80).run()
    legal = next(t for t in at.session_state[SCENARIO_KEY].tasks if t.name == "Legal opinions")
    assert legal.routing.shares == pytest.approx({OPUS: 0.8, SONNET: 0.2})
    assert at.slider(key=seeded_key("tier:hard")).value == 80


# --- 9. polish -----------------------------------------------------------------------------------


def test_amounts_are_typed_and_shown_with_separators():
    at = page("break_even")
    box = at.text_input(key=seeded_key("money:one_time_cost"))
    assert box.value == "25,000"
    box.set_value("150000").run()
    assert at.text_input(key=seeded_key("money:one_time_cost")).value == "150,000"
    expected = compute(replace(demo_scenario(), one_time_cost=150_000.0))
    assert metrics(at)["Payback"] == f"month {expected.projection.payback_month}"
    at.text_input(key=seeded_key("money:one_time_cost")).set_value("lots").run()
    assert any("One-time cost" in e.value and "lots" in e.value for e in at.error)
    assert at.session_state[SCENARIO_KEY].one_time_cost == 150_000.0
    assert at.text_input(key=seeded_key("money:one_time_cost")).value == "150,000"


def test_the_cumulative_chart_is_a_line_from_month_0_as_its_caption_says():
    at = page("break_even")
    assert any("line starts at month 0" in c.value for c in at.caption)
    (trace,) = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert trace.get("type", "scatter") == "scatter" and "lines" in trace["mode"]
    assert list(numbers(trace["x"]))[:2] == [0, 1]
    assert numbers(trace["y"])[0] == -demo_scenario().one_time_cost
    assert trace["hovertext"][0] == "-$25,000" and len(trace["hovertext"]) == 25  # months 0..24


# --- 6b. placeholder accuracies --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["overview", "routing", "task_mix", "break_even", "models", "scenarios", "report"]
)
def test_placeholder_accuracies_are_marked_on_every_page(name):
    at = page(name, FROM_USAGE)
    assert not at.exception
    assert any("are placeholders" in w.value and "Evaluate page" in w.value for w in at.warning), name


def test_the_sidebar_marks_placeholders_on_pages_without_the_banner():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[SCENARIO_KEY] = FROM_USAGE
    at.run()
    assert any("35 placeholder accuracies, not measured" in c.value for c in at.sidebar.caption)


def test_optimize_refuses_placeholders_until_they_are_accepted_and_the_acceptance_is_kept():
    at = page("routing", FROM_USAGE)
    button(at, "Optimize").click().run()
    assert not at.exception
    assert any("placeholders" in e.value and "Evaluate page" in e.value for e in at.error)
    assert at.session_state[SCENARIO_KEY] == FROM_USAGE  # nothing was routed
    button(at, "Accept placeholders").click().run()
    accepted = at.session_state[SCENARIO_KEY]
    ph = placeholders(accepted)
    assert not ph.pending and ph.accepted_on
    assert '"accepted_on"' in accepted.to_json()  # saved with the scenario
    assert any("accepted as assumptions" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "Accept placeholders"]
    button(at, "Optimize").click().run()
    assert any("cheapest split" in s.value for s in at.success)
    assert at.session_state[SCENARIO_KEY] != accepted


def test_the_demo_optimizes_without_asking():
    at = page("routing")
    assert not [b for b in at.button if b.label == "Accept placeholders"]
    button(at, "Optimize").click().run()
    assert any("cheapest split" in s.value for s in at.success)
    assert metrics(at)["Monthly spend, routed"] == money(optimize(demo_scenario()).result.month1_spend)
