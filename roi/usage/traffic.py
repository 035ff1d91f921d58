"""Turning imported traffic into the task mix, with today's actual model mix as the baseline.

Each value of the chosen dimension (workspace, API key, tag, model, ...) becomes a task: its monthly
volume, mean tokens per request, and the share of its requests each model answers today. Formats
without request counts (Anthropic usage files) need the monthly request count from the user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from roi.errors import ScenarioError
from roi.numbers import day_span
from roi.provenance import Provenance, TaskProvenance
from roi.scenario import Routing, Scenario, Task
from roi.usage.schema import TOKEN_COLUMNS

DIMENSIONS = ("workspace", "api_key", "project", "user", "tag", "task", "model")
PLACEHOLDER_ACCURACY = 0.9  # assumed and equal for every model until sample runs measure it
PLACEHOLDER = Provenance("assumed", note="placeholder: measure with sample runs")


@dataclass(frozen=True)
class GroupTraffic:
    name: str
    months: float
    requests: float | None  # total over the period; None when the files have no request count
    tokens: dict[str, float]  # totals over the period
    model_tokens: dict[str, float]  # output tokens per model (mix when requests are unknown)
    model_requests: dict[str, float]


def default_dimension(priced: pd.DataFrame) -> str:
    """One task per what the files call a task: their task column, else their tag, else the model."""
    u = priced[(priced["kind"] == "usage") & priced["model"].notna()]
    for by in ("task", "tag"):
        if by in u and u[by].notna().any():
            return by
    return "model"


def source_files(priced: pd.DataFrame, imports: pd.DataFrame) -> list[str]:
    """The files the traffic comes from: imports with usage rows (a bill adds no traffic), in
    import order."""
    used = set(priced.loc[priced["kind"] == "usage", "import_id"].dropna().astype(int))
    return [str(f) for i, f in zip(imports["id"], imports["file_name"], strict=True) if int(i) in used]


def workload_name(files: list[str], period: tuple[date, date] | None = None) -> str:
    """The scenario made from usage, named after its files and days: 'Usage of a.csv, 1–31 Oct 2026'."""
    if not files:
        head = "Imported usage"
    elif len(files) == 1:
        head = f"Usage of {files[0]}"
    elif len(files) == 2:
        head = f"Usage of {files[0]} and {files[1]}"
    else:
        head = f"Usage of {files[0]} and {len(files) - 1} more files"
    return head if period is None else f"{head}, {day_span(*period)}"


def placeholder_tasks(s: Scenario) -> list[str]:
    """Tasks whose accuracy is still the placeholder `scenario_from_usage` put there, for some model."""
    return [
        t.name
        for t in s.tasks
        if any(
            (p := t.provenance.of_accuracy(m)) is not None
            and p.kind == "assumed"
            and p.note == PLACEHOLDER.note
            for m in t.accuracy
        )
    ]


def traffic(priced: pd.DataFrame, by: str) -> list[GroupTraffic]:
    """Per group: totals over the imported period (usage rows only, priced models resolved)."""
    if by not in DIMENSIONS:
        raise ScenarioError(f"group by: expected one of {', '.join(DIMENSIONS)}")
    u = priced[(priced["kind"] == "usage") & priced["model"].notna()].copy()
    if u.empty:
        return []
    span_days = (u["end"].fillna(u["start"]).max() - u["start"].min()).total_seconds() / 86400
    months = max(span_days / 30.4375, 1 / 30.4375)
    key = u["model"] if by == "model" else u[by].fillna("(none)")
    out = []
    for name, g in u.groupby(key.astype(str)):
        known = g["requests"].notna().all()
        out.append(
            GroupTraffic(
                name=str(name),
                months=months,
                requests=float(g["requests"].sum()) if known else None,
                tokens={c: float(g[c].sum()) for c in TOKEN_COLUMNS},
                model_tokens=g.groupby("model")["output_tokens"].sum().astype(float).to_dict(),
                model_requests=g.groupby("model")["requests"].sum().astype(float).to_dict() if known else {},
            )
        )
    return out


def scenario_from_usage(
    base: Scenario,
    groups: list[GroupTraffic],
    requests_per_month: dict[str, float] | None = None,
    *,
    files: list[str] | None = None,
    period: tuple[date, date] | None = None,
) -> Scenario:
    """A scenario whose tasks are the imported traffic and whose baseline is today's actual mix,
    named after the files and days it comes from (`workload_name`).

    Routing starts equal to the baseline (nothing changes until the user routes); accuracy is an
    equal placeholder for every model, marked assumed, and errors cost nothing until the user says.
    """
    requests_per_month = requests_per_month or {}
    tasks = []
    models: set[str] = set()
    imported = Provenance("imported", files=tuple(files or ()))
    for g in groups:
        if g.requests is not None:
            rpm = g.requests / g.months
        elif g.name in requests_per_month:
            rpm = float(requests_per_month[g.name])
        else:
            raise ScenarioError(
                f'task "{g.name}": requests_per_month: the files have no request count; enter it'
            )
        if rpm <= 0:
            continue
        total_requests = rpm * g.months
        per_request = {c: v / total_requests for c, v in g.tokens.items()}
        weights = g.model_requests or g.model_tokens
        total = sum(weights.values())
        mix = {m: w / total for m, w in weights.items() if w > 0} if total > 0 else {}
        if not mix:
            continue
        models |= set(mix)
        tasks.append(
            Task(
                name=g.name,
                requests_per_month=rpm,
                input_tokens=per_request["input_tokens"],
                cache_write_5m_tokens=per_request["cache_write_5m_tokens"],
                cache_write_1h_tokens=per_request["cache_write_1h_tokens"],
                cache_read_tokens=per_request["cache_read_tokens"],
                output_tokens=per_request["output_tokens"],
                routing=Routing(shares=dict(mix)),
                baseline_routing=dict(mix),
                provenance=TaskProvenance(
                    volume=imported if g.requests is not None else Provenance("assumed"),
                    tokens=imported,
                    accuracy=PLACEHOLDER,
                ),
            )
        )
    if not tasks:
        raise ScenarioError(
            "No group has any requests: enter each group's monthly requests (the files carry none)"
        )
    in_play = set(base.models_in_play()) | models
    tasks = [replace(t, accuracy={m: PLACEHOLDER_ACCURACY for m in sorted(in_play)}) for t in tasks]
    biggest = max(
        models, key=lambda m: sum(t.requests_per_month * t.baseline_routing.get(m, 0) for t in tasks)
    )
    return replace(
        base,
        name=workload_name(list(files or ()), period),
        tasks=tuple(tasks),
        baseline_model=biggest,
        illustrative=False,
    )


def monthly_spend(priced: pd.DataFrame) -> pd.DataFrame:
    """Priced spend per month and model (for the stacked chart)."""
    u = priced[priced["kind"] == "usage"].copy()
    if u.empty:
        return pd.DataFrame(columns=["month", "model", "cost_usd"])
    u["month"] = u["start"].dt.strftime("%Y-%m")
    u["model"] = u["model"].where(u["model"].notna(), u["model_raw"])
    return u.groupby(["month", "model"], as_index=False)["cost_usd"].sum()


def top_groups(priced: pd.DataFrame, by: str, n: int = 10) -> pd.DataFrame:
    u = priced[priced["kind"] == "usage"]
    if u.empty or by not in u:
        return pd.DataFrame(columns=[by, "cost_usd"])
    g = u.groupby(u[by].fillna("(none)"))["cost_usd"].sum().sort_values(ascending=False).head(n)
    return g.reset_index()


def mean_latency(priced: pd.DataFrame) -> float | None:
    t = priced["timed_requests"].sum()
    return None if not t or np.isnan(t) else float(priced["latency_s_sum"].sum() / t)


def latency_histogram(imports: pd.DataFrame) -> tuple[list[float], list[int]] | None:
    """Every import's latency histogram added up (they share the same bin edges): (edges, counts)."""
    hists = [json.loads(h) for h in imports["latency_histogram"] if h]
    if not hists:
        return None
    counts = [sum(c) for c in zip(*(h["counts"] for h in hists), strict=True)]
    return hists[0]["edges"], counts
