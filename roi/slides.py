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
from roi.uncertainty import Uncertainty


@dataclass(frozen=True)
class Slide:
    title: str
    takeaway: str
    figure: Callable[[float], go.Figure] | None  # scale -> figure; None for the headline slide


def under_heading(fig: go.Figure, scale: float = 1.0) -> go.Figure:
    """A chart shown under a heading that already names it (a slide, a report section): its own
    title would say the same thing twice, so it goes, and its qualifier (the subtitle), if any,
    takes the title's place in the title's smaller font; the plot gets the space back."""
    title = fig.layout.title
    sub = title.subtitle.text if title.subtitle is not None else None
    fig.update_layout(title=None)
    if sub:
        fig.update_layout(
            title={"text": sub, "x": 0, "xanchor": "left", "font": title.subtitle.font.to_plotly_json()},
        )
    fig.update_layout(margin_t=(34 if sub else 16) * scale)
    return fig


def _headed(draw: Callable[[float], go.Figure]) -> Callable[[float], go.Figure]:
    return lambda k: under_heading(draw(k), k)


def slides(r: Result, u: Uncertainty | None = None) -> list[Slide]:
    """The deck; with uncertain inputs (`u`) the payback slide shows the range and its odds, and a
    slide says which inputs drive the spread. Without, it is the same deck as always."""
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
            _headed(lambda k: charts.monthly_spend(r, scale=k)),
        ),
        Slide(
            "Where the spend goes",
            "The small model takes the routine volume; larger models keep the hard work.",
            _headed(lambda k: charts.spend_by_model(r, scale=k)),
        ),
        Slide(
            "Faster answers",
            f"Mean time to an answer: {present.seconds(r.baseline_mean_latency_s)} today, "
            f"{present.seconds(r.mean_latency_s)} routed.",
            _headed(lambda k: charts.latency_by_task(r, scale=k)),
        ),
        Slide(
            "Cost vs accuracy",
            f"Expected accuracy {present.share(r.baseline_accuracy)} today, "
            f"{present.share(r.accuracy)} routed.",
            _headed(lambda k: charts.cost_vs_accuracy(r, frontier(r.matrix), scale=k)),
        ),
        Slide(
            "Where the benefit comes from",
            f"Net benefit in month 1: {present.money(p.month1.net)}.",
            _headed(lambda k: charts.benefit_waterfall(r, scale=k)),
        ),
        Slide(
            "Payback",
            (
                f"The set-up cost is paid back in month {p.payback_month}."
                if p.payback_month
                else "The set-up cost is not paid back within the horizon."
            ),
            _headed(lambda k: charts.cumulative_net_benefit(r, scale=k)),
        ),
        Slide(
            "What could change the answer",
            f"The result is most sensitive to {top}.",
            _headed(lambda k: charts.tornado(bars, scale=k)),
        ),
    ] + _uncertainty_slides(u)


def _uncertainty_slides(u: Uncertainty | None) -> list[Slide]:
    if u is None or not u.uncertain:
        return []
    out = [
        Slide(
            "How sure the payback is",
            f"{present.uncertainty_words(u)} {present.uncertainty_method(u)}",
            _headed(lambda k: charts.net_benefit_fan(u, scale=k)),
        )
    ]
    if u.drivers:
        name, share = u.drivers[0]
        out.append(
            Slide(
                "What drives the spread",
                f"{name[0].upper()}{name[1:]} explains {present.percent(100 * share, 0)} of the spread.",
                _headed(lambda k: charts.spread_drivers(u, scale=k)),
            )
        )
    return out
