"""Chargeback: who spent what (matter, client, team, tag, API key, user) and the billing file."""

import streamlit as st

from roi.numbers import day_span, money_cents
from roi.ui.chargeback import chargeback_downloads, rules_editor
from roi.ui.state import show_flash, store, widget_key
from roi.usage import priced_store
from roi.usage.allocation import BY, allocate, rules
from roi.usage.allocation_view import display_table, months_in

show_flash()
st.title("Chargeback")
priced = priced_store(store())
months = months_in(priced)
if not months:
    st.info("No usage imported yet: import exports or logs on the Usage page first.")
    st.stop()

c1, c2 = st.columns(2)
by = c1.selectbox(
    "Spend by",
    BY,
    format_func=lambda b: {"api_key": "API key"}.get(b, b.capitalize()),
    key=widget_key("cb_by"),
)
choice = c2.selectbox("Month", ["All months", *months], key=widget_key("cb_month"))
month = None if choice == "All months" else choice
rule_list = rules(store())
alloc = allocate(priced, by, month=month, rule_list=rule_list)

t1, t2, t3 = st.columns(3, border=True)
t1.metric("Spend, priced with the catalog", money_cents(alloc.total_cost_usd))
t2.metric("Allocated", money_cents(alloc.allocated_cost_usd))
t3.metric("Unallocated", money_cents(alloc.unallocated_cost_usd))
st.caption(
    f"{day_span(alloc.start, alloc.end)} (UTC days, the last one included) · a request with several tags "
    "gives each an even share · lines add up to the total to the cent"
)
st.dataframe(display_table(alloc), hide_index=True, width="stretch")

rules_editor(priced, rule_list)
chargeback_downloads(priced, month, rule_list)
