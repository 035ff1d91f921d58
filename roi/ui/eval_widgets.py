"""Evaluate page pieces: the API key (never stored), starting and watching a sample run, its
results and cascade view, and writing measured numbers into the scenario."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from roi import charts
from roi.errors import RoiError
from roi.evals.jobs import Jobs
from roi.evals.results import apply_to_scenario, cascade, resumable, to_csv
from roi.evals.runner import RunConfig
from roi.evals.sets import EvalSet
from roi.ui import state
from roi.ui.widgets import chart, chart_scale


@st.cache_resource(show_spinner=False)
def jobs() -> Jobs:
    """The sample runs of this server process: they outlive the session that started them."""
    return Jobs()


def api_key() -> tuple[str, str]:
    """(key, where it came from). Environment, then Streamlit secrets, then a session-only field."""
    if key := os.environ.get("ANTHROPIC_API_KEY"):
        return key, "ANTHROPIC_API_KEY"
    try:
        if key := st.secrets.get("ANTHROPIC_API_KEY"):
            return str(key), "Streamlit secrets"
    except Exception:  # noqa: BLE001 - no secrets file configured: Streamlit raises its own kinds
        pass
    typed = st.text_input(
        "Anthropic API key (kept for this browser session only; never saved)",
        type="password",
        key=state.widget_key("api_key"),
    )
    return typed, "typed in" if typed else ""


def start(eval_set: EvalSet, cfg: RunConfig, key: str, run_id: int | None = None) -> None:
    """Start (or resume) a run in the background and watch it; a refusal becomes a message."""
    try:
        rid = jobs().start(state.store(), eval_set, cfg, api_key=key, run_id=run_id)
    except RoiError as exc:
        state.flash("error", f"The run did not start: {exc}")
        return
    state.watch_run(rid)


def run_controls(eval_set: EvalSet, cfg: RunConfig, key: str) -> None:
    """Start, or resume an unfinished run of this set; nothing while this session watches one."""
    watching = jobs().get(state.watched_run())
    if watching is not None and watching.running:
        return
    if st.button("Start sample run", type="primary", disabled=not cfg.models, icon=":material/play_arrow:"):
        start(eval_set, cfg, key)
        st.rerun()
    unfinished = resumable(state.store(), eval_set.name, busy=jobs().running())
    if unfinished:
        rid = st.selectbox("Resume run", unfinished, key=state.widget_key("eval_resume"))
        if st.button("Resume"):
            start(eval_set, cfg, key, int(rid))
            st.rerun()


@st.fragment(run_every=1.0)
def progress_panel() -> None:
    job = jobs().get(state.watched_run())
    if job is None:
        return
    p = job.progress
    frac = p.done / p.total if p.total else 0.0
    eta = f", about {p.eta_s:.0f} s left" if p.eta_s is not None and job.running else ""
    st.progress(
        min(frac, 1.0), text=f"{p.done}/{p.total} items done · {p.failed} failed · ${p.spend:.4f} spent{eta}"
    )
    if job.running:
        st.button("Cancel (keeps what finished)", on_click=job.cancel, key=state.widget_key("eval_cancel"))
        return
    state.watch_run(None)
    if job.error:
        state.flash("error", f"Run {job.run_id}: {job.error}")
    else:
        state.flash("success", f"Run {job.run_id}: {job.outcome}")
        state.set_value(RUN_PICK, job.run_id)  # show the run that just finished
    st.rerun()


RUN_PICK = state.widget_key("eval_run")


def pick_run(all_runs: pd.DataFrame) -> int:
    """The run whose results are shown: the newest, or the one chosen, or the one just finished."""
    by_id = all_runs.set_index("id")
    ids = [int(i) for i in all_runs["id"]]
    if state.value(RUN_PICK) not in ids:
        state.set_value(RUN_PICK, ids[0])
    return int(
        st.selectbox(
            "Run",
            ids,
            format_func=lambda i: f"#{i} · {by_id.loc[i, 'set_name']} · {by_id.loc[i, 'status']}",
            key=RUN_PICK,
        )
    )


def result_charts(df: pd.DataFrame, summary: pd.DataFrame) -> None:
    """Accuracy with its interval, cost per correct answer and latency distributions."""
    scale = chart_scale()
    a, b = st.columns(2)
    with a:
        chart(charts.eval_accuracy(summary, scale=scale), "eval.accuracy")
    with b:
        chart(charts.eval_cost_per_correct(summary, scale=scale), "eval.cost")
    if df["latency_s"].notna().any():
        chart(charts.eval_latency(df, scale=scale), "eval.latency")
    else:
        st.caption("No latency in these results (batch mode or imported without timings).")


def cascade_view(df: pd.DataFrame) -> None:
    """Escalation rate and cascade accuracy for each confidence threshold, from per-item results."""
    st.subheader("Cascade: small model first, escalate when unsure")
    tasks = sorted(df["task"].unique())
    run_models = sorted(df["model"].unique())
    if len(run_models) >= 2:
        c1, c2, c3 = st.columns(3)
        task = c1.selectbox("Task", tasks, key=state.widget_key("casc_task"))
        small = c2.selectbox("Small model", run_models, key=state.widget_key("casc_small"))
        large = c3.selectbox(
            "Escalate to", [m for m in run_models if m != small], key=state.widget_key("casc_large")
        )
        table = cascade(df, task, small, large)
        if table.empty or df[(df["model"] == small) & (df["task"] == task)]["confidence"].isna().all():
            st.caption("No confidences in these results for that task (label tasks ask for one).")
        else:
            chart(charts.cascade_curve(table, small, large, scale=chart_scale()), "eval.cascade")
            st.dataframe(table, hide_index=True, width="stretch")


def use_results(df: pd.DataFrame, summary: pd.DataFrame, label: str) -> None:
    """Export the per-item results, and write the measured numbers into the scenario."""
    st.download_button(
        "Export results CSV",
        to_csv(df),
        file_name=f"{label.replace(' ', '_')}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    tokens = st.checkbox(
        "Also use the measured tokens per request",
        key=state.widget_key("eval_tokens"),
        help="Off by default: sample documents may be shorter or longer than your real traffic.",
    )
    if st.button("Use these results in the scenario", type="primary", icon=":material/input:"):
        new, unmatched = apply_to_scenario(state.current_scenario(), summary, run=label, tokens=tokens)
        state.replace_scenario(new)
        note = (
            f" Eval tasks without a scenario task of the same name: {', '.join(unmatched)}."
            if unmatched
            else ""
        )
        state.flash("success", f"Measured accuracy and latency from {label} are now in the scenario.{note}")
        st.rerun()
