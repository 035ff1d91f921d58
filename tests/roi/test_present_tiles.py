"""The headline tiles tell the truth at a glance: net benefit over the horizon beside the token
savings, nothing a tile has to cut off, plain names, and placeholder accuracies said out loud."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import present
from roi.engine import compute
from roi.numbers import money_short
from roi.optimize import accept_placeholders, placeholders
from roi.scenario import Routing, demo_scenario, load_scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
TILE_CHARS = 9  # a tile at 1280 px shows about nine characters of its value at the metric's size


def all_on_haiku():
    s = demo_scenario()
    return s.with_tasks([replace(t, routing=Routing(shares={"claude-haiku-4-5": 1.0})) for t in s.tasks])


def tiles(s) -> dict[str, present.Tile]:
    return {t.label: t for t in present.headline_tiles(compute(s))}


def test_net_benefit_over_the_horizon_sits_beside_the_token_savings():
    ts = present.headline_tiles(compute(all_on_haiku()))
    labels = [t.label for t in ts]
    assert labels[:4] == [
        "Monthly spend, today",
        "Monthly spend, routed",
        "Token savings",
        "Net benefit, 24 months",
    ]
    savings, net = ts[2], ts[3]
    r = compute(all_on_haiku())
    assert r.savings_pct > 90  # a big green-looking saving on tokens…
    assert r.projection.horizon_net_benefit < -1e6  # …and a loss of millions once errors count
    assert net.value == money_short(r.projection.horizon_net_benefit) == "-$28.7M"
    assert (net.delta, net.delta_color, net.delta_arrow) == ("net loss", "inverse", "down")  # shown red
    assert "Tokens only" in savings.help


def test_a_paying_scenario_says_net_gain_and_its_payback_month():
    t = tiles(demo_scenario())
    assert t["Net benefit, 24 months"].value == "$322,977"
    assert t["Net benefit, 24 months"].delta == "net gain"
    assert t["Payback"].value == "month 3" and t["Payback"].delta is None


def test_no_payback_is_a_short_value_with_the_reason_underneath():
    t = tiles(all_on_haiku())["Payback"]
    assert t.value == "none"
    assert t.delta == "not within 24 months"


def test_the_latency_tile_has_a_plain_name():
    labels = [t.label for t in present.headline_tiles(compute(demo_scenario()))]
    assert not any("ish" in label or "p95" in label for label in labels)
    assert present.SLOWEST_TASKS in labels


@settings(max_examples=40, deadline=None)
@given(
    volume=st.floats(0, 5e6),
    one_time=st.floats(0, 5e8),
    error_cost=st.floats(0, 1e4),
    horizon=st.integers(1, 240),
)
def test_no_tile_value_is_longer_than_a_tile_shows(volume, one_time, error_cost, horizon):
    s = all_on_haiku()
    s = replace(s, one_time_cost=one_time, horizon_months=horizon)
    s = s.with_tasks([replace(t, requests_per_month=volume, error_cost=error_cost) for t in s.tasks])
    for t in present.headline_tiles(compute(s)):
        assert len(t.value) <= TILE_CHARS, (t.label, t.value)


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0, "$0"),
        (13_395.4, "$13,395"),
        (-999_499, "-$999,499"),
        (999_500, "$1.00M"),
        (-28_699_361, "-$28.7M"),
    ],
)
def test_money_short(x, text):
    assert money_short(x) == text


def test_the_headline_sentence_gives_the_net_benefit_over_the_horizon():
    words = present.headline_sentence(compute(all_on_haiku()))
    assert "does not pay back within 24 months" in words
    assert "net benefit over 24 months: -$28.7M, a loss" in words


def test_placeholder_words_say_what_is_missing_and_where_to_measure():
    s = load_scenario(FIXTURES / "from_usage.json")
    words = present.placeholder_words(placeholders(s))
    assert words is not None
    assert "35 accuracy figures on 5 tasks are placeholders" in words
    assert "Evaluate page" in words and "Optimize will not run" in words
    accepted = present.placeholder_words(placeholders(accept_placeholders(s, date(2026, 5, 1))))
    assert accepted is not None and "accepted as assumptions on 2026-05-01" in accepted
    assert present.placeholder_words(placeholders(demo_scenario())) is None
