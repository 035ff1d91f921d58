"""Presentation mode: no editing controls, big figures, one key chart at a time."""

import streamlit as st

from roi.slides import slides
from roi.ui import state
from roi.ui.widgets import chart, tiles

state.show_flash()
if not state.presenting() and st.button("Back to the dashboard", icon=":material/arrow_back:"):
    st.switch_page("pages/overview.py")
s = state.current_scenario()
result = state.computed(s)
if result is None:
    st.stop()
deck = slides(result)
step = min(state.slide(), len(deck) - 1)


def _go(delta: int) -> None:
    state.set_slide(max(0, min(len(deck) - 1, step + delta)))


slide = deck[step]
st.title(slide.title)
st.markdown(f"## {slide.takeaway}")
if slide.figure is None:
    tiles(result)
    st.caption(f"{s.name}" + (" · illustrative demo data" if s.illustrative else ""))
else:
    chart(slide.figure(1.6), f"present.{step}")
prev, mid, nxt = st.columns([1, 4, 1])
prev.button("◀ Previous", on_click=_go, args=(-1,), disabled=step == 0, width="stretch")
mid.progress((step + 1) / len(deck), text=f"{step + 1} / {len(deck)}")
nxt.button("Next ▶", on_click=_go, args=(1,), disabled=step == len(deck) - 1, width="stretch")
