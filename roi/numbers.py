"""Numbers as people read them: dollars, seconds, percentages. No imports from the model, so
every layer (provenance, words, reports, the CLI) formats the same way."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def money(x: float | None) -> str:
    if x is None:
        return "—"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def seconds(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f} s"


def percent(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}%"


def share(x: float | None, digits: int = 1) -> str:
    """A 0..1 fraction (accuracy, escalation rate) as a percentage."""
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def money_short(x: float | None) -> str:
    """Money that fits a headline tile: exact below a million ($322,977), else three significant
    figures ($8.01M, -$12.3M, $1.25B), so a tile never has to cut a figure off."""
    if x is None:
        return "—"
    if abs(x) < 999_500:
        return money(x)
    sign = "-" if x < 0 else ""
    value, unit = (abs(x) / 1e9, "B") if abs(x) >= 999_500_000 else (abs(x) / 1e6, "M")
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{sign}${value:.{digits}f}{unit}"


UNITS = (("B", 1e9, 1e9), ("M", 1e6, 1e6), ("k", 1e3, 1e4))  # unit, divisor, from which axis top


def money_ticks(lo: float, hi: float, *, target: int = 5) -> list[tuple[float, str]]:
    """Round tick values spanning [lo, hi] (about `target` steps of 1, 2, 2.5 or 5 × 10^k) and
    their labels in one unit for the whole axis: '-$1M', '-$500k', '$0', '$500k', '$1M'; the sign
    before the dollar, as people write it, never a rotated or engineering-notation figure."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo <= 0:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(f * mag for f in (1, 2, 2.5, 5, 10) if f * mag >= raw * (1 - 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    values = [k * step for k in range(first, last + 1)]
    top = max(abs(values[0]), abs(values[-1]))
    unit, div = next(((u, d) for u, d, at in UNITS if top >= at), ("", 1.0))
    decimals = max(0, -math.floor(math.log10(step / div) + 1e-9))
    if step / div * 10**decimals % 1 > 1e-6:  # 2.5 × 10^k needs one more digit
        decimals += 1
    labels = []
    for v in values:
        text = f"{abs(v) / div:,.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        labels.append("$0" if abs(v) < step * 1e-6 else f"{'-' if v < 0 else ''}${text}{unit}")
    return list(zip(values, labels, strict=True))


def cents(x: float) -> float:
    """Dollars rounded to the cent, half a cent away from zero (as `money_cents` shows them), never -0.0."""
    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), ROUND_HALF_UP)) + 0.0


def money_cents(x: float | None) -> str:
    """Dollars to the cent with thousands separators, for finance views: `$1,234.56`, `-$1.00`.
    (`money` rounds to whole dollars for headline figures.)"""
    if x is None or not math.isfinite(x):
        return "—"
    cents = Decimal(repr(float(x))).quantize(Decimal("0.01"), ROUND_HALF_UP)  # half a cent rounds away from 0
    return f"-${-cents:,.2f}" if cents < 0 else f"${abs(cents):,.2f}"


def day_span(first: date | str | None, last: date | str | None) -> str:
    """An inclusive range of days as people write it: `1–31 Oct 2026`, `3 Nov – 22 Dec 2025`,
    `30 Dec 2025 – 2 Jan 2026`, `14 Oct 2026`. Days may be given as ISO dates ('2026-10-31')."""
    if not first or not last:
        return "—"
    first, last = (date.fromisoformat(d) if isinstance(d, str) else d for d in (first, last))

    def day(d: date, year: bool = True, month: bool = True) -> str:
        return f"{d.day}" + (f" {d:%b}" if month else "") + (f" {d.year}" if year else "")

    if first == last:
        return day(first)
    if first.year != last.year:
        return f"{day(first)} – {day(last)}"
    if first.month != last.month:
        return f"{day(first, year=False)} – {day(last)}"
    return f"{first.day}–{day(last)}"


def plain_number(x: float) -> str:
    """A number as typed into a form: separators, no needless decimals ('25,000', '2.5', '0.75')."""
    text = f"{x:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_number(text: str) -> float:
    """What people type into a money or percentage box: '25,000', '$25,000', '1 200.50', '2.5%'.

    ValueError (saying what was expected) for anything else, including inf and nan.
    """
    cleaned = str(text).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-").lstrip("$").rstrip("%")
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not cleaned or not math.isfinite(value) or not cleaned.replace(".", "", 1).isdigit():
        raise ValueError(f"expected a number such as 25,000, got “{str(text).strip()}”")
    return -value if negative else value
