"""The monthly finance pack on the Report page: pick a month, download it as XLSX, HTML or PDF,
built when clicked with the scenario being explored as the plan (`roi report --month` builds the same)."""

from __future__ import annotations

import streamlit as st

from roi.report import FORMATS
from roi.report.branding import Branding
from roi.report.pack import PACK_FORMATS, build_pack
from roi.report.pack_files import render_pack
from roi.scenario import Scenario
from roi.ui.state import may, needs, store, usage_key, widget_key
from roi.usage import priced_store
from roi.usage.allocation_view import months_in


@st.cache_data(show_spinner=False, max_entries=4)
def _months(usage: tuple) -> list[str]:
    del usage  # the cache key (state.usage_key): read once per set of imports
    return months_in(priced_store(store()))


def finance_pack_downloads(s: Scenario, branding: Branding) -> None:
    st.subheader("Monthly finance pack")
    months = _months(usage_key())
    if not months:
        st.caption("Import usage on the Usage page to build the monthly finance pack.")
        return
    month = st.selectbox("Month", months, key=widget_key("pack_month"))
    plan = (
        f"savings against “{s.name}”" if s.go_live else f"no savings section (“{s.name}” has no go-live date)"
    )
    st.caption(
        "Spend by model and matter, the reconciliation with the bill, savings achieved vs plan, the "
        f"forecast and the budgets; {plan}."
    )
    for col, fmt in zip(st.columns(len(PACK_FORMATS)), PACK_FORMATS, strict=True):
        col.download_button(
            f"Finance pack ({fmt.upper()})",
            data=lambda fmt=fmt: render_pack(build_pack(store(), month, s, branding=branding), fmt),
            file_name=f"finance-pack-{month}.{fmt}",
            mime=FORMATS[fmt].mime,
            on_click="ignore",
            width="stretch",
            icon=":material/download:",
            key=widget_key(f"pack_{fmt}"),
            disabled=not may("export_usage"),
            help=needs("export_usage"),
        )
