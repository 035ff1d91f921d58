"""Properties of the engine and finance that hold for any scenario."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import approx

from roi.engine import compute
from roi.scenario import parse_scenario

price = st.floats(0.01, 100)
tokens = st.floats(0, 50_000)
share = st.floats(0, 1)
acc = st.floats(0.5, 1.0)


@st.composite
def scenarios(draw):
    models = {
        m: {
            "input": draw(price),
            "output": draw(price),
            "cache_write": draw(price),
            "cache_read": draw(price),
            "ttft_s": draw(st.floats(0.1, 3)),
            "output_tokens_per_s": draw(st.floats(10, 300)),
        }
        for m in ("a", "b", "c")
    }
    tasks = []
    for i in range(draw(st.integers(1, 4))):
        w = draw(share)
        routing = (
            {"cascade": ["a", "c"], "escalation_rate": draw(share)}
            if draw(st.booleans())
            else {"a": w, "b": 1 - w}
        )
        tasks.append(
            {
                "name": f"t{i}",
                "requests_per_month": draw(st.floats(0, 1e6)),
                "input_tokens": draw(tokens),
                "cache_write_tokens": draw(tokens),
                "cache_read_tokens": draw(tokens),
                "output_tokens": draw(tokens),
                "interactive": draw(st.booleans()),
                "error_cost": draw(st.floats(0, 500)),
                "accuracy": {"a": draw(acc), "b": draw(acc), "c": draw(acc)},
                "routing": routing,
            }
        )
    return {
        "name": "prop",
        "horizon_months": draw(st.integers(1, 60)),
        "one_time_cost": draw(st.floats(0, 1e6)),
        "monthly_cost": draw(st.floats(0, 1e4)),
        "staff_cost_per_hour": draw(st.floats(0, 300)),
        "volume_growth_per_month": draw(st.floats(-0.05, 0.1)),
        "models": models,
        "baseline": {"model": "c"},
        "tasks": tasks,
    }


@settings(max_examples=150, deadline=None)
@given(scenarios(), st.floats(0.1, 10))
def test_cost_is_linear_in_volume(d, k):
    r1 = compute(parse_scenario(d))
    d2 = copy.deepcopy(d)
    for t in d2["tasks"]:
        t["requests_per_month"] *= k
    r2 = compute(parse_scenario(d2))
    assert r2.month1_spend == approx(k * r1.month1_spend, rel=1e-9, abs=1e-9)
    assert r2.month1_baseline_spend == approx(k * r1.month1_baseline_spend, rel=1e-9, abs=1e-9)
    assert r2.month1_error_cost == approx(k * r1.month1_error_cost, rel=1e-9, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_shares_are_preserved_and_savings_is_baseline_minus_spend(d):
    r = compute(parse_scenario(d))
    for i, t in enumerate(d["tasks"]):
        calls = r.routed.calls[i]
        expected = 1 + t["routing"]["escalation_rate"] if "cascade" in t["routing"] else 1.0
        assert calls.sum() == approx(expected)
    p = r.projection
    assert list(p.spend_saved) == approx(list(p.baseline_spend - p.spend), rel=1e-9, abs=1e-6)
    assert sum(r.spend_by_model().values()) == approx(r.month1_spend, rel=1e-9, abs=1e-9)
    if r.month1_baseline_spend > 0:
        assert r.savings_pct == approx(
            100 * (r.month1_baseline_spend - r.month1_spend) / r.month1_baseline_spend
        )


@settings(max_examples=150, deadline=None)
@given(scenarios(), st.floats(0, 1e6))
def test_payback_never_earlier_when_one_time_cost_grows(d, extra):
    p1 = compute(parse_scenario(d)).projection.payback_month
    d2 = dict(d, one_time_cost=d["one_time_cost"] + extra)
    p2 = compute(parse_scenario(d2)).projection.payback_month
    if p1 is None:
        assert p2 is None
    elif p2 is not None:
        assert p2 >= p1
