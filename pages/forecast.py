"""Forecast & budgets: where monthly spend goes next, with prediction intervals, and each monthly
budget's burn-down and the day the forecast crosses it."""

import streamlit as st

from roi import charts
from roi.numbers import money_cents
from roi.ui.budgets import budget_states, budgets_editor, cached_check, post_alerts
from roi.ui.forecast import cached_forecast
from roi.ui.state import current_scenario, show_flash, store, widget_key
from roi.ui.widgets import chart, chart_scale
from roi.usage.budgets import budgets
from roi.usage.forecast import forecast_table, interval_text

show_flash()
st.title("Forecast & budgets")
months = st.slider("Months ahead", 3, 12, 6, key=widget_key("fc_months"))
growth = current_scenario().volume_growth_per_month
f = cached_forecast(months, growth)
if f.history.empty:
    st.info("No usage imported yet: import exports or logs on the Usage page first.")
    st.stop()

nxt = f.months.iloc[0]
t1, t2, t3 = st.columns(3, border=True)
t1.metric(f"Spend forecast, {nxt['month']} (median)", money_cents(nxt["cost_usd"]))
t2.metric("80% interval", interval_text(nxt["lo80"], nxt["hi80"]))
t3.metric(
    "Back-test error (one month ahead)",
    "—" if f.backtest_mape is None else f"{f.backtest_mape:.1f}%",
    help="Mean absolute percentage error when each of the last months is forecast from the months before it.",
)
st.caption(
    f"Method: {f.method}. " + " ".join(f.notes) + " Spend is priced with the catalog (imported usage)."
)
chart(charts.spend_forecast(f.history, f.months, scale=chart_scale()), "forecast.total")
st.dataframe(forecast_table(f.months), hide_index=True, width="stretch")
if f.per_model:
    with st.expander("Per model"):
        model = st.selectbox("Model", sorted(f.per_model), key=widget_key("fc_model"))
        st.dataframe(forecast_table(f.per_model[model]), hide_index=True, width="stretch")

st.header("Budgets")
st.caption(
    "Monthly budgets for the firm, a matter, a client or a team (matters and clients from the "
    "Chargeback rules). Spend so far is imported usage priced with the catalog; the month end is the forecast's."
)
current = budgets(store())
budgets_editor(current)
if current:
    states = cached_check(current)
    budget_states(states)
    post_alerts(states)
