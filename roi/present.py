"""Words and formatted figures for people: headline tiles, the one-sentence summary, provenance
and routing in words. (Number formats live in `roi.numbers`; re-exported here.)

Kept out of the pages so the app, the CLI and the reports say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from roi.engine import Result
from roi.numbers import money, percent, seconds, share
from roi.scenario import Routing, Scenario
from roi.sensitivity import AccuracyCurve


def payback(month: int | None) -> str:
    return f"month {month}" if month else "not within horizon"


def break_even_words(curve: AccuracyCurve) -> str:
    """How accurate the small model must be for routing to pay, in one sentence."""
    if curve.break_even is None:
        return f"Within 0–100% accuracy of {curve.model}, the net benefit over the horizon keeps its sign."
    return (
        f"Routing pays for itself over the horizon as long as {curve.model} is right at least "
        f"{share(curve.break_even)} of the time on its tasks (assumed: {share(curve.current)})."
    )


def payback_range_words(ends: dict[str, int | None]) -> str:
    """Payback with every measured accuracy at the low and at the high end of its 95% interval."""
    low, high = (f"month {ends[k]}" if ends[k] else "not within the horizon" for k in ("low", "high"))
    return (
        f"With every measured accuracy at the low end of its 95% interval, payback is {low}; "
        f"at the high end, {high}."
    )


def accuracy_table(s: Scenario) -> pd.DataFrame:
    """Accuracy per task and model with where it comes from (n and interval where measured)."""
    rows = []
    for t in s.tasks:
        for m, a in t.accuracy.items():
            p = t.provenance.of_accuracy(m) or s.assumed()
            rows.append(
                {
                    "task": t.name,
                    "model": m,
                    "accuracy %": round(100 * a, 2),
                    "provenance": p.kind,
                    "detail": p.detail(),
                }
            )
    return pd.DataFrame(rows, columns=["task", "model", "accuracy %", "provenance", "detail"])


def routing_words(r: Routing) -> str:
    """'claude-haiku-4-5 80%, claude-sonnet-4-5 20%' or 'cascade a → b, 20% escalated'."""
    if r.cascade:
        return f"cascade {r.cascade[0]} → {r.cascade[1]}, {share(r.escalation_rate, 0)} escalated"
    return ", ".join(f"{m} {share(v, 0)}" for m, v in r.shares.items() if v > 0)


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None
    delta_color: str = "normal"  # streamlit: "normal" (up is good), "inverse" (down is good), "off"
    help: str | None = None


def headline_tiles(r: Result) -> list[Tile]:
    m1 = r.month1_spend
    b1 = r.month1_baseline_spend
    lat, blat = r.mean_latency_s, r.baseline_mean_latency_s
    acc, bacc = r.accuracy, r.baseline_accuracy
    pay = r.projection.payback_month
    empty = r.matrix.volume.sum() == 0

    def delta(x: float | None, text: str) -> str | None:
        return None if x is None or abs(x) < 1e-9 or empty else text

    return [
        Tile("Monthly spend, today", money(b1), None, help="Month 1, every task on the baseline model."),
        Tile(
            "Monthly spend, routed",
            money(m1),
            delta(m1 - b1, money(m1 - b1)),
            "inverse",
            "Month 1 token spend with the routing below.",
        ),
        Tile("Savings", percent(r.savings_pct), None, help="Share of today's token spend saved."),
        Tile(
            "Mean latency",
            seconds(lat),
            None
            if lat is None or blat is None
            else delta(round(lat - blat, 1), f"{lat - blat:+.1f} s vs today"),
            "inverse",
            "Request-weighted mean time to a full answer.",
        ),
        Tile(
            "p95-ish latency",
            seconds(r.p95_latency_s),
            None
            if r.p95_latency_s is None or r.baseline_p95_latency_s is None
            else delta(
                round(r.p95_latency_s - r.baseline_p95_latency_s, 1),
                f"{r.p95_latency_s - r.baseline_p95_latency_s:+.1f} s vs today",
            ),
            "inverse",
            "95% of requests are answered within this, counting each task at its mean latency.",
        ),
        Tile(
            "Expected accuracy",
            share(acc),
            None
            if acc is None or bacc is None
            else delta(round(100 * (acc - bacc), 1), f"{100 * (acc - bacc):+.1f} pts vs today"),
            "normal",
            "Request-weighted share of answers that are right.",
        ),
        Tile(
            "Payback",
            "—" if empty else payback(pay),
            None,
            help="First month in which the cumulative net benefit reaches zero.",
        ),
    ]


def headline_sentence(r: Result) -> str:
    """The result in one plain sentence, for partners and for the report."""
    if r.matrix.volume.sum() == 0:
        return "This scenario has no tasks yet: add tasks to see what routing would change."
    pay = r.projection.payback_month
    saved = r.projection.month1.spend_saved
    acc = r.accuracy or 0.0
    bacc = r.baseline_accuracy or 0.0
    acc_words = (
        "the same accuracy"
        if abs(acc - bacc) < 0.0005
        else f"{abs(100 * (acc - bacc)):.1f} points {'higher' if acc > bacc else 'lower'} accuracy"
    )
    spend_words = f"saves {money(saved)} a month" if saved >= 0 else f"costs {money(-saved)} a month more"
    pay_words = (
        f"pays back its set-up cost in month {pay}"
        if pay
        else f"does not pay back within {r.scenario.horizon_months} months"
    )
    return (
        f"Routing this work {spend_words} in tokens ({percent(r.savings_pct, 0)}), answers in "
        f"{seconds(r.mean_latency_s)} instead of {seconds(r.baseline_mean_latency_s)} on average with "
        f"{acc_words}, and {pay_words}."
    )
