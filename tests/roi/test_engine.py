"""The engine against examples worked out by hand (the arithmetic is written out in each test)."""

from __future__ import annotations

import copy
import re

import pytest

from roi.engine import check, compute
from roi.errors import ScenarioError
from roi.scenario import parse_scenario

# Two custom models with round prices so the hand arithmetic stays readable.
MODELS = {
    "small": {
        "input": 1.0,
        "output": 5.0,
        "cache_write": 1.25,
        "cache_read": 0.1,
        "ttft_s": 0.5,
        "output_tokens_per_s": 100,
    },
    "large": {
        "input": 10.0,
        "output": 50.0,
        "cache_write": 12.5,
        "cache_read": 1.0,
        "ttft_s": 2.0,
        "output_tokens_per_s": 25,
    },
}


def doc(**over):
    base = {
        "name": "hand",
        "horizon_months": 3,
        "one_time_cost": 100.0,
        "monthly_cost": 10.0,
        "staff_cost_per_hour": 36.0,
        "volume_growth_per_month": 0.0,
        "models": MODELS,
        "baseline": {"model": "large"},
        "tasks": [
            {
                "name": "triage",
                "requests_per_month": 1000,
                "input_tokens": 1000,
                "cache_write_tokens": 0,
                "cache_read_tokens": 0,
                "output_tokens": 100,
                "interactive": True,
                "error_cost": 2.0,
                "accuracy": {"small": 0.9, "large": 0.95},
                "routing": {"small": 1.0},
            }
        ],
    }
    base.update(over)
    return base


def test_single_task_worked_by_hand():
    r = compute(parse_scenario(doc()))
    # small: (1000×1 + 100×5)/1e6 = $0.0015 per request → 1000 requests = $1.50
    # large: (1000×10 + 100×50)/1e6 = $0.015 per request → $15.00
    assert r.month1_spend == pytest.approx(1.5)
    assert r.month1_baseline_spend == pytest.approx(15.0)
    assert r.savings_pct == pytest.approx(90.0)
    # latency: small 0.5 + 100/100 = 1.5 s; large 2 + 100/25 = 6 s
    assert r.mean_latency_s == pytest.approx(1.5)
    assert r.baseline_mean_latency_s == pytest.approx(6.0)
    # errors: 1000 × 0.10 × $2 = $200 routed; 1000 × 0.05 × $2 = $100 today
    assert r.month1_error_cost == pytest.approx(200.0)
    assert r.month1_baseline_error_cost == pytest.approx(100.0)
    # staff time: 1000 × (6 − 1.5) s = 4500 s = 1.25 h × $36 = $45
    assert r.month1_staff_time_value == pytest.approx(45.0)
    # net = 13.5 saved − 100 more errors + 45 staff − 10 overhead = −51.5 a month
    p = r.projection
    assert list(p.net_benefit) == pytest.approx([-51.5] * 3)
    assert list(p.cumulative) == pytest.approx([-151.5, -203.0, -254.5])
    assert p.payback_month is None
    # ROI: gains 3 × (13.5 − 100 + 45) = −124.5; costs 100 + 3×10 = 130 → 100 × (−124.5 − 130)/130
    assert p.roi_pct == pytest.approx(100 * (-124.5 - 130) / 130)


def test_cache_buckets_growth_and_payback():
    d = doc(volume_growth_per_month=0.1, staff_cost_per_hour=0.0, monthly_cost=0.0, one_time_cost=20.0)
    t = d["tasks"][0]
    t.update(
        input_tokens=200, cache_write_tokens=400, cache_read_tokens=2000, output_tokens=40, error_cost=0.0
    )
    r = compute(parse_scenario(d))
    # small: (200×1 + 400×1.25 + 2000×0.1 + 40×5)/1e6 = (200+500+200+200)/1e6 = $0.0011
    # large: (200×10 + 400×12.5 + 2000×1 + 40×50)/1e6 = (2000+5000+2000+2000)/1e6 = $0.011
    assert r.month1_spend == pytest.approx(1.1)
    assert r.month1_baseline_spend == pytest.approx(11.0)
    # saved 9.9 in month 1, ×1.1 in month 2 (10.89), ×1.21 in month 3 (11.979)
    assert list(r.projection.spend_saved) == pytest.approx([9.9, 10.89, 11.979])
    # cumulative: −20 + 9.9 = −10.1; + 10.89 = 0.79 ≥ 0 → payback in month 2
    assert r.projection.payback_month == 2


def test_cascade_cost_latency_and_accuracy():
    d = doc()
    d["tasks"][0]["routing"] = {"cascade": ["small", "large"], "escalation_rate": 0.2}
    r = compute(parse_scenario(d))
    # cost 0.0015 + 0.2 × 0.015 = 0.0045 → $4.50; latency 1.5 + 0.2×6 = 2.7 s
    assert r.month1_spend == pytest.approx(4.5)
    assert r.mean_latency_s == pytest.approx(2.7)
    # assumed accuracy (1−0.2)×0.9 + 0.2×0.95 = 0.91
    assert r.accuracy == pytest.approx(0.91)
    d["tasks"][0]["accuracy"]["small>large"] = 0.94  # measured cascade accuracy wins
    assert compute(parse_scenario(d)).accuracy == pytest.approx(0.94)


def test_split_and_request_weighted_means():
    d = doc()
    d["tasks"][0]["routing"] = {"small": 0.75, "large": 0.25}
    d["tasks"].append(
        {
            "name": "opinions",
            "requests_per_month": 3000,
            "input_tokens": 0,
            "output_tokens": 1000,
            "interactive": False,
            "error_cost": 0,
            "accuracy": {"large": 0.8},
            "latency_s": {"large": 30.0},
            "routing": {"large": 1.0},
        }
    )
    r = compute(parse_scenario(d))
    # triage: 0.75×0.0015 + 0.25×0.015 = 0.004875 → $4.875; opinions 3000 × 1000×50/1e6 = $150
    assert r.month1_spend == pytest.approx(154.875)
    # latency: triage 0.75×1.5 + 0.25×6 = 2.625; opinions measured 30 s → (1000×2.625 + 3000×30)/4000
    assert r.mean_latency_s == pytest.approx((2625 + 90000) / 4000)
    # accuracy: triage 0.75×0.9 + 0.25×0.95 = 0.9125 → (1000×0.9125 + 3000×0.8)/4000
    assert r.accuracy == pytest.approx((912.5 + 2400) / 4000)
    assert r.spend_by_model() == pytest.approx({"large": 3.75 + 150, "small": 1.125})
    # staff time only for the interactive task: 1000 × (6 − 2.625) s / 3600 × $36 = $33.75
    assert r.month1_staff_time_value == pytest.approx(33.75)


def test_catalog_model_with_discount_and_long_context_tier():
    d = doc(models={"claude-sonnet-4-5": {"discount": 0.1}}, price_date="2026-01-15")
    d["baseline"] = {"model": "claude-sonnet-4-5"}
    d["tasks"][0].update(
        input_tokens=250_000,
        output_tokens=1000,
        accuracy={"claude-sonnet-4-5": 0.9},
        routing={"claude-sonnet-4-5": 1},
    )
    r = compute(parse_scenario(d))
    # 250k input > 200k: long-context tier $6 in / $22.5 out; 10% discount
    # (250000×6 + 1000×22.5)/1e6 = 1.5225 × 0.9 = 1.37025 per request × 1000
    assert r.month1_spend == pytest.approx(1370.25)


def test_batch_task_uses_batch_prices():
    d = doc(models={}, price_date="2026-11-01")
    d["baseline"] = {"model": "claude-haiku-4-5"}
    d["tasks"][0].update(accuracy={"claude-haiku-4-5": 0.9}, routing={"claude-haiku-4-5": 1}, batch=True)
    r = compute(parse_scenario(d))
    # Haiku 4.5 batch: $0.5 in, $2.5 out → (1000×0.5 + 100×2.5)/1e6 × 1000 = $0.75
    assert r.month1_spend == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["tasks"][0].update(routing={"nope": 1.0}),
            'task "triage": routing: unknown model "nope"',
        ),
        (
            lambda d: d["tasks"][0].update(routing={"small": 0.5, "large": 0.4}),
            'task "triage": routing: shares sum to 0.9',
        ),
        (
            lambda d: d["tasks"][0]["accuracy"].pop("small"),
            'task "triage": accuracy: no accuracy for model "small"',
        ),
        (
            lambda d: d["tasks"][0].update(requests_per_month=-5),
            'task "triage": requests_per_month: expected a number ≥ 0',
        ),
        (
            lambda d: d["tasks"][0].update(output_tokens="many"),
            'task "triage": output_tokens: expected a number, got "many"',
        ),
        (
            lambda d: d["tasks"][0].update(interactive="yes"),
            'task "triage": interactive: expected true or false',
        ),
        (lambda d: d.update(baseline={"model": "gpt-9000"}), 'baseline.model: unknown model "gpt-9000"'),
        (lambda d: d.update(horizon_months=2.5), "horizon_months: expected a whole number"),
        (
            lambda d: d["tasks"][0]["accuracy"].update(small=1.2),
            'task "triage": accuracy["small"]: expected a number ≤ 1',
        ),
    ],
)
def test_malformed_scenarios_name_task_and_field(mutate, message):
    d = doc()
    mutate(d)
    with pytest.raises(ScenarioError) as err:
        compute(parse_scenario(d))
    assert message in str(err.value)


def test_roundtrip_preserves_results():
    s = parse_scenario(doc())
    again = parse_scenario(__import__("json").loads(s.to_json()))
    assert compute(again).to_dict() == compute(s).to_dict()


def test_p95_ish_latency_is_request_weighted():
    d = doc()
    d["tasks"].append(dict(d["tasks"][0], name="slow", requests_per_month=50, routing={"large": 1.0}))
    r = compute(parse_scenario(d))
    # 1000 requests at 1.5 s, 50 at 6 s: the 95th percentile request (of 1050) is still a 1.5 s one
    assert r.p95_latency_s == pytest.approx(1.5)
    d["tasks"][1]["requests_per_month"] = 100  # 100 of 1100 = 9% slow → p95 is 6 s
    assert compute(parse_scenario(d)).p95_latency_s == pytest.approx(6.0)


def test_baseline_can_be_the_actual_model_mix():
    d = doc()
    d["tasks"][0]["baseline_routing"] = {"small": 0.5, "large": 0.5}
    r = compute(parse_scenario(d))
    # today: half small ($0.0015) half large ($0.015) → $0.00825 × 1000 = $8.25; latency (1.5 + 6)/2
    assert r.month1_baseline_spend == pytest.approx(8.25)
    assert r.baseline_mean_latency_s == pytest.approx(3.75)
    assert r.baseline_accuracy == pytest.approx(0.925)
    assert parse_scenario(__import__("json").loads(parse_scenario(d).to_json())).tasks[
        0
    ].baseline_routing == {
        "small": 0.5,
        "large": 0.5,
    }


# --- check: the gate for accepting a file, a share link or an edit -------------------------------


def checked(mutate=lambda d: None, *, baseline="small"):
    """A deep copy of the hand example (MODELS is shared), mutated, parsed and checked."""
    d = copy.deepcopy(doc(baseline={"model": baseline}))
    mutate(d)
    return check(parse_scenario(d))


def test_check_returns_the_scenario_compute_can_price():
    """A scenario that computes comes back unchanged, so callers can write `s = check(s)`."""
    s = parse_scenario(doc())
    assert check(s) is s
    assert compute(check(s)).month1_spend == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("mutate", "baseline", "where"),
    [
        (lambda d: None, "gpt-9000", 'baseline.model: unknown model "gpt-9000"'),
        (lambda d: d["tasks"][0].update(routing={"nope": 1.0}), "small", 'task "triage": routing: unknown'),
        (
            lambda d: d["tasks"][0].update(routing={"cascade": ["small", "nope"], "escalation_rate": 0.1}),
            "small",
            'task "triage": routing: unknown model "nope"',
        ),
        (
            lambda d: d["tasks"][0]["accuracy"].update(nope=0.5),
            "small",
            'task "triage": accuracy: unknown model "nope"',
        ),
        (
            lambda d: d["models"].update(nope={"discount": 0.1}),
            "small",
            'models["nope"]: unknown model "nope"',
        ),
    ],
)
def test_check_names_where_an_unknown_model_is_used(mutate, baseline, where):
    """The message points at the field to fix, not just at the model id."""
    with pytest.raises(ScenarioError) as err:
        checked(mutate, baseline=baseline)
    assert str(err.value).startswith(where)
    assert "not in the price catalog" in str(err.value)


def test_check_names_baseline_routing_for_an_unknown_model_there():
    with pytest.raises(ScenarioError, match=r'^task "triage": baseline_routing'):
        checked(lambda d: d["tasks"][0].update(baseline_routing={"nope": 1.0}))


@pytest.mark.parametrize(
    ("mutate", "baseline", "message"),
    [
        (
            lambda d: d["tasks"][0]["accuracy"].pop("small"),
            "large",
            'task "triage": accuracy: no accuracy for model "small", which gets 100% of requests',
        ),
        (
            lambda d: d["tasks"][0]["accuracy"].pop("large"),
            "large",
            'task "triage": accuracy: no accuracy for model "large", which is the baseline',
        ),
        (
            lambda d: (
                d["tasks"][0].update(routing={"cascade": ["small", "large"], "escalation_rate": 0.2}),
                d["tasks"][0]["accuracy"].pop("large"),
            ),
            "small",
            'no accuracy for model "large", which takes escalations in the cascade',
        ),
        (
            lambda d: (
                d["tasks"][0].update(routing={"small": 1.0}, baseline_routing={"small": 0.5, "large": 0.5}),
                d["tasks"][0]["accuracy"].pop("large"),
            ),
            "small",
            'no accuracy for model "large", which answers 50% today',
        ),
    ],
)
def test_check_refuses_a_missing_accuracy_the_routing_needs(mutate, baseline, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        checked(mutate, baseline=baseline)


@pytest.mark.parametrize(
    "mutate",
    [
        # a cascade with a measured accuracy needs neither model's own accuracy
        lambda d: d["tasks"][0].update(
            routing={"cascade": ["small", "large"], "escalation_rate": 0.2},
            accuracy={"small>large": 0.93, "small": 0.9},
        ),
        # nothing escalated: the second model's accuracy is never used
        lambda d: (
            d["tasks"][0].update(routing={"cascade": ["small", "large"], "escalation_rate": 0.0}),
            d["tasks"][0]["accuracy"].pop("large"),
        ),
        # a model with a 0% share gets no requests, so its accuracy is not needed
        lambda d: (
            d["tasks"][0].update(routing={"small": 1.0, "large": 0.0}),
            d["tasks"][0]["accuracy"].pop("large"),
        ),
    ],
)
def test_check_accepts_accuracies_the_routing_does_not_need(mutate):
    assert checked(mutate).tasks[0].name == "triage"
