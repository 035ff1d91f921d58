"""Report: an offline HTML report, a deck, a PDF and the numbers, plus the firm's branding."""

import streamlit as st

from roi.errors import RoiError
from roi.report import FORMATS, export
from roi.report.branding import load_branding, save_branding
from roi.report.formats import file_name
from roi.report.html import scenario_from_html
from roi.ui.pack import finance_pack_downloads
from roi.ui.state import (
    computed,
    current_scenario,
    edit_scenario,
    first_time,
    flash,
    may,
    needs,
    show_flash,
    store,
    widget_key,
)
from roi.ui.text import md
from roi.ui.widgets import scenario_banner

show_flash()
st.title("Report")
s = current_scenario()
scenario_banner(s)
result = computed(s)
branding = load_branding(store())

if result is not None:
    st.write(
        "Everything the dashboard shows for this scenario, with every assumption and its source. "
        "Files are built when you click (the deck and the PDF take a few seconds)."
    )
    cols = st.columns(len(FORMATS))
    for col, (fmt, spec) in zip(cols, FORMATS.items(), strict=True):
        col.download_button(
            spec.label,
            data=lambda fmt=fmt, r=result, b=branding: export(store(), r, fmt, branding=b),
            file_name=file_name(s, fmt),
            mime=spec.mime,
            on_click="ignore",
            width="stretch",
            icon=":material/download:",
            disabled=not may("export_report"),
            help=needs("export_report"),
        )

finance_pack_downloads(s, branding)

st.subheader("Branding")
with st.form("branding"):
    firm = st.text_input("Firm name", value=branding.firm_name)
    accent = st.color_picker("Accent colour", value=branding.accent)
    logo = st.file_uploader("Logo (PNG or JPEG, up to 2 MB)", type=["png", "jpg", "jpeg"])
    clear = st.checkbox("Remove the logo", disabled=branding.logo_png is None)
    if st.form_submit_button("Save branding", disabled=not may("settings"), help=needs("settings")):
        new_logo = logo.getvalue() if logo is not None else None
        try:
            save_branding(
                store(), branding.edited(firm_name=firm, accent=accent, new_logo=new_logo, remove_logo=clear)
            )
        except RoiError as exc:
            st.error(f"Not saved: {exc}")
        else:
            flash("success", "Branding saved: the app and every export use it.")
            st.rerun()
if branding.logo_png:
    st.image(branding.logo_png, width=160)

st.subheader("Open a report")
up = st.file_uploader(
    "An HTML report made by this app (its scenario is embedded)",
    type=["html"],
    key=widget_key("report_upload"),
)
if up is not None and first_time("report upload", up.file_id):
    edit_scenario(
        lambda _: scenario_from_html(up.getvalue()),
        success=lambda opened: f'Opened "{md(opened.name)}" from {md(up.name)}.',
        refused=f"{md(up.name)} was not opened",
    )
    st.rerun()
