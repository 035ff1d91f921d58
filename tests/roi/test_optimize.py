from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from roi.engine import compute, task_matrix
from roi.errors import ScenarioError
from roi.optimize import (
    PlaceholderAccuracyError,
    accept_placeholders,
    cheapest_routing,
    frontier,
    is_placeholder,
    optimize,
    placeholders,
)
from roi.provenance import Provenance
from roi.scenario import demo_scenario, load_scenario, parse_scenario

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


# --- placeholder accuracies ------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"


def from_usage():
    return load_scenario(FIXTURES / "from_usage.json")


def test_the_placeholder_the_usage_import_writes_is_the_one_optimize_recognizes():
    from roi.usage.traffic import PLACEHOLDER

    assert is_placeholder(PLACEHOLDER)
    assert not is_placeholder(Provenance("assumed", note="typed on the Task mix page"))
    assert not is_placeholder(Provenance("measured", n=40))
    assert not is_placeholder(None)


def test_optimize_refuses_placeholder_accuracies_and_points_to_the_evaluate_page():
    s = from_usage()
    ph = placeholders(s)
    assert ph.count == len(ph.pending) == sum(len(t.accuracy) for t in s.tasks) > 0
    with pytest.raises(PlaceholderAccuracyError, match="Evaluate page") as exc:
        optimize(s)
    assert "placeholders" in str(exc.value) and '"draft"' in str(exc.value)
    assert isinstance(exc.value, ScenarioError)  # the CLI exits 2, the app shows a message


def test_accepting_placeholders_is_recorded_in_the_scenario_and_survives_save_and_load():
    s = accept_placeholders(from_usage(), date(2026, 5, 1))
    ph = placeholders(s)
    assert not ph.pending and len(ph.accepted) == ph.count > 0
    assert ph.accepted_on == "2026-05-01"
    doc = json.loads(s.to_json())
    assert doc["provenance"]["tasks.draft.accuracy"] == {
        "kind": "assumed",
        "note": "placeholder: measure with sample runs",
        "accepted_on": "2026-05-01",
    }
    again = parse_scenario(doc)
    assert again == s and placeholders(again).accepted_on == "2026-05-01"
    assert optimize(again).scenario.tasks  # now it runs
    # accepting again keeps the first day
    assert placeholders(accept_placeholders(again, date(2027, 1, 1))).accepted_on == "2026-05-01"


def test_a_measured_or_typed_accuracy_is_no_longer_a_placeholder():
    s = from_usage()
    t = s.tasks[0]
    model = next(iter(t.accuracy))
    measured = replace(t, provenance=t.provenance.with_accuracy(model, Provenance("measured", n=40)))
    s2 = s.with_tasks([measured, *s.tasks[1:]])
    assert (t.name, model) in placeholders(s).pending
    assert (t.name, model) not in placeholders(s2).pending
    assert len(placeholders(s2).pending) == len(placeholders(s).pending) - 1
    # the demo (typed assumptions) has none
    assert placeholders(demo_scenario()).count == 0
    optimize(demo_scenario())


# --- floors that must hold with a probability ----------------------------------------------------


def _beta_sf(a: int, b: int, x: float, steps: int = 200_000) -> float:
    """P(X ≥ x) for X ~ Beta(a, b), by integrating its density (independent of numpy's sampler)."""
    import math

    grid = np.linspace(0.0, 1.0, steps + 1)
    with np.errstate(divide="ignore"):
        pdf = np.exp(
            math.lgamma(a + b)
            - math.lgamma(a)
            - math.lgamma(b)
            + (a - 1) * np.log(grid)
            + (b - 1) * np.log1p(-grid)
        )
    pdf[~np.isfinite(pdf)] = 0.0
    cdf = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(grid))))
    return float(1 - np.interp(x, grid, cdf / cdf[-1]))


def test_without_measurements_a_confidence_changes_nothing():
    from roi.optimize import cheapest_routing

    s = demo_scenario()
    assert [c.shares for c in cheapest_routing(s, confidence=0.95)] == [c.shares for c in cheapest_routing(s)]


def test_a_floor_held_with_95_percent_probability_costs_what_it_costs():
    """Email triage: Haiku's measured 191/200 = 95.5% meets the 95% floor at the point, but its
    posterior says that holds only about 60% of the time; at 95% the split moves towards Sonnet
    (assumed 95.9%, certain) just as far as the posterior needs, and the price of it is stated."""
    from roi.optimize import SPLIT_STEP, price_of_confidence

    s = load_scenario(FIXTURES / "measured.json")
    pc = price_of_confidence(s, 0.95)
    point = {c.task: c.shares for c in pc.point.choices}
    sure = {c.task: c.shares for c in pc.confident.choices}
    assert point["Email triage"] == {"claude-haiku-4-5": 1.0}
    w = sure["Email triage"]["claude-haiku-4-5"]
    sonnet = 0.959

    def holds(share: float) -> float:  # P(share·A + (1 − share)·0.959 ≥ 0.95), A ~ Beta(192, 10)
        return _beta_sf(192, 10, (0.95 - (1 - share) * sonnet) / share)

    assert _beta_sf(192, 10, 0.95) < 0.7  # the point split would often miss its floor
    assert holds(w) >= 0.95 - 0.01  # the chosen split holds (sampling error of 2,000 draws)
    assert holds(w + SPLIT_STEP) < 0.95 + 0.01  # and the next cheaper one does not
    assert pc.extra_spend > 0 and pc.extra_net_loss > 0
    assert all(sure[t] == point[t] for t in sure if t != "Email triage")
