"""Honest ranges (`roi.uncertainty`): the percentiles of the simulation against independent, slower
calculations (numerical integration of a Beta posterior, the triangular distribution's own
quantiles), exact deterministic figures when nothing is uncertain, shared draws where inputs share
a measurement, reproducibility, and the `roi scenario --simulate` contract."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest

from roi.cli import main
from roi.engine import compute
from roi.errors import ScenarioError
from roi.scenario import demo_scenario, load_scenario, parse_scenario
from roi.uncertainty import has_ranges, simulate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
MEASURED = json.loads((FIXTURES / "measured.json").read_text())


def _doc(**changes) -> dict:
    doc = copy.deepcopy(demo_scenario().to_dict())
    doc.update(changes)
    return doc


def _month1_net(doc: dict) -> float:
    return compute(parse_scenario(doc)).projection.month1.net


def test_with_nothing_uncertain_every_percentile_is_the_deterministic_figure():
    s = demo_scenario()
    assert not has_ranges(s)
    u = simulate(s, 2_000, seed=7)
    r, d = compute(s), u.to_dict()
    p = r.projection
    assert d["payback_month"] == dict.fromkeys(("p10", "p50", "p90"), p.payback_month)
    assert d["roi_pct"] == dict.fromkeys(("p10", "p50", "p90"), p.roi_pct)
    assert d["month1_net_benefit"] == dict.fromkeys(("p10", "p50", "p90"), p.month1.net)
    assert [b["p50"] for b in d["cumulative_net_benefit"]] == [float(x) for x in p.cumulative]
    assert all(b["p10"] == b["p50"] == b["p90"] for b in d["cumulative_net_benefit"])
    assert d["prob_payback_within_horizon"] == 1.0 and d["drivers"] == [] and d["draws"] == 2_000


def _beta_quantile(a: int, b: int, q: float, steps: int = 200_000) -> float:
    """The q-quantile of Beta(a, b) by integrating its density (trapezoids on a fine grid): slow,
    and independent of numpy's sampler."""
    lnorm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    x = np.linspace(0.0, 1.0, steps + 1)
    with np.errstate(divide="ignore"):
        pdf = np.exp(lnorm + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x))
    pdf[~np.isfinite(pdf)] = 0.0
    cdf = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(x))))
    return float(np.interp(q, cdf / cdf[-1], x))


def test_a_measured_accuracy_is_its_beta_posterior_carried_to_the_money():
    """One uncertain input: month-1 net benefit is affine in it, so its percentiles are the
    posterior's quantiles mapped through that line."""
    doc = _doc()
    task = doc["tasks"][0]
    small = next(iter(task["routing"]))  # the routine task's own model
    n, correct = 60, 51
    doc["provenance"] = {
        f"tasks.{task['name']}.accuracy.{small}": {"kind": "measured", "n": n, "correct": correct}
    }
    at0 = copy.deepcopy(doc)
    at0["tasks"][0]["accuracy"][small] = 0.0
    at1 = copy.deepcopy(doc)
    at1["tasks"][0]["accuracy"][small] = 1.0
    a, slope = _month1_net(at0), _month1_net(at1) - _month1_net(at0)
    u = simulate(parse_scenario(doc), 200_000, seed=3)
    assert [i.how for i in u.inputs] == [f"Beta({correct + 1}, {n - correct + 1}): {correct} of {n} right"]
    got = u.to_dict()["month1_net_benefit"]
    for q in (10, 50, 90):
        at = q / 100 if slope > 0 else 1 - q / 100
        expected = a + slope * _beta_quantile(correct + 1, n - correct + 1, at)
        assert got[f"p{q}"] == pytest.approx(expected, abs=abs(slope) * 0.003), q
    assert u.drivers == [(u.inputs[0].name, pytest.approx(1.0))]


def _triangular_quantile(low: float, mode: float, high: float, q: float) -> float:
    cut = (mode - low) / (high - low)
    if q < cut:
        return low + math.sqrt(q * (high - low) * (mode - low))
    return high - math.sqrt((1 - q) * (high - low) * (high - mode))


def test_a_range_is_triangular_on_low_likely_high():
    doc = _doc()
    doc["tasks"][1]["error_cost"] = {"low": 1.0, "likely": 4.0, "high": 30.0}
    zero, one = copy.deepcopy(doc), copy.deepcopy(doc)
    zero["tasks"][1]["error_cost"], one["tasks"][1]["error_cost"] = 0.0, 1.0
    a, slope = _month1_net(zero), _month1_net(one) - _month1_net(zero)
    s = parse_scenario(doc)
    assert compute(s).projection.month1.net == pytest.approx(a + slope * 4.0)  # the point uses likely
    got = simulate(s, 200_000, seed=11).to_dict()["month1_net_benefit"]
    for q in (10, 50, 90):
        at = q / 100 if slope > 0 else 1 - q / 100  # a falling line turns the input's P90 into P10
        expected = a + slope * _triangular_quantile(1.0, 4.0, 30.0, at)
        assert got[f"p{q}"] == pytest.approx(expected, abs=abs(slope) * 0.1), q


def test_one_measurement_is_one_draw_wherever_it_is_used():
    """A task on its baseline model: routed and baseline use the same draw of its accuracy, so the
    error cost saved is zero in every draw, not a spread of two independent draws."""
    doc = _doc()
    base = doc["baseline"]["model"]
    doc["tasks"] = [doc["tasks"][0] | {"routing": {base: 1.0}}]
    doc["provenance"] = {
        f"tasks.{doc['tasks'][0]['name']}.accuracy.{base}": {"kind": "measured", "n": 30, "correct": 20}
    }
    u = simulate(parse_scenario(doc), 5_000, seed=1)
    assert len(u.inputs) == 1
    assert np.ptp(u.month1_net) == pytest.approx(0.0, abs=1e-6)


def test_draws_are_reproducible_by_seed():
    s = load_scenario(FIXTURES / "measured.json")
    a, b, c = simulate(s, 3_000, seed=5), simulate(s, 3_000, seed=5), simulate(s, 3_000, seed=6)
    assert a.to_dict() == b.to_dict() and a.to_dict() != c.to_dict()


def test_a_payback_that_does_not_happen_sorts_last_and_is_null():
    doc = _doc(one_time_cost={"low": 10_000.0, "likely": 100_000.0, "high": 1_500_000.0})
    u = simulate(parse_scenario(doc), 5_000, seed=2)
    pb = u.to_dict()["payback_month"]
    assert pb["p90"] is None and pb["p10"] is not None
    assert 0 < u.prob_payback_within() < 1
    assert u.prob_payback_within(3) <= u.prob_payback_within(12) <= u.prob_payback_within()


def test_every_kind_of_range_moves_the_figures_and_drives_some_spread():
    doc = copy.deepcopy(MEASURED)
    doc["volume_growth_per_month"] = {"low": 0.0, "likely": 0.02, "high": 0.05}
    doc["monthly_cost"] = {"low": 500.0, "likely": 800.0, "high": 2_000.0}
    doc["tasks"][0]["requests_per_month"] = {"low": 6_000.0, "likely": 10_000.0, "high": 15_000.0}
    doc["tasks"][0]["latency_s"]["claude-haiku-4-5"] = {"low": 0.5, "likely": 0.9, "high": 2.0}
    doc["tasks"][1]["routing"]["escalation_rate"] = {"low": 0.05, "likely": 0.1, "high": 0.3}
    doc["models"]["claude-opus-4-1"]["price_change"] = {
        "from_month": 6,
        "factor": {"low": 0.5, "likely": 0.8, "high": 1.0},
    }
    s = parse_scenario(doc)
    u = simulate(s, 4_000, seed=1)
    names = {i.name for i in u.inputs}
    assert len(names) == 8  # two measured accuracies and six ranges
    assert sum(share for _, share in u.drivers) == pytest.approx(1.0)
    bands = u.cumulative_bands()
    assert all(b["p10"] <= b["p50"] <= b["p90"] for b in bands) and bands[-1]["p10"] < bands[-1]["p90"]


def test_a_price_change_applies_from_its_month_on():
    doc = _doc()
    base = doc["baseline"]["model"]
    plain = compute(parse_scenario(doc)).projection
    doc["models"].setdefault(base, {})["price_change"] = {"from_month": 7, "factor": 0.5}
    cut = compute(parse_scenario(doc)).projection
    assert np.allclose(cut.baseline_spend[:6], plain.baseline_spend[:6])
    routed_share = (
        compute(parse_scenario(doc)).spend_by_model().get(base, 0.0)
        / compute(parse_scenario(doc)).month1_spend
    )
    assert np.allclose(cut.baseline_spend[6:], plain.baseline_spend[6:] * 0.5)
    assert np.allclose(cut.spend[6:], plain.spend[6:] * (1 - 0.5 * routed_share))


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ({"low": 5, "likely": 2, "high": 9}, "low ≤ likely ≤ high"),
        ({"low": 1, "likely": 2}, 'expected a number or {"low", "likely", "high"}'),
        ({"low": -1, "likely": 2, "high": 3}, r"error_cost.low: expected a number ≥ 0"),
        ({"low": "a", "likely": 2, "high": 3}, "expected a number"),
    ],
)
def test_a_bad_range_names_where_it_is(value, match):
    doc = _doc()
    doc["tasks"][0]["error_cost"] = value
    with pytest.raises(ScenarioError, match=match):
        parse_scenario(doc)


def test_ranges_are_written_back_and_travel_in_share_links():
    from roi import share

    doc = copy.deepcopy(MEASURED)
    doc["tasks"][0]["error_cost"] = {"low": 2.0, "likely": 5.0, "high": 20.0}
    doc["volume_growth_per_month"] = {"low": 0.0, "likely": 0.02, "high": 0.05}
    s = parse_scenario(doc)
    assert parse_scenario(json.loads(s.to_json())) == s == share.decode(share.encode(s))
    # an edit that moves the value outside its range stretches the range to hold it
    moved = s.with_tasks([s.tasks[0].__class__(**{**s.tasks[0].__dict__, "error_cost": 40.0}), *s.tasks[1:]])
    assert moved.to_dict()["tasks"][0]["error_cost"] == {"low": 2.0, "likely": 40.0, "high": 40.0}


def test_the_command_line_adds_uncertainty_only_when_asked(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text(json.dumps(MEASURED))
    assert main(["scenario", str(f), "--json"]) == 0
    assert "uncertainty" not in json.loads(capsys.readouterr().out)
    assert main(["scenario", str(f), "--json", "--simulate", "2000", "--seed", "4"]) == 0
    doc = json.loads(capsys.readouterr().out)
    u = doc["uncertainty"]
    assert {
        "draws",
        "seed",
        "payback_month",
        "prob_payback_within_horizon",
        "roi_pct",
        "month1_net_benefit",
        "cumulative_net_benefit",
        "drivers",
    } <= set(u)
    assert (u["draws"], u["seed"]) == (2000, 4) and set(u["payback_month"]) == {"p10", "p50", "p90"}
    assert [b["month"] for b in u["cumulative_net_benefit"]] == list(range(1, 25))
    assert all(set(d) == {"input", "share"} for d in u["drivers"])
    assert main(["scenario", str(f), "--simulate", "2000"]) == 0
    assert "chance within the 24 months" in capsys.readouterr().out
    assert main(["scenario", str(f), "--simulate", "0"]) == 2
