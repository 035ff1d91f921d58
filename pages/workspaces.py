"""Workspaces: a client's (or the firm's) own scenarios, imports, runs and settings (admins)."""

import pandas as pd
import streamlit as st

from roi.errors import RoiError
from roi.store import workspaces
from roi.ui.state import flash, main_store, may, show_flash, widget_key
from roi.ui.text import md

show_flash()
st.title("Workspaces")
if not may("workspaces"):
    st.info("Only an admin can manage workspaces.")
    st.stop()
st.caption(
    "Each workspace keeps its own scenarios, usage imports, sample runs, rules, budgets, settings and "
    "audit log, in a database (SQLite) or schema (PostgreSQL) of its own: one client never sees "
    "another's numbers. Members are e-mail addresses, `group:<name>` (a group in the sign-in "
    "provider's claim) or `*` (everyone signed in); admins open every workspace."
)
main = main_store()
found = workspaces.all_workspaces(main)
st.dataframe(
    pd.DataFrame(
        {
            "Workspace": [w.slug for w in found],
            "Name": [w.name for w in found],
            "Members": [", ".join(w.members) or "(admins only)" for w in found],
        }
    ),
    hide_index=True,
    width="stretch",
)


def _members(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


with st.form(widget_key("ws_new"), clear_on_submit=True):
    st.markdown("**New workspace**")
    left, right = st.columns(2)
    slug = left.text_input("Short name", placeholder="acme-llp", help="Lower-case letters, digits, hyphens.")
    name = right.text_input("Display name", placeholder="Acme LLP")
    members = st.text_area("Members (one per line)", placeholder="group:acme-team\nalice@firm.example")
    if st.form_submit_button("Create workspace", icon=":material/add:"):
        try:
            workspaces.create_workspace(main, slug.strip(), name, _members(members))
            flash("success", f"Created workspace “{md(slug.strip())}”.")
            st.rerun()
        except RoiError as exc:
            st.error(md(exc))

st.markdown("**Members of a workspace**")
chosen = st.selectbox("Workspace", [w.slug for w in found], key=widget_key("ws_edit"))
current = next(w for w in found if w.slug == chosen)
with st.form(widget_key(f"ws_members:{chosen}")):
    text = st.text_area("Members (one per line; replaces the list)", value="\n".join(current.members))
    if st.form_submit_button("Save members", icon=":material/group:"):
        try:
            workspaces.set_members(main, chosen, _members(text))
            flash("success", f"Saved the members of “{md(chosen)}”.")
            st.rerun()
        except RoiError as exc:
            st.error(md(exc))
