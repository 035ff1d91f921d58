"""The firm's branding (name, accent colour, logo), kept in the store's `settings` table.

Every export uses it: the HTML header and accent, the deck's title slide and accent bar, the PDF
(through the HTML) and the workbook's header fill. Values are checked when a Branding is made, so
a stored branding is always safe to put into a file: the accent is #RRGGBB and the logo is a real
PNG or JPEG under 2 MB.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from roi.cells import xml_safe
from roi.errors import SettingsError
from roi.store import Store
from roi.store.models import SettingRow

DEFAULT_ACCENT = "#1F6FEB"
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_FIRM_NAME = 200
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
KEYS = {"firm_name": "branding.firm_name", "accent": "branding.accent", "logo": "branding.logo"}

settings_table = SettingRow.__table__  # created by migration 0004


class BrandingError(SettingsError):
    """A firm name, accent colour or logo that cannot go into a report; the message says why."""


def logo_mime(data: bytes) -> str:
    """'image/png' or 'image/jpeg' from the file's magic bytes; anything else is a BrandingError."""
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    raise BrandingError("logo: expected a PNG or JPEG image")


def _check_logo(data: bytes) -> None:
    if len(data) > MAX_LOGO_BYTES:
        raise BrandingError(f"logo: {len(data) / 1e6:.1f} MB is too large; the limit is 2 MB")
    logo_mime(data)
    from PIL import Image  # Pillow comes with python-pptx

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise BrandingError(f"logo: not a readable image ({exc.__class__.__name__})") from None


@dataclass(frozen=True)
class Branding:
    firm_name: str = ""
    accent: str = DEFAULT_ACCENT
    logo_png: bytes | None = None  # PNG or JPEG bytes despite the name

    def __post_init__(self) -> None:
        name = " ".join(xml_safe(str(self.firm_name)).split())
        if len(name) > MAX_FIRM_NAME:
            raise BrandingError(f"firm name: at most {MAX_FIRM_NAME} characters")
        if not isinstance(self.accent, str) or not _HEX.fullmatch(self.accent.strip()):
            raise BrandingError(f"accent colour: expected #RRGGBB, got {self.accent!r}")
        object.__setattr__(self, "firm_name", name)
        object.__setattr__(self, "accent", self.accent.strip().upper())
        if self.logo_png is not None:
            _check_logo(bytes(self.logo_png))
            object.__setattr__(self, "logo_png", bytes(self.logo_png))

    @property
    def accent_rgb(self) -> tuple[int, int, int]:
        h = self.accent.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)

    @property
    def text_on_accent(self) -> str:
        """Black or white, whichever reads better on the accent colour."""
        r, g, b = self.accent_rgb
        return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 160 else "#FFFFFF"

    @property
    def logo_mime(self) -> str | None:
        return None if self.logo_png is None else logo_mime(self.logo_png)

    def logo_data_uri(self) -> str | None:
        """The logo inline (data: URI), so an HTML report needs no file beside it."""
        if self.logo_png is None:
            return None
        return f"data:{self.logo_mime};base64,{base64.b64encode(self.logo_png).decode('ascii')}"

    def edited(self, *, firm_name: str, accent: str, new_logo: bytes | None, remove_logo: bool) -> Branding:
        """The branding after the settings form: a new logo replaces the old one, 'remove' drops it,
        neither keeps it."""
        logo = None if remove_logo else (new_logo if new_logo is not None else self.logo_png)
        return Branding(firm_name=firm_name, accent=accent, logo_png=logo)


def load_branding(store: Store) -> Branding:
    """The saved branding, or the default (no name, blue accent, no logo) when none was saved."""
    with store.engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(settings_table.c.key, settings_table.c.value).where(
                    settings_table.c.key.in_(KEYS.values())
                )
            ).all()
        )
    logo = rows.get(KEYS["logo"])
    return Branding(
        firm_name=rows.get(KEYS["firm_name"], ""),
        accent=rows.get(KEYS["accent"], DEFAULT_ACCENT),
        logo_png=base64.b64decode(logo) if logo else None,
    )


def save_branding(store: Store, b: Branding) -> None:
    """Replace the saved branding in one transaction (a second writer at the same time is retried once)."""
    from roi.store.access import check, record

    check(store.actor, "settings")
    values = {KEYS["firm_name"]: b.firm_name, KEYS["accent"]: b.accent}
    if b.logo_png is not None:
        values[KEYS["logo"]] = base64.b64encode(b.logo_png).decode("ascii")
    now = datetime.now(UTC)
    for attempt in range(2):
        try:
            with store.engine.begin() as conn:
                conn.execute(delete(settings_table).where(settings_table.c.key.in_(KEYS.values())))
                conn.execute(
                    insert(settings_table),
                    [{"key": k, "value": v, "updated_at": now} for k, v in values.items()],
                )
            record(store, store.actor, "settings", "branding (firm name, accent colour, logo)")
            return
        except IntegrityError:
            if attempt:
                raise


def theme_color(store: Store) -> str:
    """Streamlit's `theme.primaryColor`: the firm's accent, so buttons, toggles and sliders match
    the reports. Streamlit reads its theme when the server starts: a new accent shows after a restart."""
    return load_branding(store).accent
