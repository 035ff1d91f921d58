"""The one look every figure shares: palette, fonts, grid and the presentation `scale`.

Kept apart from the builders so a colour or font changes in one place for the pages, the HTML
report and the deck alike.
"""

from __future__ import annotations

import plotly.graph_objects as go

BASELINE = "#8A8F98"  # today: neutral grey
ROUTED = "#1F6FEB"  # with routing: blue
GOOD = "#2DA44E"
BAD = "#CF222E"
ACCENT = "#BF8700"
PALETTE = ["#1F6FEB", "#BF8700", "#8250DF", "#2DA44E", "#CF222E", "#0A7F8C", "#8A8F98", "#E16F24"]


def _layout(fig: go.Figure, title: str, *, scale: float = 1.0, height: int = 420) -> go.Figure:
    """Title, fonts, margins and grid; `scale` enlarges text (and height a little) for presenting."""
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
    """A colour per model by position, so one model keeps its colour across a figure's traces."""
    return {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(models)}
