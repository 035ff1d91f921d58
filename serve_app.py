"""Routing ROI as a server for a firm (`roi serve`): app.py inside Streamlit's own ASGI app, with the
security headers a server sends on every response (roi.ui.serving). `make run` starts app.py itself."""

import streamlit as st

from roi.ui.serving import APP, security_headers

app = st.App(APP, middleware=security_headers())
