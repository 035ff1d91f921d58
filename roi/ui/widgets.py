"""Reusable pieces the pages draw: headline tiles, charts with the shared look, the sidebar."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from roi import present
from roi.engine import Result
from roi.optimize import placeholders
from roi.scenario import Scenario
from roi.store.workspaces import Workspace
from roi.ui import state
from roi.ui.account import account_box
from roi.ui.text import md
from roi.uncertainty import Uncertainty


def chart_scale() -> float:
    return 1.6 if state.presenting() else 1.0


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, theme=None, key=key, config={"displaylogo": False})


def tiles(r: Result, u: Uncertainty | None = None) -> None:
    """The headline tiles in rows of four (money first, then time, accuracy and payback); with
    uncertain inputs, net benefit and payback show their P10–P90 range."""
    ts = present.headline_tiles(r, u)
    for row in (ts[i : i + 4] for i in range(0, len(ts), 4)):
        for col, t in zip(st.columns(len(row), border=True), row, strict=True):
            col.metric(
                t.label, t.value, t.delta, delta_color=t.delta_color, help=t.help, delta_arrow=t.delta_arrow
            )


def scenario_banner(s: Scenario) -> None:
    st.caption(f"Scenario: **{md(s.name)}** · prices as of {s.as_of.isoformat()} · {len(s.tasks)} tasks")
    if s.illustrative:
        measured = s.measured_accuracies()
        sentence = (
            f"Illustrative demo data. Measured by sample runs: {measured} "
            f"{'accuracy' if measured == 1 else 'accuracies'}; every other number is an assumption."
            if measured
            else "Illustrative demo data: every number is an assumption, not a measurement."
        )
        st.info(sentence, icon=":material/info:")
    if words := present.placeholder_words(placeholders(s)):
        st.warning(words, icon=":material/science:")


def ranges_note(u: Uncertainty | None) -> None:
    """Under the tiles: the odds of payback and how the ranges were made (nothing when no input
    carries a range)."""
    if u is None or not u.uncertain:
        return
    st.markdown(f"**{present.uncertainty_words(u)}**")
    st.caption(present.uncertainty_method(u))


PRESENTATION_TOGGLE = state.widget_key("presentation")


def _on_presentation_toggle() -> None:
    state.set_presenting(bool(state.value(PRESENTATION_TOGGLE)))


def sidebar(visible: list[Workspace]) -> None:
    """The firm's branding, the presentation mode switch, the workspace and who is signed in;
    shared by every page."""
    from roi.report.branding import load_branding

    branding = load_branding(state.store())
    if branding.logo_png:
        st.logo(branding.logo_png)
    if state.presenting():  # full screen: nothing in the sidebar, so Streamlit draws none
        return
    with st.sidebar:
        if branding.firm_name:
            st.markdown(f"**{md(branding.firm_name)}**")
        ph = placeholders(state.current_scenario())
        if ph.count:  # on every page, including those without the scenario banner
            st.caption(
                f":material/science: {ph.count} placeholder accuracies, "
                + ("not measured" if ph.pending else f"accepted {ph.accepted_on}"),
                help=present.placeholder_words(ph),
            )
        state.set_value(PRESENTATION_TOGGLE, state.presenting())  # follows the mode however it changed
        st.toggle(
            "Presentation mode",
            key=PRESENTATION_TOGGLE,
            on_change=_on_presentation_toggle,
            help="Hides editing controls, enlarges charts and steps through the key figures.",
        )
        account_box(visible)
