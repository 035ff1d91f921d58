"""Usage: finance uploads real exports; see spend, check it against the bill, reuse it as workload."""

from datetime import date

import streamlit as st

from roi import charts, present
from roi.catalog import model_ids
from roi.ui.state import show_flash, store, widget_key
from roi.ui.usage_widgets import model_mapping, upload_and_import, use_as_workload
from roi.ui.widgets import chart, chart_scale
from roi.usage import delete_import, list_imports, priced_store, reconcile, summary
from roi.usage.ingest import IMPORT_COLUMNS
from roi.usage.traffic import latency_histogram, mean_latency, monthly_spend, top_groups

show_flash()
st.title("Usage")
st.caption(
    "Anthropic Console and Admin API exports, OpenAI usage and cost CSVs, LiteLLM spend logs or any CSV "
    "with a timestamp, a model and token columns. Nothing is imported half-way; duplicates are never counted twice."
)
upload_and_import()

db = store()
imports = list_imports(db)
if imports.empty:
    st.info("No usage imported yet.")
    st.stop()

priced = priced_store(db)
doc = summary(priced)
c1, c2, c3, c4 = st.columns(4, border=True)
c1.metric("Spend, priced with the catalog", present.money(doc["cost_usd"]))
c2.metric("Billed / reported", present.money(doc["reported_cost_usd"]))
c3.metric(
    "Requests (where the files count them)",
    "unknown" if doc["requests"] is None else f"{doc['requests']:,.0f}",
    help="Anthropic usage exports carry no request counts; per-request logs and OpenAI files do.",
)
c4.metric("Mean latency", present.seconds(mean_latency(priced)))
st.caption(
    f"Period {doc['start'][:10]} to {doc['end'][:10]} · prices from the catalog at each row's own date"
)

model_mapping(doc["unpriced_models"], model_ids(as_of=date.today()))

scale = chart_scale()
a, b = st.columns(2)
with a:
    chart(charts.usage_spend_by_month(monthly_spend(priced), scale=scale), "usage.monthly")
with b:
    chart(charts.usage_tokens_by_type(doc, scale=scale), "usage.tokens")
dim = st.selectbox(
    "Top", ["workspace", "api_key", "tag", "project", "user", "model_raw"], key=widget_key("usage_top")
)
chart(charts.usage_top_groups(top_groups(priced, dim), dim, scale=scale), "usage.top")
if hist := latency_histogram(imports):
    chart(charts.latency_histogram(*hist, scale=scale), "usage.latency")

st.subheader("Computed vs billed")
rec = reconcile(priced)
if rec.empty:
    st.caption(
        "No billed cost in the imports yet: add a cost export (Console cost CSV, Admin API cost report, OpenAI cost CSV)."
    )
else:
    st.dataframe(
        rec,
        hide_index=True,
        width="stretch",
        column_config={
            "computed_usd": st.column_config.NumberColumn("computed", format="$%.2f"),
            "billed_usd": st.column_config.NumberColumn("billed", format="$%.2f"),
            "difference_pct": st.column_config.NumberColumn("difference", format="%.1f%%"),
        },
    )

use_as_workload(priced)

st.subheader("Imports")
st.dataframe(
    imports[IMPORT_COLUMNS],
    hide_index=True,
    width="stretch",
)
victim = st.selectbox(
    "Import",
    imports["id"].tolist(),
    format_func=lambda i: f"#{i} {imports.set_index('id').loc[i, 'file_name']}",
    key=widget_key("usage_delete"),
)
if st.button("Delete this import", icon=":material/delete:"):
    delete_import(db, int(victim))
    st.rerun()
