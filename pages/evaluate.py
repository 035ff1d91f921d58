"""Evaluate: measure each model on the firm's own labelled examples (sample runs)."""

from datetime import date

import streamlit as st

from roi.catalog import model_ids
from roi.errors import RoiError
from roi.evals.results import summarize, summary_table
from roi.evals.runner import RunConfig
from roi.evals.sets import bundled_eval_sets, load_eval_set
from roi.ui import state
from roi.ui.eval_widgets import (
    SAMPLE_TOGGLE,
    USE_RESULTS,
    api_key,
    bundled_path,
    cascade_view,
    dry_run_estimate,
    progress_panel,
    result_charts,
    results_source,
    run_controls,
    task_mapping,
    tasks_to_run,
    use_results,
)
from roi.ui.text import md

state.show_flash()
st.title("Evaluate")
st.caption(
    "Sample runs send your labelled examples to each model through the Anthropic API and measure "
    "accuracy (with its 95% interval), latency and cost. Results feed the scenario as *measured*."
)

bundled = bundled_eval_sets()
source = st.radio("Eval set", [*bundled, "Upload…"], horizontal=True, key=state.widget_key("eval_source"))
eval_set = None
try:
    if source == "Upload…":
        up = st.file_uploader(
            "Eval set JSON (items inline)", type=["json"], key=state.widget_key("eval_upload")
        )
        if up is not None:
            eval_set = load_eval_set(up.getvalue(), name=up.name)
    else:
        eval_set = load_eval_set(bundled[source])
except RoiError as exc:
    st.error(f"This eval set cannot be used: {exc}")

key, key_source = api_key()
if eval_set is not None:
    st.write(
        f"**{md(eval_set.name)}** · "
        + " · ".join(f"{md(t)}: {n} items" for t, n in eval_set.counts().items())
    )
    run_set = tasks_to_run(eval_set, state.current_scenario())
    anthropic_models = model_ids(as_of=date.today(), provider="anthropic")
    c1, c2, c3 = st.columns([3, 1, 1])
    models = c1.multiselect(
        "Models",
        anthropic_models,
        default=[m for m in ("claude-haiku-4-5", "claude-sonnet-4-5") if m in anthropic_models],
        key=state.widget_key("eval_models"),
    )
    concurrency = c2.number_input("Concurrency", 1, 64, 8, key=state.widget_key("eval_conc"))
    cap = c3.number_input("Spend cap (USD)", 0.0, 10_000.0, 5.0, step=1.0, key=state.widget_key("eval_cap"))
    c4, c5 = st.columns([1, 3])
    batch = c4.toggle("Batch mode (half price, no latency)", key=state.widget_key("eval_batch"))
    base_url = c5.text_input("API base URL (blank: Anthropic's)", value="", key=state.widget_key("eval_base"))
    cfg = RunConfig(
        models=list(models),
        concurrency=int(concurrency),
        max_spend=cap or None,
        batch=batch,
        base_url=base_url or None,
    )
    whole_bundled_set = source in bundled and run_set is eval_set
    dry_run_estimate(run_set, cfg, bundled_path(bundled[source]) if whole_bundled_set else None)
    if batch:
        st.info(
            "Batch mode costs half but measures no latency: latency figures will be missing from its results."
        )
    if key:
        st.caption(f"API key: {key_source} (never stored or logged)")
        run_controls(run_set, cfg, key)
    else:
        st.warning(
            "No API key: set ANTHROPIC_API_KEY, add it to `.streamlit/secrets.toml`, or type it above.  \n"
            f"To try the whole flow without one: under Results, turn on **{SAMPLE_TOGGLE}**, press "
            f"**{USE_RESULTS}**, then open **Task mix** and **Overview**: the sample's accuracies "
            "show with n and 95% intervals, marked illustrative (they are not your measurements). Results another team exported "
            "import the same way (below)."
        )
    progress_panel()

st.subheader("Results")
df, label = results_source()
if df is None or df.empty:
    st.caption("No results yet.")
    st.stop()

summary = summarize(df)
st.dataframe(summary_table(summary), hide_index=True, width="stretch")
result_charts(df, summary)
cascade_view(df)
mapping = task_mapping(state.current_scenario(), sorted(df["task"].unique()))
use_results(df, summary, label, mapping)
