"""Task mix: the work the firm does, as an editable table."""

import streamlit as st

from roi import present
from roi.scenario import COMPLEXITIES, demo_scenario
from roi.task_table import (
    RANGE_COLUMNS,
    TASK_COLUMNS,
    accuracy_frame,
    apply_frames,
    apply_ranges,
    blank_scenario,
    ranges_frame,
    tasks_frame,
)
from roi.ui.state import current_scenario, edit_scenario, flash, replace_scenario, seeded_key, show_flash
from roi.ui.widgets import scenario_banner

show_flash()
st.title("Task mix")
s = current_scenario()
scenario_banner(s)

with st.container(horizontal=True):  # buttons as wide as their labels, never cut off
    if st.button("Law-firm demo preset", icon=":material/gavel:", width="content"):
        replace_scenario(demo_scenario())
        flash("success", "Loaded the law-firm demo (illustrative).")
        st.rerun()
    if st.button("Blank scenario", icon=":material/note_add:", width="content"):
        replace_scenario(blank_scenario(s.baseline_model))
        flash("success", "Started a blank scenario: add tasks below.")
        st.rerun()

st.caption(
    "Tokens per request: **In** input, **C.write** cache write, **C.read** cache read, **Out** output. "
    "A task's routing is set on the Routing page. Edit, then Apply."
)
# Short headers (full names on hover) and fixed widths: the whole table fits a 1280-pixel screen.
SHORT = {
    "requests_per_month": ("Requests", 84),
    "input_tokens": ("In", 66),
    "cache_write_5m_tokens": ("C.write", 76),
    "cache_read_tokens": ("C.read", 72),
    "output_tokens": ("Out", 62),
    "error_cost": ("Error $", 74),
}
config = {
    "name": st.column_config.TextColumn("Task", required=True, width=144, pinned=True),
    "complexity": st.column_config.SelectboxColumn(
        "Tier",
        help="Complexity: routine, medium or hard",
        options=list(COMPLEXITIES),
        required=True,
        width=74,
    ),
    "interactive": st.column_config.CheckboxColumn(
        "Waits", help="Interactive: people wait for the answer.", width=64
    ),
    "accuracy_floor": st.column_config.NumberColumn(
        "Floor %", help="Accuracy floor (%)", min_value=0.0, max_value=100.0, width=66
    ),
}
for col, (label, kind) in TASK_COLUMNS.items():
    if kind == "number":
        short, width = SHORT.get(col, (label, 90))
        config[col] = st.column_config.NumberColumn(
            short,
            help=label,
            width=width,
            min_value=0.0,
            format="%,.0f" if "tokens" in col or "requests" in col else "%.2f",
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

with st.expander("How sure are these numbers? Ranges (optional)", expanded=any(t.ranges for t in s.tasks)):
    st.caption(
        "A low and a high end around a task's value turn it into a range (drawn as low / likely / high, "
        "the value being the likely one); measured accuracies carry their sample's range by themselves. "
        "Overview and Break-even & ROI then show P10–P90 and the chance of payback."
    )
    ends = {"low": "low", "high": "high"}
    edited_ranges = st.data_editor(
        ranges_frame(s),
        key=seeded_key("ranges"),
        hide_index=True,
        width="stretch",
        disabled=["name"],
        column_config={"name": st.column_config.TextColumn("Task", pinned=True)}
        | {
            f"{key}_{end}": st.column_config.NumberColumn(f"{label}: {word}", min_value=0.0)
            for key, label in RANGE_COLUMNS.items()
            for end, word in ends.items()
        },
    )

if st.button("Apply changes", type="primary", icon=":material/check:"):
    edit_scenario(
        lambda s: apply_ranges(apply_frames(s, edited_tasks, edited_acc), edited_ranges),
        success=lambda new: f"Applied: {len(new.tasks)} tasks.",
        refused="Not applied",
    )
    st.rerun()
