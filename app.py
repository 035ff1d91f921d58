"""Routing ROI: the router. Page config, navigation and the shared sidebar only."""

import streamlit as st

from roi import __version__

st.set_page_config(page_title="Routing ROI", page_icon=":material/alt_route:", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
nav = st.navigation(pages)
st.sidebar.caption(f"Routing ROI {__version__}")
nav.run()
