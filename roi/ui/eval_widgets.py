"""Evaluate page pieces: the API key (never stored), a run in a background thread with live
progress and cancel, and writing measured results into the scenario."""

from __future__ import annotations

import os
import threading

import streamlit as st

from roi.evals.runner import Progress, RunConfig, Runner, run_sync
from roi.evals.sets import EvalSet
from roi.ui.state import store

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
