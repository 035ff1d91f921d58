"""Make sure app.py (the router) runs, even when the first visit is a deep link.

Streamlit treats a folder named `pages/` beside the entry script as a legacy multipage app until
the entry script calls st.navigation once in the process; until then a deep link such as
/routing runs the page script alone, without the router (no sidebar, no share-link handling).
A page that finds itself run that way switches the process to st.navigation and reruns.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
