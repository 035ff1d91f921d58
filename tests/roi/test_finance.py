"""Money over time: hand-worked projections, payback month and ROI, and properties that hold for any
inputs (DESIGN.md, "How the numbers are computed")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.finance import MonthlyBenefit, Projection, project


def _project(**kw: float) -> Projection:
    args = {
        "spend": 0.0,
        "baseline_spend": 0.0,
        "error_cost": 0.0,
        "baseline_error_cost": 0.0,
        "staff_time_value": 0.0,
        "growth": 0.0,
        "horizon_months": 12,
        "one_time_cost": 0.0,
        "monthly_cost": 0.0,
    }
    return project(**{**args, **kw})


# --- hand-worked ----------------------------------------------------------------------------------

# spend 60 vs baseline 100, error cost 10 vs 15, staff time 5, growth 10 %, 3 months,
# one-time cost 50, overhead 20 a month.
WORKED = {
    "spend": 60.0,
    "baseline_spend": 100.0,
    "error_cost": 10.0,
    "baseline_error_cost": 15.0,
    "staff_time_value": 5.0,
    "growth": 0.10,
    "horizon_months": 3,
    "one_time_cost": 50.0,
    "monthly_cost": 20.0,
}


def test_hand_worked_projection():
    p = project(**WORKED)
    assert list(p.months) == [1, 2, 3]
    # volume factor (1 + g)^(k−1): 1, 1.1, 1.21
    assert list(p.spend) == pytest.approx([60.0, 66.0, 72.6])
    assert list(p.baseline_spend) == pytest.approx([100.0, 110.0, 121.0])
    # spend saved (100 − 60) × factor = 40, 44, 48.4
    assert list(p.spend_saved) == pytest.approx([40.0, 44.0, 48.4])
    # error cost saved (15 − 10) × factor = 5, 5.5, 6.05
    assert list(p.error_cost_saved) == pytest.approx([5.0, 5.5, 6.05])
    # staff time 5 × factor = 5, 5.5, 6.05
    assert list(p.staff_time_value) == pytest.approx([5.0, 5.5, 6.05])
    # net = saved + errors + staff − 20 overhead (which does not grow):
    #   40 + 5 + 5 − 20 = 30;  44 + 5.5 + 5.5 − 20 = 35;  48.4 + 6.05 + 6.05 − 20 = 40.5
    assert list(p.net_benefit) == pytest.approx([30.0, 35.0, 40.5])
    # cumulative starts at −50: −50 + 30 = −20; −20 + 35 = 15; 15 + 40.5 = 55.5
    assert list(p.cumulative) == pytest.approx([-20.0, 15.0, 55.5])
    assert p.payback_month == 2
    assert p.horizon_net_benefit == pytest.approx(55.5)
    # gains 50 + 55 + 60.5 = 165.5; costs 50 + 3 × 20 = 110; ROI 100 × (165.5 − 110) / 110 = 50.4545…%
    assert p.gains == pytest.approx(165.5)
    assert p.costs == pytest.approx(110.0)
    assert p.roi_pct == pytest.approx(100 * 55.5 / 110)
    assert p.monthly_cost == 20.0 and p.one_time_cost == 50.0


def test_hand_worked_month_breakdown():
    p = project(**WORKED)
    assert p.month1 == MonthlyBenefit(40.0, 5.0, 5.0, 20.0)
    m3 = p.month(3)
    assert (m3.spend_saved, m3.error_cost_saved, m3.staff_time_value) == pytest.approx((48.4, 6.05, 6.05))
    assert m3.overhead == 20.0
    assert m3.net == pytest.approx(40.5)


def test_monthly_benefit_net_subtracts_overhead():
    # 10 + 2 + 3 − 4 = 11
    assert MonthlyBenefit(10.0, 2.0, 3.0, 4.0).net == 11.0
    # a month can lose money: 1 + 0 + 0 − 5 = −4
    assert MonthlyBenefit(1.0, 0.0, 0.0, 5.0).net == -4.0


def test_no_growth_every_month_is_month_one():
    # saved 1000 − 700 = 300, errors 50 − 80 = −30 (routing makes more mistakes), staff 10, overhead 100
    # net 300 − 30 + 10 − 100 = 180 every month; cumulative −1000 + 180 k ≥ 0 first at k = 6 (80)
    p = _project(
        spend=700,
        baseline_spend=1000,
        error_cost=80,
        baseline_error_cost=50,
        staff_time_value=10,
        horizon_months=12,
        one_time_cost=1000,
        monthly_cost=100,
    )
    assert list(p.net_benefit) == [180.0] * 12
    assert list(p.error_cost_saved) == [-30.0] * 12
    assert list(p.cumulative) == [-1000.0 + 180 * k for k in range(1, 13)]
    assert p.payback_month == 6
    # gains (300 − 30 + 10) × 12 = 3360; costs 1000 + 12 × 100 = 2200; ROI 100 × 1160 / 2200
    assert p.roi_pct == pytest.approx(100 * 1160 / 2200)
    assert p.horizon_net_benefit == 1160.0


def test_growth_compounds_and_overhead_does_not_grow():
    # month k = month 1 × 1.5^(k−1): 100, 150, 225, 337.5; overhead stays 40
    p = _project(baseline_spend=100, growth=0.5, horizon_months=4, monthly_cost=40)
    assert list(p.baseline_spend) == [100.0, 150.0, 225.0, 337.5]
    assert list(p.spend_saved) == [100.0, 150.0, 225.0, 337.5]
    assert list(p.net_benefit) == [60.0, 110.0, 185.0, 297.5]
    assert [p.month(k).overhead for k in (1, 2, 3, 4)] == [40.0] * 4


def test_shrinking_volume():
    # growth −50 %: factors 1, 0.5, 0.25; saved 80, 40, 20; overhead 30 → net 50, 10, −10
    p = _project(spend=20, baseline_spend=100, growth=-0.5, horizon_months=3, monthly_cost=30)
    assert list(p.net_benefit) == [50.0, 10.0, -10.0]
    assert list(p.cumulative) == [50.0, 60.0, 50.0]
    assert p.payback_month == 1


@pytest.mark.parametrize(
    ("kw", "payback"),
    [
        # no one-time cost and month 1 positive: pays back at once
        ({"baseline_spend": 10, "spend": 9}, 1),
        # cumulative −60 + 20 k reaches exactly 0 in month 3: reaching zero counts
        ({"baseline_spend": 20, "one_time_cost": 60}, 3),
        # −61 + 20 k: −41, −21, −1, 19 → month 4
        ({"baseline_spend": 20, "one_time_cost": 61}, 4),
        # −1000 + 10 k stays negative for 12 months
        ({"baseline_spend": 10, "one_time_cost": 1000}, None),
        # nothing saved, nothing spent: cumulative 0 from month 1
        ({}, 1),
        # overhead bigger than the saving: never pays back, even without a one-time cost
        ({"baseline_spend": 10, "monthly_cost": 11}, None),
        # routing costs more than the baseline
        ({"baseline_spend": 10, "spend": 12}, None),
        # growth makes a slow start pay back: −100 + 10 × (2^k − 1) ≥ 0 first when 2^k ≥ 11 → k = 4
        ({"baseline_spend": 10, "growth": 1.0, "one_time_cost": 100}, 4),
    ],
)
def test_payback_month(kw, payback):
    p = _project(**kw)
    assert p.payback_month == payback


def test_payback_just_outside_the_horizon_is_none():
    # −240 + 20 k reaches 0 in month 12; with an 11-month horizon it never does
    assert _project(baseline_spend=20, one_time_cost=240, horizon_months=12).payback_month == 12
    assert _project(baseline_spend=20, one_time_cost=240, horizon_months=11).payback_month is None


@pytest.mark.parametrize(
    ("kw", "roi"),
    [
        ({"baseline_spend": 10}, None),  # nothing invested: no ROI, not infinity
        ({"baseline_spend": 10, "spend": 20}, None),  # a loss, but still nothing invested
        ({}, None),
        # gains 12 × 10 = 120, costs 60: 100 × 60 / 60 = 100 %
        ({"baseline_spend": 10, "one_time_cost": 60}, 100.0),
        # gains 120, costs 12 × 5 = 60 (overhead alone is an investment): 100 %
        ({"baseline_spend": 10, "monthly_cost": 5}, 100.0),
        # gains 0, costs 100: −100 %
        ({"one_time_cost": 100}, -100.0),
        # gains 12 × 5 = 60, costs 100 + 12 × 10 = 220: 100 × (60 − 220) / 220
        ({"baseline_spend": 5, "one_time_cost": 100, "monthly_cost": 10}, 100 * (60 - 220) / 220),
    ],
)
def test_roi(kw, roi):
    p = _project(**kw)
    if roi is None:
        assert p.roi_pct is None
    else:
        assert p.roi_pct == pytest.approx(roi)


def test_single_month_horizon():
    # one month: saved 5 − one-time 10 = −5
    p = _project(baseline_spend=5, one_time_cost=10, horizon_months=1)
    assert list(p.months) == [1]
    assert p.horizon_net_benefit == -5.0
    assert p.payback_month is None
    assert p.month1 == p.month(1)


# --- properties -----------------------------------------------------------------------------------

money = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def projections(draw) -> tuple[dict, Projection]:
    kw = {
        "spend": draw(money),
        "baseline_spend": draw(money),
        "error_cost": draw(money),
        "baseline_error_cost": draw(money),
        "staff_time_value": draw(money),
        "growth": draw(st.floats(min_value=-0.3, max_value=0.3)),
        "horizon_months": draw(st.integers(min_value=1, max_value=120)),
        "one_time_cost": draw(money),
        "monthly_cost": draw(st.floats(min_value=0, max_value=1e5)),
    }
    return kw, project(**kw)


def _tol(p: Projection) -> float:
    """Absolute tolerance for sums: rounding grows with the largest amount involved."""
    scale = max(1.0, p.one_time_cost, float(np.abs(p.cumulative).max()), float(np.abs(p.net_benefit).max()))
    return 1e-9 * scale * len(p.months)


@settings(max_examples=150, deadline=None)
@given(projections())
def test_cumulative_is_the_running_sum_minus_the_one_time_cost(case):
    _, p = case
    running, expected = -p.one_time_cost, []
    for net in p.net_benefit:
        running += float(net)
        expected.append(running)
    np.testing.assert_allclose(p.cumulative, expected, rtol=1e-9, atol=_tol(p))
    assert p.horizon_net_benefit == p.cumulative[-1]
    # the end of the horizon is everything gained minus everything paid
    assert p.horizon_net_benefit == pytest.approx(p.gains - p.costs, rel=1e-9, abs=_tol(p))


@settings(max_examples=150, deadline=None)
@given(projections())
def test_month_k_is_month_one_grown(case):
    kw, p = case
    g = kw["growth"]
    assert list(p.months) == list(range(1, kw["horizon_months"] + 1))
    # month k = month 1 × (1+g)^(k−1), built by repeated multiplication rather than a power
    factor = np.cumprod([1.0] + [1.0 + g] * (len(p.months) - 1))
    for series, month1 in [
        (p.spend, kw["spend"]),
        (p.baseline_spend, kw["baseline_spend"]),
        (p.spend_saved, kw["baseline_spend"] - kw["spend"]),
        (p.error_cost_saved, kw["baseline_error_cost"] - kw["error_cost"]),
        (p.staff_time_value, kw["staff_time_value"]),
    ]:
        np.testing.assert_allclose(series, month1 * factor, rtol=1e-9, atol=1e-6)
    # overhead does not grow
    assert {p.month(k).overhead for k in p.months} == {kw["monthly_cost"]}
    np.testing.assert_allclose(
        p.net_benefit + kw["monthly_cost"],
        (p.net_benefit[0] + kw["monthly_cost"]) * factor,
        rtol=1e-9,
        atol=1e-6,
    )


@settings(max_examples=150, deadline=None)
@given(projections())
def test_month_parts_add_up_to_the_net_benefit(case):
    _, p = case
    months = [p.month(int(k)) for k in p.months]
    assert all(type(m.spend_saved) is float for m in months)
    np.testing.assert_allclose([m.net for m in months], p.net_benefit, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(
        [m.spend_saved for m in months], p.baseline_spend - p.spend, rtol=1e-9, atol=1e-6
    )
    assert p.month1 == p.month(1)


@settings(max_examples=150, deadline=None)
@given(projections())
def test_payback_month_is_the_first_month_cumulative_reaches_zero(case):
    _, p = case
    pb = p.payback_month
    if pb is None:
        assert all(c < 0 for c in p.cumulative)
    else:
        assert 1 <= pb <= len(p.months)
        assert p.cumulative[pb - 1] >= 0
        assert all(c < 0 for c in p.cumulative[: pb - 1])


@settings(max_examples=150, deadline=None)
@given(projections())
def test_roi_relates_the_horizon_net_benefit_to_the_costs(case):
    _, p = case
    if p.costs == 0:
        assert p.roi_pct is None
    else:
        assert p.roi_pct == pytest.approx(100 * p.horizon_net_benefit / p.costs, rel=1e-6, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(
    saving=money,
    overhead_share=st.floats(min_value=0, max_value=1),
    growth=st.floats(min_value=0, max_value=0.3),
    horizon=st.integers(min_value=1, max_value=120),
    one_time=money,
)
def test_with_non_negative_net_benefits_cumulative_never_falls(
    saving, overhead_share, growth, horizon, one_time
):
    # overhead ≤ month-1 saving and volume not shrinking: every month's net benefit is ≥ 0
    p = _project(
        baseline_spend=saving,
        growth=growth,
        horizon_months=horizon,
        one_time_cost=one_time,
        monthly_cost=saving * overhead_share,
    )
    assert (p.net_benefit >= -1e-9 * max(1.0, saving)).all()
    assert (np.diff(p.cumulative) >= -1e-9 * max(1.0, float(np.abs(p.cumulative).max()))).all()
    assert p.cumulative[0] >= -one_time - 1e-9 * max(1.0, one_time)


@settings(max_examples=100, deadline=None)
@given(projections(), money)
def test_more_one_time_cost_never_pays_back_sooner(case, extra):
    kw, p = case
    q = project(**{**kw, "one_time_cost": kw["one_time_cost"] + extra})
    assert q.horizon_net_benefit <= p.horizon_net_benefit + _tol(p)
    if p.payback_month is None:
        assert q.payback_month is None
    elif q.payback_month is not None:
        assert q.payback_month >= p.payback_month


def test_the_cumulative_from_month_0_starts_at_minus_the_one_time_cost():
    """What the cumulative chart draws: month 0 (go-live) is −one-time cost, then the worked example."""
    p = project(**WORKED)
    assert list(p.months_from_start) == [0, 1, 2, 3]
    assert list(p.cumulative_from_start) == pytest.approx([-50.0, -20.0, 15.0, 55.5])
    assert p.horizon_net_benefit == p.cumulative_from_start[-1]
