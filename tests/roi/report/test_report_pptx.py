"""The deck, reopened with python-pptx: 16:9, titles, one chart picture per chart slide, branding."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

from roi import present
from roi.report.assumptions import key_assumptions
from roi.report.content import report_charts
from roi.report.pptx import _chunks


def _deck(data: bytes):
    return Presentation(io.BytesIO(data))


def _texts(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def _pictures(slide):
    return [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_deck_structure(pptx_bytes, demo):
    prs = _deck(pptx_bytes)
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.001
    charts = report_charts(demo)
    assumption_slides = len(_chunks(key_assumptions(demo.scenario)))
    slides = list(prs.slides)
    assert len(slides) == 2 + len(charts) + assumption_slides
    titles = [s.shapes.title.text for s in slides]
    assert titles[0] == demo.scenario.name
    assert titles[1] == "The answer"
    assert titles[2 : 2 + len(charts)] == [c.title for c in charts]
    assert titles[2 + len(charts)] == "Assumptions"


def test_headline_slide_shows_the_engine_figures(pptx_bytes, demo):
    texts = _texts(_deck(pptx_bytes).slides[1])
    assert present.headline_sentence(demo) in texts
    for t in present.headline_tiles(demo):
        assert t.label in texts and t.value in texts
    assert present.money(demo.month1_spend) in texts


def test_each_chart_slide_has_its_takeaway_and_a_sharp_picture(pptx_bytes, demo):
    from PIL import Image

    prs = _deck(pptx_bytes)
    for slide, chart in zip(list(prs.slides)[2:], report_charts(demo), strict=False):
        assert chart.takeaway in _texts(slide)
        pics = _pictures(slide)
        assert [p.name for p in pics] == [f"chart:{chart.key}"]
        assert pics[0].image.content_type == "image/png"
        with Image.open(io.BytesIO(pics[0].image.blob)) as img:
            assert img.width >= 2400  # rendered at twice its layout width
            # the picture's box has the image's aspect ratio: nothing is stretched
            assert abs(img.width / img.height - pics[0].width / pics[0].height) < 0.01
            assert len(img.getcolors(1_000_000) or []) > 20  # a chart, not a blank image


def test_assumptions_slide_names_sources(pptx_bytes):
    prs = _deck(pptx_bytes)
    tables = [sh.table for s in prs.slides for sh in s.shapes if sh.has_table]
    cells = [c.text for t in tables for r in t.rows for c in r.cells]
    assert cells[:3] == ["Assumption", "Value", "Source"]
    assert "catalog (genai-prices, as of 2026-11-01)" in cells
    assert "assumed on 6 tasks" in cells


def test_branding_on_title_slide_and_accent_on_every_slide(pptx_bytes, branding):
    prs = _deck(pptx_bytes)
    title = prs.slides[0]
    assert branding.firm_name in _texts(title)
    assert [p.image.blob for p in _pictures(title)] == [branding.logo_png]
    accent = branding.accent.lstrip("#")
    for slide in prs.slides:
        fills = [
            str(sh.fill.fore_color.rgb)
            for sh in slide.shapes
            if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and sh.fill.type == 1  # solid
        ]
        assert accent in fills
    assert prs.core_properties.author == branding.firm_name


def test_slide_pictures_are_saved(pptx_bytes, slide_picture):
    prs = _deck(pptx_bytes)
    for index in (1, 2):  # the headline figures and the first chart
        path = slide_picture(prs.slides[index], prs.slide_width, prs.slide_height, f"slide-{index + 1:02d}")
        assert path.stat().st_size > 10_000
