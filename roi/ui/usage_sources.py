"""Usage page pieces for per-request logs read by the engine: an uploaded log checked whole by
DuckDB and previewed, and a database or Spark URL summed where the data lives."""

from __future__ import annotations

import streamlit as st

from roi.errors import UsageFormatError
from roi.ui.state import flash, may, needs, store, widget_key
from roi.ui.text import md
from roi.usage import READERS, Ingested, ingest, preview_upload, query_for
from roi.usage.engine.remote import TABLE

ROWS_HELP = (
    "Rows without a request-count column are read as requests when the file looks per-request "
    "(request ids, a latency per row, or times to the second)."
)


def import_from_database() -> None:
    """Per-request logs where they live (a LiteLLM database, a warehouse, Spark): the database sums
    them and only the rollup comes here. The URL is kept for this browser session only."""
    with st.expander("Import from a database or Spark (a LiteLLM proxy's database, a warehouse)"):
        url = st.text_input(
            "Connection URL (kept for this browser session only; never saved)",
            type="password",
            placeholder="postgresql://user:password@host/litellm · spark://local · sc://host:15002",
            key=widget_key("usage_db_url"),
        )
        table = st.text_input("Table", value=TABLE, key=widget_key("usage_db_table"))
        if not url:
            return
        if st.button("Show the query", key=widget_key("usage_db_sql")):
            try:
                st.code(query_for(url, table), language="sql")
            except UsageFormatError as exc:
                st.error(f"{exc}")
        if st.button(
            "Import from the database",
            type="primary",
            key=widget_key("usage_db_import"),
            disabled=not may("import"),
            help=needs("import"),
        ):
            with st.spinner("The database is summing its requests…"):
                try:
                    result = ingest(store(), [url], table=table)
                except UsageFormatError as exc:
                    st.error(f"Nothing was imported: {exc}")
                    return
            flash_result(result, "Imported.")
            st.rerun()


def flash_result(result: Ingested, done: str) -> None:
    """What an import did, file by file with its warnings, shown after the rerun: a success when
    something was stored, a note when all of it was there already."""
    lines = [f"**{md(s.file_name)}**: {s.describe()}" for s in result.summaries]
    lines += [f":material/warning: {md(w)}" for s in result.summaries for w in s.warnings]
    if any(s.import_id is not None for s in result.summaries):
        flash("success", f"{done}\n\n- " + "\n- ".join(lines))
    else:
        flash("info", "Nothing new: all of it was imported before.\n\n- " + "\n- ".join(lines))


def pull_from_anthropic() -> None:
    """A live pull from Anthropic's Usage & Cost Analytics API (roi.usage.live): the Admin API key
    comes from ANTHROPIC_ADMIN_API_KEY or this field, kept for this browser session only."""
    import os
    from datetime import date, timedelta

    from roi.usage import live

    with st.expander("Pull from Anthropic (the Usage & Cost Analytics API, with an Admin API key)"):
        env_key = os.environ.get(live.KEY_ENV, "")
        typed = st.text_input(
            "Admin API key (sk-ant-admin…; kept for this browser session only, never saved)",
            type="password",
            key=widget_key("usage_admin_key"),
            placeholder=f"set by {live.KEY_ENV}" if env_key else "",
        )
        last = live.watermark(store())
        since = st.date_input(
            "From",
            value=(last - timedelta(days=1)) if last else date.today().replace(day=1),
            key=widget_key("usage_pull_since"),
            help="A pull starts the day before the last one ended (recent buckets are refreshed); "
            "nothing is counted twice.",
        )
        if last:
            st.caption(f"The last pull reached {last:%-d %b %Y}.")
        if st.button(
            "Pull",
            type="primary",
            key=widget_key("usage_pull"),
            disabled=not (typed or env_key) or not may("import"),
            help=needs("import"),
        ):
            bar = st.progress(0.0, text="Asking the Admin API…")
            try:
                result = live.pull(
                    store(),
                    api_key=typed or env_key,
                    since=since,
                    progress=lambda m: bar.progress(0.5, text=f"Reading {m}…"),
                )
            except UsageFormatError as exc:
                bar.empty()
                st.error(f"Nothing was imported: {exc}")
                return
            flash_result(result, "Pulled.")
            st.rerun()


def engine_preview(
    name: str, data: bytes, *, mapping: dict[str, str] | None, expanded: bool, each_row: list[str]
) -> bool:
    """A per-request log checked whole by the engine (DuckDB, from a copy on disk) and its first
    requests; False (with the error shown) when it cannot be imported. A generic log also gets the
    "Each row is" choice (`each_row`), which the caller reads on the next run."""
    try:
        pv = preview_upload(name, data, mapping)
    except UsageFormatError as exc:
        st.error(f"{exc}")
        return False
    label = READERS[pv.format].label
    with st.expander(
        f"{name}: {label}, {pv.rows:,} rows, one request each (read by DuckDB)", expanded=expanded
    ):
        for w in pv.warnings:
            st.warning(w)
        if pv.format == "generic":
            st.selectbox("Each row is", each_row, key=widget_key(f"usage_rows:{name}"), help=ROWS_HELP)
        for n in pv.notes:
            st.caption(n)
        st.caption(f"The first {len(pv.head)} requests, as they will be counted:")
        st.dataframe(pv.head, hide_index=True, width="stretch")
    return True
