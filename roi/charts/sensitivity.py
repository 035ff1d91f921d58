"""Figures of the sensitivity analysis: they draw `roi.sensitivity` results (tornado bars, the
accuracy curve) that the caller computed, since each of those costs many engine runs."""

from __future__ import annotations

import plotly.graph_objects as go

from roi.charts.style import ACCENT, BAD, GOOD, ROUTED, _layout, money_axis, money_labels
from roi.numbers import money
from roi.sensitivity import AccuracyCurve, Bar


def tornado(bars: list[Bar], *, scale: float = 1.0) -> go.Figure:
    """Horizon net benefit with each input −20% / +20%, as bars from the value as entered."""
    names = [b.input for b in bars]
    base = bars[0].base if bars else 0.0
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[b.low - base for b in bars],
        base=base,
        orientation="h",
        name="input −20%",
        marker_color=BAD,
        customdata=[b.low for b in bars],
        hovertext=money_labels(b.low for b in bars),
        hovertemplate="%{y} −20%: %{hovertext}<extra></extra>",
    )
    fig.add_bar(
        y=names,
        x=[b.high - base for b in bars],
        base=base,
        orientation="h",
        name="input +20%",
        marker_color=GOOD,
        customdata=[b.high for b in bars],
        hovertext=money_labels(b.high for b in bars),
        hovertemplate="%{y} +20%: %{hovertext}<extra></extra>",
    )
    fig.add_vline(x=base, line_color="#24292F")
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="Net benefit over the horizon (USD)")
    money_axis(fig, "x", [base, *(b.low for b in bars), *(b.high for b in bars)], zero=False, ticks=3)
    fig.update_yaxes(autorange="reversed")
    _layout(
        fig,
        "Sensitivity: each input ±20%",
        scale=scale,
        height=max(320, 45 * len(names) + 120),
        subtitle=f"net benefit over the horizon; as entered: {money(base)}",
    )
    # the legend below the bars leaves the money axis the chart's full width
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0})
    return fig


def accuracy_break_even(c: AccuracyCurve, *, scale: float = 1.0) -> go.Figure:
    """Horizon net benefit against one model's accuracy, marking the assumed value and break-even."""
    fig = go.Figure()
    fig.add_scatter(
        x=100 * c.accuracy,
        y=c.net_benefit,
        mode="lines",
        line={"color": ROUTED, "width": 3},
        name="Net benefit",
        hovertext=money_labels(c.net_benefit),
        hovertemplate="%{x:.1f}% → %{hovertext}<extra></extra>",
    )
    fig.add_hline(y=0, line_color="#8A8F98")
    fig.add_vline(
        x=100 * c.current,
        line_dash="dot",
        line_color=ACCENT,
        annotation_text=f"assumed: {100 * c.current:.1f}%",
        annotation_position="top left",
    )
    if c.break_even is not None:
        fig.add_vline(
            x=100 * c.break_even,
            line_dash="dash",
            line_color=BAD,
            annotation_text=f"break-even: {100 * c.break_even:.1f}%",
            annotation_position="bottom right",
        )
    fig.update_xaxes(title=f"Accuracy of {c.model} (%, request-weighted over its tasks)", ticksuffix="%")
    fig.update_yaxes(title="Net benefit over the horizon (USD)")
    money_axis(fig, "y", c.net_benefit)
    return _layout(
        fig,
        "Net benefit against accuracy",
        scale=scale,
        subtitle=f"over the horizon, as {c.model}'s accuracy varies",
    )
