"""Evaluate page pieces: the API key (never stored), a run in a background thread with live
progress and cancel, and writing measured results into the scenario."""

from __future__ import annotations

import os
import threading

import pandas as pd
import streamlit as st

from roi import charts
from roi.evals.results import apply_to_scenario, cascade, to_csv
from roi.evals.runner import Progress, RunConfig, Runner, run_sync
from roi.evals.sets import EvalSet
from roi.ui.state import current_scenario, flash, replace_scenario, store
from roi.ui.widgets import chart, chart_scale

RUN_KEY = "roi.eval_runner"  # (Runner, Thread, result holder) while a run is going


def api_key() -> tuple[str, str]:
    """(key, where it came from). Environment, then Streamlit secrets, then a session-only field."""
    if key := os.environ.get("ANTHROPIC_API_KEY"):
        return key, "ANTHROPIC_API_KEY"
    try:
        if key := st.secrets.get("ANTHROPIC_API_KEY"):
            return str(key), "Streamlit secrets"
    except (FileNotFoundError, KeyError, AttributeError):
        pass
    except Exception:  # noqa: BLE001 - no secrets file configured
        pass
    typed = st.text_input(
        "Anthropic API key (kept for this browser session only; never saved)",
        type="password",
        key="w:api_key",
    )
    return typed, "typed in" if typed else ""


def start(eval_set: EvalSet, cfg: RunConfig, key: str, run_id: int | None) -> None:
    runner = Runner(store(), eval_set, cfg, api_key=key)
    holder: dict = {"run_id": run_id, "error": None}

    def work() -> None:
        try:
            holder["run_id"] = run_sync(runner, run_id)
        except Exception as exc:  # noqa: BLE001 - shown on the page, never a traceback
            holder["error"] = f"{exc.__class__.__name__}: {exc}"

    thread = threading.Thread(target=work, daemon=True, name="roi-eval")
    st.session_state[RUN_KEY] = (runner, thread, holder)
    thread.start()


@st.fragment(run_every=1.0)
def progress_panel() -> None:
    current = st.session_state.get(RUN_KEY)
    if current is None:
        return
    runner, thread, holder = current
    p: Progress = runner.progress
    frac = p.done / p.total if p.total else 0.0
    eta = f", about {p.eta_s:.0f} s left" if p.eta_s is not None and thread.is_alive() else ""
    st.progress(
        min(frac, 1.0), text=f"{p.done}/{p.total} items done · {p.failed} failed · ${p.spend:.4f} spent{eta}"
    )
    if thread.is_alive():
        st.button("Cancel (keeps what finished)", on_click=runner.cancel, key="eval_cancel")
    else:
        del st.session_state[RUN_KEY]
        if holder["error"]:
            st.session_state["roi.eval_message"] = ("error", holder["error"])
        else:
            st.session_state["roi.eval_message"] = ("success", f"Run {holder['run_id']}: {runner.status}")
            st.session_state["roi.eval_selected"] = holder["run_id"]
        st.rerun()


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
        task = c1.selectbox("Task", tasks, key="w:casc_task")
        small = c2.selectbox("Small model", run_models, key="w:casc_small")
        large = c3.selectbox("Escalate to", [m for m in run_models if m != small], key="w:casc_large")
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
        key="w:eval_tokens",
        help="Off by default: sample documents may be shorter or longer than your real traffic.",
    )
    if st.button("Use these results in the scenario", type="primary", icon=":material/input:"):
        new, unmatched = apply_to_scenario(current_scenario(), summary, run=label, tokens=tokens)
        replace_scenario(new)
        note = (
            f" Eval tasks without a scenario task of the same name: {', '.join(unmatched)}."
            if unmatched
            else ""
        )
        flash("success", f"Measured accuracy and latency from {label} are now in the scenario.{note}")
        st.rerun()
