"""Usage page pieces: upload with detection, preview and mapping; import; model mapping; workload."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.errors import ScenarioError, UsageFormatError
from roi.ui.state import clear_widgets, current_scenario, flash, replace_scenario, store, widget_key
from roi.usage import READERS, ingest, list_imports, read_usage, reader_names
from roi.usage.pricing import Alias, set_alias
from roi.usage.traffic import DIMENSIONS, scenario_from_usage, traffic

AUTO = "detect from the header"
UPLOADS = widget_key("usage_files")


def upload_and_import() -> None:
    files = st.file_uploader(
        "Usage exports (CSV or JSON; several at once)",
        type=["csv", "json", "tsv", "txt"],
        accept_multiple_files=True,
        key=UPLOADS,
    )
    if not files:
        return
    fmt = st.selectbox("Format", [AUTO, *reader_names()], key=widget_key("usage_format"))
    mapping = None
    ready = []
    for f in files:
        data = f.getvalue()
        try:
            result = read_usage(data, name=f.name, format=None if fmt == AUTO else fmt)
        except UsageFormatError as exc:
            st.error(f"{exc}")
            mapping = _mapping_step(f.name, data)
            if mapping:
                try:
                    result = read_usage(data, name=f.name, format="generic", mapping=mapping)
                except UsageFormatError as exc2:
                    st.error(str(exc2))
                    continue
            else:
                continue
        with st.expander(
            f"{f.name}: {READERS[result.format].label}, {len(result.frame):,} rows", expanded=len(files) == 1
        ):
            for w in result.warnings:
                st.warning(w)
            st.dataframe(result.frame.head(20), hide_index=True, width="stretch")
        ready.append((f.name, data, mapping))
    if (
        ready
        and len(ready) == len(files)
        and st.button("Import", type="primary", icon=":material/database_upload:")
    ):
        bar = st.progress(0.0, text="Importing…")
        try:
            batch = [(name, data) for name, data, _ in ready]
            result = ingest(store(), batch, format=None if fmt == AUTO else fmt, mapping=mapping)
        except UsageFormatError as exc:
            bar.empty()
            st.error(f"Nothing was imported: {exc}")
            return
        bar.progress(1.0, text="Done")
        lines = [f"**{s.file_name}**: {s.describe()}" for s in result.summaries]
        flash("success", "Imported.\n\n- " + "\n- ".join(lines))
        clear_widgets(UPLOADS)
        st.rerun()
    elif ready and len(ready) < len(files):
        st.info("Fix or remove the files with errors to import the batch (nothing is imported half-way).")


def _mapping_step(name: str, data: bytes) -> dict[str, str] | None:
    """When detection fails, let the user say which column is which (generic CSV)."""
    from roi.usage.csvio import decode, read_text_table

    try:
        columns = list(read_text_table(decode(data, name).split("\n", 1)[0] + "\n", name)[0].columns)
    except UsageFormatError:
        return None
    st.markdown(f"**Map the columns of {name}**")
    fields = [
        "timestamp",
        "model",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "requests",
        "reported_cost_usd",
    ]
    cols = st.columns(4)
    mapping = {}
    for i, field in enumerate(fields):
        choice = cols[i % 4].selectbox(field, ["—", *columns], key=widget_key(f"map:{name}:{field}"))
        if choice != "—":
            mapping[field] = choice
    needed = {"timestamp", "model"} <= set(mapping) and ({"input_tokens", "output_tokens"} & set(mapping))
    return mapping if needed else None


def model_mapping(unpriced: list[str], catalog_ids: list[str]) -> None:
    if not unpriced:
        return
    st.warning(
        "These models are not in the price catalog, so their usage is not priced: " + ", ".join(unpriced)
    )
    with st.form("alias"):
        raw = st.selectbox("Model in the files", unpriced)
        target = st.selectbox("Price it as (catalog model)", ["(custom prices below)", *catalog_ids])
        c1, c2, c3, c4 = st.columns(4)
        p_in = c1.number_input("Input $/M", 0.0, 1000.0, 0.0)
        p_out = c2.number_input("Output $/M", 0.0, 1000.0, 0.0)
        p_cw = c3.number_input("Cache write $/M", 0.0, 1000.0, 0.0)
        p_cr = c4.number_input("Cache read $/M", 0.0, 1000.0, 0.0)
        if st.form_submit_button("Map model"):
            alias = Alias(raw, p_in, p_out, p_cw, p_cr) if target.startswith("(") else Alias(target)
            set_alias(store(), raw, alias)
            flash("success", f"{raw} is now priced as {alias.model_id}.")
            st.rerun()


def use_as_workload(priced: pd.DataFrame) -> None:
    st.subheader("Use as workload")
    by = st.selectbox("One task per", DIMENSIONS, index=DIMENSIONS.index("model"), key=widget_key("usage_by"))
    groups = traffic(priced, by)
    if not groups:
        st.caption("No priced usage yet.")
        return
    missing = [g for g in groups if g.requests is None]
    counts: dict[str, float] = {}
    if missing:
        st.info("These files have no request counts. Enter each group's requests per month:")
        cols = st.columns(min(4, len(missing)))
        for i, g in enumerate(missing):
            counts[g.name] = cols[i % len(cols)].number_input(
                g.name, min_value=0.0, value=0.0, step=100.0, key=widget_key(f"usage_rpm:{by}:{g.name}")
            )
    if st.button(
        "Use as workload",
        type="primary",
        icon=":material/input:",
        help="Replace the task mix with this traffic; the baseline becomes today's actual model mix.",
    ):
        try:
            files = list_imports(store())["file_name"].tolist()
            s = scenario_from_usage(current_scenario(), groups, counts, files=files)
        except ScenarioError as exc:
            st.error(str(exc))
            return
        replace_scenario(s)
        flash(
            "success",
            f"The task mix is now the imported traffic: {len(s.tasks)} tasks by {by}. "
            "Accuracy is an assumed placeholder until sample runs measure it.",
        )
        st.rerun()
