"""Plotly figures with one look, shared by the pages and the reports (never Streamlit-aware).

One module per domain, each taking data already computed and only drawing it: `scenario` (a
computed `Result`), `sensitivity`, `catalog` (price history), `usage` (imported logs) and `evals`
(sample runs); `style` holds the shared look. Units and currency on every axis, exact values on
hover, a small palette readable on a projector; `scale` enlarges fonts for presentation mode.
"""

from roi.charts.catalog import price_history_chart
from roi.charts.evals import cascade_curve, eval_accuracy, eval_cost_per_correct, eval_latency
from roi.charts.month_end import budget_burndown, savings_vs_plan
from roi.charts.scenario import (
    benefit_waterfall,
    compare_scenarios,
    cost_vs_accuracy,
    cumulative_net_benefit,
    latency_by_task,
    monthly_spend,
    spend_by_model,
)
from roi.charts.sensitivity import accuracy_break_even, tornado
from roi.charts.style import ACCENT, BAD, BASELINE, GOOD, PALETTE, ROUTED, model_colors
from roi.charts.uncertainty import net_benefit_fan, spread_drivers
from roi.charts.usage import (
    latency_histogram,
    spend_forecast,
    usage_by_hour_of_day,
    usage_spend_by_month,
    usage_tokens_by_type,
    usage_top_groups,
)

__all__ = [
    "ACCENT",
    "BAD",
    "BASELINE",
    "GOOD",
    "PALETTE",
    "ROUTED",
    "accuracy_break_even",
    "benefit_waterfall",
    "budget_burndown",
    "cascade_curve",
    "compare_scenarios",
    "cost_vs_accuracy",
    "cumulative_net_benefit",
    "eval_accuracy",
    "eval_cost_per_correct",
    "eval_latency",
    "latency_by_task",
    "latency_histogram",
    "model_colors",
    "monthly_spend",
    "net_benefit_fan",
    "price_history_chart",
    "savings_vs_plan",
    "spend_by_model",
    "tornado",
    "spend_forecast",
    "spread_drivers",
    "usage_by_hour_of_day",
    "usage_spend_by_month",
    "usage_tokens_by_type",
    "usage_top_groups",
]
