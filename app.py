"""Routing ROI: the router. Page config, navigation and the shared sidebar only."""

import streamlit as st

from roi import __version__
from roi.ui import account, state
from roi.ui.widgets import sidebar

st.set_page_config(page_title="Routing ROI", page_icon=":material/alt_route:", layout="wide")
# Behind sign-in (roi.signin), a browser that has not signed in sees the sign-in page only, and a
# user who may open no workspace is told so: no page, no menu, no data. Each is the only page of
# its navigation, so no page's own address (/usage) reaches a page script past this point.
if state.signed_out():
    st.navigation([st.Page(account.sign_in_page, title="Sign in")], position="hidden").run()
    st.stop()
visible = state.visible_workspaces()
if state.settle_workspace(visible) is None:
    st.navigation([st.Page(account.no_workspace_page, title="No workspace")], position="hidden").run()
    st.stop()
state.apply_share_link()
sidebar(visible)

presentation = st.Page("pages/presentation.py", title="Presentation", icon=":material/slideshow:")
# Groups, every page always listed (expanded): what a partner explores, what finance does at month
# end, what a consultant takes to the client, and the record an admin reads.
sections = {
    "Plan": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/task_mix.py", title="Task mix", icon=":material/table_edit:"),
        st.Page("pages/models.py", title="Models & prices", icon=":material/price_change:"),
        st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
        st.Page("pages/routing.py", title="Routing what-if", icon=":material/alt_route:"),
        st.Page("pages/break_even.py", title="Break-even & ROI", icon=":material/trending_up:"),
    ],
    "Month end": [
        st.Page("pages/usage.py", title="Usage", icon=":material/receipt_long:"),
        st.Page("pages/chargeback.py", title="Chargeback", icon=":material/account_balance:"),
        st.Page("pages/savings.py", title="Savings achieved", icon=":material/savings:"),
        st.Page("pages/forecast.py", title="Forecast & budgets", icon=":material/query_stats:"),
    ],
    "Share": [
        st.Page("pages/scenarios.py", title="Scenarios", icon=":material/folder_open:"),
        st.Page("pages/report.py", title="Report", icon=":material/description:"),
        presentation,
    ],
}
if state.may("read_audit"):  # the record and the workspaces are admins' (roi refuses others anyway)
    sections["Admin"] = [
        st.Page("pages/audit.py", title="Audit log", icon=":material/history:"),
        st.Page("pages/workspaces.py", title="Workspaces", icon=":material/workspaces:"),
    ]
pages = [p for group in sections.values() for p in group]
# Presentation mode takes the whole screen: the slides are the only page, so there is no menu (and
# no editing page); nothing is drawn in the sidebar, so there is no sidebar; the toolbar is off
# (.streamlit/config.toml). Leaving it (Exit or Esc on the slides) returns to the page it was
# turned on from.
if state.presenting():
    nav = st.navigation([presentation])
else:
    nav = st.navigation(sections, expanded=True)
    back = state.page_after_presenting()
    if back is not None and nav.url_path == presentation.url_path:
        st.switch_page(next((p for p in pages if p.url_path == back), pages[0]))
    state.remember_page(nav.url_path)
    st.sidebar.caption(f"Routing ROI {__version__}")
nav.run()
