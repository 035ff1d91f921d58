"""Figures of imported usage: they draw the frames `roi.usage.traffic` aggregates (spend per month
and model, top groups), token totals and a latency histogram, as given."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from roi.charts.style import ACCENT, ROUTED, _layout, _tint, model_colors, money_axis

TOKEN_LABELS = {
    "input_tokens": "Input (uncached)",
    "cache_write_5m_tokens": "Cache write 5 min",
    "cache_write_1h_tokens": "Cache write 1 h",
    "cache_read_tokens": "Cache read",
    "output_tokens": "Output",
}


def usage_spend_by_month(monthly: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Priced spend per month, stacked by model (imported usage); `monthly` has month, model, cost_usd."""
    fig = go.Figure()
    models = sorted(monthly["model"].unique())
    colors = model_colors(models)
    for m in models:
        d = monthly[monthly["model"] == m]
        fig.add_bar(
            x=d["month"],
            y=d["cost_usd"],
            name=m,
            marker_color=colors[m],
            hovertemplate="%{x}: $%{y:,.2f}<extra>" + m + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Month", type="category", categoryorder="category ascending")
    fig.update_yaxes(title="Spend priced with the catalog (USD)")
    money_axis(fig, "y", monthly.groupby("month")["cost_usd"].sum() if len(monthly) else [])
    return _layout(fig, "Spend per month by model", scale=scale)


def usage_tokens_by_type(totals: dict[str, float], *, scale: float = 1.0) -> go.Figure:
    """Token totals per kind, every kind shown (0 when missing) so imports compare at a glance."""
    fig = go.Figure(
        go.Bar(
            x=list(TOKEN_LABELS.values()),
            y=[totals.get(k, 0.0) for k in TOKEN_LABELS],
            marker_color=ROUTED,
            hovertemplate="%{x}: %{y:,.0f} tokens<extra></extra>",
        )
    )
    fig.update_yaxes(title="Tokens", tickformat=",.3~s")  # 0, 100k, 1.2M (not "0.00")
    return _layout(fig, "Tokens by type", scale=scale)


def usage_top_groups(top: pd.DataFrame, by: str, *, scale: float = 1.0) -> go.Figure:
    """Spend per group (column `by`) in the order given, largest first as `top_groups` sorts them."""
    fig = go.Figure(
        go.Bar(
            y=top[by].astype(str),
            x=top["cost_usd"],
            orientation="h",
            marker_color=ACCENT,
            hovertemplate="%{y}: $%{x:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Spend priced with the catalog (USD)")
    money_axis(fig, "x", top["cost_usd"])
    # names are labels: an AWS account id (123456789012) must not turn the axis numeric
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(
        fig, f"Top {by.replace('_', ' ')}s by spend", scale=scale, height=max(300, 36 * len(top) + 120)
    )


def latency_histogram(edges: list[float], counts: list[int], *, scale: float = 1.0) -> go.Figure:
    """Requests per latency bin on a log axis; each bar sits at its bin's geometric middle."""
    mids = [(a * b) ** 0.5 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=mids,
            y=counts,
            marker_color=ROUTED,
            width=[b - a for a, b in zip(edges[:-1], edges[1:], strict=True)],
            hovertemplate="≈%{x:.2f} s: %{y:,} requests<extra></extra>",
        )
    )
    fig.update_xaxes(
        title="Latency (seconds, log scale)", type="log", dtick=1
    )  # 0.1, 1, 10: no "2 5" between
    # whole requests: a handful of them gets one tick per request, not ticks at 0.5
    fig.update_yaxes(title="Requests", tickformat=",~s", dtick=1 if max(counts, default=0) <= 6 else None)
    return _layout(fig, "Latency distribution (per-request logs)", scale=scale)


def usage_by_hour_of_day(by_hour: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Requests per UTC hour of the day (bars) and their mean latency (line, right axis), as given
    (`roi.usage.lake.hour_of_day`)."""
    fig = go.Figure()
    fig.add_bar(
        x=by_hour["hour"],
        y=by_hour["requests"],
        name="Requests",
        marker_color=ROUTED,
        hovertemplate="%{x}:00 UTC: %{y:,.0f} requests<extra></extra>",
    )
    fig.add_scatter(
        x=by_hour["hour"],
        y=by_hour["mean_latency_s"],
        name="Mean latency",
        yaxis="y2",
        mode="lines+markers",
        line_color=ACCENT,
        hovertemplate="%{x}:00 UTC: %{y:.2f} s mean latency<extra></extra>",
    )
    fig.update_xaxes(title="Hour of the day (UTC)", dtick=2, range=[-0.5, 23.5])
    fig.update_yaxes(title="Requests")
    fig.update_layout(
        yaxis2={"title": "Mean latency (s)", "overlaying": "y", "side": "right", "rangemode": "tozero"}
    )
    return _layout(fig, "Traffic and latency by hour of the day (per-request logs)", scale=scale)


def spend_forecast(history: pd.DataFrame, months: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Monthly spend imported (bars; a partly covered month lighter) and the forecast: the median
    and its 80% and 95% prediction intervals as bands (`roi.usage.forecast.Forecast`), as given."""
    fig = go.Figure()
    done = history[history["complete"]]
    part = history[~history["complete"]]
    fig.add_bar(
        x=done["month"],
        y=done["cost_usd"],
        name="Imported",
        marker_color=ROUTED,
        hovertemplate="%{x}: $%{y:,.2f}<extra>imported</extra>",
    )
    if len(part):
        fig.add_bar(
            x=part["month"],
            y=part["cost_usd"],
            name="Imported (part of the month)",
            marker_color=ROUTED,
            opacity=0.45,
            hovertemplate="%{x}: $%{y:,.2f} so far<extra></extra>",
        )
    for lo, hi, name, alpha in (
        ("lo95", "hi95", "95% interval", 0.12),
        ("lo80", "hi80", "80% interval", 0.25),
    ):
        if months[lo].notna().any():
            fig.add_scatter(
                x=months["month"],
                y=months[hi],
                mode="lines",
                line_width=0,
                showlegend=False,
                hoverinfo="skip",
            )
            fig.add_scatter(
                x=months["month"],
                y=months[lo],
                mode="lines",
                line_width=0,
                fill="tonexty",
                fillcolor=_tint(ACCENT, alpha),
                name=name,
                hoverinfo="skip",
            )
    fig.add_scatter(
        x=months["month"],
        y=months["cost_usd"],
        name="Forecast (median)",
        mode="lines+markers",
        line={"color": ACCENT, "dash": "dash"},
        hovertemplate="%{x}: $%{y:,.2f}<extra>forecast</extra>",
    )
    order = sorted(set(history["month"]) | set(months["month"]))
    fig.update_xaxes(title="Month", type="category", categoryorder="array", categoryarray=order)
    fig.update_yaxes(title="Spend priced with the catalog (USD)")
    top = months["hi95"].where(months["hi95"].notna(), months["cost_usd"])
    money_axis(fig, "y", [*history["cost_usd"], *top])
    return _layout(fig, "Monthly spend and forecast", scale=scale)
