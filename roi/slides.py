"""The key charts in presentation order, each with a one-line takeaway (used by presentation mode
and by the deck)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from roi import charts, present
from roi.engine import Result
from roi.optimize import frontier
from roi.sensitivity import tornado


@dataclass(frozen=True)
class Slide:
    title: str
    takeaway: str
    figure: Callable[[float], go.Figure] | None  # scale -> figure; None for the headline slide


def slides(r: Result) -> list[Slide]:
    p = r.projection
    saved = p.month1.spend_saved
    bars = tornado(r.scenario) if r.scenario.tasks else []
    top = bars[0].input.lower() if bars else "the inputs"
    return [
        Slide("The answer", present.headline_sentence(r), None),
        Slide(
            "Monthly token spend",
            f"Routing saves {present.money(saved)} in month 1 "
            f"({present.percent(r.savings_pct, 0)} of today's spend).",
            lambda k: charts.monthly_spend(r, scale=k),
        ),
        Slide(
            "Where the spend goes",
            "The small model takes the routine volume; larger models keep the hard work.",
            lambda k: charts.spend_by_model(r, scale=k),
        ),
        Slide(
            "Faster answers",
            f"Mean time to an answer: {present.seconds(r.baseline_mean_latency_s)} today, "
            f"{present.seconds(r.mean_latency_s)} routed.",
            lambda k: charts.latency_by_task(r, scale=k),
        ),
        Slide(
            "Cost vs accuracy",
            f"Expected accuracy {present.share(r.baseline_accuracy)} today, "
            f"{present.share(r.accuracy)} routed.",
            lambda k: charts.cost_vs_accuracy(r, frontier(r.matrix), scale=k),
        ),
        Slide(
            "Where the benefit comes from",
            f"Net benefit in month 1: {present.money(p.month1.net)}.",
            lambda k: charts.benefit_waterfall(r, scale=k),
        ),
        Slide(
            "Payback",
            (
                f"The set-up cost is paid back in month {p.payback_month}."
                if p.payback_month
                else "The set-up cost is not paid back within the horizon."
            ),
            lambda k: charts.cumulative_net_benefit(r, scale=k),
        ),
        Slide(
            "What could change the answer",
            f"The result is most sensitive to {top}.",
            lambda k: charts.tornado(bars, scale=k),
        ),
    ]
