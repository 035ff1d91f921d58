from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import routing, share
from roi.engine import compute
from roi.errors import ScenarioError
from roi.scenario import demo_scenario
from roi.sensitivity import accuracy_curve, horizon_net_benefit, tornado

HAIKU = "claude-haiku-4-5"


@given(
    st.dictionaries(st.sampled_from("abcde"), st.floats(0, 1), min_size=1).filter(
        lambda d: sum(d.values()) > 0
    ),
    st.floats(0, 1),
)
def test_rebalance_always_sums_to_one(shares, value):
    total = sum(shares.values())
    shares = {k: v / total for k, v in shares.items()}
    changed = sorted(shares)[0]
    out = routing.rebalance(shares, changed, value)
    assert sum(out.values()) == pytest.approx(1.0)
    assert out[changed] == pytest.approx(value if len(shares) > 1 else 1.0)
    assert all(v >= 0 for v in out.values())


def test_routine_share_moves_only_routine_tasks():
    s = demo_scenario()
    assert routing.small_model(s) == HAIKU
    half = routing.set_routine_share(s, HAIKU, 0.5)
    assert routing.routine_share(half, HAIKU) == pytest.approx(0.5)
    for before, after in zip(s.tasks, half.tasks, strict=True):
        if before.complexity != "routine":
            assert after.routing == before.routing
        else:
            assert after.routing.shares == {HAIKU: 0.5, s.baseline_model: 0.5}
    none = routing.set_routine_share(s, HAIKU, 0.0)
    assert (
        compute(none).month1_spend
        > compute(half).month1_spend
        > compute(routing.set_routine_share(s, HAIKU, 1.0)).month1_spend
    )


def test_set_split_and_cascade_validate():
    s = demo_scenario()
    with pytest.raises(ScenarioError, match="shares sum to 0.9"):
        routing.set_split(s, "Email triage", {HAIKU: 0.5, "claude-sonnet-4-5": 0.4})
    c = routing.set_cascade(s, "Legal opinions", "claude-sonnet-4-5", "claude-opus-4-1", 0.3)
    assert c.tasks[-1].routing.cascade == ("claude-sonnet-4-5", "claude-opus-4-1")


def test_tornado_bars_bracket_the_base_case():
    s = demo_scenario()
    bars = tornado(s)
    base = horizon_net_benefit(s)
    assert {b.input for b in bars} >= {"Request volume", "Token prices", "Cost of one error", "One-time cost"}
    assert all(b.base == pytest.approx(base) for b in bars)
    one_time = next(b for b in bars if b.input == "One-time cost")
    # ±20% of the $25,000 one-time cost moves the horizon net benefit by ∓$5,000
    assert one_time.low - base == pytest.approx(0.2 * s.one_time_cost)
    assert [b.spread for b in bars] == sorted((b.spread for b in bars), reverse=True)


def test_break_even_accuracy_is_where_net_benefit_crosses_zero():
    s = demo_scenario()
    c = accuracy_curve(s, HAIKU)
    assert c is not None and c.break_even is not None
    assert c.break_even < c.current  # the demo pays back at its assumed accuracy
    shift = c.break_even - c.current
    from dataclasses import replace

    at = s.with_tasks(
        [
            replace(t, accuracy={**t.accuracy, HAIKU: t.accuracy[HAIKU] + shift})
            if HAIKU in t.accuracy
            else t
            for t in s.tasks
        ]
    )
    assert abs(horizon_net_benefit(at)) < 0.01 * abs(horizon_net_benefit(s))


def test_share_link_roundtrip_and_tampering():
    s = demo_scenario()
    token = share.encode(s)
    assert share.decode(token) == s
    for bad in ("not-base64!!", token[:-10], "eJwrzs9LycxLBwAJ3AK0", "A" * 70_000):
        with pytest.raises(ScenarioError, match="share link"):
            share.decode(bad)
    import base64
    import zlib

    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 10_000_000)).decode()
    with pytest.raises(ScenarioError, match="too large"):
        share.decode(bomb)
    wrong = base64.urlsafe_b64encode(zlib.compress(b'{"name": "x", "baseline": {"model": "nope"}}')).decode()
    with pytest.raises(ScenarioError):
        compute(share.decode(wrong))
