"""The forecast for the page, fitted once per set of imports, horizon and growth assumption."""

from __future__ import annotations

import streamlit as st

from roi.ui.state import store
from roi.usage import list_imports, priced_store
from roi.usage.forecast import Forecast, forecast


@st.cache_data(show_spinner="Fitting the forecast…", max_entries=16)
def _fit(imports: tuple[int, ...], months: int, growth: float) -> Forecast:
    del imports  # the cache key: a new or deleted import fits again
    return forecast(priced_store(store()), months, growth_per_month=growth)


def cached_forecast(months: int, growth: float) -> Forecast:
    return _fit(tuple(int(i) for i in list_imports(store())["id"]), months, growth)
