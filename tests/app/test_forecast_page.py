"""The Forecast page: the next months of imported spend with intervals, the method and its
back-test stated, the horizon a slider; without usage it says where to start."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from roi.ui.state import widget_key

ROOT = Path(__file__).resolve().parents[2]


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "forecast.py"), default_timeout=60)


def with_months(tmp_path: Path, first: str, last: str) -> None:
    from roi.ui.state import store
    from roi.usage import ingest

    lines = ["request_id,timestamp,model,input_tokens,output_tokens"]
    for i, d in enumerate(pd.date_range(first, last, freq="D")):
        lines.append(f"r{i},{d:%Y-%m-%d}T09:30:00Z,claude-sonnet-4-5,{200_000 + 500 * i},20000")
    path = tmp_path / "calls.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest(store(), [path])


def test_without_usage_the_page_says_where_to_start():
    at = page().run()
    assert not at.exception
    assert "Usage page" in at.info[0].value


def test_the_forecast_shows_its_method_backtest_and_intervals(tmp_path):
    with_months(tmp_path, "2026-01-01", "2026-10-31")
    at = page().run()
    assert not at.exception and not at.error
    shown = {m.label: m.value for m in at.metric}
    assert shown["Spend forecast, 2026-11 (median)"].startswith("$")
    assert " – " in shown["80% interval"]
    assert shown["Back-test error (one month ahead)"].endswith("%")
    assert any("ETS (damped trend)" in c.value and "10 complete months" in c.value for c in at.caption)
    assert len(at.dataframe[0].value) == 6
    at.slider(key=widget_key("fc_months")).set_value(12).run()
    assert len(at.dataframe[0].value) == 12


def test_a_short_history_uses_the_growth_assumption_and_invents_no_interval(tmp_path):
    with_months(tmp_path, "2026-09-01", "2026-10-20")
    at = page().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["80% interval"] == "—"
    assert any("growth assumption" in c.value for c in at.caption)


def test_each_budget_shows_its_state_and_burn_down(tmp_path):
    from roi.ui.state import store
    from roi.usage.budgets import Budget, save_budgets

    with_months(tmp_path, "2026-09-01", "2026-10-20")
    at = page().run()
    assert not at.exception and not at.error  # no budgets yet: the empty table, nothing else
    assert [b.label for b in at.button] == ["Save budgets"]
    save_budgets(store(), [Budget("total", "", 1.0), Budget("team", "claims", 1e6)])
    at = page().run()
    assert not at.exception
    assert at.error[0].value.startswith("Total: $") and "crossed on" in at.error[0].value
    assert at.success[0].value.startswith("Team claims: $0.00 of $1,000,000.00")
    assert "Post new crossings" in [b.label for b in at.button]  # disabled until a URL is typed
