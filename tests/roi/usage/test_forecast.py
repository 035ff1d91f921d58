"""The spend forecast: a maintained model (statsmodels ETS) on complete months, intervals that
nest, a back-test, the growth assumption (labelled) below three months, the CLI's JSON contract."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from roi.cli import main
from roi.store import Store
from roi.usage import ingest
from roi.usage.forecast import forecast, monthly_history


def priced(
    start: str, end: str, per_day: float, growth_per_month: float = 0.0, noise: float = 0.0
) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    days = pd.date_range(start, end, freq="D", tz="UTC")
    rows = []
    for i, d in enumerate(days):
        for model, share in (("claude-haiku-4-5", 0.2), ("claude-sonnet-4-5", 0.8)):
            cost = per_day * share * (1 + growth_per_month) ** (i / 30.4375) * rng.lognormal(0, noise)
            rows.append(
                {
                    "kind": "usage",
                    "start": d,
                    "end": d + pd.Timedelta(days=1),
                    "model": model,
                    "cost_usd": cost,
                }
            )
    return pd.DataFrame(rows)


def test_a_year_of_growing_spend_is_fitted_with_nested_intervals_and_a_backtest():
    f = forecast(priced("2025-11-01", "2026-11-14", 100.0, 0.03, noise=0.1), 6)
    assert f.method.startswith("ETS (damped trend)") and "12 complete months" in f.method
    assert f.notes == ["Not fitted, only partly covered by the data: 2026-11."]
    # the month under way comes first, then six more
    assert f.months["month"].tolist() == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
        "2027-05",
    ]
    m = f.months
    assert ((m.lo95 < m.lo80) & (m.lo80 < m.cost_usd) & (m.cost_usd < m.hi80) & (m.hi80 < m.hi95)).all()
    assert (m.hi95 - m.lo95).is_monotonic_increasing  # less sure further out
    last = f.history[f.history.complete]["cost_usd"].iloc[-1]
    assert last * 0.9 < m.cost_usd.iloc[1] < last * 1.3  # it continues the history, roughly
    assert f.backtest_mape is not None and 0 < f.backtest_mape < 15
    assert set(f.per_model) == {"claude-haiku-4-5", "claude-sonnet-4-5"}


def test_flat_spend_forecasts_flat():
    f = forecast(priced("2026-01-01", "2026-10-31", 50.0), 3)
    assert f.method.startswith("ETS (damped trend)")
    expected = 50.0 * 30.4375
    assert all(abs(c - expected) / expected < 0.05 for c in f.months["cost_usd"])


def test_under_three_complete_months_uses_the_growth_assumption_and_says_so():
    f = forecast(priced("2025-11-01", "2026-01-10", 100.0), 3, growth_per_month=0.05)
    assert f.method.startswith("growth assumption: 5.0% a month")
    assert "fewer than 3 complete months" in f.method
    assert f.backtest_mape is None
    assert f.months[["lo80", "hi80", "lo95", "hi95"]].isna().all().all()  # no interval is invented
    assert f.months["month"].tolist() == ["2026-01", "2026-02", "2026-03"]
    assert f.months["cost_usd"].iloc[1] == pytest.approx(f.months["cost_usd"].iloc[0] * 1.05)


def test_partial_months_are_marked_and_count_their_days():
    h = monthly_history(priced("2026-10-15", "2026-11-03", 10.0))
    assert h[["month", "days", "complete"]].values.tolist() == [["2026-10", 17, False], ["2026-11", 3, False]]


def test_cli_json_contract(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ROI_HOME", str(tmp_path))
    monkeypatch.delenv("ROI_DATABASE_URL", raising=False)
    lines = ["timestamp,model,input_tokens,output_tokens,latency_ms"]
    for d in pd.date_range("2026-03-01", "2026-10-31", freq="D"):
        lines.append(f"{d:%Y-%m-%d}T10:15:00Z,claude-haiku-4-5,{1_000_000 + d.day_of_year * 1000},100000,900")
    path = tmp_path / "calls.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    ingest(store, [path])
    store.dispose()
    assert main(["forecast", "--json", "--months", "6"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"method", "backtest_mape", "months"}
    assert len(doc["months"]) == 6 and doc["months"][0]["month"] == "2026-11"
    for m in doc["months"]:
        assert set(m) == {"month", "cost_usd", "lo80", "hi80", "lo95", "hi95"}
        assert m["lo95"] <= m["lo80"] <= m["cost_usd"] <= m["hi80"] <= m["hi95"]
    assert isinstance(doc["backtest_mape"], float)
    assert main(["forecast", "--months", "30"]) == 2
