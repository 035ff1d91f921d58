"""Routing widgets: per-task splits that always sum to 100%, cascades, the routine-work slider
and the Optimize button. Callbacks edit the scenario; the engine does the arithmetic."""

from __future__ import annotations

import streamlit as st

from roi import routing
from roi.errors import ScenarioError
from roi.optimize import optimize
from roi.present import share
from roi.scenario import Routing, Scenario, Task
from roi.ui.state import clear_widgets, current_scenario, flash, replace_scenario, set_scenario

SPLIT, CASCADE = "Split", "Cascade"


def _split_key(task: str, model: str) -> str:
    return f"w:split:{task}:{model}"


def _on_split(task: str, model: str, models: list[str]) -> None:
    if _split_key(task, model) not in st.session_state:  # widget state was reset by another change
        return
    s = current_scenario()
    t = next(t for t in s.tasks if t.name == task)
    current = dict(t.routing.shares) if not t.routing.cascade else {t.routing.cascade[0]: 1.0}
    for m in models:
        current.setdefault(m, 0.0)
    new = routing.rebalance(current, model, st.session_state[_split_key(task, model)] / 100)
    for m, pct in routing.percentages(new, models).items():
        if m != model:
            st.session_state[_split_key(task, m)] = pct
    set_scenario(routing.set_split(s, task, new))


def _on_mode(task: str, small: str, baseline: str) -> None:
    if f"w:mode:{task}" not in st.session_state:
        return
    s = current_scenario()
    if st.session_state[f"w:mode:{task}"] == CASCADE:
        s = routing.set_cascade(s, task, small, baseline, 0.2)
    else:
        s = routing.set_split(s, task, {small: 1.0} if small else {baseline: 1.0})
    clear_widgets(f"w:split:{task}:")
    clear_widgets(f"w:casc:{task}:")
    set_scenario(s)


def _on_cascade(task: str) -> None:
    if any(f"w:casc:{task}:{k}" not in st.session_state for k in ("first", "second", "e")):
        return
    first = st.session_state[f"w:casc:{task}:first"]
    second = st.session_state[f"w:casc:{task}:second"]
    e = st.session_state[f"w:casc:{task}:e"] / 100
    try:
        set_scenario(routing.set_cascade(current_scenario(), task, first, second, e))
    except ScenarioError as exc:
        flash("error", str(exc))


def _seed(key: str, value: object) -> str:
    """Seed a widget from the scenario through session state only (never also as a default value)."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def task_controls(t: Task, models: list[str], small: str, baseline: str) -> None:
    mode = CASCADE if t.routing.cascade else SPLIT
    st.radio(
        "Routing",
        [SPLIT, CASCADE],
        key=_seed(f"w:mode:{t.name}", mode),
        horizontal=True,
        on_change=_on_mode,
        args=(t.name, small, baseline),
        label_visibility="collapsed",
    )
    if t.routing.cascade:
        a, b = t.routing.cascade
        c1, c2, c3 = st.columns(3)
        c1.selectbox(
            "First model",
            models,
            key=_seed(f"w:casc:{t.name}:first", a),
            on_change=_on_cascade,
            args=(t.name,),
        )
        c2.selectbox(
            "Escalate to",
            models,
            key=_seed(f"w:casc:{t.name}:second", b),
            on_change=_on_cascade,
            args=(t.name,),
        )
        c3.slider(
            "Escalation rate (%)",
            0,
            100,
            key=_seed(f"w:casc:{t.name}:e", round(100 * t.routing.escalation_rate)),
            on_change=_on_cascade,
            args=(t.name,),
            help="Share of requests the first model passes on to the second.",
        )
        return
    cols = st.columns(len(models))
    pct = routing.percentages(t.routing.shares, models)
    for col, m in zip(cols, models, strict=True):
        col.slider(
            f"{m} (%)",
            0,
            100,
            key=_seed(_split_key(t.name, m), pct[m]),
            on_change=_on_split,
            args=(t.name, m, models),
        )


def _on_routine(small: str) -> None:
    s = routing.set_routine_share(current_scenario(), small, st.session_state["w:routine"] / 100)
    set_scenario(s)
    # move the per-task widgets to the new routing (assigning, not deleting: they are on the page)
    for t in s.tasks:
        if t.complexity != "routine":
            continue
        st.session_state[f"w:mode:{t.name}"] = SPLIT
        keys = [k for k in st.session_state if isinstance(k, str) and k.startswith(f"w:split:{t.name}:")]
        pct = routing.percentages(t.routing.shares, [k.rsplit(":", 1)[1] for k in keys])
        for key in keys:
            st.session_state[key] = pct[key.rsplit(":", 1)[1]]


def routine_slider(s: Scenario, small: str) -> None:
    value = routing.routine_share(s, small)
    # mirror the scenario every run: per-task edits and Optimize move this share too
    st.session_state["w:routine"] = round(100 * (value or 0.0))
    st.slider(
        "Share of routine work on the small model (%)",
        0,
        100,
        key="w:routine",
        on_change=_on_routine,
        args=(small,),
        disabled=value is None,
        help=f"Routine tasks send this share to {small} and the rest to the baseline model ({s.baseline_model}).",
    )


def _on_optimize() -> None:
    o = optimize(current_scenario())
    replace_scenario(o.scenario)
    parts = []
    for c in o.choices:
        if c.shares:
            split = " + ".join(f"{share(v, 0)} {m}" for m, v in c.shares.items())
            parts.append(f"**{c.task}**: {split} (floor {share(c.floor)})")
    msg = "Applied the cheapest split that keeps every task at its accuracy floor:\n\n- " + "\n- ".join(parts)
    if o.infeasible:
        msg += f"\n\nNo mix of the models in play reaches the floor of: {', '.join(o.infeasible)} (left as they were)."
    flash("success" if not o.infeasible else "warning", msg)


def optimize_button() -> None:
    st.button(
        "Optimize",
        type="primary",
        on_click=_on_optimize,
        icon=":material/auto_fix_high:",
        help="Apply the cheapest split per task that meets its accuracy floor (or today's accuracy "
        "where no floor is set) and its latency ceiling.",
    )


def routing_label(r: Routing) -> str:
    if r.cascade:
        return f"{r.cascade[0]} → {r.cascade[1]} ({share(r.escalation_rate, 0)} escalated)"
    return ", ".join(f"{m} {share(v, 0)}" for m, v in r.shares.items())
