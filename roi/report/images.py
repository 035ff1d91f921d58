"""High-resolution PNGs of plotly figures, rendered by kaleido (v1) through Debian's Chromium.

One browser renders all the figures of an export (starting Chromium is the slow part). kaleido is
pointed at the Chromium `chromium_path()` finds, so it never looks for or downloads a browser of
its own, and MathJax is off, so its page asks for nothing from the network.
"""

from __future__ import annotations

import asyncio

import plotly.graph_objects as go

from roi.errors import ReportError
from roi.report.browser import chromium_path, in_worker_thread

RENDER_TIMEOUT_S = 90


async def _render(figs: list[go.Figure], opts: dict, executable: str) -> list[bytes]:
    import kaleido

    async with kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=executable) as k:
        return [await k.calc_fig(fig, opts=opts) for fig in figs]


def figures_to_png(figs: list[go.Figure], *, width: int, height: int, scale: float = 2) -> list[bytes]:
    """Each figure as a PNG of width×scale by height×scale pixels (layout pixels × scale)."""
    if not figs:
        return []
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    executable = chromium_path()
    try:
        return in_worker_thread(lambda: asyncio.run(_render(figs, opts, executable)))
    except Exception as exc:  # kaleido and choreographer raise their own error types
        raise ReportError(f"the charts could not be rendered by Chromium (kaleido): {exc}") from exc
