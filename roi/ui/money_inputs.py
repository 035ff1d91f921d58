"""Financial assumptions: one-time cost, overhead, staff cost, growth, horizon."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from roi.ui import state

FIELDS = {
    # key: (label, min, max, step, help, scale from the scenario's unit to the widget's)
    "one_time_cost": (
        "One-time cost (USD)",
        0.0,
        10_000_000.0,
        1000.0,
        "Setting routing up: engineering, evaluation, change.",
        1,
    ),
    "monthly_cost": (
        "Monthly overhead (USD)",
        0.0,
        1_000_000.0,
        100.0,
        "Running it: gateway, monitoring, upkeep.",
        1,
    ),
    "staff_cost_per_hour": (
        "Staff cost per hour (USD)",
        0.0,
        5_000.0,
        5.0,
        "Values the time people wait for interactive answers.",
        1,
    ),
    "volume_growth_per_month": (
        "Volume growth per month (%)",
        -50.0,
        100.0,
        0.5,
        "Request volume grows by this much each month.",
        100,
    ),
}


def _key(field: str) -> str:
    return state.seeded_key(f"money:{field}")


def _on_change(field: str, factor: float) -> None:
    value = state.value(_key(field)) / factor
    state.set_scenario(replace(state.current_scenario(), **{field: value}))


def _on_horizon() -> None:
    months = int(state.value(_key("horizon_months")))
    state.set_scenario(replace(state.current_scenario(), horizon_months=months))


def money_inputs() -> None:
    s = state.current_scenario()
    cols = st.columns(len(FIELDS) + 1)
    for col, (field, (label, lo, hi, step, help_, factor)) in zip(cols, FIELDS.items(), strict=False):
        col.number_input(
            label,
            min_value=lo,
            max_value=hi,
            step=step,
            value=float(getattr(s, field) * factor),
            key=_key(field),
            on_change=_on_change,
            args=(field, factor),
            help=help_,
        )
    cols[-1].number_input(
        "Horizon (months)",
        min_value=1,
        max_value=240,
        step=1,
        value=s.horizon_months,
        key=_key("horizon_months"),
        on_change=_on_horizon,
    )
