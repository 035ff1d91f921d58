"""Savings achieved for the page, computed once per set of imports, scenario and counterfactual."""

from __future__ import annotations

import streamlit as st

from roi.scenario import Scenario, load_scenario
from roi.ui.state import store
from roi.usage import list_imports, priced_store
from roi.usage.pricing import aliases
from roi.usage.savings import Savings, achieved


@st.cache_data(show_spinner="Re-pricing the traffic on the baseline…", max_entries=16)
def _achieved(imports: tuple[int, ...], scenario_json: str, baseline: str) -> Savings:
    del imports  # the cache key: a new or deleted import computes again
    return achieved(priced_store(store()), load_scenario(scenario_json), aliases(store()), baseline=baseline)


def cached_savings(s: Scenario, baseline: str) -> Savings:
    return _achieved(tuple(int(i) for i in list_imports(store())["id"]), s.to_json(), baseline)
