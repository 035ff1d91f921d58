"""Figures of sample runs: they draw `roi.evals.results` frames (per-item results, the per task ×
model summary, a cascade table) as given; rows without a value are left out, not drawn as zero."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from roi.charts.style import ROUTED, _layout, model_colors, money_axis


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
            hovertemplate="%{x}: %{y:.1f}% (n=%{customdata[0]}, 95% interval %{customdata[1]:.1f}–%{customdata[2]:.1f}%)<extra>"
            + m
            + "</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="Accuracy (%), 95% interval", ticksuffix="%", range=[0, 105])
    return _layout(fig, "Measured accuracy", scale=scale)


def eval_latency(df: pd.DataFrame, *, scale: float = 1.0) -> go.Figure:
    """Latency of the successful requests per task, one box per model."""
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
    """Cost per correct answer per task and model (models with no correct answer are left out)."""
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
    fig.update_yaxes(title="USD per correct answer")
    money_axis(fig, "y", s["cost_per_correct_usd"])
    return _layout(fig, "Cost per correct answer", scale=scale)


def cascade_curve(table: pd.DataFrame, small: str, large: str, *, scale: float = 1.0) -> go.Figure:
    """Cascade accuracy against the share escalated, one point per confidence threshold."""
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
