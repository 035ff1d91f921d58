"""The forecast for the page, fitted once per set of imports, horizon and growth assumption."""

from __future__ import annotations

import streamlit as st

from roi.ui.state import store, usage_key
from roi.usage import priced_store
from roi.usage.forecast import Forecast, forecast


@st.cache_data(show_spinner="Fitting the forecast…", max_entries=16)
def _fit(usage: tuple, months: int, growth: float) -> Forecast:
    del usage  # the cache key (state.usage_key)
    return forecast(priced_store(store()), months, growth_per_month=growth)


def cached_forecast(months: int, growth: float) -> Forecast:
    return _fit(usage_key(), months, growth)
