"""Audit log: who imported, deleted, saved, exported, ran or changed what, and when (admins)."""

import pandas as pd
import streamlit as st

from roi.report.chargeback import table_csv
from roi.store.access import audit_log
from roi.ui.state import show_flash, store

show_flash()
st.title("Audit log")
if not store().actor.may("read_audit"):
    st.info("Only an admin can read the audit log.")
    st.stop()
entries = pd.DataFrame(
    [e.__dict__ for e in audit_log(store())], columns=["at", "user", "workspace", "action", "detail"]
)
st.caption(
    "Every change and export, newest first; the database refuses to change or delete an entry. "
    "Secrets (API keys, passwords in database URLs, webhook URLs) are never written here."
)
if entries.empty:
    st.info("Nothing recorded yet.")
    st.stop()
st.dataframe(
    entries,
    hide_index=True,
    width="stretch",
    column_config={"at": st.column_config.DatetimeColumn("When (UTC)")},
)
st.download_button(
    "Audit log (CSV)",
    data=lambda: table_csv(entries),
    file_name="audit-log.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
