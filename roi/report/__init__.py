"""Client-ready exports of a scenario: an offline HTML report, a PPTX deck, a PDF, XLSX and CSV.

Every builder returns bytes and reads the same `compute(scenario)` result, so the numbers in each
file are the numbers of `roi scenario --json`. No Streamlit here: pages and the CLI call `build`.
The builders (plotly, python-pptx, openpyxl, Playwright) are imported on first use, so importing
this package, as the `roi` command does at start, stays cheap.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from roi.engine import Result, compute
from roi.errors import ReportError
from roi.report.branding import Branding
from roi.report.formats import FORMATS, ExportFormat, file_name, format_for_path
from roi.scenario import Scenario

if TYPE_CHECKING:
    from roi.report.content import Report


def render(rep: Report, fmt: str) -> bytes:
    """One format from an already built Report (several formats from one evaluation)."""
    if fmt == "html":
        from roi.report.html import build_html

        return build_html(rep)
    if fmt == "pptx":
        from roi.report.pptx import build_pptx

        return build_pptx(rep)
    if fmt == "pdf":
        from roi.report.pdf import build_pdf

        return build_pdf(rep)
    if fmt == "xlsx":
        from roi.report.xlsx import build_xlsx

        return build_xlsx(rep)
    if fmt == "csv":
        from roi.report.csv import build_csv

        return build_csv(rep)
    raise ReportError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def build(
    scenario: Scenario | Result,
    fmt: str,
    *,
    branding: Branding | None = None,
    generated: date | None = None,
) -> bytes:
    """The file for `fmt` (html, pptx, pdf, xlsx or csv) as bytes; pass a Result to skip re-evaluating."""
    from roi.report.content import build_report

    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    result = scenario if isinstance(scenario, Result) else compute(scenario)
    return render(build_report(result, branding=branding, generated=generated), fmt)


def export(store: Any, result: Result, fmt: str, *, branding: Branding | None = None) -> bytes:
    """`build` for a signed-in user: refused unless they may export reports, and recorded."""
    from roi.store.access import guarded

    with guarded(store, "export_report", f"“{result.scenario.name}” as {fmt}"):
        return build(result, fmt, branding=branding)


def __getattr__(name: str) -> Any:
    """`Report` and `build_report` from roi.report.content, imported when first asked for."""
    if name in ("Report", "build_report"):
        from roi.report import content

        return getattr(content, name)
    raise AttributeError(f"module 'roi.report' has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "Branding",
    "ExportFormat",
    "Report",
    "build",
    "build_report",
    "export",
    "file_name",
    "format_for_path",
    "render",
]
