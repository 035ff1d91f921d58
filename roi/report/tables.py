"""The numbers of a result as plain tables (columns + rows of raw values) for the workbook and CSV.

Values are the engine's own floats, unrounded: the workbook and the CSV hold exactly the numbers of
`compute(scenario).to_dict()` (`roi scenario --json`), and formatting is left to the reader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from roi import present
from roi.engine import Result

MONEY, MONEY_FINE, SHARE, SECONDS, COUNT, PCT, TEXT = (
    '"$"#,##0.00',
    '"$"#,##0.000000',
    "0.00%",
    '0.00" s"',
    "#,##0",
    '0.0"%"',
    "@",
)


@dataclass(frozen=True)
class Column:
    key: str  # machine name (CSV header, JSON key where there is one)
    label: str  # human name (workbook header)
    fmt: str = TEXT  # spreadsheet number format


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[Column]
    rows: list[list[Any]]
    value_formats: list[str] | None = None  # per row, for the last column (a key/value table)


def projection_table(r: Result) -> Table:
    p = r.projection
    cols = [
        Column("month", "Month", "0"),
        Column("baseline_spend", "Token spend today (USD)", MONEY),
        Column("spend", "Token spend routed (USD)", MONEY),
        Column("spend_saved", "Token spend saved (USD)", MONEY),
        Column("error_cost_saved", "Error cost saved (USD)", MONEY),
        Column("staff_time_value", "Staff time value (USD)", MONEY),
        Column("monthly_cost", "Monthly overhead (USD)", MONEY),
        Column("net_benefit", "Net benefit (USD)", MONEY),
        Column("cumulative_net_benefit", "Cumulative net benefit (USD)", MONEY),
    ]
    rows = [
        [
            int(p.months[k]),
            float(p.baseline_spend[k]),
            float(p.spend[k]),
            float(p.spend_saved[k]),
            float(p.error_cost_saved[k]),
            float(p.staff_time_value[k]),
            float(p.monthly_cost),
            float(p.net_benefit[k]),
            float(p.cumulative[k]),
        ]
        for k in range(len(p.months))
    ]
    return Table("Projection", cols, rows)


def tasks_table(r: Result) -> Table:
    cols = [
        Column("task", "Task"),
        Column("complexity", "Complexity"),
        Column("requests_per_month", "Requests per month (month 1)", COUNT),
        Column("input_tokens", "Input tokens per request", COUNT),
        Column("cache_write_tokens", "Cache write tokens (5 min)", COUNT),
        Column("cache_write_1h_tokens", "Cache write tokens (1 h)", COUNT),
        Column("cache_read_tokens", "Cache read tokens", COUNT),
        Column("output_tokens", "Output tokens", COUNT),
        Column("interactive", "Interactive"),
        Column("batch", "Batch prices"),
        Column("error_cost", "Cost of one error (USD)", MONEY),
        Column("accuracy_floor", "Accuracy floor", SHARE),
        Column("routing", "Routing"),
        Column("baseline_spend", "Spend today, month 1 (USD)", MONEY),
        Column("spend", "Spend routed, month 1 (USD)", MONEY),
        Column("baseline_latency_s", "Latency today (s)", SECONDS),
        Column("mean_latency_s", "Latency routed (s)", SECONDS),
        Column("baseline_accuracy", "Accuracy today", SHARE),
        Column("accuracy", "Accuracy routed", SHARE),
    ]
    rows = []
    for t, row in zip(r.scenario.tasks, r.task_rows(), strict=True):
        rows.append(
            [
                t.name,
                t.complexity,
                t.requests_per_month,
                t.input_tokens,
                t.cache_write_5m_tokens,
                t.cache_write_1h_tokens,
                t.cache_read_tokens,
                t.output_tokens,
                t.interactive,
                t.batch,
                t.error_cost,
                t.accuracy_floor,
                present.routing_words(t.routing),
                row["baseline_spend"],
                row["spend"],
                row["baseline_latency_s"],
                row["mean_latency_s"],
                row["baseline_accuracy"],
                row["accuracy"],
            ]
        )
    return Table("Tasks", cols, rows)


def breakdown_table(r: Result) -> Table:
    """Per task × model, month 1: expected requests (a cascade's escalations count for the second
    model), cost, latency and accuracy; only the pairs that answer requests or have an accuracy."""
    cols = [
        Column("task", "Task"),
        Column("model", "Model"),
        Column("share_routed", "Share of requests, routed", SHARE),
        Column("requests_routed", "Requests, routed (month 1)", COUNT),
        Column("requests_today", "Requests, today (month 1)", COUNT),
        Column("cost_per_request", "Cost per request (USD)", MONEY_FINE),
        Column("cost_routed", "Cost routed, month 1 (USD)", MONEY),
        Column("cost_today", "Cost today, month 1 (USD)", MONEY),
        Column("latency_s", "Latency per request (s)", SECONDS),
        Column("accuracy", "Accuracy", SHARE),
    ]
    m = r.matrix
    rows = []
    for i, t in enumerate(r.scenario.tasks):
        for j, model in enumerate(m.models):
            routed, today, acc = (
                float(r.routed.calls[i, j]),
                float(r.baseline.calls[i, j]),
                float(m.accuracy[i, j]),
            )
            if routed == 0 and today == 0 and math.isnan(acc):
                continue
            cost = float(m.cost[i, j])
            v = float(m.volume[i])
            rows.append(
                [
                    t.name,
                    model,
                    routed,
                    v * routed,
                    v * today,
                    cost,
                    v * routed * cost,
                    v * today * cost,
                    float(m.latency[i, j]),
                    None if math.isnan(acc) else acc,
                ]
            )
    return Table("Breakdown", cols, rows)


def summary_table(r: Result) -> Table:
    """The headline numbers with the `roi scenario --json` key each one comes from."""
    d = r.to_dict()
    m1 = d["month1"]
    p = r.projection
    cols = [Column("key", "JSON key"), Column("label", "Figure"), Column("value", "Value")]
    items: list[tuple[str, str, Any, str]] = [
        ("month1.baseline_spend", "Token spend today, month 1 (USD)", m1["baseline_spend"], MONEY),
        ("month1.spend", "Token spend routed, month 1 (USD)", m1["spend"], MONEY),
        ("savings_pct", "Savings (% of today's token spend)", d["savings_pct"], PCT),
        ("month1.baseline_error_cost", "Error cost today, month 1 (USD)", m1["baseline_error_cost"], MONEY),
        ("month1.error_cost", "Error cost routed, month 1 (USD)", m1["error_cost"], MONEY),
        ("month1.staff_time_value", "Staff time value, month 1 (USD)", m1["staff_time_value"], MONEY),
        ("month1.net_benefit", "Net benefit, month 1 (USD)", m1["net_benefit"], MONEY),
        ("baseline_mean_latency_s", "Mean latency today (s)", d["baseline_mean_latency_s"], SECONDS),
        ("mean_latency_s", "Mean latency routed (s)", d["mean_latency_s"], SECONDS),
        ("baseline_accuracy", "Accuracy today", d["baseline_accuracy"], SHARE),
        ("accuracy", "Accuracy routed", d["accuracy"], SHARE),
        ("payback_month", "Payback month", d["payback_month"], "0"),
        ("roi_pct", "ROI over the horizon (%)", d["roi_pct"], PCT),
        (
            "cumulative_net_benefit[-1]",
            f"Net benefit over {r.scenario.horizon_months} months (USD)",
            p.horizon_net_benefit,
            MONEY,
        ),
    ]
    return Table(
        "Summary",
        cols,
        [[k, label, value] for k, label, value, _ in items],
        value_formats=[fmt for *_, fmt in items],
    )
