"""Routing widgets: per-task splits that always sum to 100%, cascades, the routine-work slider
and the Optimize button. Callbacks edit the scenario; the engine does the arithmetic."""

from __future__ import annotations

import streamlit as st

from roi import routing
from roi.errors import ScenarioError
from roi.optimize import optimize
from roi.present import share
from roi.scenario import Scenario, Task
from roi.ui import state

SPLIT, CASCADE = "Split", "Cascade"


def _split_key(task: str, model: str) -> str:
    return state.seeded_key(f"split:{task}:{model}")


def _mode_key(task: str) -> str:
    return state.seeded_key(f"mode:{task}")


def _cascade_key(task: str, part: str) -> str:
    return state.seeded_key(f"casc:{task}:{part}")


ROUTINE = state.seeded_key("routine")


def _on_split(task: str, model: str, models: list[str]) -> None:
    if not state.has(_split_key(task, model)):  # widget state was reset by another change
        return
    s = state.current_scenario()
    t = next(t for t in s.tasks if t.name == task)
    current = dict(t.routing.shares) if not t.routing.cascade else {t.routing.cascade[0]: 1.0}
    for m in models:
        current.setdefault(m, 0.0)
    new = routing.rebalance(current, model, state.value(_split_key(task, model)) / 100)
    for m, pct in routing.percentages(new, models).items():
        if m != model:
            state.set_value(_split_key(task, m), pct)
    state.set_scenario(routing.set_split(s, task, new))


def _on_mode(task: str, small: str, baseline: str) -> None:
    if not state.has(_mode_key(task)):
        return
    s = state.current_scenario()
    if state.value(_mode_key(task)) == CASCADE:
        s = routing.set_cascade(s, task, small, baseline, 0.2)
    else:
        s = routing.set_split(s, task, {small: 1.0} if small else {baseline: 1.0})
    state.clear_widgets(_split_key(task, ""))
    state.clear_widgets(_cascade_key(task, ""))
    state.set_scenario(s)


def _on_cascade(task: str) -> None:
    if not all(state.has(_cascade_key(task, k)) for k in ("first", "second", "e")):
        return
    first, second = state.value(_cascade_key(task, "first")), state.value(_cascade_key(task, "second"))
    e = state.value(_cascade_key(task, "e")) / 100
    try:
        state.set_scenario(routing.set_cascade(state.current_scenario(), task, first, second, e))
    except ScenarioError as exc:
        state.flash("error", str(exc))


def task_controls(t: Task, models: list[str], small: str, baseline: str) -> None:
    mode = CASCADE if t.routing.cascade else SPLIT
    st.radio(
        "Routing",
        [SPLIT, CASCADE],
        key=state.seed(_mode_key(t.name), mode),
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
            key=state.seed(_cascade_key(t.name, "first"), a),
            on_change=_on_cascade,
            args=(t.name,),
        )
        c2.selectbox(
            "Escalate to",
            models,
            key=state.seed(_cascade_key(t.name, "second"), b),
            on_change=_on_cascade,
            args=(t.name,),
        )
        c3.slider(
            "Escalation rate (%)",
            0,
            100,
            key=state.seed(_cascade_key(t.name, "e"), round(100 * t.routing.escalation_rate)),
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
            key=state.seed(_split_key(t.name, m), pct[m]),
            on_change=_on_split,
            args=(t.name, m, models),
        )


def _on_routine(small: str, models: list[str]) -> None:
    s = routing.set_routine_share(state.current_scenario(), small, state.value(ROUTINE) / 100)
    state.set_scenario(s)
    # move the per-task widgets to the new routing (assigning, not deleting: they are on the page)
    for t in s.tasks:
        if t.complexity != "routine":
            continue
        state.set_value(_mode_key(t.name), SPLIT)
        shown = [m for m in models if state.has(_split_key(t.name, m))]
        for m, pct in routing.percentages(t.routing.shares, shown).items():
            state.set_value(_split_key(t.name, m), pct)


def routine_slider(s: Scenario, small: str, models: list[str]) -> None:
    value = routing.routine_share(s, small)
    # mirror the scenario every run: per-task edits and Optimize move this share too
    state.set_value(ROUTINE, round(100 * (value or 0.0)))
    st.slider(
        "Share of routine work on the small model (%)",
        0,
        100,
        key=ROUTINE,
        on_change=_on_routine,
        args=(small, models),
        disabled=value is None,
        help=f"Routine tasks send this share to {small} and the rest to the baseline model ({s.baseline_model}).",
    )


def _on_optimize() -> None:
    o = optimize(state.current_scenario())
    state.replace_scenario(o.scenario)
    parts = []
    for c in o.choices:
        if c.shares:
            split = " + ".join(f"{share(v, 0)} {m}" for m, v in c.shares.items())
            parts.append(f"**{c.task}**: {split} (floor {share(c.floor)})")
    msg = "Applied the cheapest split that keeps every task at its accuracy floor:\n\n- " + "\n- ".join(parts)
    if o.infeasible:
        msg += f"\n\nNo mix of the models in play reaches the floor of: {', '.join(o.infeasible)} (left as they were)."
    state.flash("success" if not o.infeasible else "warning", msg)


def optimize_button() -> None:
    st.button(
        "Optimize",
        type="primary",
        on_click=_on_optimize,
        icon=":material/auto_fix_high:",
        help="Apply the cheapest split per task that meets its accuracy floor (or today's accuracy "
        "where no floor is set) and its latency ceiling.",
    )
