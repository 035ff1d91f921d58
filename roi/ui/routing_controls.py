"""Routing widgets: one control per tier of work (routine / medium / hard), per-task splits that
always sum to 100%, cascades, and the Optimize button (which refuses placeholder accuracies until
they are measured or accepted). Callbacks edit the scenario; `roi.routing` does the arithmetic.

Just over 300 lines: the tier controls, per-task splits, cascades and Optimize all write the same
routing of the scenario through the same widget keys (`_split_key`, `tier_key`); a tier move
re-seeds the task sliders and Optimize re-seeds both, so apart each would reach into the others.
"""

from __future__ import annotations

import time
from datetime import date

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from roi import routing
from roi.errors import ScenarioError
from roi.optimize import (
    PlaceholderAccuracyError,
    accept_placeholders,
    optimize,
    placeholders,
    price_of_confidence,
)
from roi.present import money, share
from roi.scenario import Scenario, Task
from roi.ui import state
from roi.ui.text import md
from roi.ui.widgets import tiles
from roi.uncertainty import has_ranges

SPLIT, CASCADE = "Split", "Cascade"
TIER_LABELS = {
    "routine": "Share of routine work on the small model (%)",
    "medium": "Share of medium work on the middle model (%)",
    "hard": "Share of hard work on the large model (%)",
}
PER_TASK = state.widget_key("routing_per_task")  # the per-task section stays open across reruns
EVALUATE_PAGE = "pages/evaluate.py"
# After a move, the fragment's new numbers must reach the browser and be drawn before the full run
# that follows starts sending: the browser draws what arrives together in one pass, and the full
# run's first messages would hold the numbers back by 0.1-0.15 s (bench_browser.py's slider
# figure). Streamlit's garbage collection after each run used to leave that gap by accident (longer,
# and holding the GIL); the launcher now keeps the loaded heap out of it, so the gap is made here.
PAGE_FOLLOWS_AFTER_S = 0.1


def _split_key(task: str, model: str) -> str:
    return state.seeded_key(f"split:{task}:{model}")


def _mode_key(task: str) -> str:
    return state.seeded_key(f"mode:{task}")


def _cascade_key(task: str, part: str) -> str:
    return state.seeded_key(f"casc:{task}:{part}")


def tier_key(tier: str) -> str:
    return state.seeded_key(f"tier:{tier}")


def _on_split(task: str, model: str, models: list[str]) -> None:
    if not state.has(_split_key(task, model)):  # widget state was reset by another change
        return
    s = state.current_scenario()
    t = next(t for t in s.tasks if t.name == task)
    current = dict(t.routing.shares) if not t.routing.cascade else {t.routing.cascade[0]: 1.0}
    for m in models:
        current.setdefault(m, 0.0)
    ladder = routing.task_ladder(s, task)
    new = routing.rebalance(current, model, state.value(_split_key(task, model)) / 100, ladder)
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
            help="Share taken from this model goes to the next model down its price ladder.",
        )


def per_task_section(s: Scenario, models: list[str], small: str) -> None:
    """Every task's split or cascade, grouped by tier, in a section that stays as the user left it
    (open or closed) through edits and Optimize."""
    from roi.present import routing_words

    with st.expander("Routing per task", key=PER_TASK, on_change="rerun"):
        for t in s.tasks:
            st.markdown(f"**{md(t.name)}** · {t.complexity} · now: {routing_words(t.routing)}")
            task_controls(t, models, small, s.baseline_model)


def _on_tier(tier: str, models: list[str]) -> None:
    s = routing.set_tier_share(state.current_scenario(), tier, state.value(tier_key(tier)) / 100)
    state.set_scenario(s)
    state.refresh_page_after_fragment()  # the tier sliders live in the page's what-if fragment
    # move the per-task widgets to the new routing (assigning, not deleting: they are on the page)
    for t in s.tasks:
        if t.complexity != tier:
            continue
        state.set_value(_mode_key(t.name), SPLIT)
        shown = [m for m in models if state.has(_split_key(t.name, m))]
        for m, pct in routing.percentages(t.routing.shares, shown).items():
            state.set_value(_split_key(t.name, m), pct)


@st.fragment
def what_if() -> None:
    """The headline tiles and the three tier sliders. A move reruns only this part, so the numbers
    redraw at once; then the rest of the page (per-task sliders, charts) follows with a full run."""
    s = state.current_scenario()
    result = state.computed(s)
    if result is None:
        return
    tiles(result, state.simulated(s))
    tier_controls(s, result.matrix.models)
    if state.take_page_refresh():
        time.sleep(PAGE_FOLLOWS_AFTER_S)  # the server sends the numbers meanwhile (the GIL is free)
        st.rerun(scope="app")


def tier_controls(s: Scenario, models: list[str]) -> None:
    """Routine, medium and hard work side by side (the article's 60 / 30 / 10), one slider each."""
    cols = st.columns(3, border=True)
    for col, tier in zip(cols, routing.tiers(s), strict=True):
        usable = tier.model is not None and tier.rest is not None
        # mirror the scenario every run: per-task edits and Optimize move these shares too
        state.set_value(tier_key(tier.name), round(100 * (tier.share or 0.0)))
        with col:
            st.markdown(
                f"**{tier.name.capitalize()} work** · {share(tier.volume_share, 0)} of requests"
                f" · {len(tier.tasks)} task{'s' if len(tier.tasks) != 1 else ''}"
            )
            st.slider(
                TIER_LABELS[tier.name],
                0,
                100,
                key=tier_key(tier.name),
                on_change=_on_tier,
                args=(tier.name, models),
                disabled=not usable or tier.share is None,
                help="Cascades count where they start. Moving this replaces the tier's cascades with splits.",
            )
            st.caption(_tier_words(tier))


def _tier_words(tier: routing.Tier) -> str:
    if not tier.tasks:
        return f"No {tier.name} tasks in this scenario."
    if tier.model is None:
        return f"No model has an accuracy for every {tier.name} task."
    if tier.rest is None:
        return f"Only {tier.model} has an accuracy for every {tier.name} task."
    return f"On **{tier.model}**; the rest goes to {tier.rest}, the next model {_direction(tier)} by price."


def _direction(tier: routing.Tier) -> str:
    return (
        "up"
        if tier.rest is not None and tier.ladder.index(tier.rest) > tier.ladder.index(tier.model or "")
        else "down"
    )


CONFIDENCE = state.widget_key("optimize_confidence")
CONFIDENCES = {
    "at the point estimates": None,
    "with 90% probability": 0.9,
    "with 95% probability": 0.95,
    "with 99% probability": 0.99,
}


def _on_optimize() -> None:
    s = state.current_scenario()
    confidence = CONFIDENCES.get(str(state.value(CONFIDENCE, "")))
    try:
        priced = price_of_confidence(s, confidence) if confidence else None
        o = priced.confident if priced else optimize(s)
    except PlaceholderAccuracyError as exc:
        state.flash("error", f"{exc}.")
        return
    state.replace_scenario(o.scenario)
    parts = []
    for c in o.choices:
        if c.shares:
            split = " + ".join(f"{share(v, 0)} {m}" for m, v in c.shares.items())
            parts.append(f"**{c.task}**: {split} (floor {share(c.floor)})")
    how = f" with {share(confidence, 0)} probability" if confidence else ""
    msg = f"Applied the cheapest split that keeps every task at its accuracy floor{how}:\n\n- " + "\n- ".join(
        parts
    )
    if priced is not None:
        msg += (
            f"\n\nHolding the floors with {share(confidence, 0)} probability rather than at the point estimates "
            f"changes month-1 token spend by {money(priced.extra_spend)} and lowers the net benefit over "
            f"{s.horizon_months} months by {money(priced.extra_net_loss)}."
        )
    if o.infeasible:
        msg += f"\n\nNo mix of the models in play reaches the floor of: {', '.join(o.infeasible)} (left as they were)."
    state.flash("success" if not o.infeasible else "warning", msg)


def _on_accept() -> None:
    state.edit_scenario(
        lambda s: accept_placeholders(s, date.today()),
        success="Accepted the placeholder accuracies as assumptions (recorded in the scenario). "
        "They stay marked as placeholders until sample runs measure them.",
        refused="Not accepted",
    )


def optimize_button(s: Scenario) -> None:
    """Optimize, and while accuracies are placeholders, where to measure them or how to accept them;
    one row, each label as wide as it needs."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Optimize",
            type="primary",
            on_click=_on_optimize,
            icon=":material/auto_fix_high:",
            width="content",
            help="Apply the cheapest split per task that meets its accuracy floor (or today's accuracy "
            "where no floor is set) and its latency ceiling.",
        )
        if has_ranges(s):  # measured accuracies carry their sample's uncertainty
            st.selectbox(
                "Floors must hold",
                list(CONFIDENCES),
                key=CONFIDENCE,
                width=240,
                help="At the point estimates, or with this probability given how large each accuracy's "
                "sample was (each measured accuracy drawn from its Beta posterior).",
            )
        if not placeholders(s).pending:
            return
        try:
            st.page_link(EVALUATE_PAGE, label="Measure them on Evaluate", icon=":material/fact_check:")
        except StreamlitPageNotFoundError:  # a page run on its own (page tests): no router to link through
            st.caption("Measure them on the Evaluate page.")
        st.button(
            "Accept placeholders",
            on_click=_on_accept,
            icon=":material/done_all:",
            width="content",
            help="Optimize on the placeholder accuracies anyway: the acceptance is recorded in the "
            "scenario (saved with it) and the numbers stay marked as placeholders.",
        )
