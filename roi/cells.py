"""Spreadsheet cells from user data that can never run as a formula.

A task named "=HYPERLINK(...)" must arrive in Excel or LibreOffice as text. Any text that starts
with a character a spreadsheet reads as the start of a formula (= + - @, tab, carriage return, line
feed, or their full-width forms) gets a leading single quote. Numbers are left alone: a negative
number is a number, not a formula.
"""

from __future__ import annotations

import math
import re
from typing import Any

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML 1.0 cannot hold
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def xml_safe(text: str) -> str:
    """Text without the control characters that XML (xlsx, pptx) cannot store."""
    return _NOT_XML.sub("", text)


def neutral_text(text: str) -> str:
    text = xml_safe(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> Any:
    """A value for a cell: numbers as numbers (NaN and None as empty), booleans as is, text neutralized."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    if hasattr(value, "item"):  # numpy scalar
        return cell(value.item())
    return neutral_text(str(value))
