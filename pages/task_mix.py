"""Task mix: the work the firm does, as an editable table."""

import streamlit as st

from roi import present
from roi.scenario import COMPLEXITIES, demo_scenario
from roi.task_table import TASK_COLUMNS, accuracy_frame, apply_frames, blank_scenario, tasks_frame
from roi.ui.state import current_scenario, edit_scenario, flash, replace_scenario, seeded_key, show_flash
from roi.ui.widgets import scenario_banner

show_flash()
st.title("Task mix")
s = current_scenario()
scenario_banner(s)

p1, p2, _ = st.columns([1, 1, 4])
if p1.button("Law-firm demo preset", icon=":material/gavel:"):
    replace_scenario(demo_scenario())
    flash("success", "Loaded the law-firm demo (illustrative).")
    st.rerun()
if p2.button("Blank scenario", icon=":material/note_add:"):
    replace_scenario(blank_scenario(s.baseline_model))
    flash("success", "Started a blank scenario: add tasks below.")
    st.rerun()

st.caption("Tokens are per request; a task's routing is set on the Routing page. Edit, then Apply.")
config = {
    "name": st.column_config.TextColumn("Task", required=True),
    "complexity": st.column_config.SelectboxColumn("Complexity", options=list(COMPLEXITIES), required=True),
    "interactive": st.column_config.CheckboxColumn("Interactive", help="People wait for the answer."),
    "accuracy_floor": st.column_config.NumberColumn("Accuracy floor (%)", min_value=0.0, max_value=100.0),
}
for col, (label, kind) in TASK_COLUMNS.items():
    if kind == "number":
        config[col] = st.column_config.NumberColumn(
            label, min_value=0.0, format="%,.0f" if "tokens" in col or "requests" in col else "%.2f"
        )
edited_tasks = st.data_editor(
    tasks_frame(s),
    key=seeded_key("tasks"),
    num_rows="dynamic",
    column_config=config,
    hide_index=True,
    width="stretch",
)
models = s.models_in_play()
st.markdown("**Accuracy per task and model (%)** · assumed unless measured by a sample run")
edited_acc = st.data_editor(
    accuracy_frame(s, models),
    key=seeded_key("accuracy"),
    width="stretch",
    column_config={m: st.column_config.NumberColumn(m, min_value=0.0, max_value=100.0) for m in models},
)

with st.expander("Where the accuracy numbers come from"):
    st.dataframe(present.accuracy_table(s), hide_index=True, width="stretch")

if st.button("Apply changes", type="primary", icon=":material/check:"):
    edit_scenario(
        lambda s: apply_frames(s, edited_tasks, edited_acc),
        success=lambda new: f"Applied: {len(new.tasks)} tasks.",
        refused="Not applied",
    )
    st.rerun()
