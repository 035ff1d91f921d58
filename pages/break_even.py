"""Break-even & ROI: when the set-up cost is paid back, and how sure that is."""

import streamlit as st

from roi import charts, present, routing
from roi.evals.results import payback_at_interval_ends
from roi.sensitivity import accuracy_curve
from roi.ui.money_inputs import money_inputs, range_inputs
from roi.ui.state import computed, current_scenario, show_flash, simulated
from roi.ui.widgets import chart, chart_scale, ranges_note, scenario_banner

show_flash()
st.title("Break-even & ROI")
money_inputs()
range_inputs()
s = current_scenario()
scenario_banner(s)
result = computed(s)
if result is None:
    st.stop()

p = result.projection
u = simulated(s)
spans = present.range_spans(u)  # P10–P90 under each figure, when inputs carry ranges
c1, c2, c3, c4 = st.columns(4)
no_payback = None if p.payback_month else f"not within {s.horizon_months} months"
c1.metric(
    "Payback",
    present.payback_short(p.payback_month),
    spans.get("payback", no_payback),
    "off" if spans else "inverse",
    delta_arrow="off",
)
c2.metric(
    f"Net benefit over {s.horizon_months} months",
    present.money_short(p.horizon_net_benefit),
    spans.get("horizon"),
    "off",
    delta_arrow="off",
)
c3.metric(
    "ROI",
    present.percent(p.roi_pct, 0),
    spans.get("roi"),
    "off",
    help="100 × (gains − costs) / costs over the horizon.",
    delta_arrow="off",
)
c4.metric(
    "Net benefit, month 1", present.money_short(p.month1.net), spans.get("month1"), "off", delta_arrow="off"
)
ranges_note(u)
if u is None and (ends := payback_at_interval_ends(s)):  # the ranges above say it better
    st.info(present.payback_range_words(ends), icon=":material/straighten:")
st.caption(
    "Net benefit each month = token spend saved + error cost saved + staff time value − monthly overhead; "
    "the cumulative line starts at month 0 (go-live) at minus the one-time cost, and the payback month is "
    "the first month it reaches zero."
)
scale = chart_scale()
a, b = st.columns(2)
with a:
    if u is not None:
        chart(charts.net_benefit_fan(u, scale=scale), "breakeven.fan")
    else:
        chart(charts.cumulative_net_benefit(result, scale=scale), "breakeven.cumulative")
with b:
    chart(charts.benefit_waterfall(result, scale=scale), "breakeven.waterfall")
if u is not None and u.drivers:
    chart(charts.spread_drivers(u, scale=scale), "breakeven.drivers")

small = routing.small_model(s)
curve = accuracy_curve(s, small) if small else None
if curve is not None:
    chart(charts.accuracy_break_even(curve, scale=scale), "breakeven.accuracy")
    st.write(present.break_even_words(curve))
