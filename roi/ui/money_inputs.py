"""Financial assumptions: one-time cost, overhead, staff cost, growth, horizon.

Amounts are text boxes so they read as people write them ("25,000"): a number input can only show
plain digits. What is typed is parsed by `roi.numbers.parse_number`; a bad entry is refused with a
message and the box goes back to the scenario's value.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from roi.numbers import parse_number, plain_number
from roi.ranges import Range
from roi.ui import state

FIELDS = {
    # key: (label, min, max, help, scale from the scenario's unit to the widget's)
    "one_time_cost": (
        "One-time cost (USD)",
        0.0,
        10_000_000.0,
        "Setting routing up: engineering, evaluation, change.",
        1,
    ),
    "monthly_cost": (
        "Monthly overhead (USD)",
        0.0,
        1_000_000.0,
        "Running it: gateway, monitoring, upkeep.",
        1,
    ),
    "staff_cost_per_hour": (
        "Staff cost per hour (USD)",
        0.0,
        5_000.0,
        "Values the time people wait for interactive answers.",
        1,
    ),
    "volume_growth_per_month": (
        "Volume growth per month (%)",
        -50.0,
        100.0,
        "Request volume grows by this much each month.",
        100,
    ),
}


def _key(field: str) -> str:
    return state.seeded_key(f"money:{field}")


def _on_change(field: str, factor: float) -> None:
    label, lo, hi, *_ = FIELDS[field]
    text = state.value(_key(field))
    current = getattr(state.current_scenario(), field) * factor
    try:
        typed = parse_number(text)
        if not lo <= typed <= hi:
            raise ValueError(f"expected {plain_number(lo)} to {plain_number(hi)}, got {plain_number(typed)}")
    except ValueError as exc:
        state.flash("error", f"{label}: {exc}. Kept {plain_number(current)}.")
        state.set_value(_key(field), plain_number(current))
        return
    state.set_value(_key(field), plain_number(typed))  # "150000" reads back as "150,000"
    state.set_scenario(replace(state.current_scenario(), **{field: typed / factor}))


def _on_horizon() -> None:
    months = int(state.value(_key("horizon_months")))
    state.set_scenario(replace(state.current_scenario(), horizon_months=months))


RANGED = ("one_time_cost", "monthly_cost", "volume_growth_per_month")  # may carry a low / high


def _range_key(field: str, end: str) -> str:
    return state.seeded_key(f"money:{field}:{end}")


def _on_range(field: str) -> None:
    """Both ends typed (or both cleared): the scenario's range for `field`, around its value."""
    label, lo, hi, _help, factor = FIELDS[field]
    s = state.current_scenario()
    texts = [str(state.value(_range_key(field, end)) or "").strip() for end in ("low", "high")]
    ranges = {k: v for k, v in s.ranges.items() if k != field}
    if all(texts):
        try:
            low, high = (parse_number(t) for t in texts)
            value = getattr(s, field) * factor
            if not (lo <= low <= value <= high <= hi):
                raise ValueError(
                    f"expected low ≤ {plain_number(value)} (the value) ≤ high, got {plain_number(low)} "
                    f"and {plain_number(high)}"
                )
        except ValueError as exc:
            state.flash("error", f"{label}, range: {exc}. Not changed.")
            return
        ranges[field] = Range(low / factor, high / factor)
    elif any(texts):
        return  # the other end is still to come
    state.set_scenario(replace(s, ranges=ranges))


def range_inputs() -> None:
    """Low and high ends for the amounts that may carry a range (roi.ranges)."""
    s = state.current_scenario()
    with st.expander("Ranges (optional): how sure are these?", expanded=bool(s.ranges)):
        st.caption(
            "A low and a high end make an amount a range (low / likely / high, the amount above being the "
            "likely one): Overview and this page then show P10–P90 and the chance of payback."
        )
        for col, field in zip(st.columns(len(RANGED)), RANGED, strict=True):
            label, *_rest, factor = FIELDS[field]
            r = s.ranges.get(field)
            with col:
                for end in ("low", "high"):
                    seeded = "" if r is None else plain_number(getattr(r, end) * factor)
                    st.text_input(
                        f"{label}, {end}",
                        key=state.seed(_range_key(field, end), seeded),
                        on_change=_on_range,
                        args=(field,),
                    )


def money_inputs() -> None:
    s = state.current_scenario()
    cols = st.columns(len(FIELDS) + 1, vertical_alignment="bottom")  # boxes in line when labels wrap
    for col, (field, (label, _lo, _hi, help_, factor)) in zip(cols, FIELDS.items(), strict=False):
        col.text_input(
            label,
            key=state.seed(_key(field), plain_number(getattr(s, field) * factor)),
            on_change=_on_change,
            args=(field, factor),
            help=f"{help_} Type an amount such as 25,000.",
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
