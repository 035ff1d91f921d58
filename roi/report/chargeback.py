"""The chargeback file a billing system takes (`roi.usage.allocation.chargeback`), as CSV or a
workbook. Text cells are neutralized (a matter named "=HYPERLINK(...)" stays text); money keeps
its cents."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from roi.cells import cell


def _text(x: object) -> object:
    """A cell as CSV writes it: nothing for missing, decimals never in E notation (billing
    systems and FOCUS readers want 0.00007, not 7e-05), text neutralized."""
    v = cell(x)
    if isinstance(v, float):
        return np.format_float_positional(v, trim="0")
    return "" if v is None else v


def table_csv(lines: pd.DataFrame) -> bytes:
    """Any table (the chargeback, FOCUS rows) as CSV; text cells neutralized, so a matter named
    "=HYPERLINK(...)" stays text."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(lines.columns)
    for row in lines.itertuples(index=False):
        w.writerow([_text(x) for x in row])
    return buf.getvalue().encode("utf-8")


def chargeback_xlsx(lines: pd.DataFrame) -> bytes:
    """The chargeback as a workbook: one sheet, money as numbers with cents, a total row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chargeback"
    ws.append(list(lines.columns))
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in lines.itertuples(index=False):
        ws.append([cell(x) for x in row])
    money = {i + 1 for i, c in enumerate(lines.columns) if c.endswith("_usd")}
    total = ["total", *[None] * (len(lines.columns) - 1)]
    for i in money:
        total[i - 1] = round(float(lines.iloc[:, i - 1].sum()), 2)
    ws.append(total)
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for r in ws.iter_rows(min_row=2):
        for c in r:
            if c.column in money:
                c.number_format = "#,##0.00"
    for i, name in enumerate(lines.columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(name) + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
