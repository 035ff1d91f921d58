"""Plotly figures with one look, shared by the pages and the reports (never Streamlit-aware).

Units and currency on every axis, exact values on hover, a small palette readable on a projector.
`scale` enlarges fonts for presentation mode.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from roi.catalog import price_history
from roi.engine import Result
from roi.optimize import frontier
from roi.sensitivity import AccuracyCurve, Bar

BASELINE = "#8A8F98"  # today: neutral grey
ROUTED = "#1F6FEB"  # with routing: blue
GOOD = "#2DA44E"
BAD = "#CF222E"
ACCENT = "#BF8700"
PALETTE = ["#1F6FEB", "#BF8700", "#8250DF", "#2DA44E", "#CF222E", "#0A7F8C", "#8A8F98", "#E16F24"]


def _layout(fig: go.Figure, title: str, *, scale: float = 1.0, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18 * scale}},
        font={"family": "Inter, Helvetica, Arial, sans-serif", "size": 13 * scale, "color": "#24292F"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=int(height * (1 + (scale - 1) * 0.6)),
        margin={"l": 70, "r": 20, "t": 60 * scale, "b": 10},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.02},
        hoverlabel={"font_size": 13 * scale},
        colorway=PALETTE,
    )
    fig.update_xaxes(showgrid=False, linecolor="#D0D7DE", ticks="outside", automargin=True)
    fig.update_yaxes(gridcolor="#EAEEF2", zerolinecolor="#8A8F98", automargin=True)
    return fig


def model_colors(models: list[str]) -> dict[str, str]:
    return {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(models)}


def monthly_spend(r: Result, *, scale: float = 1.0) -> go.Figure:
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


def cost_vs_accuracy(r: Result, *, scale: float = 1.0) -> go.Figure:
    f = frontier(r.matrix)
    fig = go.Figure()
    if len(f):
        fig.add_scatter(
            x=f[:, 0],
            y=100 * f[:, 1],
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


def tornado(bars: list[Bar], *, scale: float = 1.0) -> go.Figure:
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
        hovertemplate="%{y} −20%: $%{customdata:,.0f}<extra></extra>",
    )
    fig.add_bar(
        y=names,
        x=[b.high - base for b in bars],
        base=base,
        orientation="h",
        name="input +20%",
        marker_color=GOOD,
        customdata=[b.high for b in bars],
        hovertemplate="%{y} +20%: $%{customdata:,.0f}<extra></extra>",
    )
    fig.add_vline(x=base, line_color="#24292F")
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="Net benefit over the horizon (USD)", tickprefix="$", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        f"Sensitivity: net benefit with each input ±20% (as entered: {'-' if base < 0 else ''}${abs(base):,.0f})",
        scale=scale,
        height=max(320, 45 * len(names) + 120),
    )


def benefit_waterfall(r: Result, *, scale: float = 1.0) -> go.Figure:
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


def accuracy_break_even(c: AccuracyCurve, *, scale: float = 1.0) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=100 * c.accuracy,
        y=c.net_benefit,
        mode="lines",
        line={"color": ROUTED, "width": 3},
        name="Net benefit",
        hovertemplate="%{x:.1f}% → $%{y:,.0f}<extra></extra>",
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
    fig.update_yaxes(title="Net benefit over the horizon (USD)", tickprefix="$", tickformat=",.0f")
    return _layout(fig, f"Net benefit against {c.model}'s accuracy", scale=scale)


def price_history_chart(model_id: str, *, today: date, scale: float = 1.0) -> go.Figure:
    """Step chart of a model's input and output price over time (genai-prices history)."""
    hist = price_history(model_id)
    starts = [d or date(2023, 1, 1) for d, _ in hist]
    xs = [*starts, today]
    fig = go.Figure()
    for label, field, color in (
        ("Input", "input", ROUTED),
        ("Output", "output", ACCENT),
        ("Cache read", "cache_read", GOOD),
    ):
        ys = [getattr(p.base, field) for _, p in hist]
        fig.add_scatter(
            x=xs,
            y=[*ys, ys[-1]],
            mode="lines",
            line_shape="hv",
            name=label,
            line={"color": color, "width": 3},
            hovertemplate="%{x|%Y-%m-%d}: $%{y:.3f} per million tokens<extra>" + label + "</extra>",
        )
    fig.update_xaxes(title="Date")
    fig.update_yaxes(title="USD per million tokens", tickprefix="$", rangemode="tozero")
    return _layout(fig, f"Price history: {model_id}", scale=scale)


def compare_scenarios(results: dict[str, Result], *, scale: float = 1.0) -> go.Figure:
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


def usage_spend_by_month(monthly: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Priced spend per month, stacked by model (imported usage)."""
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
    fig.update_yaxes(title="Spend priced with the catalog (USD)", tickprefix="$", tickformat=",.0f")
    return _layout(fig, "Spend per month by model", scale=scale)


def usage_tokens_by_type(totals: dict[str, float], *, scale: float = 1.0) -> go.Figure:
    labels = {
        "input_tokens": "Input (uncached)",
        "cache_write_5m_tokens": "Cache write 5 min",
        "cache_write_1h_tokens": "Cache write 1 h",
        "cache_read_tokens": "Cache read",
        "output_tokens": "Output",
    }
    fig = go.Figure(
        go.Bar(
            x=[labels[k] for k in labels],
            y=[totals.get(k, 0.0) for k in labels],
            marker_color=ROUTED,
            hovertemplate="%{x}: %{y:,.0f} tokens<extra></extra>",
        )
    )
    fig.update_yaxes(title="Tokens", tickformat=",.3s")
    return _layout(fig, "Tokens by type", scale=scale)


def usage_top_groups(top: pd.DataFrame, by: str, *, scale: float = 1.0) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=top[by].astype(str),
            x=top["cost_usd"],
            orientation="h",
            marker_color=ACCENT,
            hovertemplate="%{y}: $%{x:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Spend priced with the catalog (USD)", tickprefix="$", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig, f"Top {by.replace('_', ' ')}s by spend", scale=scale, height=max(300, 36 * len(top) + 120)
    )


def latency_histogram(edges: list[float], counts: list[int], *, scale: float = 1.0) -> go.Figure:
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
    fig.update_xaxes(title="Latency (seconds, log scale)", type="log")
    fig.update_yaxes(title="Requests")
    return _layout(fig, "Latency distribution (per-request logs)", scale=scale)


def eval_accuracy(summary: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Measured accuracy per task and model with 95% Wilson intervals as error bars."""
    fig = go.Figure()
    s = summary[summary["accuracy"].notna()]
    colors = model_colors(sorted(s["model"].unique()))
    for m, g in s.groupby("model"):
        fig.add_bar(
            x=g["task"],
            y=100 * g["accuracy"],
            name=m,
            marker_color=colors[m],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": 100 * (g["ci_high"] - g["accuracy"]),
                "arrayminus": 100 * (g["accuracy"] - g["ci_low"]),
            },
            customdata=g[["n", "ci_low", "ci_high"]].to_numpy() * [1, 100, 100],
            hovertemplate="%{x}: %{y:.1f}% (n=%{customdata[0]}, 95% CI %{customdata[1]:.1f}–%{customdata[2]:.1f}%)<extra>"
            + m
            + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="Accuracy (%), 95% interval", ticksuffix="%", range=[0, 105])
    return _layout(fig, "Measured accuracy", scale=scale)


def eval_latency(df: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    ok = df[(df["status"] == "ok") & df["latency_s"].notna()]
    fig = go.Figure()
    colors = model_colors(sorted(ok["model"].unique()))
    for m, g in ok.groupby("model"):
        fig.add_box(
            y=g["latency_s"],
            x=g["task"],
            name=m,
            marker_color=colors[m],
            boxpoints=False,
            hovertemplate="%{x}: %{y:.2f} s<extra>" + m + "</extra>",
        )
    fig.update_layout(boxmode="group")
    fig.update_yaxes(title="Latency per request (seconds)", ticksuffix=" s", rangemode="tozero")
    return _layout(fig, "Measured latency", scale=scale)


def eval_cost_per_correct(summary: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    s = summary[summary["cost_per_correct_usd"].notna()]
    fig = go.Figure()
    colors = model_colors(sorted(s["model"].unique()))
    for m, g in s.groupby("model"):
        fig.add_bar(
            x=g["task"],
            y=g["cost_per_correct_usd"],
            name=m,
            marker_color=colors[m],
            hovertemplate="%{x}: $%{y:.5f} per correct answer<extra>" + m + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="USD per correct answer", tickprefix="$")
    return _layout(fig, "Cost per correct answer", scale=scale)


def cascade_curve(table: pd.DataFrame, small: str, large: str, *, scale: float = 1.0) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=100 * table["escalation_rate"],
        y=100 * table["accuracy"],
        mode="lines+markers",
        customdata=table["threshold"],
        line={"color": ROUTED, "width": 3},
        hovertemplate="escalate below %{customdata}% confidence: %{x:.0f}% escalated → %{y:.1f}%"
        "<extra></extra>",
    )
    fig.update_xaxes(title=f"Share escalated from {small} to {large} (%)", ticksuffix="%")
    fig.update_yaxes(title="Cascade accuracy on these items (%)", ticksuffix="%")
    return _layout(fig, "Cascade: accuracy against escalation rate", scale=scale)
