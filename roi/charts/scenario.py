"""Figures of one computed scenario (`roi.engine.Result`): spend, latency, accuracy, benefit.

They read numbers the engine, finance and optimizer already computed and only draw them, so a
figure shows exactly the figures the tiles and reports quote.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from roi.charts.style import ACCENT, BAD, BASELINE, GOOD, PALETTE, ROUTED, _layout, model_colors
from roi.engine import Result


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
    fig.update_yaxes(
        title="Token spend per month (USD)", tickprefix="$", tickformat=",.0f", rangemode="tozero"
    )
    return _layout(fig, "Monthly token spend", scale=scale)


def cumulative_net_benefit(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Cumulative net benefit per month, red while under water, with the payback month marked."""
    p = r.projection
    colors = [GOOD if v >= 0 else BAD for v in p.cumulative]
    fig = go.Figure()
    fig.add_bar(
        x=p.months,
        y=p.cumulative,
        marker_color=colors,
        name="Cumulative net benefit",
        hovertemplate="Month %{x}: $%{y:,.0f}<extra></extra>",
    )
    if p.payback_month:
        fig.add_vline(
            x=p.payback_month,
            line_dash="dash",
            line_color=ACCENT,
            annotation_text=f"payback: month {p.payback_month}",
            annotation_position="top left",
        )
    fig.update_xaxes(title="Month", dtick=3 if len(p.months) > 12 else 1)
    fig.update_yaxes(title="Cumulative net benefit (USD)", tickprefix="$", tickformat=",.0f")
    return _layout(fig, "Cumulative net benefit (after the one-time cost)", scale=scale)


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
    fig.update_yaxes(title="Token spend, month 1 (USD)", tickprefix="$", tickformat=",.0f")
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
    fig.update_xaxes(title="Token spend, month 1 (USD)", tickprefix="$", tickformat=",.0f")
    fig.update_yaxes(title="Expected accuracy (%, request-weighted)", ticksuffix="%")
    return _layout(fig, "Cost vs accuracy", scale=scale)


def benefit_waterfall(r: Result, *, scale: float = 1.0) -> go.Figure:
    """Month-1 net benefit built up from its parts (`r.projection.month1`), overhead as a cost."""
    m = r.projection.month1
    items = [
        ("Token spend saved", m.spend_saved),
        ("Error cost change", m.error_cost_saved),
        ("Staff time value", m.staff_time_value),
        ("Monthly overhead", -m.overhead),
    ]
    net = m.net
    fig = go.Figure(
        go.Waterfall(
            x=[n for n, _ in items] + ["Net benefit"],
            y=[v for _, v in items] + [net],
            measure=["relative"] * len(items) + ["total"],
            increasing={"marker": {"color": GOOD}},
            decreasing={"marker": {"color": BAD}},
            totals={"marker": {"color": ROUTED}},
            connector={"line": {"color": "#D0D7DE"}},
            hovertemplate="%{x}: $%{y:,.0f}<extra></extra>",
        )
    )
    fig.update_yaxes(title="USD per month (month 1)", tickprefix="$", tickformat=",.0f")
    return _layout(fig, "Where the monthly benefit comes from", scale=scale)


def compare_scenarios(results: dict[str, Result], *, scale: float = 1.0) -> go.Figure:
    """Cumulative net benefit of several scenarios, one line each, in the order given."""
    fig = go.Figure()
    for i, (name, r) in enumerate(results.items()):
        fig.add_scatter(
            x=r.projection.months,
            y=r.projection.cumulative,
            name=name,
            mode="lines",
            line={"color": PALETTE[i % len(PALETTE)], "width": 3},
            hovertemplate="Month %{x}: $%{y:,.0f}<extra>" + name + "</extra>",
        )
    fig.add_hline(y=0, line_color="#8A8F98")
    fig.update_xaxes(title="Month")
    fig.update_yaxes(title="Cumulative net benefit (USD)", tickprefix="$", tickformat=",.0f")
    return _layout(fig, "Scenarios compared: cumulative net benefit", scale=scale)
