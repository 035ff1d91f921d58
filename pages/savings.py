"""Savings achieved: since go-live, what routing saved each month against what the plan promised."""

from datetime import date

import streamlit as st

from roi import charts
from roi.numbers import money_cents
from roi.ui.savings import cached_savings
from roi.ui.state import current_scenario, edit_scenario, seeded_key, show_flash, widget_key
from roi.ui.text import md
from roi.ui.widgets import chart, chart_scale
from roi.usage.savings import savings_table, totals

show_flash()
st.title("Savings achieved")
s = current_scenario()
st.caption(f"Plan: “{md(s.name)}” (the scenario being explored; load another on the Scenarios page).")
c1, c2 = st.columns(2)
go_live = c1.date_input(
    "Routing went live on",
    value=s.go_live,
    min_value=date(2020, 1, 1),
    max_value=date(date.today().year + 5, 12, 31),  # a go-live still ahead is planning, not an error
    key=seeded_key("go_live"),
    help="Saved with the scenario. Months from this day on are compared with the plan.",
)
if go_live != s.go_live:
    edit_scenario(lambda s: s.with_go_live(go_live))
    st.rerun()
baseline = c2.radio(
    "Counterfactual",
    ("logs", "scenario"),
    format_func={
        "logs": "The model mix in the logs before go-live",
        "scenario": f"The scenario's baseline model ({s.baseline_model})",
    }.get,
    key=widget_key("sv_baseline"),
    help="What the traffic would have cost without routing: re-priced on this.",
)
if s.go_live is None:
    st.info("Set the day routing went live to compare the months since with the plan.")
    st.stop()
result = cached_savings(s, baseline)
if result.months.empty:
    st.info(" ".join(result.notes[-1:]) + " Import the usage since go-live on the Usage page.")
    st.stop()

t = totals(result.months)
m1, m2, m3 = st.columns(3, border=True)
m1.metric("Achieved saving to date (computed)", money_cents(t["achieved"]))
m2.metric("Planned saving, same months (scenario)", money_cents(t["planned"]))
m3.metric("Difference", money_cents(t["achieved"] - t["planned"]))
st.caption(
    f"Counterfactual: {result.baseline}. Actual cost: imported usage priced with the catalog; "
    "planned: the scenario's month-by-month saving on spend."
)
chart(charts.savings_vs_plan(result.months, scale=chart_scale()), "savings.plan")
st.subheader("Month by month, and why it differs from the plan")
st.dataframe(savings_table(result.months), hide_index=True, width="stretch")
st.caption(
    "The four causes add up to achieved − planned: volume (requests or tokens against the plan's), "
    "task mix (baseline cost per request of the work done, at the plan's prices), routing split "
    "(the share that went to each model), prices (each day's prices instead of the plan's date)."
)
st.subheader("Routing split: seen since go-live vs planned")
st.dataframe(
    result.split,
    hide_index=True,
    width="stretch",
    column_config={
        "seen": st.column_config.NumberColumn("Seen (share)", format="percent"),
        "planned": st.column_config.NumberColumn("Planned (share of calls)", format="percent"),
    },
)
for n in result.notes:
    st.caption(n)
