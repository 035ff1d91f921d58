"""Scenarios: save and load named scenarios, compare them, download/upload JSON, share a link."""

import re

import streamlit as st

from roi import charts, share
from roi.compare import compare_table, comparison, saved_revision
from roi.errors import RoiError
from roi.scenario import load_scenario
from roi.ui.state import (
    current_scenario,
    current_workspace,
    edit_scenario,
    first_time,
    flash,
    loaded_from,
    may,
    needs,
    replace_scenario,
    show_flash,
    store,
    widget_key,
)
from roi.ui.text import md
from roi.ui.widgets import chart, chart_scale, scenario_banner

CURRENT_FILL = "#DDF4FF"  # the current scenario's column in the comparison


def _plain(text: str) -> str:
    """Text that st.table shows as written (its cells are Markdown: "$" would start a formula)."""
    return re.sub(r"([\\`*_{}\[\]()#+.!|$~<>-])", r"\\\1", str(text))


show_flash()
st.title("Scenarios")
s = current_scenario()
scenario_banner(s)
db = store()

st.subheader("Save")
with st.form("save"):
    name = st.text_input("Name", value=s.name)
    note = st.text_input("What changed (optional)")
    if st.form_submit_button(
        "Save scenario", type="primary", disabled=not may("save_scenario"), help=needs("save_scenario")
    ):
        try:
            named, rev = db.save_edited(s, name=name, loaded_from=loaded_from(), note=note)
        except RoiError as exc:
            st.error(f"Not saved: {exc}")
        else:
            replace_scenario(named, loaded=(named.name, rev))
            flash("success", f'Saved "{md(named.name)}" as revision {rev}.')
            st.rerun()

saved = db.list_scenarios()
st.subheader("Saved scenarios")
if not saved:
    st.caption("Nothing saved yet.")
else:
    st.dataframe(
        [
            {"name": i.name, "revision": i.revision, "updated": f"{i.updated_at:%Y-%m-%d %H:%M}"}
            for i in saved
        ],
        hide_index=True,
        width="stretch",
    )
    c1, c2, c3 = st.columns([3, 1, 1])
    pick = c1.selectbox("Scenario", [i.name for i in saved], key=widget_key("pick"))
    revs = [r[0] for r in db.history(pick)]
    rev = c2.selectbox("Revision", list(reversed(revs)), key=widget_key("pick_rev"))
    if c3.button("Load", icon=":material/upload_file:"):
        opened, base = db.open_revision(pick, rev)
        edit_scenario(
            lambda _: opened, success=f'Loaded "{pick}" revision {rev}.', refused="Not loaded", loaded=base
        )
        st.rerun()
    if st.button(
        "Delete this scenario",
        icon=":material/delete:",
        disabled=not may("delete_scenario"),
        help=needs("delete_scenario"),
    ):
        db.delete_scenario(pick)
        flash("success", f'Deleted "{pick}".')
        st.rerun()

    st.subheader("Compare")
    names = st.multiselect(
        "Saved scenarios to set beside the current one (up to 3)",
        [i.name for i in saved],
        max_selections=3,
        key=widget_key("compare"),
    )
    if names:
        c = comparison(db, s, names, loaded=loaded_from())
        for note in c.notes:
            st.warning(note)
        # st.table wraps long names, so the columns fit the page; its cells are Markdown
        table = compare_table(c).set_index("").map(_plain).rename(index=_plain, columns=_plain)
        st.table(
            table.style.set_properties(
                subset=[_plain(c.current)], **{"background-color": CURRENT_FILL, "font-weight": "600"}
            )
        )
        st.caption(f"Highlighted: the scenario on screen now ({c.status[c.current]}).")
        chart(charts.compare_scenarios(c.results, scale=chart_scale()), "scenarios.compare")

st.subheader("File and link")
c1, c2 = st.columns(2)
c1.download_button(
    "Download scenario JSON",
    s.to_json(),
    file_name=f"{s.name}.json",
    mime="application/json",
    icon=":material/download:",
    on_click="ignore",
)
uploaded = c2.file_uploader("Upload a scenario JSON", type=["json"], key=widget_key("upload"))
if uploaded is not None and first_time("scenario upload", uploaded.file_id):
    edit_scenario(
        lambda _: load_scenario(uploaded.getvalue()),
        success=lambda new: f'Loaded "{md(new.name)}" from {md(uploaded.name)}.',
        refused=f"{md(uploaded.name)} was not loaded",
    )
    st.rerun()

revision = saved_revision(db, s, loaded_from())
link = share.link(
    st.context.url,
    "scenarios",
    share.query(s, saved=None if revision is None else (s.name, revision), workspace=current_workspace()),
)
st.markdown("**Share link** (opens this scenario on the Overview for anyone who can reach the app)")
st.code(link, language=None, wrap_lines=True)
if revision:
    st.caption(
        f'The link names revision {revision} of "{md(s.name)}" saved in this workspace; it opens for its '
        "members as long as that revision is kept. No API key travels in it."
    )
    with st.expander("A link that carries the scenario itself (opens even if the saved copy is deleted)"):
        st.code(share.link(st.context.url, "scenarios", share.query(s)), language=None, wrap_lines=True)
else:
    st.caption(
        "The link holds the scenario itself, validated when opened; no API key or saved data travels in "
        "it. Save the scenario for a shorter link."
    )
