"""Scenario state shared by every page.

The scenario lives in st.session_state under a non-widget key, so it survives page switches
(widget keys vanish when their page is not drawn). Widgets use keys starting with "w:" and are
seeded from the scenario; replacing the scenario wholesale clears them so they re-seed.
"""

from __future__ import annotations

import streamlit as st

from roi import share
from roi.engine import Result, compute
from roi.errors import ScenarioError
from roi.scenario import Scenario, demo_scenario
from roi.store import Store, open_store

SCENARIO_KEY = "roi.scenario"
LOADED_KEY = "roi.loaded"  # (name, revision) the scenario was loaded from, for safe saving
PRESENT_KEY = "roi.presentation"
SHARE_SEEN_KEY = "roi.share_seen"
MESSAGE_KEY = "roi.message"
WIDGET_PREFIX = "w:"


def current_scenario() -> Scenario:
    """The scenario being explored; the illustrative demo on first visit."""
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = demo_scenario()
    return st.session_state[SCENARIO_KEY]


def set_scenario(s: Scenario) -> None:
    """An edit made through a widget: the widgets already show it."""
    st.session_state[SCENARIO_KEY] = s


def replace_scenario(s: Scenario, *, loaded: tuple[str, int] | None = None) -> None:
    """A new scenario from elsewhere (preset, load, upload, optimize): widgets re-seed from it."""
    st.session_state[SCENARIO_KEY] = s
    st.session_state[LOADED_KEY] = loaded
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def loaded_from() -> tuple[str, int] | None:
    return st.session_state.get(LOADED_KEY)


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def flash(kind: str, text: str) -> None:
    """A message to show on the next run (after a callback or a page switch)."""
    st.session_state[MESSAGE_KEY] = (kind, text)


def show_flash() -> None:
    """Called first by every page: reruns through the router if needed, then shows pending messages."""
    from roi.ui.router import ensure_router

    ensure_router()
    if msg := st.session_state.pop(MESSAGE_KEY, None):
        getattr(st, msg[0])(msg[1])


def apply_share_link() -> None:
    """Restore a scenario from the URL's `s` parameter once per link; a bad link leaves the scenario as it was."""
    param = st.query_params.get(share.PARAM)
    if not param or st.session_state.get(SHARE_SEEN_KEY) == param:
        return
    st.session_state[SHARE_SEEN_KEY] = param
    try:
        s = share.decode(param)
        compute(s)  # catalog-level checks (unknown models, missing accuracy) before accepting it
    except ScenarioError as exc:
        flash("error", f"{exc}. The scenario you had is unchanged.")
        return
    replace_scenario(s)
    flash("success", f'Opened the shared scenario "{s.name}".')


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One store (engine and connection pool) per server process; migrations run once here."""
    return open_store()


def computed(s: Scenario) -> Result | None:
    """Evaluate, turning a bad scenario into an inline message instead of a traceback."""
    try:
        return compute(s)
    except ScenarioError as exc:
        st.error(f"This scenario cannot be computed: {exc}")
        return None


def clear_widgets(prefix: str) -> None:
    """Forget widgets whose key starts with `prefix` so they re-seed from the scenario."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
