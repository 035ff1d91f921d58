"""The finance pack as files: a workbook (one sheet per section, numbers as numbers), an offline
HTML page, and a PDF printed from it by Chromium, with the scenario report's own pieces."""

from __future__ import annotations

import io

from roi.cells import cell, xml_safe
from roi.report.pack import Pack, Section
from roi.report.tables import MONEY, PCT, SHARE


def pack_xlsx(pack: Pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from roi.report.xlsx import _table_sheet

    wb = Workbook()
    wb.properties.title = xml_safe(pack.title)
    wb.properties.creator = xml_safe(pack.branding.firm_name) or "Routing ROI"
    ws = wb.active
    ws.title = "Summary"
    ws.cell(
        row=1, column=1, value=cell(" · ".join(x for x in (pack.branding.firm_name, pack.title) if x))
    ).font = Font(bold=True, size=14)
    ws.cell(
        row=2,
        column=1,
        value=f"Usage seen: {pack.period} · prepared {pack.generated.isoformat()} · Routing ROI {pack.version}",
    )
    row = 4
    for s in pack.sections:
        ws.cell(row=row, column=1, value=cell(s.title)).font = Font(bold=True)
        ws.cell(row=row, column=2, value=cell(s.provenance))
        for n in s.notes:
            row += 1
            ws.cell(row=row, column=2, value=cell(n))
        row += 2
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 32, 120
    for s in pack.sections:
        if s.table is not None:
            _table_sheet(wb.create_sheet(s.table.name[:31]), s.table, pack)  # type: ignore[arg-type]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _value(v: object, fmt: str) -> tuple[str, bool]:
    """A table cell as the HTML shows it: money to the cent, shares and percentages, counts."""
    from roi.numbers import money_cents

    if v is None or (isinstance(v, float) and v != v):
        return "—", False
    if isinstance(v, int | float) and not isinstance(v, bool):
        if fmt == MONEY:
            return money_cents(float(v)), True
        if fmt == SHARE:
            return f"{float(v):.1%}", True
        if fmt == PCT:
            return f"{float(v):+.1f}%", True
        return f"{float(v):,.0f}", True
    return str(v), False


def _section(s: Section, n: int) -> str:
    from roi.report.html import CHART_PX, PLOT_CONFIG, _e, _table

    parts = [
        f'<section id="section-{n}"><h2>{_e(s.title)}</h2><p class="meta">Source: {_e(s.provenance)}</p>'
    ]
    if s.figure is not None:
        fig = s.figure.update_layout(height=CHART_PX)
        parts.append(
            '<figure class="chart">'
            + fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{n}", config=PLOT_CONFIG)
            + "</figure>"
        )
    if s.table is not None and s.table.rows:
        rows = [[_value(v, c.fmt) for v, c in zip(r, s.table.columns, strict=True)] for r in s.table.rows]
        parts.append(_table([c.label for c in s.table.columns], rows))
    parts.extend(f'<p class="note">{_e(x)}</p>' for x in s.notes)
    return "".join(parts) + "</section>"


def pack_html(pack: Pack) -> bytes:
    from roi.report.html import _CSS, PLOTLYJS_ID, _e, _header, _plotlyjs

    b = pack.branding
    css = _CSS % {"accent": b.accent, "on_accent": b.text_on_accent}
    meta = f"Usage seen: {pack.period} · prepared {pack.generated.isoformat()} · Routing ROI {pack.version}"
    body = "".join(_section(s, i) for i, s in enumerate(pack.sections, start=1))
    title = " · ".join(x for x in (b.firm_name, pack.title) if x)
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{css}</style>"
        f'<script id="{PLOTLYJS_ID}">{_plotlyjs()}</script></head><body>'
        f"{_header(pack)}<main><h1>{_e(pack.title)}</h1><p class=meta>{_e(meta)}</p>{body}"
        f"<footer>{_e(meta)}</footer></main></body></html>\n"
    )
    return html.encode("utf-8")


def pack_pdf(pack: Pack) -> bytes:
    from roi.report.browser import chromium_path, in_worker_thread
    from roi.report.pdf import _print, footer_html

    footer = footer_html(" · ".join(x for x in (pack.branding.firm_name, pack.title) if x))
    html = pack_html(pack).decode("utf-8")
    executable = chromium_path()
    return in_worker_thread(lambda: _print(html, footer, executable))


def render_pack(pack: Pack, fmt: str) -> bytes:
    return {"xlsx": pack_xlsx, "html": pack_html, "pdf": pack_pdf}[fmt](pack)
