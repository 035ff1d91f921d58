"""Every page opens without error (AppTest), on the demo and on an empty scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from roi.engine import compute
from roi.present import money
from roi.scenario import demo_scenario, parse_scenario
from roi.ui.state import SCENARIO_KEY

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_on_demo(page):
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=30).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_on_empty_scenario(page):
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=30)
    at.session_state[SCENARIO_KEY] = parse_scenario(
        {"name": "Empty", "baseline": {"model": "claude-opus-4-5"}}
    )
    at.run()
    assert not at.exception, at.exception


def test_app_router_opens_overview_with_demo_figures():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    r = compute(demo_scenario())
    values = {m.label: m.value for m in at.metric}
    assert values["Monthly spend, today"] == money(r.month1_baseline_spend)
    assert values["Monthly spend, routed"] == money(r.month1_spend)
    assert values["Payback"] == f"month {r.projection.payback_month}"
    assert any("Illustrative" in i.value for i in at.info)
