"""Figures of the simulation (`roi.uncertainty.Uncertainty`): the fan of cumulative net benefit and
which input drives its spread. They draw the percentiles and shares the simulation computed."""

from __future__ import annotations

import plotly.graph_objects as go

from roi.charts.style import ACCENT, ROUTED, _layout, _tint, money_axis, money_labels
from roi.numbers import percent
from roi.uncertainty import Uncertainty


def net_benefit_fan(u: Uncertainty, *, scale: float = 1.0) -> go.Figure:
    """Cumulative net benefit from month 0: the P10–P90 band, the median (P50) and the point
    figure (likely values), with the zero line; the band is what the draws say, month by month."""
    p = u.result.projection
    bands = u.cumulative_bands()
    months = [0] + [b["month"] for b in bands]
    first = u.percentiles(u.start, -p.one_time_cost)  # month 0 spreads with the one-time cost's range
    low = [first["p10"]] + [b["p10"] for b in bands]
    mid = [first["p50"]] + [b["p50"] for b in bands]
    high = [first["p90"]] + [b["p90"] for b in bands]
    start = -p.one_time_cost
    fig = go.Figure()
    fig.add_scatter(x=months, y=high, mode="lines", line_width=0, showlegend=False, hoverinfo="skip")
    fig.add_scatter(
        x=months,
        y=low,
        mode="lines",
        line_width=0,
        fill="tonexty",
        fillcolor=_tint(ROUTED, 0.22),
        name="P10–P90",
        customdata=money_labels(high),
        hovertext=money_labels(low),
        hovertemplate="Month %{x}: %{hovertext} to %{customdata}<extra>P10–P90</extra>",
    )
    fig.add_scatter(
        x=months,
        y=mid,
        mode="lines",
        line={"color": ROUTED, "width": 2, "dash": "dot"},
        name="P50 (median)",
        hovertext=money_labels(mid),
        hovertemplate="Month %{x}: %{hovertext}<extra>P50</extra>",
    )
    point = [start + 0.0, *p.cumulative]
    fig.add_scatter(
        x=months,
        y=point,
        mode="lines",
        line={"color": ACCENT, "width": 3},
        name="Likely values",
        hovertext=money_labels(point),
        hovertemplate="Month %{x}: %{hovertext}<extra>likely</extra>",
    )
    fig.add_hline(y=0, line_color="#8A8F98")
    fig.update_xaxes(
        title="Month (0 = go-live)", dtick=3 if len(bands) > 12 else 1, range=[-0.5, len(bands) + 0.5]
    )
    fig.update_yaxes(title="Cumulative net benefit (USD)")
    money_axis(fig, "y", [*low, *high, *point])
    chance = percent(100 * u.prob_payback_within(), 0)
    return _layout(
        fig,
        "Cumulative net benefit, with its range",
        scale=scale,
        subtitle=f"{chance} chance of payback within {u.horizon} months · {u.draws:,} draws, seed {u.seed}",
    )


def spread_drivers(u: Uncertainty, *, scale: float = 1.0, top: int = 8) -> go.Figure:
    """Which inputs drive the spread of the net benefit over the horizon: each one's share of its
    variance (squared rank correlation, normalized), largest first."""
    drivers = u.drivers[:top]
    names = [d[0] for d in drivers]
    shares = [100 * d[1] for d in drivers]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=shares,
        orientation="h",
        marker_color=ROUTED,
        text=[percent(x, 0) for x in shares],
        textposition="outside",
        hovertemplate="%{y}: %{x:.1f}% of the spread<extra></extra>",
    )
    fig.update_xaxes(title="Share of the spread (%)", range=[0, max([*shares, 10]) * 1.25], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "What drives the spread",
        scale=scale,
        height=max(300, 45 * len(names) + 130),
        subtitle="share of the variance of the net benefit over the horizon, input by input",
    )
