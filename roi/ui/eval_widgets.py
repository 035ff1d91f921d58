"""Evaluate page pieces: the API key (never stored), which eval tasks to run, the dry-run estimate,
starting and watching a sample run, where results come from (a run, an import, the bundled
sample), their tables, charts and cascade view, and writing measured numbers into the scenario
tasks they were chosen for.

Just over 300 lines: the Evaluate page's pieces depend on one another's state (a run id, the
chosen results); apart, each would reach into the others' keys.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from roi import DATA_DIR, charts
from roi.errors import RoiError
from roi.evals.jobs import Jobs
from roi.evals.mapping import eval_tasks_to_run, match_tasks, subset, unmeasured
from roi.evals.pricing import dry_run_command, estimate, estimate_lines, estimate_usd
from roi.evals.results import (
    SAMPLE_LABEL,
    SAMPLE_RESULTS,
    apply_to_scenario,
    cascade,
    cascade_table,
    from_csv,
    results,
    resumable,
    run_labels,
    runs,
    sample_results,
    to_csv,
)
from roi.evals.runner import RunConfig
from roi.evals.sets import EvalSet
from roi.scenario import Scenario
from roi.ui import state
from roi.ui.widgets import chart, chart_scale

SAMPLE_TOGGLE = "Use the sample results (illustrative, no key needed)"
USE_RESULTS = "Use these results in the scenario"
NO_EVAL_DATA = "— no eval data yet —"
SAMPLE_KEY = state.widget_key("eval_sample")


@st.cache_resource(show_spinner=False)
def _workspace_jobs(workspace: str) -> Jobs:
    return Jobs()


def jobs() -> Jobs:
    """The sample runs of this server process in the session's workspace: they outlive the session
    that started them, and a run id names a run of one workspace only (each has its own runs)."""
    return _workspace_jobs(state.current_workspace())


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


def tasks_to_run(eval_set: EvalSet, s: Scenario) -> EvalSet:
    """The part of the set this run measures: preselected, the eval tasks whose names match the
    scenario's tasks (all of them when none does); says which scenario tasks it leaves unmeasured."""
    names = list(eval_set.tasks)
    guess = match_tasks([t.name for t in s.tasks], names)
    default = eval_tasks_to_run(guess, names)
    chosen = st.multiselect(
        "Eval tasks in this run",
        names,
        default=default,
        key=state.widget_key(f"eval_tasks:{eval_set.name}:{'|'.join(default)}"),  # follows the scenario
        help="Preselected: the eval tasks named like a task of your scenario. Under Results you choose "
        "which scenario task each eval task measures.",
    )
    missing = unmeasured(guess)
    if len(missing) == len(guess):
        st.caption(
            "None of your scenario's tasks is named like a task of this set: pick the eval tasks that "
            "correspond, then under Results choose which scenario task each one measures."
        )
    elif missing:
        st.caption(
            f"No eval data yet in this set for: {', '.join(missing)}. Their accuracies stay assumed "
            "until a sample run measures them (map them under Results if an eval task fits)."
        )
    return subset(eval_set, chosen)


def dry_run_estimate(eval_set: EvalSet, cfg: RunConfig, bundled: str | None) -> None:
    """What the run will cost at most, before anything is sent: the CLI's `--dry-run` numbers."""
    try:
        est = estimate(eval_set, cfg.models, batch=cfg.batch)
    except RoiError as exc:
        st.error(str(exc))
        return
    if not est or not eval_set.items:
        return
    with st.container(border=True):
        st.markdown(
            "**Dry-run estimate of this run's cost** (nothing is sent): an upper bound, counting about "
            "4 characters per input token, every answer at its full length and the judge model's grading."
        )
        st.code("\n".join(estimate_lines(est, len(eval_set.items))), language=None)
        cap = f" (spend cap {estimate_usd(cfg.max_spend)})" if cfg.max_spend else ""
        same = ""
        if bundled is not None:
            same = f" · the same numbers as `{dry_run_command(bundled, cfg.models, batch=cfg.batch)}`"
        st.caption(f"Total: up to {estimate_usd(sum(est.values()))}{cap}{same}")


def bundled_path(path: Path) -> str:
    """A bundled eval set's path as typed from the project folder (data/evals/…)."""
    return str(path.relative_to(DATA_DIR.parent))


def run_controls(eval_set: EvalSet, cfg: RunConfig, key: str) -> None:
    """Start, or resume an unfinished run of this set; nothing while this session watches one."""
    watching = jobs().get(state.watched_run())
    if watching is not None and watching.running:
        return
    if st.button(
        "Start sample run",
        type="primary",
        disabled=not cfg.models or not eval_set.items or not state.may("run_eval"),
        help=state.needs("run_eval"),
        icon=":material/play_arrow:",
    ):
        start(eval_set, cfg, key)
        st.rerun()
    busy = jobs().running()
    unfinished = resumable(state.store(), eval_set.name, busy=busy)
    if unfinished:
        labels = run_labels(runs(state.store()), busy=busy)
        rid = st.selectbox(
            "Resume run", unfinished, format_func=labels.get, key=state.widget_key("eval_resume")
        )
        if st.button("Resume", disabled=not state.may("run_eval"), help=state.needs("run_eval")):
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
        state.set_value(SAMPLE_KEY, False)
    st.rerun()


RUN_PICK = state.widget_key("eval_run")


def pick_run(all_runs: pd.DataFrame) -> int:
    """The run whose results are shown: the newest, or the one chosen, or the one just finished.
    A run is called running only while this process runs it (a dead one reads interrupted)."""
    labels = run_labels(all_runs, busy=jobs().running())
    ids = list(labels)
    if state.value(RUN_PICK) not in ids:
        state.set_value(RUN_PICK, ids[0])
    return int(st.selectbox("Run", ids, format_func=labels.get, key=RUN_PICK))


def results_source() -> tuple[pd.DataFrame | None, str]:
    """(per-item results, their label): an imported CSV, else the bundled sample when chosen, else
    a run of this store; (None, "") when there is nothing to show."""
    left, right = st.columns([3, 1], vertical_alignment="center")
    sample = left.toggle(
        SAMPLE_TOGGLE,
        key=SAMPLE_KEY,
        help="Invented results of claude-haiku-4-5 and claude-sonnet-4-5 on the bundled law-firm set "
        f"(data/evals/{SAMPLE_RESULTS.name}): for trying the flow, not for decisions.",
    )
    right.download_button(
        "Download the sample CSV",
        SAMPLE_RESULTS.read_bytes(),
        file_name=SAMPLE_RESULTS.name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    imported = st.file_uploader(
        "Import results CSV (exported from a sample run)", type=["csv"], key=state.widget_key("eval_import")
    )
    try:
        if imported is not None:
            return from_csv(imported.getvalue(), imported.name), f"imported {imported.name}"
        if sample:
            return sample_results(), SAMPLE_LABEL
    except RoiError as exc:
        st.error(str(exc))
        return None, ""
    all_runs = runs(state.store())
    if all_runs.empty:
        return None, ""
    rid = pick_run(all_runs)
    return results(state.store(), rid), f"run {rid}"


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
    # tasks with confidences first: the curve needs them (label tasks ask for one)
    tasks = sorted(df["task"].unique(), key=lambda t: (df.loc[df["task"] == t, "confidence"].isna().all(), t))
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
            st.dataframe(cascade_table(table), hide_index=True, width="stretch")


def task_mapping(s: Scenario, result_tasks: list[str]) -> dict[str, str | None]:
    """Which eval task's results each scenario task takes: guessed by name, changeable per task.
    A choice is kept while the results have the same tasks (a run in progress adds them)."""
    st.subheader("Use in the scenario")
    guess = match_tasks([t.name for t in s.tasks], result_tasks)
    options = [NO_EVAL_DATA, *result_tasks]
    keys = {t.name: state.widget_key(f"eval_map:{'|'.join(result_tasks)}:{t.name}") for t in s.tasks}
    for name, key in keys.items():
        state.seed(key, guess[name] or NO_EVAL_DATA)
    matched = sum(1 for key in keys.values() if state.value(key) != NO_EVAL_DATA)
    mapping: dict[str, str | None] = {}
    with st.expander(f"Which results measure each scenario task ({matched} of {len(keys)} have eval data)"):
        cols = st.columns(3)
        for i, (name, key) in enumerate(keys.items()):
            choice = cols[i % 3].selectbox(name, options, key=key)
            mapping[name] = None if choice == NO_EVAL_DATA else choice
    if missing := unmeasured(mapping):
        st.caption(
            f"No eval data yet for: {', '.join(missing)}. Their accuracies stay assumed until a sample "
            "run measures them; if an eval task fits one, choose it above."
        )
    return mapping


def use_results(df: pd.DataFrame, summary: pd.DataFrame, label: str, mapping: dict[str, str | None]) -> None:
    """Export the per-item results, and write the measured numbers into the scenario tasks chosen."""
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
    measured = [t for t, e in mapping.items() if e is not None]
    if st.button(
        USE_RESULTS,
        type="primary",
        icon=":material/input:",
        disabled=not measured,
        help=None if measured else "Choose above which scenario task each eval task measures.",
    ):
        new, unmatched = apply_to_scenario(
            state.current_scenario(),
            summary,
            run=label,
            tokens=tokens,
            mapping=mapping,
            illustrative=label == SAMPLE_LABEL,
        )
        state.replace_scenario(new)
        note = f" No scenario task takes the results of: {', '.join(unmatched)}." if unmatched else ""
        what = (
            "Illustrative sample accuracy and latency"
            if label == SAMPLE_LABEL
            else "Measured accuracy and latency"
        )
        state.flash("success", f"{what} from {label} are now in the scenario.{note}")
        st.rerun()
