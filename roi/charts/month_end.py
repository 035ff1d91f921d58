"""Figures of the month-end loop: savings achieved against the plan, and a budget's burn-down.
They draw the frames `roi.usage.savings` and `roi.usage.budgets` compute, as given."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from roi.charts.style import ACCENT, BAD, BASELINE, GOOD, ROUTED, _layout, money_axis


def savings_vs_plan(months: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Achieved saving per month (bars, a partly covered month lighter) beside the planned saving."""
    fig = go.Figure()
    fig.add_bar(
        x=months["month"],
        y=months["achieved_saving_usd"],
        name="Achieved (counterfactual − actual)",
        marker_color=GOOD,
        marker_opacity=[1.0 if c else 0.45 for c in months["complete"]],
        hovertemplate="%{x}: $%{y:,.2f}<extra>achieved</extra>",
    )
    fig.add_scatter(
        x=months["month"],
        y=months["planned_saving_usd"],
        name="Planned (scenario)",
        mode="lines+markers",
        line={"color": ACCENT, "dash": "dash"},
        hovertemplate="%{x}: $%{y:,.2f}<extra>planned</extra>",
    )
    fig.update_xaxes(title="Month", type="category")
    fig.update_yaxes(title="Saving on spend (USD)")
    money_axis(fig, "y", [*months["achieved_saving_usd"], *months["planned_saving_usd"].fillna(0)])
    return _layout(fig, "Savings achieved vs plan", scale=scale)


def budget_burndown(days: pd.DataFrame, budget_usd: float, title: str, *, scale: float = 1.0) -> go.Figure:
    """Cumulative spend through the month (imported, then the forecast's path, dashed) against the
    budget line; `days` has day, cumulative_usd, forecast (bool)."""
    fig = go.Figure()
    seen, ahead = days[~days["forecast"]], days[days["forecast"]]
    fig.add_scatter(
        x=seen["day"],
        y=seen["cumulative_usd"],
        name="Spend so far (imported)",
        mode="lines",
        line={"color": ROUTED},
        hovertemplate="%{x|%d %b}: $%{y:,.2f}<extra>spent</extra>",
    )
    if len(ahead):
        path = pd.concat([seen.tail(1), ahead])
        fig.add_scatter(
            x=path["day"],
            y=path["cumulative_usd"],
            name="Forecast",
            mode="lines",
            line={"color": ACCENT, "dash": "dash"},
            hovertemplate="%{x|%d %b}: $%{y:,.2f}<extra>forecast</extra>",
        )
    over = days["cumulative_usd"].max() > budget_usd
    fig.add_hline(y=budget_usd, line={"color": BAD if over else BASELINE}, annotation_text="Budget")
    fig.update_xaxes(title="Day")
    fig.update_yaxes(title="Cumulative spend (USD)")
    money_axis(fig, "y", [*days["cumulative_usd"], budget_usd])
    return _layout(fig, title, scale=scale)
