"""Who is signed in and where they work: the sign-in page, the workspace switcher, signing out.

Sign-in is Streamlit's own (`st.login`, OpenID Connect, configured as `roi.signin` says); roles and
workspace membership are enforced by `roi` itself (`roi.store.access`, `roi.store.workspaces`).
"""

from __future__ import annotations

import streamlit as st

from roi.store.workspaces import Workspace
from roi.ui import state
from roi.ui.text import md

WORKSPACE_PICKER = state.widget_key("workspace")


def sign_in_page() -> None:
    """What a browser that has not signed in sees: nothing of the firm's data, one button."""
    cfg = state.sign_in_config()
    st.title("Routing ROI")
    st.write("Sign in to see your firm's scenarios, usage and reports.")
    if st.button(f"Sign in with {md(cfg.provider_label)}", type="primary", icon=":material/login:"):
        st.login()


def no_workspace_page() -> None:
    """Signed in, but a member of no workspace: say so, and who can change it."""
    st.title("Routing ROI")
    actor = state.session_actor()
    st.warning(
        f"You are signed in as {md(actor.user)}, but you are not a member of any workspace yet. "
        "Ask an admin to add you (Workspaces, or `roi workspaces members`)."
    )
    if st.button("Sign out", icon=":material/logout:"):
        st.logout()


def _on_pick() -> None:
    state.switch_workspace(str(state.value(WORKSPACE_PICKER)))


def account_box(visible: list[Workspace]) -> None:
    """The sidebar's account part: the workspace (a picker when there is more than one), who is
    signed in with which roles, and the way out; or that the app is open on this machine."""
    current = state.current_workspace()
    if len(visible) > 1:
        names = {w.slug: w.name for w in visible}
        state.set_value(WORKSPACE_PICKER, current)
        st.selectbox(
            "Workspace",
            list(names),
            key=WORKSPACE_PICKER,
            format_func=lambda slug: names.get(slug, slug),
            on_change=_on_pick,
            help="Each workspace (a client, or the firm) keeps its own scenarios, imports, runs and settings.",
        )
    if not state.sign_in_config().configured:
        st.caption(":material/lock_open: No sign-in configured: open to whoever uses this computer.")
        return
    actor = state.session_actor()
    st.caption(f":material/account_circle: {md(actor.user)} · {', '.join(sorted(actor.roles))}")
    if st.button("Sign out", icon=":material/logout:", key=state.widget_key("sign_out")):
        st.logout()
