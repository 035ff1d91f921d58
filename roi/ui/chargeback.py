"""Chargeback page pieces: the firm's rules (tag or API key -> matter, client) edited as a table,
and the chargeback file built when its button is pressed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi.errors import UsageFormatError
from roi.report.chargeback import chargeback_xlsx, table_csv
from roi.ui.state import flash, may, needs, store, widget_key
from roi.usage.allocation import BASES, RULE_KINDS, Rule, chargeback, save_rules
from roi.usage.allocation_view import unmapped

RULE_COLUMNS = ["kind", "key", "matter", "client"]


def rules_editor(priced: pd.DataFrame, current: list[Rule]) -> None:
    """The rules as an editable table, saved whole; the tags and keys with spend and no rule below."""
    st.subheader("Matters and clients")
    st.caption(
        "Which tag or API key belongs to which matter and client. A request's mapped tags come "
        "first (a tag names the work); its API key's rule takes what its other tags leave."
    )
    frame = pd.DataFrame([r.__dict__ for r in current], columns=RULE_COLUMNS)
    edited = st.data_editor(
        frame,
        key=widget_key("chargeback_rules"),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "kind": st.column_config.SelectboxColumn("Kind", options=list(RULE_KINDS), required=True),
            "key": st.column_config.TextColumn("Tag or API key", required=True),
            "matter": st.column_config.TextColumn("Matter", required=True),
            "client": st.column_config.TextColumn("Client"),
        },
    )
    if st.button(
        "Save rules",
        type="primary",
        icon=":material/save:",
        key=widget_key("chargeback_save"),
        disabled=not may("edit_rules"),
        help=needs("edit_rules"),
    ):
        new = [
            Rule(
                str(r.kind),
                str(r.key or "").strip(),
                str(r.matter or "").strip(),
                (str(r.client).strip() or None) if isinstance(r.client, str) else None,
            )
            for r in edited.itertuples(index=False)
            if isinstance(r.key, str) and r.key.strip()
        ]
        try:
            save_rules(store(), new)
        except UsageFormatError as exc:
            st.error(f"Not saved: {exc}")
            return
        flash("success", f"Saved {len(new)} rule(s).")
        st.rerun()
    todo = unmapped(priced, current)
    if not todo.empty:
        with st.expander(f"{len(todo)} tag(s) and API key(s) with spend and no rule"):
            st.dataframe(todo, hide_index=True, width="stretch")


def _export(build, file_name: str, priced, rule_list, month, shared: float, basis: str) -> bytes:
    """The chargeback file, refused to a role that may not export usage, and recorded."""
    from roi.store.access import guarded

    with guarded(store(), "export_usage", f"chargeback {file_name} ({basis})"):
        return build(chargeback(priced, rule_list, month=month, shared_usd=shared, basis=basis))


def chargeback_downloads(priced: pd.DataFrame, month: str | None, rule_list: list[Rule]) -> None:
    """The file a billing system takes: one line per matter × model, as CSV or a workbook."""
    st.subheader("Chargeback file")
    shared = st.number_input(
        "Shared cost to spread by spend (USD; platform, routing set-up for the period)",
        min_value=0.0,
        value=0.0,
        step=100.0,
        format="%.2f",
        key=widget_key("chargeback_shared"),
    )
    basis = st.radio(
        "Charge",
        BASES,
        format_func={
            "computed": "Computed cost (catalog prices)",
            "bill": "The bill, spread over the usage it paid for",
        }.get,
        horizontal=True,
        key=widget_key("chargeback_basis"),
        help="With the bill, the file adds up to the imported bill; usage no bill covers keeps its computed "
        "cost, and credits or fees are lines of their own.",
    )
    name = f"chargeback-{month or 'all'}"
    builds = (
        ("Chargeback CSV", table_csv, "csv", "text/csv"),
        (
            "Chargeback workbook (XLSX)",
            chargeback_xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    )
    for col, (label, build, ext, mime) in zip(st.columns(2), builds, strict=True):
        col.download_button(
            label,
            data=lambda build=build, ext=ext: _export(
                build, f"{name}.{ext}", priced, rule_list, month, shared, basis
            ),
            file_name=f"{name}.{ext}",
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
            disabled=not may("export_usage"),
            help=needs("export_usage"),
        )
