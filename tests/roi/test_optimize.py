from __future__ import annotations

import pytest

from roi.engine import compute, task_matrix
from roi.optimize import cheapest_routing, frontier, optimize
from roi.scenario import demo_scenario, parse_scenario

MODELS = {
    "small": {"input": 1, "output": 0, "ttft_s": 0.5, "output_tokens_per_s": 100},
    "mid": {"input": 4, "output": 0, "ttft_s": 1, "output_tokens_per_s": 50},
    "large": {"input": 10, "output": 0, "ttft_s": 2, "output_tokens_per_s": 25},
}


def scen(floor, ceiling=None, acc=None):
    task = {
        "name": "t",
        "requests_per_month": 1000,
        "input_tokens": 1_000_000,
        "output_tokens": 100,
        "accuracy": acc or {"small": 0.8, "mid": 0.9, "large": 0.95},
        "routing": {"large": 1.0},
        "accuracy_floor": floor,
    }
    if ceiling is not None:
        task["latency_ceiling_s"] = ceiling
    return parse_scenario({"name": "o", "models": MODELS, "baseline": {"model": "large"}, "tasks": [task]})


def test_floor_met_by_cheapest_model_alone():
    (c,) = cheapest_routing(scen(0.75))
    assert c.shares == {"small": 1.0}


def test_floor_between_models_mixes_two():
    # cost per request: small $1, mid $4, large $10. Floor 0.85 → half small, half mid = $2.50
    # (small+large would need 2/3 large = $7; small+mid is the cheaper pair)
    (c,) = cheapest_routing(scen(0.85))
    assert c.shares == pytest.approx({"small": 0.5, "mid": 0.5})
    assert c.cost == pytest.approx(2.5)
    assert c.accuracy == pytest.approx(0.85)


def test_latency_ceiling_excludes_slow_models():
    # latencies: small 1.5 s, mid 3 s, large 6 s. Floor 0.92 with a 4 s ceiling is impossible
    # (needs > 0 large: mid+large at 0.92 → 60% mid/40% large = 4.2 s); 5 s allows it.
    (c,) = cheapest_routing(scen(0.92, ceiling=4.0))
    assert c.shares is None
    (c,) = cheapest_routing(scen(0.92, ceiling=5.0))
    assert c.shares == pytest.approx({"mid": 0.6, "large": 0.4})


def test_unreachable_floor_keeps_routing():
    o = optimize(scen(0.99))
    assert o.infeasible == ["t"]
    assert o.scenario.tasks[0].routing.shares == {"large": 1.0}


def test_optimize_demo_meets_every_floor_and_is_no_dearer_than_any_single_model_meeting_it():
    s = demo_scenario()
    o = optimize(s)
    assert not o.infeasible
    for t, row in zip(o.scenario.tasks, o.result.task_rows(), strict=True):
        assert row["accuracy"] >= t.accuracy_floor - 1e-6
    tm = task_matrix(s)
    for k, t in enumerate(s.tasks):
        # per request: tokens + expected error cost + staff waiting time
        def total(cost, acc, lat, t=t):
            return (
                cost + (1 - acc) * t.error_cost + (lat * s.staff_cost_per_hour / 3600 if t.interactive else 0)
            )

        feasible = [
            total(tm.cost[k, j], tm.accuracy[k, j], tm.latency[k, j])
            for j in range(len(tm.models))
            if tm.accuracy[k, j] >= t.accuracy_floor
        ]
        assert (
            total(o.result.routed.cost[k], o.result.routed.accuracy[k], o.result.routed.latency[k])
            <= min(feasible) + 1e-9
        )
    # on the demo, optimizing never makes the month-1 net benefit worse than the routing as typed
    assert o.result.projection.net_benefit[0] >= compute(s).projection.net_benefit[0]


def test_error_cost_makes_the_optimizer_buy_accuracy():
    # with a $100 error: small $1 + 20% × 100 = $21, mid $4 + 10 = $14, large $10 + 5 = $15
    d = scen(0.5)
    from dataclasses import replace

    s = d.with_tasks([replace(d.tasks[0], error_cost=100.0)])
    (c,) = cheapest_routing(s)
    assert c.shares == {"mid": 1.0}
    assert c.cost == pytest.approx(14.0)


def test_frontier_is_monotone_and_spans_cheapest_to_best():
    s = demo_scenario()
    tm = task_matrix(s)
    f = frontier(tm)
    assert (f[1:, 0] >= f[:-1, 0]).all() and (f[1:, 1] >= f[:-1, 1]).all()
    slopes = (f[1:, 1] - f[:-1, 1]) / (f[1:, 0] - f[:-1, 0])
    assert (slopes[1:] <= slopes[:-1] + 1e-12).all()  # concave: diminishing accuracy per dollar
    # the current routing lies on or below the frontier
    r = compute(s)
    acc_at_spend = float(__import__("numpy").interp(r.month1_spend, f[:, 0], f[:, 1]))
    assert r.accuracy <= acc_at_spend + 1e-9
