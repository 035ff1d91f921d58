"""The numbers as CSV: the per-month projection, a blank line, then the per-task table.

Each part has its own header row (first column `month`, then `task`); values are the engine's
floats, unrounded, and text cells are neutralized so a spreadsheet never runs a formula from them.
"""

from __future__ import annotations

import csv
import io

from roi.cells import cell
from roi.report.content import Report
from roi.report.tables import Table, projection_table, tasks_table


def _write(w, table: Table) -> None:
    w.writerow([c.key for c in table.columns])
    for row in table.rows:
        w.writerow(["" if (v := cell(x)) is None else repr(v) if isinstance(v, float) else v for x in row])


def build_csv(rep: Report) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    _write(w, projection_table(rep.result))
    w.writerow([])
    _write(w, tasks_table(rep.result))
    return buf.getvalue().encode("utf-8")


def read_sections(data: bytes) -> dict[str, list[dict[str, str]]]:
    """Parse a CSV made by `build_csv` back into {"projection": rows, "tasks": rows} (for tests and tools)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    blank = rows.index([])
    parts = {"projection": rows[:blank], "tasks": rows[blank + 1 :]}
    return {name: [dict(zip(p[0], r, strict=True)) for r in p[1:]] for name, p in parts.items()}
