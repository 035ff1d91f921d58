"""The workload as tables people edit: one row per task, and an accuracy table task × model.

Edited tables come back as untrusted input (text in number columns, blanks, duplicates); they are
validated whole and either produce a new Scenario or a ScenarioError naming row and column.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import ScenarioError
from roi.provenance import Provenance, TaskProvenance
from roi.ranges import Range
from roi.scenario import COMPLEXITIES, Routing, Scenario, Task

TASK_COLUMNS = {
    # column: (label shown, kind)
    "name": ("Task", "text"),
    "complexity": ("Complexity", "choice"),
    "requests_per_month": ("Requests / month", "number"),
    "input_tokens": ("Input tokens", "number"),
    "cache_write_5m_tokens": ("Cache-write tokens", "number"),
    "cache_read_tokens": ("Cache-read tokens", "number"),
    "output_tokens": ("Output tokens", "number"),
    "interactive": ("Interactive", "bool"),
    "error_cost": ("Cost of one error (USD)", "number"),
    "accuracy_floor": ("Accuracy floor (%)", "percent"),
}


def tasks_frame(s: Scenario) -> pd.DataFrame:
    rows = []
    for t in s.tasks:
        row: dict[str, Any] = {c: getattr(t, c) for c in TASK_COLUMNS}
        row["accuracy_floor"] = None if t.accuracy_floor is None else round(100 * t.accuracy_floor, 4)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(TASK_COLUMNS))


def accuracy_frame(s: Scenario, models: list[str]) -> pd.DataFrame:
    """Accuracy in % per task (rows) and model (columns); blank where unknown."""
    data = {
        m: [None if m not in t.accuracy else round(100 * t.accuracy[m], 4) for t in s.tasks] for m in models
    }
    return pd.DataFrame(data, index=[t.name for t in s.tasks])


def _blank(v: Any) -> bool:
    return (
        v is None
        or (isinstance(v, float) and math.isnan(v))
        or (isinstance(v, str) and not v.strip())
        or v is pd.NA
    )


def _number(v: Any, row: int, col: str, *, lo: float = 0.0, hi: float | None = None) -> float:
    label = TASK_COLUMNS.get(col, (col,))[0]
    try:
        if isinstance(v, bool | np.bool_):  # a checkbox value is not a count or an amount
            raise TypeError
        x = float(str(v).replace(",", "").replace("$", "").strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError, OverflowError):
        raise ScenarioError(f"row {row + 1}, column “{label}”: expected a number, got “{v}”") from None
    if not math.isfinite(x) or x < lo or (hi is not None and x > hi):
        rng = f"{lo:g}..{hi:g}" if hi is not None else f"≥ {lo:g}"
        raise ScenarioError(f"row {row + 1}, column “{label}”: expected a number {rng}, got {x:g}")
    return x


_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def _flag(v: Any, row: int, col: str) -> bool:
    """A checkbox cell; text such as "false" or "no" must not count as ticked (bool("false") is True)."""
    if _blank(v):
        return False
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, numbers.Real) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
        return v.strip().lower() in _TRUE
    label = TASK_COLUMNS.get(col, (col,))[0]
    raise ScenarioError(f"row {row + 1}, column “{label}”: expected true or false, got “{v}”")


def apply_frames(s: Scenario, tasks: pd.DataFrame, accuracy: pd.DataFrame | None = None) -> Scenario:
    """A new scenario from edited tables; existing tasks keep their routing and other fields.

    A row whose name changed while its old name left the table is the same task renamed: it keeps
    its routing, accuracy and provenance. A number typed over an imported or measured one is then
    the user's: its provenance becomes assumed."""
    old = {t.name: t for t in s.tasks}
    new_tasks: list[Task] = []
    renamed_from: dict[str, str] = {}
    seen: set[str] = set()
    records = tasks.to_dict("records")
    names_now = {str(r.get("name")).strip() for r in records if not _blank(r.get("name"))}
    for i, r in enumerate(records):
        if all(_blank(r.get(c)) for c in TASK_COLUMNS if c != "interactive"):
            continue  # an empty row the editor added
        name = "" if _blank(r.get("name")) else str(r["name"]).strip()
        if not name:
            raise ScenarioError(f"row {i + 1}, column “Task”: every task needs a name")
        if name in seen:
            raise ScenarioError(
                f"row {i + 1}, column “Task”: “{name}” is used by another row; names must be unique"
            )
        seen.add(name)
        complexity = "routine" if _blank(r.get("complexity")) else str(r["complexity"])
        if complexity not in COMPLEXITIES:
            raise ScenarioError(
                f"row {i + 1}, column “Complexity”: expected one of {', '.join(COMPLEXITIES)}"
            )
        nums = {
            c: (0.0 if _blank(r.get(c)) else _number(r[c], i, c))
            for c in (
                "requests_per_month",
                "input_tokens",
                "cache_write_5m_tokens",
                "cache_read_tokens",
                "output_tokens",
                "error_cost",
            )
        }
        floor = (
            None
            if _blank(r.get("accuracy_floor"))
            else round(_number(r["accuracy_floor"], i, "accuracy_floor", hi=100) / 100, 12)
        )
        interactive = _flag(r.get("interactive"), i, "interactive")
        base = old.get(name)
        if base is None and i < len(s.tasks) and s.tasks[i].name not in names_now:
            base = replace(s.tasks[i], name=name)  # renamed in place
            renamed_from[name] = s.tasks[i].name
        if base is None:
            base = Task(name=name, requests_per_month=0, routing=Routing(shares={s.baseline_model: 1.0}))
        new = replace(base, complexity=complexity, interactive=interactive, accuracy_floor=floor, **nums)
        new_tasks.append(replace(new, provenance=_typed_over(base, new)))
    if accuracy is not None:
        new_tasks = [_apply_accuracy(t, accuracy, renamed_from.get(t.name, t.name)) for t in new_tasks]
    return s.with_tasks(new_tasks)


def _typed_over(before: Task, after: Task) -> TaskProvenance:
    """Provenance after an edit: a value the user changed no longer comes from where it came from."""
    p = after.provenance
    if after.requests_per_month != before.requests_per_month:
        p = replace(p, volume=None)
    if after.tokens != before.tokens:
        p = replace(p, tokens=None)
    if after.error_cost != before.error_cost:
        p = replace(p, error_cost=None)
    return p


def _apply_accuracy(t: Task, accuracy: pd.DataFrame, row: str) -> Task:
    """`row`: the task's name in the accuracy table (its old name when it was just renamed)."""
    if row not in accuracy.index:
        return t
    acc = {k: v for k, v in t.accuracy.items() if ">" in k}  # measured cascade accuracies stay
    where = f"accuracy table, row {list(accuracy.index).index(row) + 1} (“{row}”)"
    for m in accuracy.columns:
        v = accuracy.at[row, m]
        if not _blank(v):
            try:
                if isinstance(v, bool | np.bool_):
                    raise TypeError
                x = float(v)
            except (TypeError, ValueError, OverflowError):
                raise ScenarioError(f"{where}, column “{m}”: expected a percentage, got “{v}”") from None
            if not 0 <= x <= 100:
                raise ScenarioError(f"{where}, column “{m}”: expected 0..100 %, got {x:g}")
            acc[str(m)] = round(x / 100, 12)  # 96.8 % back to 0.968 exactly
    # Keep the task's own order (the table's columns start with the baseline), so applying an
    # unedited table leaves the saved document as it was; new models go last.
    order = {k: i for i, k in enumerate(t.accuracy)}
    acc = dict(sorted(acc.items(), key=lambda kv: order.get(kv[0], len(order))))
    prov = t.provenance
    for m, a in acc.items():
        if m in t.accuracy and a != round(t.accuracy[m], 12) or m not in t.accuracy:
            prov = prov.with_accuracy(m, TYPED)
    return replace(t, accuracy=acc, provenance=prov)


TYPED = Provenance("assumed", note="typed on the Task mix page")

# Ranges (roi.ranges) a task may carry, edited beside the task table: field -> (label, the task's value)
RANGE_COLUMNS = {
    "requests_per_month": "Requests / month",
    "error_cost": "Cost of one error (USD)",
    "escalation_rate": "Escalation rate (%)",
}


def ranges_frame(s: Scenario) -> pd.DataFrame:
    """One row per task: the low and high ends of each range it may carry (blank: none); the
    escalation rate in %, and only for cascades."""
    rows = []
    for t in s.tasks:
        row: dict[str, Any] = {"name": t.name}
        for key in RANGE_COLUMNS:
            r = t.ranges.get(key)
            scale = 100 if key == "escalation_rate" else 1
            row[f"{key}_low"] = None if r is None else round(r.low * scale, 6)
            row[f"{key}_high"] = None if r is None else round(r.high * scale, 6)
        rows.append(row)
    cols = ["name", *(f"{k}_{end}" for k in RANGE_COLUMNS for end in ("low", "high"))]
    return pd.DataFrame(rows, columns=cols)


def apply_ranges(s: Scenario, frame: pd.DataFrame) -> Scenario:
    """The ranges typed beside the table: both ends or neither; each end on its side of the value."""
    by_name = {str(r["name"]): r for r in frame.to_dict("records") if not _blank(r.get("name"))}
    tasks = []
    for t in s.tasks:
        r = by_name.get(t.name)
        if r is None:
            tasks.append(t)
            continue
        ranges = {k: v for k, v in t.ranges.items() if k not in RANGE_COLUMNS}
        row = list(frame["name"]).index(t.name)
        for key, label in RANGE_COLUMNS.items():
            low, high = r.get(f"{key}_low"), r.get(f"{key}_high")
            if _blank(low) and _blank(high):
                continue
            where = f"ranges, row {row + 1} (“{t.name}”), {label}"
            if _blank(low) or _blank(high):
                raise ScenarioError(f"{where}: give both the low and the high end, or neither")
            if key == "escalation_rate" and not t.routing.cascade:
                raise ScenarioError(f"{where}: only a cascade escalates (set one on the Routing page)")
            scale = 100 if key == "escalation_rate" else 1
            lo = _number(low, row, key, hi=100 if scale == 100 else None) / scale
            hi = _number(high, row, key, hi=100 if scale == 100 else None) / scale
            value = t.likely(key)
            if not lo <= value <= hi:
                shown = f"{value * scale:g}"
                raise ScenarioError(
                    f"{where}: expected low ≤ {shown} (the value) ≤ high, got {lo * scale:g} and {hi * scale:g}"
                )
            ranges[key] = Range(lo, hi)
        tasks.append(replace(t, ranges=ranges))
    return s.with_tasks(tasks)


def blank_scenario(baseline_model: str = "claude-opus-4-5") -> Scenario:
    """A fresh start: no tasks, the largest current Anthropic model as today's model."""
    return Scenario(name="New scenario", baseline_model=baseline_model, horizon_months=24)
