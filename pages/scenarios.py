"""Scenarios: save and load named scenarios, compare them, download/upload JSON, share a link."""

import streamlit as st

from roi import charts, share
from roi.compare import compare_frame, compare_saved
from roi.errors import RoiError
from roi.scenario import load_scenario
from roi.ui.state import (
    current_scenario,
    edit_scenario,
    first_time,
    flash,
    loaded_from,
    replace_scenario,
    show_flash,
    store,
    widget_key,
)
from roi.ui.widgets import chart, chart_scale, scenario_banner

show_flash()
st.title("Scenarios")
s = current_scenario()
scenario_banner(s)
db = store()

st.subheader("Save")
with st.form("save"):
    name = st.text_input("Name", value=s.name)
    note = st.text_input("What changed (optional)")
    if st.form_submit_button("Save scenario", type="primary"):
        try:
            named, rev = db.save_edited(s, name=name, loaded_from=loaded_from(), note=note)
        except RoiError as exc:
            st.error(f"Not saved: {exc}")
        else:
            replace_scenario(named, loaded=(named.name, rev))
            flash("success", f'Saved "{named.name}" as revision {rev}.')
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
    if st.button("Delete this scenario", icon=":material/delete:"):
        db.delete_scenario(pick)
        flash("success", f'Deleted "{pick}".')
        st.rerun()

    st.subheader("Compare")
    names = st.multiselect(
        "Pick 2–4 saved scenarios (the current one is always included)",
        [i.name for i in saved],
        max_selections=3,
        key=widget_key("compare"),
    )
    if names:
        results, notes = compare_saved(db, s, names)
        for note in notes:
            st.warning(note)
        table = compare_frame(results)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                **{c: st.column_config.NumberColumn(c, format="dollar") for c in table.columns if "$" in c},
                "savings %": st.column_config.NumberColumn("savings %", format="%.1f%%"),
                "accuracy %": st.column_config.NumberColumn("accuracy %", format="%.1f%%"),
                "ROI %": st.column_config.NumberColumn("ROI %", format="%.0f%%"),
                "mean latency s": st.column_config.NumberColumn("mean latency s", format="%.1f s"),
            },
        )
        chart(charts.compare_scenarios(results, scale=chart_scale()), "scenarios.compare")

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
        success=lambda new: f'Loaded "{new.name}" from {uploaded.name}.',
        refused=f"{uploaded.name} was not loaded",
    )
    st.rerun()

link = f"?{share.PARAM}={share.encode(s)}"
base_url = (st.context.url or "").split("?")[0]
st.markdown("**Share link** (opens this scenario for anyone who can reach the app)")
st.code(base_url + link, language=None, wrap_lines=True)
st.caption(
    "The link holds the scenario itself, validated when opened; no API key or saved data travels in it."
)
