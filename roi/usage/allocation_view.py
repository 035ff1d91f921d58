"""Allocation as people read it: the Chargeback page's table and the CLI's, the months there are,
and the tags and API keys still without a rule (what to map next)."""

from __future__ import annotations

import pandas as pd

from roi.numbers import money_cents
from roi.usage.allocation import RULE_KINDS, UNALLOCATED, Allocation, Rule, allocate, usage_in


def months_in(priced: pd.DataFrame) -> list[str]:
    """The months (YYYY-MM) the usage rows cover, newest first."""
    rows, _, _ = usage_in(priced, None)
    if rows.empty:
        return []
    return sorted({d.strftime("%Y-%m") for d in rows["start"]}, reverse=True)


def unmapped(priced: pd.DataFrame, rule_list: list[Rule]) -> pd.DataFrame:
    """Tags and API keys with spend and no rule (what to map next), biggest first."""
    rows, _, _ = usage_in(priced, None)
    have = {(r.kind, r.key) for r in rule_list}
    out = []
    for kind in RULE_KINDS:
        a = allocate(rows, kind, rule_list=rule_list) if not rows.empty else None
        if a is None:
            continue
        for r in a.groups.itertuples():
            if (kind, r.key) not in have:
                out.append({"kind": kind, "key": r.key, "cost_usd": r.cost_usd})
    return pd.DataFrame(out, columns=["kind", "key", "cost_usd"]).sort_values("cost_usd", ascending=False)


def display_table(a: Allocation) -> pd.DataFrame:
    """The allocation as the Chargeback page shows it: money to the cent, the unallocated and total lines."""
    label = {"api_key": "API key"}.get(a.by, a.by.capitalize())
    lines = [
        {
            label: str(r.key),
            **({"Client": r.client or ""} if a.by == "matter" else {}),
            "Spend": money_cents(r.cost_usd),
            "Share": f"{r.share:.1%}",
            "Billed / reported": _money(r.reported_cost_usd),
            "Requests": _count(r.requests),
        }
        for r in a.groups.itertuples()
    ]
    blank = {"Client": ""} if a.by == "matter" else {}
    lines.append(
        {
            label: UNALLOCATED,
            **blank,
            "Spend": money_cents(a.unallocated_cost_usd),
            "Share": _share(a.unallocated_cost_usd, a.total_cost_usd),
            "Billed / reported": _money(a.unallocated["reported_cost_usd"]),
            "Requests": _count(a.unallocated["requests"]),
        }
    )
    lines.append(
        {
            label: "Total",
            **blank,
            "Spend": money_cents(a.total_cost_usd),
            "Share": "",
            "Billed / reported": "",
            "Requests": "",
        }
    )
    return pd.DataFrame(lines)


def _money(x: float | None) -> str:
    return "—" if x is None or x != x else money_cents(x)


def _share(part: float, total: float) -> str:
    return f"{part / total:.1%}" if total else ""


def _count(n: float | None) -> str:
    """Requests split between tags can be fractional (a request with 2 tags: 0.5 each)."""
    if n is None or n != n:
        return "—"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"
