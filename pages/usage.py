"""Usage: finance uploads real exports; see spend, check it against the bill, reuse it as workload."""

from datetime import date

import streamlit as st

from roi import charts, present
from roi.catalog import model_ids
from roi.numbers import day_span, money_cents
from roi.ui.state import show_flash, store, widget_key
from roi.ui.usage_sources import import_from_database, pull_from_anthropic
from roi.ui.usage_widgets import (
    delete_control,
    model_mapping,
    reconcile_view,
    upload_and_import,
    use_as_workload,
)
from roi.ui.widgets import chart, chart_scale
from roi.usage import hourly_traffic, list_imports, priced_store, summary
from roi.usage.ingest import IMPORT_COLUMNS
from roi.usage.traffic import latency_histogram, mean_latency, monthly_spend, top_groups

show_flash()
st.title("Usage")
st.caption(
    "Anthropic Console, Admin API and Usage & Cost Analytics exports, OpenAI usage and cost CSVs, LiteLLM "
    "spend logs, OpenTelemetry GenAI spans, Claude lines of an AWS Cost and Usage Report (Bedrock) or a Google "
    "Cloud billing export (Vertex AI), or any CSV with a timestamp, a model and token columns; per-request logs (LiteLLM's, or any with request ids or a "
    "latency per row; CSV, JSON Lines or Parquet) are read by DuckDB from a copy on disk, up to 2 GB per file (bigger logs: `roi ingest` a folder or a glob). Nothing is imported half-way; "
    "duplicates are never counted twice."
)
upload_and_import()
import_from_database()
pull_from_anthropic()

db = store()
imports = list_imports(db)
if imports.empty:
    st.info("No usage imported yet.")
    st.stop()

priced = priced_store(db)
doc = summary(priced)
c1, c2, c3, c4 = st.columns(4, border=True)
c1.metric("Spend, priced with the catalog", money_cents(doc["cost_usd"]))
c2.metric("Billed / reported", money_cents(doc["reported_cost_usd"]))
c3.metric(
    "Requests counted",
    "unknown" if doc["requests"] is None else f"{doc['requests']:,.0f}",
    help="Requests where the files count them: per-request logs, OpenAI files and the Analytics API "
    "do; Anthropic's legacy usage exports carry no request counts.",
)
c4.metric("Mean latency", present.seconds(mean_latency(priced)))
st.caption(
    f"Period {day_span(doc['first_day'], doc['last_day'])} (UTC days, the last one included) · "
    "prices from the catalog at each row's own date"
)

model_mapping(doc["unpriced_models"], model_ids(as_of=date.today()))

scale = chart_scale()
a, b = st.columns(2)
with a:
    chart(charts.usage_spend_by_month(monthly_spend(priced), scale=scale), "usage.monthly")
with b:
    chart(charts.usage_tokens_by_type(doc, scale=scale), "usage.tokens")
dim = st.selectbox(
    "Top",
    ["workspace", "api_key", "task", "tag", "project", "user", "model_raw"],
    key=widget_key("usage_top"),
)
chart(charts.usage_top_groups(top_groups(priced, dim), dim, scale=scale), "usage.top")
if hist := latency_histogram(imports):
    chart(charts.latency_histogram(*hist, scale=scale), "usage.latency")
if not (by_hour := hourly_traffic(db)).empty:
    chart(charts.usage_by_hour_of_day(by_hour, scale=scale), "usage.by_hour")

reconcile_view(priced)

use_as_workload(priced, imports)

st.subheader("Imports")
st.dataframe(
    imports[IMPORT_COLUMNS],
    hide_index=True,
    width="stretch",
    column_config={
        "id": "Import",
        "format": "Format",
        "file_name": "File",
        "imported_at": st.column_config.DatetimeColumn("Imported at (UTC)", format="D MMM YYYY, HH:mm"),
        "rows_read": "Rows read",
        "rows_stored": "Rows stored",
        "skipped_duplicates": "Already imported (skipped)",
        "replaced": "Replaced by a newer export",
    },
)
delete_control(imports)
