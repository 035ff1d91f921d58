"""Usage page pieces: upload with detection, preview and mapping; import; deleting an import;
model mapping; reconciliation; workload.

Just over 300 lines: one flow over one upload box and its per-file mapping state, from choosing a
file to what the imported usage leads to (reconcile, map models, use as workload); the pieces
share the box's keys and the flash message the import leaves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.errors import ScenarioError, UsageFormatError
from roi.ui.state import (
    current_scenario,
    empty_upload_box,
    flash,
    may,
    needs,
    replace_scenario,
    store,
    upload_box_key,
    value,
    widget_key,
)
from roi.ui.text import md
from roi.ui.usage_sources import ROWS_HELP, engine_preview, flash_result
from roi.usage import READERS, delete_import, engine_source, ingest, read_usage, reader_names
from roi.usage.formats import UnrecognizedColumns, header_columns
from roi.usage.generic import MAPPING_FIELDS, ROWS
from roi.usage.pricing import DEFAULT_TOLERANCE_PCT, Alias, days_covered, reconciliation, set_alias
from roi.usage.traffic import (
    DIMENSIONS,
    default_dimension,
    placeholder_tasks,
    scenario_from_usage,
    source_files,
    traffic,
)

AUTO = "detect from the header"
UPLOADS = "usage_files"  # the upload box's purpose (its key changes each time it is emptied)
# plain files only: no archive or compressed file (a zip bomb) arrives through the browser
UPLOAD_TYPES = ["csv", "json", "tsv", "txt", "jsonl", "ndjson", "parquet"]
EACH_ROW = {"as detected": None, "one request": "requests", "a time bucket (requests unknown)": "buckets"}


def upload_and_import() -> None:
    files = st.file_uploader(
        "Usage exports (CSV, JSON, or per-request logs as JSON Lines or Parquet; several at once)",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=upload_box_key(UPLOADS),
    )
    if not files:
        return
    fmt = st.selectbox("Format", [AUTO, *reader_names()], key=widget_key("usage_format"))
    chosen = None if fmt == AUTO else fmt
    ready: list[tuple[str, bytes, dict[str, str] | None]] = []
    for f in files:
        data = f.getvalue()
        # what the user said a row is ("Each row is", drawn with the file's preview) decides the reader
        said = EACH_ROW.get(value(widget_key(f"usage_rows:{f.name}"), "as detected"))
        own = {ROWS: said} if said else None
        if engine_source((f.name, data, own), chosen):
            if engine_preview(f.name, data, mapping=own, expanded=len(files) == 1, each_row=list(EACH_ROW)):
                ready.append((f.name, data, own))
            continue
        mapping: dict[str, str] | None = None
        try:
            result = read_usage(data, name=f.name, format=chosen)
        except UnrecognizedColumns as exc:
            # only a header nobody recognized is fixed by saying which column is which
            st.error(f"{exc}")
            mapping = _mapping_step(f.name, data)
            if not mapping:
                continue
            try:
                result = read_usage(data, name=f.name, format="generic", mapping=mapping)
            except UsageFormatError as exc2:
                st.error(str(exc2))
                continue
        except UsageFormatError as exc:
            st.error(f"{exc}")  # bad values or broken JSON: the message says where; no mapping form
            continue
        each = ", one request each" if result.per_request else ""
        with st.expander(
            f"{md(f.name)}: {READERS[result.format].label}, {len(result.frame):,} rows{each}",
            expanded=len(files) == 1,
        ):
            for w in result.warnings:
                st.warning(w)
            if result.format == "generic" and mapping is None:  # (the mapping step asks the same)
                rows = st.selectbox(
                    "Each row is", list(EACH_ROW), key=widget_key(f"usage_rows:{f.name}"), help=ROWS_HELP
                )
                if EACH_ROW[rows] is not None:
                    mapping = {ROWS: EACH_ROW[rows]}
                    result = read_usage(data, name=f.name, format="generic", mapping=mapping)
            for n in result.notes:
                st.caption(n)
            st.dataframe(result.frame.head(20), hide_index=True, width="stretch")
        ready.append((f.name, data, mapping))
    if (
        ready
        and len(ready) == len(files)
        and st.button(
            "Import",
            type="primary",
            icon=":material/database_upload:",
            disabled=not may("import"),
            help=needs("import"),
        )
    ):
        bar = st.progress(0.0, text="Importing…")
        stages = {
            "reading": (0.2, "Reading and checking…"),
            "de-duplicating": (0.5, "Skipping requests already imported…"),
            "summing": (0.8, "Summing per hour…"),
        }
        try:
            result = ingest(
                store(), ready, format=chosen, progress=lambda s: bar.progress(*stages.get(s, (0.5, s)))
            )
        except UsageFormatError as exc:
            bar.empty()
            st.error(f"Nothing was imported: {exc}")
            return
        bar.progress(1.0, text="Done")
        flash_result(result, "Imported.")
        empty_upload_box(UPLOADS)  # imported files leave the box: nothing is imported twice by a later click
        st.rerun()
    elif ready and len(ready) < len(files):
        st.info("Fix or remove the files with errors to import the batch (nothing is imported half-way).")


def _mapping_step(name: str, data: bytes) -> dict[str, str] | None:
    """When no reader recognizes the header, let the user say which column is which (generic CSV)."""
    try:
        columns = header_columns(data, name)
    except UsageFormatError:
        return None
    st.markdown(f"**Map the columns of {name}**")
    cols = st.columns(4)
    mapping = {}
    for i, field in enumerate(MAPPING_FIELDS):
        choice = cols[i % 4].selectbox(field, ["—", *columns], key=widget_key(f"map:{name}:{field}"))
        if choice != "—":
            mapping[field] = choice
    rows = st.selectbox("Each row is", list(EACH_ROW), key=widget_key(f"map:{name}:{ROWS}"))
    if EACH_ROW[rows] is not None:
        mapping[ROWS] = EACH_ROW[rows]
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
        if st.form_submit_button("Map model", disabled=not may("map_model"), help=needs("map_model")):
            alias = Alias(raw, p_in, p_out, p_cw, p_cr) if target.startswith("(") else Alias(target)
            set_alias(store(), raw, alias)
            flash("success", f"{raw} is now priced as {alias.model_id}.")
            st.rerun()


def reconcile_view(priced: pd.DataFrame) -> None:
    """Computed vs billed over the days both sides cover; what is one-sided or off is flagged."""
    st.subheader("Computed vs billed")
    tolerance = st.number_input(
        "Flag differences beyond (% of the bill)",
        min_value=0.0,
        max_value=100.0,
        value=DEFAULT_TOLERANCE_PCT,
        step=0.5,
        key=widget_key("usage_tolerance"),
    )
    rec = reconciliation(priced, tolerance_pct=tolerance)
    if not rec.billed_days:
        st.caption(
            "No billed cost in the imports yet: add a cost export (Console cost CSV, Admin API cost report, OpenAI cost CSV)."
        )
        return
    words = rec.words()
    st.markdown("\n".join(f"- {w}" for w in words))
    if rec.table.empty:
        return
    flagged = rec.table["flagged"].to_numpy()
    shown = rec.display()
    st.dataframe(
        shown.style.apply(
            lambda row: ["background-color: #fdecea" if flagged[row.name] else "" for _ in row], axis=1
        ),
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.TextColumn(c, alignment="right")
            for c in ("Computed", "Billed", "Difference", "Difference %")
        },
    )


def use_as_workload(priced: pd.DataFrame, imports: pd.DataFrame) -> None:
    st.subheader("Use as workload")
    default = default_dimension(priced)
    by = st.selectbox(
        "One task per",
        DIMENSIONS,
        index=DIMENSIONS.index(default),
        key=widget_key("usage_by"),
        help="The files' task (or tag) column when they have one, else the model.",
    )
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
        days = days_covered(priced[priced["kind"] == "usage"])
        try:
            s = scenario_from_usage(
                current_scenario(),
                groups,
                counts,
                files=source_files(priced, imports),
                period=None if days is None else (days.first, days.last),
            )
        except ScenarioError as exc:
            st.error(str(exc))
            return
        replace_scenario(s)
        flash("success", f"The task mix is now “{md(s.name)}”: {len(s.tasks)} tasks, one per {by}.")
        st.rerun()
    next_step()


def next_step() -> None:
    """After "Use as workload": the accuracies are placeholders until sample runs measure them."""
    waiting = placeholder_tasks(current_scenario())
    if not waiting:
        return
    st.info(
        f"Next step: the accuracy of {len(waiting)} task{'s' if len(waiting) != 1 else ''} "
        f"({', '.join(waiting[:4])}{', …' if len(waiting) > 4 else ''}) is a placeholder, the same for "
        "every model, not a measurement. Routing that depends on accuracy means little until sample "
        "runs on Evaluate measure it on your own examples.",
        icon=":material/science:",
    )
    if st.button("Measure accuracy on Evaluate", icon=":material/fact_check:", key=widget_key("usage_next")):
        st.switch_page("pages/evaluate.py")


def delete_control(imports: pd.DataFrame) -> None:
    """Pick an import and delete it, after a confirmation."""
    by_id = imports.set_index("id")
    victim = st.selectbox(
        "Import",
        imports["id"].tolist(),
        format_func=lambda i: f"#{i} {by_id.loc[i, 'file_name']}",
        key=widget_key("usage_delete"),
    )
    if st.button(
        "Delete this import",
        icon=":material/delete:",
        disabled=not may("delete_import"),
        help=needs("delete_import"),
    ):
        row = by_id.loc[victim]
        _confirm_delete(int(victim), str(row["file_name"]), int(row["rows_stored"]))


@st.dialog("Delete this import?")
def _confirm_delete(import_id: int, file_name: str, rows: int) -> None:
    st.markdown(
        f"**#{import_id} {file_name}**: its {rows:,} stored rows leave every total, chart and the "
        "reconciliation. It comes back only if you upload the file again."
    )
    c1, c2 = st.columns(2)
    if c1.button("Delete", type="primary", icon=":material/delete:", key=widget_key("usage_delete_yes")):
        delete_import(store(), import_id)
        flash("success", f"Deleted import #{import_id} ({file_name}).")
        st.rerun()
    if c2.button("Cancel", key=widget_key("usage_delete_no")):
        st.rerun()
