"""Routing ROI: the router. Page config, navigation and the shared sidebar only."""

import streamlit as st

from roi import __version__
from roi.ui import state
from roi.ui.widgets import sidebar

st.set_page_config(page_title="Routing ROI", page_icon=":material/alt_route:", layout="wide")
state.apply_share_link()
sidebar()

presentation = st.Page("pages/presentation.py", title="Presentation", icon=":material/slideshow:")
pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/task_mix.py", title="Task mix", icon=":material/table_edit:"),
    st.Page("pages/models.py", title="Models & prices", icon=":material/price_change:"),
    st.Page("pages/usage.py", title="Usage", icon=":material/receipt_long:"),
    st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
    st.Page("pages/routing.py", title="Routing what-if", icon=":material/alt_route:"),
    st.Page("pages/break_even.py", title="Break-even & ROI", icon=":material/trending_up:"),
    st.Page("pages/scenarios.py", title="Scenarios", icon=":material/folder_open:"),
    st.Page("pages/report.py", title="Report", icon=":material/description:"),
    presentation,
]
# Presentation mode hides the menu (and with it every editing page) and shows the slides; turning
# it off returns to the page it was turned on from.
nav = st.navigation(pages, position="hidden" if state.presenting() else "sidebar")
if state.presenting() and nav.url_path != presentation.url_path:
    state.remember_page(nav.url_path)
    st.switch_page(presentation)
back = state.page_after_presenting()
if back is not None and nav.url_path == presentation.url_path:
    st.switch_page(next((p for p in pages if p.url_path == back), pages[0]))
st.sidebar.caption(f"Routing ROI {__version__}")
nav.run()
