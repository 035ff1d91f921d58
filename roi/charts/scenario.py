"""Figures of one computed scenario (`roi.engine.Result`): spend, latency, accuracy, benefit.

They read numbers the engine, finance and optimizer already computed and only draw them, so a
figure shows exactly the figures the tiles and reports quote.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from roi.charts.style import (
    ACCENT,
    BAD,
    BASELINE,
    GOOD,
    PALETTE,
    ROUTED,
    _layout,
    model_colors,
    money_axis,
    money_labels,
)
from roi.engine import Result
from roi.numbers import money


def monthly_spend(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Token spend per month over the horizon, today against routed."""
    p = r.projection
    fig = go.Figure()
    fig.add_scatter(
        x=p.months,
        y=p.baseline_spend,
        name="Today (baseline)",
        line={"color": BASELINE, "width": 3},
        hovertemplate="Month %{x}: $%{y:,.2f}<extra>today</extra>",
    )
    fig.add_scatter(
        x=p.months,
        y=p.spend,
        name="With routing",
        line={"color": ROUTED, "width": 3},
        hovertemplate="Month %{x}: $%{y:,.2f}<extra>routed</extra>",
    )
    fig.update_xaxes(title="Month", dtick=3 if len(p.months) > 12 else 1)
    fig.update_yaxes(title="Token spend per month (USD)")
    money_axis(fig, "y", [*p.baseline_spend, *p.spend])
    return _layout(fig, "Monthly token spend", scale=scale)


def cumulative_net_benefit(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Cumulative net benefit from month 0 (minus the one-time cost) to the horizon: a line whose
    points are red while under water, green from payback on, with the payback month marked."""
    p = r.projection
    months, cumulative = p.months_from_start, p.cumulative_from_start
    fig = go.Figure()
    fig.add_scatter(
        x=months,
        y=cumulative,
        mode="lines+markers",
        line={"color": ROUTED, "width": 3},
        marker={"color": [GOOD if v >= 0 else BAD for v in cumulative], "size": 7 * scale},
        name="Cumulative net benefit",
        hovertext=money_labels(cumulative),
        hovertemplate="Month %{x}: %{hovertext}<extra></extra>",
    )
    fig.add_hline(y=0, line_color="#8A8F98")
    if p.payback_month:
        fig.add_vline(
            x=p.payback_month,
            line_dash="dash",
            line_color=ACCENT,
            annotation_text=f"payback: month {p.payback_month}",
            annotation_position="top left" if p.payback_month > len(p.months) / 2 else "top right",
        )
    fig.update_xaxes(
        title="Month (0 = go-live)", dtick=3 if len(p.months) > 12 else 1, range=[-0.5, len(p.months) + 0.5]
    )
    fig.update_yaxes(title="Cumulative net benefit (USD)")
    money_axis(fig, "y", cumulative)
    return _layout(
        fig,
        "Cumulative net benefit",
        scale=scale,
        subtitle=f"starts at month 0 at minus the {money(p.one_time_cost)} one-time cost",
    )


def spend_by_model(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Month-1 spend stacked by model, today and routed; models with no spend in either are left out."""
    base, routed = r.spend_by_model(baseline=True), r.spend_by_model()
    colors = model_colors(r.matrix.models)
    fig = go.Figure()
    for m in r.matrix.models:
        if base[m] == 0 and routed[m] == 0:
            continue
        fig.add_bar(
            x=["Today", "With routing"],
            y=[base[m], routed[m]],
            name=m,
            marker_color=colors[m],
            hovertemplate="%{x}: $%{y:,.2f}/month<extra>" + m + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="Token spend, month 1 (USD)")
    money_axis(fig, "y", [sum(base.values()), sum(routed.values())])
    return _layout(fig, "Monthly spend by model", scale=scale)


def latency_by_task(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Mean time to a full answer per task, today against routed, tasks in scenario order."""
    names = [t.name for t in r.scenario.tasks]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=r.baseline.latency,
        orientation="h",
        name="Today",
        marker_color=BASELINE,
        hovertemplate="%{y}: %{x:.2f} s<extra>today</extra>",
    )
    fig.add_bar(
        y=names,
        x=r.routed.latency,
        orientation="h",
        name="With routing",
        marker_color=ROUTED,
        hovertemplate="%{y}: %{x:.2f} s<extra>routed</extra>",
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="Mean time to a full answer (seconds)", ticksuffix=" s")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Latency per task", scale=scale, height=max(320, 60 * len(names) + 120))


def cost_vs_accuracy(r: Result, frontier: np.ndarray, *, scale: float = 1.0) -> go.Figure:
    """Today and this routing against the cost–accuracy frontier.

    `frontier` is `roi.optimize.frontier(r.matrix)`: rows of (month-1 spend $, accuracy 0–1). The
    caller computes it, so drawing stays cheap and the figure shows the very frontier it was given.
    """
    fig = go.Figure()
    if len(frontier):
        fig.add_scatter(
            x=frontier[:, 0],
            y=100 * frontier[:, 1],
            mode="lines+markers",
            name="Cheapest for each accuracy",
            line={"color": ROUTED, "width": 2},
            hovertemplate="$%{x:,.0f}/month → %{y:.2f}%<extra>frontier</extra>",
        )
    fig.add_scatter(
        x=[r.month1_baseline_spend],
        y=[100 * (r.baseline_accuracy or 0)],
        mode="markers",
        name="Today",
        marker={"color": BASELINE, "size": 14 * scale, "symbol": "square"},
        hovertemplate="$%{x:,.0f}/month → %{y:.2f}%<extra>today</extra>",
    )
    fig.add_scatter(
        x=[r.month1_spend],
        y=[100 * (r.accuracy or 0)],
        mode="markers",
        name="This routing",
        marker={"color": ACCENT, "size": 16 * scale, "symbol": "diamond"},
        hovertemplate="$%{x:,.0f}/month → %{y:.2f}%<extra>this routing</extra>",
    )
    fig.update_xaxes(title="Token spend, month 1 (USD)")
    money_axis(
        fig,
        "x",
        [*frontier[:, 0], r.month1_baseline_spend, r.month1_spend]
        if len(frontier)
        else [r.month1_baseline_spend, r.month1_spend],
    )
    fig.update_yaxes(title="Expected accuracy (%, request-weighted)", ticksuffix="%")
    return _layout(fig, "Cost vs accuracy", scale=scale)


def benefit_waterfall(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Month-1 net benefit built up from its parts (`r.projection.month1`), overhead as a cost,
    each bar labelled with its amount and room above the tallest for its label."""
    m = r.projection.month1
    items = [
        ("Token spend saved", m.spend_saved),
        ("Error cost change", m.error_cost_saved),
        ("Staff time value", m.staff_time_value),
        ("Monthly overhead", -m.overhead),
    ]
    net = m.net
    values = [v for _, v in items] + [net]
    names = [n for n, _ in items] + ["Net benefit"]
    running = np.cumsum([0.0] + [v for _, v in items])  # where each bar starts and ends
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=values,
            measure=["relative"] * len(items) + ["total"],
            text=money_labels(values),
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": GOOD}},
            decreasing={"marker": {"color": BAD}},
            totals={"marker": {"color": ROUTED}},
            connector={"line": {"color": "#D0D7DE"}},
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    # short, two-line category names: never rotated, never overlapping in a half-width chart
    short = ["Tokens<br>saved", "Error<br>cost", "Staff<br>time", "Over-<br>head", "Net<br>benefit"]
    fig.update_xaxes(tickangle=0, tickvals=names, ticktext=short)
    fig.update_yaxes(title="USD per month (month 1)")
    money_axis(fig, "y", [*running, net], headroom=0.15)
    return _layout(fig, "Monthly benefit, by source", scale=scale, subtitle="month 1, after monthly overhead")


def compare_scenarios(results: dict[str, Result], *, scale: float = 1.0) -> go.Figure:
    """Cumulative net benefit of several scenarios from month 0, one line each, in the order given."""
    fig = go.Figure()
    drawn: list[float] = []
    for i, (name, r) in enumerate(results.items()):
        cumulative = r.projection.cumulative_from_start
        drawn += list(cumulative)
        fig.add_scatter(
            x=r.projection.months_from_start,
            y=cumulative,
            name=name,
            mode="lines",
            line={"color": PALETTE[i % len(PALETTE)], "width": 3},
            hovertext=money_labels(cumulative),
            hovertemplate="Month %{x}: %{hovertext}<extra>" + name + "</extra>",
        )
    fig.add_hline(y=0, line_color="#8A8F98")
    fig.update_xaxes(title="Month (0 = go-live)")
    fig.update_yaxes(title="Cumulative net benefit (USD)")
    money_axis(fig, "y", drawn)
    return _layout(fig, "Cumulative net benefit, compared", scale=scale)
