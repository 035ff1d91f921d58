"""Scenario state shared by every page.

The scenario lives in st.session_state under a non-widget key, so it survives page switches
(widget keys vanish when their page is not drawn). Pages seed their widgets from it.
"""

from __future__ import annotations

import streamlit as st

from roi.engine import Result, evaluate
from roi.scenario import Scenario, ScenarioError, demo_scenario
from roi.store import Store, open_store

SCENARIO_KEY = "roi.scenario"


def current_scenario() -> Scenario:
    """The scenario being explored; the illustrative demo on first visit."""
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = demo_scenario()
    return st.session_state[SCENARIO_KEY]


def set_scenario(s: Scenario) -> None:
    st.session_state[SCENARIO_KEY] = s


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One store (engine and connection pool) per server process; migrations run once here."""
    return open_store()


def evaluated(s: Scenario) -> Result | None:
    """Evaluate, turning a bad scenario into an inline message instead of a traceback."""
    try:
        return evaluate(s)
    except ScenarioError as exc:
        st.error(f"This scenario cannot be evaluated: {exc}")
        return None
