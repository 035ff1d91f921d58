"""The one look every figure shares: palette, fonts, grid and the presentation `scale`.

Kept apart from the builders so a colour or font changes in one place for the pages, the HTML
report and the deck alike.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

from roi.numbers import money, money_ticks

BASELINE = "#8A8F98"  # today: neutral grey
ROUTED = "#1F6FEB"  # with routing: blue
GOOD = "#2DA44E"
BAD = "#CF222E"
ACCENT = "#BF8700"
PALETTE = ["#1F6FEB", "#BF8700", "#8250DF", "#2DA44E", "#CF222E", "#0A7F8C", "#8A8F98", "#E16F24"]


TITLE_CHARS = 34  # a title longer than this is cut off in a half-width chart at 1280 px
SUBTITLE_CHARS = 60


def _layout(
    fig: go.Figure, title: str, *, scale: float = 1.0, height: int = 420, subtitle: str | None = None
) -> go.Figure:
    """Title (short, with the qualifier as a smaller subtitle), fonts, margins and grid; `scale`
    enlarges text (and height a little) for presenting."""
    title_doc: dict = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 18 * scale}}
    if subtitle:
        title_doc["subtitle"] = {"text": subtitle, "font": {"size": 12 * scale, "color": "#57606A"}}
    fig.update_layout(
        title=title_doc,
        font={"family": "Inter, Helvetica, Arial, sans-serif", "size": 13 * scale, "color": "#24292F"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=int(height * (1 + (scale - 1) * 0.6)),
        margin={"l": 70, "r": 20, "t": (78 if subtitle else 60) * scale, "b": 10},
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


def money_axis(
    fig: go.Figure,
    axis: str,
    values: Iterable[float],
    *,
    headroom: float = 0.0,
    zero: bool = True,
    ticks: int | None = None,
) -> None:
    """Label a money axis as people write money ('-$1M', '$250k', '$0'), never rotated.

    Ticks span the values drawn (and zero, unless `zero` is False); `headroom` (a share of that
    span) leaves room above for value labels; `ticks` is about how many steps. Only drawing: the
    values are the figure's own.
    """
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        v = np.zeros(1)
    lo, hi = float(v.min()), float(v.max())
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = hi - lo
    hi += headroom * span
    if lo < 0:
        lo -= headroom * span  # a label below a falling bar needs room too
    # "$250k" is wider than it is tall: fewer ticks across than up
    ticks_at = money_ticks(lo, hi, target=ticks or (4 if axis == "x" else 5))
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(
        tickvals=[t for t, _ in ticks_at],
        ticktext=[label for _, label in ticks_at],
        tickangle=0,
        range=[ticks_at[0][0], ticks_at[-1][0]],
        tickprefix=None,
        tickformat=None,
    )


def money_labels(values: Iterable[float]) -> list[str]:
    """Exact money for hover text and value labels ('-$8,012', never '$-8,012')."""
    return [money(float(x)) for x in values]


def _tint(hex_color: str, alpha: float) -> str:
    """A palette colour as a translucent fill (bands of intervals and ranges)."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
