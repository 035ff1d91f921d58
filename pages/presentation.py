"""Presentation mode: the whole screen, big figures, one key chart at a time; the arrow keys step
through the slides and Esc leaves."""

import streamlit as st

from roi.slides import slides
from roi.ui import state
from roi.ui.text import md
from roi.ui.widgets import tiles

SLIDE_CHART_PX = 570  # the tallest chart that leaves the title and the buttons on a 900 px screen

state.show_flash()
if not state.presenting() and st.button("Back to the dashboard", icon=":material/arrow_back:"):
    st.switch_page("pages/overview.py")
s = state.current_scenario()
result = state.computed(s)
if result is None:
    st.stop()
deck = slides(result, state.simulated(s))
step = min(state.slide(), len(deck) - 1)


def _go(delta: int) -> None:
    state.set_slide(max(0, min(len(deck) - 1, step + delta)))


slide = deck[step]
head, leave = st.columns([6, 1], vertical_alignment="center")
head.title(slide.title)
if state.presenting():
    leave.button(
        "Exit",
        icon=":material/close:",
        shortcut="Esc",
        on_click=state.set_presenting,
        args=(False,),
        width="stretch",
        help="Leave presentation mode and return to the page you came from",
    )
st.markdown(f"### {slide.takeaway}")
if slide.figure is None:
    tiles(result, state.simulated(s))
    st.caption(f"{md(s.name)}" + (" · illustrative demo data" if s.illustrative else ""))
else:
    fig = slide.figure(1.6)
    st.plotly_chart(  # as the dashboard draws it (theme=None), without plotly's toolbar on a slide
        fig.update_layout(height=min(fig.layout.height, SLIDE_CHART_PX)),
        theme=None,
        key=f"present.{step}",
        config={"displaylogo": False, "displayModeBar": False},
    )
prev, mid, nxt = st.columns([1, 4, 1], vertical_alignment="center")
prev.button("◀ Previous", on_click=_go, args=(-1,), disabled=step == 0, width="stretch", shortcut="Left")
mid.progress((step + 1) / len(deck), text=f"{step + 1} / {len(deck)}")
nxt.button(
    "Next ▶", on_click=_go, args=(1,), disabled=step == len(deck) - 1, width="stretch", shortcut="Right"
)
