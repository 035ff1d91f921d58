"""Every page opens on every scenario we keep as a fixture, with no exception and no error message.

A page turns a scenario it cannot compute into `st.error` + `st.stop()`, which raises nothing: the
smoke test fails on any error element too, so "opens" means "shows what it is for".
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from roi.engine import compute
from roi.present import money
from roi.scenario import Scenario, demo_scenario, load_scenario
from roi.ui.state import SCENARIO_KEY

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
SCENARIOS: dict[str, Scenario] = {
    "demo": demo_scenario(),
    **{p.stem: load_scenario(p) for p in sorted((ROOT / "tests" / "fixtures" / "scenarios").glob("*.json"))},
}


def open_page(page: str, s: Scenario) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=30)
    at.session_state[SCENARIO_KEY] = s
    return at.run()


def test_the_fixtures_cover_what_pages_must_cope_with():
    assert {"demo", "blank", "edge_cases", "from_usage", "measured"} <= set(SCENARIOS)
    assert SCENARIOS["blank"].tasks == ()
    assert SCENARIOS["measured"].measured_accuracies() > 0
    assert all(t.baseline_routing for t in SCENARIOS["from_usage"].tasks)
    edge = SCENARIOS["edge_cases"]
    assert any(t.routing.cascade for t in edge.tasks) and any(t.batch for t in edge.tasks)
    assert any(edge.is_custom(m) for m in edge.models_in_play())


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("page", PAGES)
def test_page_opens_without_an_error(page, scenario):
    at = open_page(page, SCENARIOS[scenario])
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the page drew nothing"


def test_the_smoke_test_sees_a_page_that_only_shows_an_error():
    """A scenario the engine refuses (a model with no price) must fail the check above."""
    broken = dataclasses.replace(demo_scenario(), baseline_model="no-such-model")
    at = open_page("overview.py", broken)
    assert not at.exception
    assert at.error and "no-such-model" in at.error[0].value


def test_app_router_opens_overview_with_demo_figures():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception and not at.error
    r = compute(demo_scenario())
    values = {m.label: m.value for m in at.metric}
    assert values["Monthly spend, today"] == money(r.month1_baseline_spend)
    assert values["Monthly spend, routed"] == money(r.month1_spend)
    assert values["Payback"] == f"month {r.projection.payback_month}"
    assert any("Illustrative" in i.value for i in at.info)
