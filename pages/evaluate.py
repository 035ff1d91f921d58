"""Evaluate: measure each model on the firm's own labelled examples (sample runs)."""

import json
from datetime import date

import streamlit as st

from roi import DATA_DIR
from roi.catalog import catalog_entries
from roi.errors import EvalSetError
from roi.evals.results import (
    ResultsError,
    from_csv,
    results,
    runs,
    summarize,
)
from roi.evals.runner import RunConfig, estimate
from roi.evals.sets import load_eval_set, parse_eval_set
from roi.ui.eval_widgets import (
    RUN_KEY,
    api_key,
    cascade_view,
    progress_panel,
    result_charts,
    start,
    use_results,
)
from roi.ui.state import show_flash, store

show_flash()
st.title("Evaluate")
st.caption(
    "Sample runs send your labelled examples to each model through the Anthropic API and measure "
    "accuracy (with its 95% interval), latency and cost. Results feed the scenario as *measured*."
)
if msg := st.session_state.pop("roi.eval_message", None):
    getattr(st, msg[0])(msg[1])

bundled = sorted(DATA_DIR.glob("evals/*.json"))
source = st.radio("Eval set", [p.name for p in bundled] + ["Upload…"], horizontal=True, key="w:eval_source")
eval_set = None
try:
    if source == "Upload…":
        up = st.file_uploader("Eval set JSON (items inline)", type=["json"], key="w:eval_upload")
        if up is not None:
            eval_set = parse_eval_set(json.loads(up.getvalue().decode("utf-8-sig")), where=up.name)
    else:
        eval_set = load_eval_set(DATA_DIR / "evals" / source)
except (EvalSetError, ValueError) as exc:
    st.error(f"This eval set cannot be used: {exc}")

key, key_source = api_key()
if eval_set is not None:
    counts = {t: sum(1 for i in eval_set.items if i.task == t) for t in eval_set.tasks}
    st.write(f"**{eval_set.name}** · " + " · ".join(f"{t}: {n} items" for t, n in counts.items()))
    from datetime import date

    from roi.catalog import catalog_entries

    anthropic_models = sorted(e.model_id for e in catalog_entries(as_of=date.today(), provider="anthropic"))
    c1, c2, c3 = st.columns([3, 1, 1])
    models = c1.multiselect(
        "Models",
        anthropic_models,
        default=[m for m in ("claude-haiku-4-5", "claude-sonnet-4-5") if m in anthropic_models],
        key="w:eval_models",
    )
    concurrency = c2.number_input("Concurrency", 1, 64, 8, key="w:eval_conc")
    cap = c3.number_input("Spend cap (USD)", 0.0, 10_000.0, 5.0, step=1.0, key="w:eval_cap")
    c4, c5 = st.columns([1, 3])
    batch = c4.toggle("Batch mode (half price, no latency)", key="w:eval_batch")
    base_url = c5.text_input("API base URL (blank: Anthropic's)", value="", key="w:eval_base")
    est = estimate(eval_set, models, batch=batch)
    st.caption(
        "Estimated cost of this run, at most: "
        + ", ".join(f"{m} ${v:.4f}" for m, v in est.items())
        + f" · total ${sum(est.values()):.4f}"
    )
    if batch:
        st.info(
            "Batch mode costs half but measures no latency: latency figures will be missing from its results."
        )
    running = RUN_KEY in st.session_state
    if not key:
        st.warning(
            "No API key: set ANTHROPIC_API_KEY, add it to `.streamlit/secrets.toml`, or type it above. "
            "You can still import results another team exported (below)."
        )
    elif st.button(
        "Start sample run", type="primary", disabled=running or not models, icon=":material/play_arrow:"
    ):
        start(
            eval_set,
            RunConfig(
                models=list(models),
                concurrency=int(concurrency),
                max_spend=cap or None,
                batch=batch,
                base_url=base_url or None,
            ),
            key,
            None,
        )
        st.rerun()
    if key and not running:
        unfinished = runs(store())
        unfinished = unfinished[
            ~unfinished["status"].str.startswith("finished") & (unfinished["set_name"] == eval_set.name)
        ]
        if not unfinished.empty:
            rid = st.selectbox("Resume run", unfinished["id"].tolist(), key="w:eval_resume")
            if st.button("Resume"):
                start(
                    eval_set,
                    RunConfig(
                        models=[],
                        concurrency=int(concurrency),
                        max_spend=cap or None,
                        base_url=base_url or None,
                    ),
                    key,
                    int(rid),
                )
                st.rerun()
    progress_panel()

st.subheader("Results")
all_runs = runs(store())
imported = st.file_uploader(
    "Import results CSV (exported from a sample run)", type=["csv"], key="w:eval_import"
)
df = None
label = None
if imported is not None:
    try:
        df, label = from_csv(imported.getvalue(), imported.name), f"imported {imported.name}"
    except ResultsError as exc:
        st.error(str(exc))
elif not all_runs.empty:
    selected = st.session_state.get("roi.eval_selected", int(all_runs["id"].iloc[0]))
    ids = all_runs["id"].tolist()
    rid = st.selectbox(
        "Run",
        ids,
        index=ids.index(selected) if selected in ids else 0,
        format_func=lambda i: (
            f"#{i} · {all_runs.set_index('id').loc[i, 'set_name']} · "
            f"{all_runs.set_index('id').loc[i, 'status']}"
        ),
        key="w:eval_run",
    )
    df, label = results(store(), int(rid)), f"run {rid}"
if df is None or df.empty:
    st.caption("No results yet.")
    st.stop()

summary = summarize(df)
st.dataframe(summary, hide_index=True, width="stretch")
result_charts(df, summary)
cascade_view(df)
use_results(df, summary, label)
