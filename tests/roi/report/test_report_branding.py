"""Branding: validated on the way in, kept in the store's settings table (migration 0004)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import inspect

from roi.report import build
from roi.report.branding import (
    DEFAULT_ACCENT,
    MAX_LOGO_BYTES,
    Branding,
    BrandingError,
    load_branding,
    save_branding,
)
from roi.scenario import demo_scenario
from roi.store import Store


def _png(size=(64, 32)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "#1F6FEB").save(out, format="PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#BF8700").save(out, format="JPEG")
    return out.getvalue()


def test_defaults_and_normalization():
    b = Branding()
    assert (b.firm_name, b.accent, b.logo_png, b.logo_data_uri()) == ("", DEFAULT_ACCENT, None, None)
    b = Branding(firm_name="  Smith\n &  Jones ", accent="#abcdef")
    assert (b.firm_name, b.accent) == ("Smith & Jones", "#ABCDEF")
    assert Branding(accent="#FFEE00").text_on_accent == "#000000"
    assert Branding(accent="#1F6FEB").text_on_accent == "#FFFFFF"


@pytest.mark.parametrize("accent", ["blue", "#12345", "#1234567", "123456", "#GGGGGG", "", "url(x)"])
def test_accent_must_be_hex(accent):
    with pytest.raises(BrandingError, match="#RRGGBB"):
        Branding(accent=accent)


def test_logo_must_be_a_real_png_or_jpeg_under_2_mb():
    assert Branding(logo_png=_png()).logo_mime == "image/png"
    assert Branding(logo_png=_jpeg()).logo_mime == "image/jpeg"
    assert Branding(logo_png=_png()).logo_data_uri().startswith("data:image/png;base64,")
    with pytest.raises(BrandingError, match="PNG or JPEG"):
        Branding(logo_png=b"GIF89a" + b"\0" * 20)
    with pytest.raises(BrandingError, match="PNG or JPEG"):
        Branding(logo_png=b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(BrandingError, match="not a readable image"):
        Branding(logo_png=_png()[:40])  # right magic bytes, broken file
    with pytest.raises(BrandingError, match="2 MB"):
        Branding(logo_png=_png()[:8] + b"\0" * MAX_LOGO_BYTES)
    with pytest.raises(BrandingError, match="at most"):
        Branding(firm_name="x" * 201)


def test_migration_creates_settings(db_url):
    store = Store(db_url)
    assert "settings" in inspect(store.engine).get_table_names()
    store.dispose()


def test_branding_persists_across_reopening(db_url):
    store = Store(db_url)
    assert load_branding(store) == Branding()
    saved = Branding(firm_name="Ackerman LLP", accent="#8250DF", logo_png=_png())
    save_branding(store, saved)
    store.dispose()
    again = Store(db_url)
    assert load_branding(again) == saved
    save_branding(again, Branding(firm_name="Renamed", accent="#2DA44E"))  # replaces, logo removed
    assert load_branding(again) == Branding(firm_name="Renamed", accent="#2DA44E")
    again.dispose()


def test_saved_branding_shows_in_every_fast_export(db_url):
    import openpyxl

    store = Store(db_url)
    save_branding(store, Branding(firm_name="Ackerman LLP", accent="#8250DF", logo_png=_png()))
    b = load_branding(store)
    store.dispose()
    s = demo_scenario()
    page = build(s, "html", branding=b).decode()
    assert "Ackerman LLP" in page and "--accent: #8250DF" in page and "data:image/png;base64," in page
    wb = openpyxl.load_workbook(io.BytesIO(build(s, "xlsx", branding=b)))
    assert wb["Tasks"]["A1"].fill.fgColor.rgb.endswith("8250DF")
    assert wb.properties.creator == "Ackerman LLP"


# --- Branding.edited: the settings form's rule for the logo ---------------------------------------

OLD_LOGO, NEW_LOGO = _png((64, 32)), _jpeg()


@pytest.mark.parametrize(
    ("new_logo", "remove_logo", "expected"),
    [
        (NEW_LOGO, False, NEW_LOGO),  # a new upload replaces the saved logo
        (None, True, None),  # "remove" drops it
        (None, False, OLD_LOGO),  # neither: the saved logo is kept
    ],
    ids=["new-replaces", "remove-drops", "neither-keeps"],
)
def test_edited_logo(new_logo, remove_logo, expected):
    before = Branding(firm_name="Old LLP", accent="#2DA44E", logo_png=OLD_LOGO)
    after = before.edited(firm_name="New LLP", accent="#8250df", new_logo=new_logo, remove_logo=remove_logo)
    assert after == Branding(firm_name="New LLP", accent="#8250DF", logo_png=expected)
    assert before.logo_png == OLD_LOGO  # the saved branding itself is not changed


def test_edited_without_a_saved_logo_adds_the_new_one():
    after = Branding().edited(firm_name="", accent=DEFAULT_ACCENT, new_logo=NEW_LOGO, remove_logo=False)
    assert after.logo_png == NEW_LOGO and after.logo_mime == "image/jpeg"
    assert (
        Branding().edited(firm_name="", accent=DEFAULT_ACCENT, new_logo=None, remove_logo=False) == Branding()
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"accent": "blue"}, "#RRGGBB"),
        ({"new_logo": b"GIF89a" + b"\0" * 20}, "PNG or JPEG"),
        ({"firm_name": "x" * 201}, "at most"),
    ],
)
def test_edited_checks_what_the_form_typed(edit, message):
    """The edited branding is validated like any other, so a bad form value never reaches a report."""
    form = {"firm_name": "Ackerman LLP", "accent": "#8250DF", "new_logo": None, "remove_logo": False} | edit
    with pytest.raises(BrandingError, match=message):
        Branding(logo_png=OLD_LOGO).edited(**form)
