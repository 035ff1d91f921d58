"""Where every input number comes from: assumed (typed), measured (sample runs, with n and a 95%
interval), imported (usage logs) or catalog (price database). One table for pages and reports."""

from __future__ import annotations

import pandas as pd

from roi.scenario import Scenario


def _kind(s: Scenario, key: str, default: str) -> tuple[str, str]:
    p = s.provenance.get(key)
    if not p:
        return default, ""
    detail = ""
    if p.get("kind") == "measured" and "n" in p:
        ci = p.get("ci")
        detail = f"n={p['n']}" + (f", 95% CI {100 * ci[0]:.1f}–{100 * ci[1]:.1f}%" if ci else "")
        if p.get("run"):
            detail += f", {p['run']}"
    elif p.get("note"):
        detail = p["note"]
    return p.get("kind", default), detail


def accuracy_table(s: Scenario) -> pd.DataFrame:
    """Accuracy per task and model with its provenance (and n / interval where measured)."""
    default = "assumed (illustrative)" if s.illustrative else "assumed"
    rows = []
    for t in s.tasks:
        for m, a in t.accuracy.items():
            kind, detail = _kind(s, f"tasks.{t.name}.accuracy.{m}", default)
            if kind == "assumed" and not detail:
                kind, detail = _kind(s, f"tasks.{t.name}.accuracy", default)
            rows.append(
                {
                    "task": t.name,
                    "model": m,
                    "accuracy %": round(100 * a, 2),
                    "provenance": kind,
                    "detail": detail,
                }
            )
    return pd.DataFrame(rows, columns=["task", "model", "accuracy %", "provenance", "detail"])


def measured_count(s: Scenario) -> int:
    return sum(1 for k, v in s.provenance.items() if ".accuracy." in k and v.get("kind") == "measured")
