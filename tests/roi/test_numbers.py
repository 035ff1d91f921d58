"""Finance formats: money to the cent with separators and the sign before the dollar; inclusive
day ranges (data ending 31 Oct is not "to 1 Nov")."""

from __future__ import annotations

from datetime import date

import pytest

from roi.numbers import day_span, money, money_cents


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (3.3099, "$3.31"),
        (3.0, "$3.00"),
        (-1.0, "-$1.00"),
        (-0.004, "$0.00"),  # rounds to no cents: no "-$0.00"
        (-0.005, "-$0.01"),
        (1234567.891, "$1,234,567.89"),
        (-2500.5, "-$2,500.50"),
        (0.0, "$0.00"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_money_cents(x, text):
    assert money_cents(x) == text


def test_headline_money_still_rounds_to_dollars():
    assert money(3.31) == "$3" and money(-1.0) == "-$1"


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (date(2026, 10, 1), date(2026, 10, 31), "1–31 Oct 2026"),
        (date(2026, 10, 14), date(2026, 10, 14), "14 Oct 2026"),
        (date(2025, 11, 3), date(2025, 12, 22), "3 Nov – 22 Dec 2025"),
        (date(2025, 12, 30), date(2026, 1, 2), "30 Dec 2025 – 2 Jan 2026"),
        ("2026-10-01", "2026-10-31", "1–31 Oct 2026"),
        (None, date(2026, 10, 31), "—"),
    ],
)
def test_day_span_is_inclusive(first, last, text):
    assert day_span(first, last) == text
