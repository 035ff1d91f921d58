"""Savings achieved for the page, computed once per set of imports, scenario and counterfactual."""

from __future__ import annotations

import streamlit as st

from roi.scenario import Scenario, load_scenario
from roi.ui.state import store, usage_key
from roi.usage import priced_store
from roi.usage.pricing import aliases
from roi.usage.savings import Savings, achieved


@st.cache_data(show_spinner="Re-pricing the traffic on the baseline…", max_entries=16)
def _achieved(usage: tuple, scenario_json: str, baseline: str) -> Savings:
    del usage  # the cache key (state.usage_key)
    return achieved(priced_store(store()), load_scenario(scenario_json), aliases(store()), baseline=baseline)


def cached_savings(s: Scenario, baseline: str) -> Savings:
    return _achieved(usage_key(), s.to_json(), baseline)
