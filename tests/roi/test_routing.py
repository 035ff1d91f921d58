from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import routing
from roi.engine import compute
from roi.errors import ScenarioError
from roi.scenario import demo_scenario
from roi.sensitivity import accuracy_curve, horizon_net_benefit, tornado

HAIKU = "claude-haiku-4-5"
SONNET = "claude-sonnet-4-5"
OPUS = "claude-opus-4-1"


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
            # the rest goes one rung up the price ladder from the small model (Sonnet), as every tier does
            assert after.routing.shares == {HAIKU: 0.5, SONNET: 0.5}
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


# --- the price ladder and the three tiers ----------------------------------------------------------

LADDER_MODELS = {
    "small": {"input": 1, "output": 0, "ttft_s": 0.5, "output_tokens_per_s": 100},
    "mid": {"input": 4, "output": 0, "ttft_s": 1, "output_tokens_per_s": 50},
    "large": {"input": 10, "output": 0, "ttft_s": 2, "output_tokens_per_s": 25},
}


def test_the_demo_ladder_is_haiku_sonnet_opus_and_its_tiers_are_60_30_10():
    s = demo_scenario()
    assert routing.price_ladder(s) == [HAIKU, SONNET, OPUS]
    tiers = {t.name: t for t in routing.tiers(s)}
    assert [round(100 * tiers[n].volume_share) for n in ("routine", "medium", "hard")] == [60, 30, 10]
    assert (tiers["routine"].model, tiers["routine"].rest) == (HAIKU, SONNET)
    assert (tiers["medium"].model, tiers["medium"].rest) == (SONNET, HAIKU)
    assert (tiers["hard"].model, tiers["hard"].rest) == (OPUS, SONNET)
    # cascades count where they start: email triage (Haiku → Sonnet) is routine work on Haiku
    assert tiers["routine"].share == 1.0
    # contract review is 80% Sonnet, research briefs 100%: (8,000 + 0.8 × 10,000) / 18,000
    assert tiers["medium"].share == pytest.approx(16_000 / 18_000)
    assert tiers["hard"].share == 1.0


def test_lowering_the_large_models_share_of_hard_work_moves_it_to_sonnet_not_haiku():
    s = routing.set_tier_share(demo_scenario(), "hard", 0.7)
    legal = next(t for t in s.tasks if t.name == "Legal opinions")
    assert legal.routing.shares == pytest.approx({OPUS: 0.7, SONNET: 0.3})
    assert routing.tier_share(s, "hard", OPUS) == pytest.approx(0.7)
    # the other tiers are untouched
    for before, after in zip(demo_scenario().tasks, s.tasks, strict=True):
        if before.complexity != "hard":
            assert after.routing == before.routing
    # and the per-task slider does the same: Opus 100% → 80% gives Sonnet the 20%, Haiku nothing
    ladder = routing.task_ladder(demo_scenario(), "Legal opinions")
    assert ladder == [HAIKU, SONNET, OPUS]
    out = routing.rebalance({OPUS: 1.0, HAIKU: 0.0, SONNET: 0.0}, OPUS, 0.8, ladder)
    assert out == pytest.approx({OPUS: 0.8, HAIKU: 0.0, SONNET: 0.2})


def test_tier_controls_turn_cascades_into_splits_and_price_what_they_say():
    s = demo_scenario()
    half = routing.set_tier_share(s, "routine", 0.5)
    triage = next(t for t in half.tasks if t.name == "Email triage")
    assert triage.routing.cascade is None and triage.routing.shares == {HAIKU: 0.5, SONNET: 0.5}
    # more work on the tier's model costs less for routine and medium work, more for hard work
    spend = {x: compute(routing.set_tier_share(s, "medium", x)).month1_spend for x in (0.0, 1.0)}
    assert spend[0.0] < spend[1.0]  # medium work down to Haiku is cheaper
    spend = {x: compute(routing.set_tier_share(s, "hard", x)).month1_spend for x in (0.0, 1.0)}
    assert spend[0.0] < spend[1.0]


def test_a_tier_with_no_tasks_or_a_single_model_has_no_control():
    s = demo_scenario().with_tasks([t for t in demo_scenario().tasks if t.complexity != "hard"])
    hard = next(t for t in routing.tiers(s) if t.name == "hard")
    assert hard.tasks == () and hard.model is None and hard.share is None
    assert routing.set_tier_share(s, "hard", 0.3) == s
    with pytest.raises(ScenarioError, match="tier"):
        routing.set_tier_share(s, "urgent", 0.3)


def test_a_model_without_an_accuracy_for_a_task_is_not_on_its_ladder():
    from roi.scenario import parse_scenario

    task = {
        "name": "t",
        "requests_per_month": 100,
        "input_tokens": 1000,
        "accuracy": {"mid": 0.9, "large": 0.95},
        "routing": {"large": 1.0},
        "complexity": "hard",
    }
    s = parse_scenario(
        {"name": "l", "models": LADDER_MODELS, "baseline": {"model": "large"}, "tasks": [task]}
    )
    assert routing.price_ladder(s) == ["mid", "large"]
    assert routing.task_ladder(s, "t") == ["mid", "large"]
    assert routing.task_ladder(s, "no such task") == []
    # lowering the cheapest on its ladder moves the share up the one rung there is
    assert routing.next_down(["mid", "large"], "mid") == "large"
    assert routing.next_down(["mid"], "mid") is None
    assert routing.next_down(["mid", "large"], "small") is None


LADDER = ["a", "b", "c", "d", "e"]


@given(
    st.dictionaries(st.sampled_from(LADDER), st.floats(0, 1), min_size=2).filter(
        lambda d: sum(d.values()) > 0
    ),
    st.floats(0, 1),
    st.data(),
)
def test_rebalance_on_a_ladder_sums_to_one_and_sends_freed_share_one_rung_down(shares, value, data):
    total = sum(shares.values())
    shares = {k: v / total for k, v in shares.items()}
    changed = data.draw(st.sampled_from(sorted(shares)))
    ladder = [m for m in LADDER if m in shares]
    out = routing.rebalance(shares, changed, value, ladder)
    assert sum(out.values()) == pytest.approx(1.0)
    assert all(v >= 0 for v in out.values())
    assert out[changed] == pytest.approx(value)
    if value < shares[changed]:
        to = routing.next_down(ladder, changed)
        # only the next model down the ladder (up, from the cheapest) gains; nobody else moves
        assert ladder.index(to) == ladder.index(changed) - 1 or (
            ladder.index(changed) == 0 and to == ladder[1]
        )
        for m in shares:
            if m not in (changed, to):
                assert out[m] == pytest.approx(shares[m])
        assert out[to] == pytest.approx(shares[to] + shares[changed] - value)


@given(st.sampled_from(["routine", "medium", "hard"]), st.floats(0, 1))
def test_tier_shares_always_sum_to_one_and_read_back(tier, share):
    s = routing.set_tier_share(demo_scenario(), tier, share)
    for t in s.tasks:
        if not t.routing.cascade:
            assert sum(t.routing.shares.values()) == pytest.approx(1.0)
    info = next(t for t in routing.tiers(s) if t.name == tier)
    assert info.share == pytest.approx(share)
    # the rest sits one rung from the tier's model on the price ladder
    assert abs(info.ladder.index(info.rest) - info.ladder.index(info.model)) == 1
    compute(s)  # every model it routes to has an accuracy for the task
