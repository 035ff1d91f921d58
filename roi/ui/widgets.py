"""Reusable pieces the pages draw: headline tiles, charts with the shared look, the sidebar."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from roi import present
from roi.engine import Result
from roi.provenance import measured_count
from roi.scenario import Scenario
from roi.ui.state import PRESENT_KEY, presenting


def chart_scale() -> float:
    return 1.6 if presenting() else 1.0


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, theme=None, key=key, config={"displaylogo": False})


def tiles(r: Result) -> None:
    ts = present.headline_tiles(r)
    for row in (ts[:3], ts[3:]):
        for col, t in zip(st.columns(len(row), border=True), row, strict=True):
            col.metric(t.label, t.value, t.delta, delta_color=t.delta_color, help=t.help)


def scenario_banner(s: Scenario) -> None:
    st.caption(f"Scenario: **{s.name}** · prices as of {s.as_of.isoformat()} · {len(s.tasks)} tasks")
    if s.illustrative:
        measured = measured_count(s)
        rest = f" except the {measured} accuracies measured by sample runs" if measured else ""
        st.info(
            f"Illustrative demo data: every number is an assumption{rest}, not a measurement.",
            icon=":material/info:",
        )


LEFT_PRESENTATION_KEY = "roi.left_presentation"


def _on_presentation_toggle() -> None:
    on = st.session_state["presentation_toggle"]
    st.session_state[PRESENT_KEY] = on
    st.session_state[LEFT_PRESENTATION_KEY] = not on


def sidebar() -> None:
    """The firm's branding, the presentation mode switch; shared by every page."""
    from roi.report.branding import load_branding
    from roi.ui.state import store

    branding = load_branding(store())
    if branding.logo_png:
        st.logo(branding.logo_png)
    with st.sidebar:
        if branding.firm_name:
            st.markdown(f"**{branding.firm_name}**")
        st.toggle(
            "Presentation mode",
            value=presenting(),
            key="presentation_toggle",
            on_change=lambda: st.session_state.__setitem__(
                PRESENT_KEY, st.session_state["presentation_toggle"]
            ),
            help="Hides editing controls, enlarges charts and steps through the key figures.",
        )
