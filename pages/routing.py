"""Routing what-if: move work between models and see spend, latency and accuracy change."""

import streamlit as st

from roi import charts, routing
from roi.optimize import frontier
from roi.sensitivity import tornado
from roi.ui.routing_controls import optimize_button, per_task_section, what_if
from roi.ui.state import computed, current_scenario, show_flash, simulated
from roi.ui.widgets import chart, chart_scale, scenario_banner

show_flash()
st.title("Routing what-if")
s = current_scenario()
scenario_banner(s)
result = computed(s)
if result is None or not s.tasks:
    st.info("Add tasks on the Task mix page to explore routing.")
    st.stop()

what_if()  # tiles and tier sliders: a move redraws the numbers first, then the rest follows
models = result.matrix.models
small = routing.small_model(s) or s.baseline_model
optimize_button(s)
per_task_section(s, models, small)

scale = chart_scale()
a, b = st.columns(2)
with a:
    chart(charts.spend_by_model(result, scale=scale), "routing.by_model")
with b:
    chart(charts.latency_by_task(result, scale=scale), "routing.latency")
c, d = st.columns(2)
with c:
    chart(charts.cost_vs_accuracy(result, frontier(result.matrix), scale=scale), "routing.frontier")
with d:
    chart(charts.tornado(tornado(s), scale=scale), "routing.tornado")
if (u := simulated(s)) is not None and u.drivers:  # the tornado of variance beside the one-at-a-time one
    e, f = st.columns(2)
    with e:
        chart(charts.spread_drivers(u, scale=scale), "routing.drivers")
    with f:
        chart(charts.net_benefit_fan(u, scale=scale), "routing.fan")
