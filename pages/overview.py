"""Overview: today's spend vs routed, latency, accuracy and payback, at a glance."""

import streamlit as st

from roi import charts, present
from roi.ui.state import computed, current_scenario, show_flash, simulated
from roi.ui.widgets import chart, chart_scale, ranges_note, scenario_banner, tiles

show_flash()
scenario = current_scenario()
st.title("Overview")
scenario_banner(scenario)
result = computed(scenario)
if result is not None:
    u = simulated(scenario)
    tiles(result, u)
    st.markdown(f"#### {present.headline_sentence(result)}")
    ranges_note(u)
    if n := scenario.measured_accuracies():
        st.caption(
            f"{n} accuracy figures are measured by sample runs (see Task mix for n and 95% intervals); "
            "the rest are assumptions."
        )
    left, right = st.columns(2)
    with left:
        chart(charts.monthly_spend(result, scale=chart_scale()), "overview.spend")
    with right:
        if u is not None:
            chart(charts.net_benefit_fan(u, scale=chart_scale()), "overview.fan")
        else:
            chart(charts.cumulative_net_benefit(result, scale=chart_scale()), "overview.cumulative")
