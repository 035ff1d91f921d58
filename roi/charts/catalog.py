"""Figures of the price catalog."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from roi.charts.style import ACCENT, GOOD, ROUTED, _layout, money_axis

if TYPE_CHECKING:
    from roi.catalog import ModelPrices

LISTED_SINCE = date(2023, 1, 1)  # where a price with no start date is drawn from


def price_history_chart(
    model_id: str,
    history: list[tuple[date | None, ModelPrices]],
    *,
    today: date,
    scale: float = 1.0,
) -> go.Figure:
    """Step chart of a model's input, output and cache-read price over time, up to `today`.

    `history` is `roi.catalog.price_history(model_id)` (oldest first, None = since listed); the
    caller looks it up, so the chart draws whatever history it is handed and never reads the catalog.
    """
    starts = [d or LISTED_SINCE for d, _ in history]
    xs = [*starts, today]
    fig = go.Figure()
    for label, field, color in (
        ("Input", "input", ROUTED),
        ("Output", "output", ACCENT),
        ("Cache read", "cache_read", GOOD),
    ):
        ys = [getattr(p.base, field) for _, p in history]
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
    fig.update_yaxes(title="USD per million tokens")
    money_axis(fig, "y", [getattr(p.base, f) for _, p in history for f in ("input", "output", "cache_read")])
    return _layout(fig, f"Price history: {model_id}", scale=scale)
