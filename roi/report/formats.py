"""The export formats and download file names (kept free of heavy imports: the CLI loads it at start)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from roi.errors import ReportError
from roi.scenario import Scenario


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    mime: str
    label: str
    needs_browser: bool  # rendered through Chromium (slower: show a spinner)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("html", ".html", "text/html", "Offline report (HTML)", False),
        ExportFormat(
            "pptx",
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "Slide deck (PPTX)",
            True,
        ),
        ExportFormat("pdf", ".pdf", "application/pdf", "Report (PDF)", True),
        ExportFormat(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Numbers (XLSX)",
            False,
        ),
        ExportFormat("csv", ".csv", "text/csv", "Numbers (CSV)", False),
    )
}


def format_for_path(path: str | Path) -> str:
    """The format an output file name asks for, by its extension; ValueError for any other."""
    ext = Path(path).suffix.lower()
    for f in FORMATS.values():
        if f.extension == ext:
            return f.name
    known = ", ".join(f.extension for f in FORMATS.values())
    raise ReportError(f"{path}: unknown report type {ext or '(no extension)'!r}; use one of {known}")


def file_name(scenario: Scenario, fmt: str, *, today: date | None = None) -> str:
    """A download name such as 'law-firm-route-routine-work-2026-12-01.pptx'."""
    slug = re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-")[:60] or "scenario"
    return f"{slug}-{(today or date.today()).isoformat()}{FORMATS[fmt].extension}"
