"""The workbook for finance (openpyxl): Summary, Tasks, Projection, Breakdown and Assumptions.

Numbers are written as numbers (the engine's floats, unrounded; formats only change how they
look), so every cell equals `roi scenario --json`. Text from the scenario goes through
`cells.cell`, so no cell is ever a formula.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from roi import present
from roi.cells import cell, xml_safe
from roi.report.content import Report
from roi.report.tables import (
    Column,
    Table,
    breakdown_table,
    projection_table,
    summary_table,
    tasks_table,
)

SUMMARY_HEADER_ROW = 6  # rows 1-4 say whose report this is; tables on the other sheets start at row 1


def _header(ws: Worksheet, row: int, labels: list[str], rep: Report) -> None:
    fill = PatternFill("solid", fgColor=rep.branding.accent.lstrip("#"))
    font = Font(bold=True, color=rep.branding.text_on_accent.lstrip("#"))
    for j, label in enumerate(labels, start=1):
        c = ws.cell(row=row, column=j, value=cell(label))
        c.fill, c.font = fill, font
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _widths(ws: Worksheet, columns: list[Column] | list[str], rows: list[list]) -> None:
    labels = [c.label if isinstance(c, Column) else c for c in columns]
    for j, label in enumerate(labels):
        longest = max(
            [len(label)] + [len(str(r[j])) for r in rows[:200] if r[j] is not None and isinstance(r[j], str)]
        )
        ws.column_dimensions[get_column_letter(j + 1)].width = min(max(12, longest + 2), 60)


def _table_sheet(ws: Worksheet, table: Table, rep: Report, *, start_row: int = 1) -> None:
    _header(ws, start_row, [c.label for c in table.columns], rep)
    for i, row in enumerate(table.rows, start=start_row + 1):
        for j, (col, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            c = ws.cell(row=i, column=j, value=cell(value))
            fmt = table.value_formats[i - start_row - 1] if table.value_formats and j == len(row) else col.fmt
            if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                c.number_format = fmt
    _widths(ws, table.columns, table.rows)


def _summary_sheet(ws: Worksheet, rep: Report) -> None:
    s, b = rep.scenario, rep.branding
    ws.cell(
        row=1, column=1, value=cell(" · ".join(x for x in (b.firm_name, "Routing ROI report") if x))
    ).font = Font(bold=True, size=14, color=b.accent.lstrip("#"))
    ws.cell(row=2, column=1, value=cell(s.name)).font = Font(bold=True, size=12)
    ws.cell(
        row=3,
        column=1,
        value=cell(
            f"Prepared {rep.generated.isoformat()} · prices as of {s.as_of.isoformat()} · Routing ROI {rep.version}"
        ),
    )
    if s.illustrative:
        ws.cell(
            row=4,
            column=1,
            value="Illustrative: volumes, accuracies and costs are assumptions, not measurements.",
        )
    _table_sheet(ws, summary_table(rep.result), rep, start_row=SUMMARY_HEADER_ROW)


def _assumptions_sheet(ws: Worksheet, rep: Report) -> None:
    labels = ["Group", "Assumption", "Value", "Number", "Unit", "Source"]
    _header(ws, 1, labels, rep)
    rows = [[a.group, a.item, a.value, a.number, a.unit, a.source] for a in rep.assumptions]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=cell(value))
    _widths(ws, labels, rows)


def _uncertainty_sheet(ws: Worksheet, rep: Report) -> None:
    """The ranges: P10 / P50 / P90 of the money figures, the chance of payback, what drives the
    spread, and how they were made."""
    u = rep.uncertainty
    d = u.to_dict()
    ws.cell(row=1, column=1, value=cell(present.uncertainty_method(u)))
    labels = ["Figure", "P10", "P50", "P90"]
    _header(ws, 3, labels, rep)
    pay = ["none within the horizon" if m is None else m for m in d["payback_month"].values()]
    rows: list[list] = [
        ["Payback month", *pay],
        ["ROI (%)", *(d["roi_pct"][k] for k in ("p10", "p50", "p90"))],
        ["Net benefit, month 1 (USD)", *(d["month1_net_benefit"][k] for k in ("p10", "p50", "p90"))],
        *(
            [f"Cumulative net benefit, month {b['month']} (USD)", b["p10"], b["p50"], b["p90"]]
            for b in d["cumulative_net_benefit"]
        ),
    ]
    for i, row in enumerate(rows, start=4):
        for j, value in enumerate(row, start=1):
            c = ws.cell(
                row=i,
                column=j,
                value=cell("none within the horizon" if value is None and j > 1 and i == 4 else value),
            )
            if isinstance(c.value, float):
                c.number_format = "#,##0.00"
    at = 4 + len(rows) + 1
    ws.cell(row=at, column=1, value="Chance of payback within the horizon")
    ws.cell(row=at, column=2, value=d["prob_payback_within_horizon"]).number_format = "0%"
    _header(ws, at + 2, ["What drives the spread", "Share of the variance"], rep)
    for i, drv in enumerate(d["drivers"], start=at + 3):
        ws.cell(row=i, column=1, value=cell(drv["input"]))
        ws.cell(row=i, column=2, value=drv["share"]).number_format = "0.0%"
    _widths(ws, labels, rows)


def build_xlsx(rep: Report) -> bytes:
    wb = Workbook()
    wb.properties.title = xml_safe(rep.scenario.name)
    wb.properties.creator = xml_safe(rep.branding.firm_name) or "Routing ROI"
    _summary_sheet(wb.active, rep)
    wb.active.title = "Summary"
    r = rep.result
    for table in (tasks_table(r), projection_table(r), breakdown_table(r)):
        _table_sheet(wb.create_sheet(table.name), table, rep)
    _assumptions_sheet(wb.create_sheet("Assumptions"), rep)
    if rep.uncertainty is not None:
        _uncertainty_sheet(wb.create_sheet("Ranges"), rep)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
