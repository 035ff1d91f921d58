"""Numbers as people read them: dollars, seconds, percentages. No imports from the model, so
every layer (provenance, words, reports, the CLI) formats the same way."""

from __future__ import annotations


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
