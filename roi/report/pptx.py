"""The 16:9 deck (python-pptx): title slide, headline figures, one chart per slide, assumptions.

Charts are PNGs rendered by kaleido at twice their layout size, so they stay sharp on a projector.
Every slide carries the firm's accent bar; the title slide its name and logo. The slides are made
from the default template's "Title Slide" and "Title Only" layouts, so titles are real titles
that a firm's own master restyles when the slides are pasted into its deck.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationObj
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from roi.cells import xml_safe
from roi.report.assumptions import Assumption, key_assumptions
from roi.report.content import Report
from roi.report.images import figures_to_png

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_W = SLIDE_W - 2 * MARGIN
CHART_TOP, CHART_BOTTOM = Inches(1.75), Inches(6.95)
CHART_PX_W = 1230  # layout pixels of a chart image; ×2 when rendered
CHART_FONT_SCALE = 1.25  # chart fonts a little larger than on screen, for the back of the room
INK, MUTED, TILE_FILL = RGBColor(0x24, 0x29, 0x2F), RGBColor(0x57, 0x60, 0x6A), RGBColor(0xF6, 0xF8, 0xFA)
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
TABLE_BUDGET_IN = 5.3  # inches of table per assumptions slide


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


@dataclass(frozen=True)
class _Deck:
    prs: PresentationObj
    rep: Report

    @property
    def accent(self) -> RGBColor:
        return _rgb(self.rep.branding.accent)


def _text(
    slide: Slide, left, top, width, height, text: str, *, size: float, color=INK, bold=False, align=None
):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    p.text = xml_safe(text)
    p.font.size, p.font.bold, p.font.color.rgb = Pt(size), bold, color
    if align is not None:
        p.alignment = align
    return box


def _rect(slide: Slide, left, top, width, height, fill: RGBColor):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _title(slide: Slide, text: str) -> None:
    t = slide.shapes.title
    t.left, t.top, t.width, t.height = MARGIN, Inches(0.3), CONTENT_W, Inches(0.8)
    t.text = xml_safe(text)
    tf = t.text_frame
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    p.font.size, p.font.bold, p.font.color.rgb = Pt(30), True, INK


def _chrome(d: _Deck, slide: Slide, number: int) -> None:
    """Accent bar on top, firm · scenario and the slide number at the bottom."""
    _rect(slide, 0, 0, SLIDE_W, Inches(0.12), d.accent)
    who = " · ".join(x for x in (d.rep.branding.firm_name, d.rep.scenario.name) if x)
    _text(slide, MARGIN, Inches(7.05), Inches(10), Inches(0.35), who, size=10, color=MUTED)
    _text(
        slide, SLIDE_W - MARGIN - Inches(1.5), Inches(7.05), Inches(1.5), Inches(0.35), str(number),
        size=10, color=MUTED, align=PP_ALIGN.RIGHT,
    )  # fmt: skip


def _new(d: _Deck, title: str) -> Slide:
    slide = d.prs.slides.add_slide(d.prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, title)
    _chrome(d, slide, len(d.prs.slides))
    return slide


def _title_slide(d: _Deck) -> None:
    rep, b = d.rep, d.rep.branding
    slide = d.prs.slides.add_slide(d.prs.slide_layouts[TITLE_LAYOUT])
    _rect(slide, 0, 0, Inches(0.4), SLIDE_H, d.accent)
    left, width = Inches(1.0), SLIDE_W - Inches(2.0)
    if b.logo_png:
        slide.shapes.add_picture(io.BytesIO(b.logo_png), left, Inches(0.8), height=Inches(1.0))
    if b.firm_name:
        _text(slide, left, Inches(2.1), width, Inches(0.6), b.firm_name, size=24, color=d.accent, bold=True)
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = left, Inches(2.8), width, Inches(1.7)
    title.text = xml_safe(rep.scenario.name)
    tf = title.text_frame
    tf.word_wrap, tf.vertical_anchor = True, MSO_ANCHOR.TOP
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    p.font.size, p.font.bold, p.font.color.rgb = Pt(40), True, INK
    sub = slide.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = left, Inches(4.7), width, Inches(1.4)
    lines = [
        f"Routing ROI · prepared {rep.generated.isoformat()} · prices as of {rep.scenario.as_of.isoformat()}",
    ]
    if rep.scenario.illustrative:
        lines.append("Illustrative: volumes, accuracies and costs are assumptions, not measurements.")
    sub.text = "\n".join(lines)
    for p in sub.text_frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        p.font.size, p.font.color.rgb = Pt(18), MUTED


def _headline_slide(d: _Deck) -> None:
    slide = _new(d, "The answer")
    _text(slide, MARGIN, Inches(1.1), CONTENT_W, Inches(0.9), d.rep.sentence, size=20)
    cols, gap = 4, Inches(0.2)
    w = int((CONTENT_W - gap * (cols - 1)) / cols)
    h = Inches(1.9)
    for i, t in enumerate(d.rep.tiles):
        x = MARGIN + (i % cols) * (w + gap)
        y = Inches(2.35) + (i // cols) * (h + gap)
        _rect(slide, x, y, w, h, TILE_FILL)
        _rect(slide, x, y, w, Inches(0.08), d.accent)
        pad = Inches(0.15)
        _text(slide, x + pad, y + Inches(0.15), w - 2 * pad, Inches(0.4), t.label, size=14, color=MUTED)
        _text(slide, x + pad, y + Inches(0.55), w - 2 * pad, Inches(0.8), t.value, size=32, bold=True)
        if t.delta:
            _text(slide, x + pad, y + Inches(1.35), w - 2 * pad, Inches(0.4), t.delta, size=13, color=MUTED)


def _chart_slides(d: _Deck) -> None:
    box_h = CHART_BOTTOM - CHART_TOP
    px_h = round(CHART_PX_W * box_h / CONTENT_W)
    figs = [c.figure(CHART_FONT_SCALE) for c in d.rep.charts]
    pngs = figures_to_png(figs, width=CHART_PX_W, height=px_h, scale=2)
    for c, png in zip(d.rep.charts, pngs, strict=True):
        slide = _new(d, c.title)
        _text(slide, MARGIN, Inches(1.05), CONTENT_W, Inches(0.6), c.takeaway, size=18, color=MUTED)
        pic = slide.shapes.add_picture(io.BytesIO(png), MARGIN, CHART_TOP, width=CONTENT_W, height=box_h)
        pic.name = f"chart:{c.key}"


_COLS_IN = (3.6, 4.4, 4.333)  # assumption, value, source


def _row_height_in(cells: tuple[str, str, str], size_pt: float = 11) -> float:
    """Rough height of a table row: wrapped lines of the longest cell at ~0.55 em per character."""
    char_in = size_pt * 0.55 / 72
    lines = max(
        math.ceil(max(len(text), 1) * char_in / (w - 0.2)) for text, w in zip(cells, _COLS_IN, strict=True)
    )
    return 0.12 + lines * size_pt * 1.2 / 72


def _chunks(rows: list[Assumption]) -> list[list[Assumption]]:
    """Rows per slide: as few slides as the rows need, filled evenly rather than the last one nearly empty.

    A slide takes rows until the next would pass `target`; as target ≥ an even share plus the
    tallest row, every full slide holds at least an even share, so no extra slide is needed.
    """
    room = TABLE_BUDGET_IN - _row_height_in(("Assumption", "Value", "Source"))
    heights = [_row_height_in((f"{a.group}: {a.item}", a.value, a.source)) for a in rows]
    slides = max(1, math.ceil(sum(heights) / room))
    target = min(room, sum(heights) / slides + max(heights, default=0))
    out: list[list[Assumption]] = [[]]
    used = 0.0
    for a, h in zip(rows, heights, strict=True):
        if out[-1] and used + h > target:
            out.append([])
            used = 0.0
        out[-1].append(a)
        used += h
    return [c for c in out if c]


def _assumption_slides(d: _Deck) -> None:
    b = d.rep.branding
    chunks = _chunks(key_assumptions(d.rep.scenario))
    for n, rows in enumerate(chunks):
        slide = _new(d, "Assumptions" if n == 0 else "Assumptions (continued)")
        height = Emu(int(Inches(0.3) * (len(rows) + 1)))
        table = slide.shapes.add_table(len(rows) + 1, 3, MARGIN, Inches(1.2), CONTENT_W, height).table
        for j, w in enumerate(_COLS_IN):
            table.columns[j].width = Inches(w)
        cells = [("Assumption", "Value", "Source")] + [
            (f"{a.group}: {a.item}", a.value, a.source) for a in rows
        ]
        for i, values in enumerate(cells):
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.text = xml_safe(value)
                p = cell.text_frame.paragraphs[0]
                p.font.size = Pt(11)
                if i == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = d.accent
                    p.font.bold, p.font.color.rgb = True, _rgb(b.text_on_accent)
        _text(
            slide, MARGIN, Inches(6.6), CONTENT_W, Inches(0.35),
            "Every assumption per task, with its source, is in the HTML report and the workbook.",
            size=11, color=MUTED,
        )  # fmt: skip


def build_pptx(rep: Report) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = xml_safe(rep.scenario.name)[:250]
    prs.core_properties.author = xml_safe(rep.branding.firm_name)[:250] or "Routing ROI"
    d = _Deck(prs, rep)
    _title_slide(d)
    _headline_slide(d)
    _chart_slides(d)
    _assumption_slides(d)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
