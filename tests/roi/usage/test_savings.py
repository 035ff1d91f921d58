"""Savings achieved: the actual traffic re-priced on the baseline, month by month from go-live,
against the plan, with a variance breakdown that adds up; the CLI's JSON contract."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.cli import main
from roi.errors import ScenarioError
from roi.scenario import parse_scenario
from roi.store import Store
from roi.usage import ingest, priced_store
from roi.usage.pricing import aliases
from roi.usage.savings import EFFECTS, achieved, savings_table
from tests.roi.usage.month_end_data import GO_LIVE, PER_DAY, scenario_doc, three_months

SONNET = 3000 * 3e-6 + 400 * 15e-6  # $ per request of the logs on claude-sonnet-4-5
HAIKU = 3000 * 1e-6 + 400 * 5e-6


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    d = tmp_path_factory.mktemp("savings")
    store = Store(f"sqlite:///{d / 'roi.db'}")
    ingest(store, [three_months(d / "requests.csv")])
    try:
        yield priced_store(store), aliases(store)
    finally:
        store.dispose()


def test_the_counterfactual_is_the_traffic_on_the_mix_before_go_live(priced):
    rows, amap = priced
    s = achieved(rows, parse_scenario(scenario_doc()), amap)
    assert s.mix == {"claude-sonnet-4-5": 1.0} and s.volume_unit == "requests"
    assert s.months["month"].tolist() == ["2026-09", "2026-10"]
    sep = s.months.iloc[0]
    n = 30 * PER_DAY
    assert sep["actual_cost_usd"] == pytest.approx(n * (0.7 * HAIKU + 0.3 * SONNET))
    assert sep["counterfactual_cost_usd"] == pytest.approx(n * SONNET)
    assert sep["achieved_saving_usd"] == pytest.approx(n * 0.7 * (SONNET - HAIKU))
    # the plan was exactly this traffic: it achieved what it planned, nothing to explain
    assert sep["planned_saving_usd"] == pytest.approx(sep["achieved_saving_usd"])
    assert s.split.set_index("model")["seen"].to_dict() == {"claude-haiku-4-5": 0.7, "claude-sonnet-4-5": 0.3}
    assert any("cache" in n.lower() for n in s.notes)  # the caveats are stated


def test_the_variance_breakdown_adds_up_and_names_each_cause(priced):
    rows, amap = priced
    doc = scenario_doc()
    task = doc["tasks"][0]
    task |= {
        "requests_per_month": 1000,
        "output_tokens": 300,
        "routing": {"claude-haiku-4-5": 0.8, "claude-sonnet-4-5": 0.2},
    }
    s = achieved(rows, parse_scenario(doc), amap)
    sep = s.months.iloc[0]
    planned = 1000 * 0.8 * ((3000 * 3e-6 + 300 * 15e-6) - (3000 * 1e-6 + 300 * 5e-6))
    assert sep["planned_saving_usd"] == pytest.approx(planned)
    assert sep["volume"] == pytest.approx(planned * (1200 / 1000 - 1))  # 1,200 requests, not 1,000
    assert sep["task_mix"] > 0  # longer answers than planned: more to save per request
    assert sep["routing_split"] < 0  # 70% went to Haiku, the plan said 80%
    assert sep["prices"] == pytest.approx(0)  # no price change since the plan's price date
    assert sum(sep[e] for e in EFFECTS) == pytest.approx(sep["achieved_saving_usd"] - planned)


@settings(max_examples=25, deadline=None)
@given(
    requests=st.floats(10, 1e6),
    haiku=st.floats(0, 1),
    output=st.floats(0, 5000),
    growth=st.floats(-0.5, 0.5),
    go_day=st.integers(1, 28),
)
def test_the_effects_always_add_up_to_achieved_minus_planned(priced, requests, haiku, output, growth, go_day):
    rows, amap = priced
    doc = scenario_doc(go_live=f"2026-09-{go_day:02d}", volume_growth_per_month=growth)
    doc["tasks"][0] |= {
        "requests_per_month": requests,
        "output_tokens": output,
        "routing": {"claude-haiku-4-5": haiku, "claude-sonnet-4-5": 1 - haiku},
    }
    s = achieved(rows, parse_scenario(doc), amap)
    m = s.months
    gap = m["achieved_saving_usd"] - m["planned_saving_usd"]
    assert (m[list(EFFECTS)].sum(axis=1) - gap).abs().max() < 1e-6 * max(1.0, gap.abs().max())


def test_a_mid_month_go_live_prorates_the_plan_and_the_scenario_baseline_can_be_chosen(priced):
    rows, amap = priced
    s = achieved(
        rows, parse_scenario(scenario_doc()), amap, go_live=parse_date("2026-08-16"), baseline="scenario"
    )
    assert s.baseline == "the scenario's baseline model, claude-sonnet-4-5"
    aug = s.months.iloc[0]
    assert aug["month"] == "2026-08" and aug["days"] == 16 and not aug["complete"]
    assert aug["achieved_saving_usd"] == pytest.approx(0)  # nothing routed before 1 September
    full = achieved(rows, parse_scenario(scenario_doc()), amap).months.iloc[0]["planned_saving_usd"]
    assert aug["planned_saving_usd"] == pytest.approx(full * 16 / 31)
    assert "2026-08 (16 days)" in savings_table(s.months)["Month"].tolist()


def test_no_go_live_date_is_a_clear_error(priced):
    rows, amap = priced
    doc = scenario_doc()
    del doc["go_live"]
    with pytest.raises(ScenarioError, match="go-live date"):
        achieved(rows, parse_scenario(doc), amap)
    assert parse_scenario(scenario_doc()).to_dict()["go_live"] == GO_LIVE  # it round-trips


def test_cli_json_contract(tmp_path, capsys):
    three_months(tmp_path / "requests.csv")
    (tmp_path / "plan.json").write_text(json.dumps(scenario_doc()), encoding="utf-8")
    assert main(["ingest", str(tmp_path / "requests.csv")]) == 0
    assert main(["save", str(tmp_path / "plan.json")]) == 0
    capsys.readouterr()
    assert main(["savings", "Routing plan", "--json"]) == 0  # a saved scenario, by name
    doc = json.loads(capsys.readouterr().out)
    assert doc["go_live"] == GO_LIVE
    for m in doc["months"]:
        assert set(m) >= {
            "month",
            "actual_cost_usd",
            "counterfactual_cost_usd",
            "achieved_saving_usd",
            "planned_saving_usd",
        }
        assert m["achieved_saving_usd"] == pytest.approx(
            m["counterfactual_cost_usd"] - m["actual_cost_usd"], abs=0.011
        )
    assert main(["savings", str(tmp_path / "plan.json"), "--go-live", "1 Sep"]) == 2
    assert "--go-live 1 Sep: expected YYYY-MM-DD" in capsys.readouterr().err
    assert main(["savings", str(tmp_path / "plan.json")]) == 0
    out = capsys.readouterr().out
    assert "Achieved saving" in out and "note: Prompt caches" in out


def parse_date(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_each_cause_on_its_own(priced):
    """A weekend without traffic, a plan whose horizon has ended, a negotiated discount: each moves
    only the figure it should."""
    rows, amap = priced
    base = achieved(rows, parse_scenario(scenario_doc()), amap).months.set_index("month")
    weekdays = rows[rows["start"].dt.day_of_week < 5]
    gaps = achieved(weekdays, parse_scenario(scenario_doc()), amap).months.set_index("month")
    # the weekends are covered (the data ends on Friday 30 October)
    assert gaps["days"].tolist() == [30, 30] and gaps["complete"].tolist() == [True, False]
    planned = base["planned_saving_usd"]
    assert gaps["planned_saving_usd"].tolist() == pytest.approx(
        [planned["2026-09"], planned["2026-10"] * 30 / 31]
    )
    short = achieved(rows, parse_scenario(scenario_doc(horizon_months=1)), amap).months.set_index("month")
    assert short["planned_saving_usd"].tolist() == pytest.approx(base["planned_saving_usd"].tolist())
    discounted = scenario_doc(models={"claude-sonnet-4-5": {"discount": 0.3}})
    d = achieved(rows, parse_scenario(discounted), amap).months.set_index("month").loc["2026-09"]
    assert d["planned_saving_usd"] == pytest.approx(30 * PER_DAY * 0.7 * (0.7 * SONNET - HAIKU))
    assert d["task_mix"] == pytest.approx(0) and d["routing_split"] == pytest.approx(0)
    assert d["prices"] == pytest.approx(d["achieved_saving_usd"] - d["planned_saving_usd"])  # the discount
