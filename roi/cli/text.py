"""Plain-text rendering for the terminal: kept apart so commands only decide what to show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roi.numbers import day_span, money_cents
from roi.present import money, percent, seconds, share

if TYPE_CHECKING:
    from roi.usage.pricing import Reconciliation


def table(rows: list[list[str]], header: list[str]) -> str:
    """Columns padded to their widest cell; the first column left-aligned, numbers right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def scenario_summary(d: dict) -> str:
    """The headline figures and a per-task table for a computed scenario (`Result.to_dict()`)."""
    m1 = d["month1"]
    head = [
        f"Scenario: {d['name']}",
        f"Monthly spend (month 1): {money(m1['baseline_spend'])} today -> {money(m1['spend'])} routed "
        f"({percent(d['savings_pct'])} saved)",
        f"Mean latency: {seconds(d['baseline_mean_latency_s'])} -> {seconds(d['mean_latency_s'])}",
        f"Accuracy: {share(d['baseline_accuracy'])} -> {share(d['accuracy'])}",
        f"Error cost (month 1): {money(m1['baseline_error_cost'])} -> {money(m1['error_cost'])}; "
        f"staff time value {money(m1['staff_time_value'])}",
        f"Net benefit (month 1): {money(m1['net_benefit'])}; payback month: {d['payback_month'] or 'not within horizon'}; "
        f"ROI: {percent(d['roi_pct'])}",
        "",
    ]
    rows = [
        [
            t["name"],
            money(t["baseline_spend"]),
            money(t["spend"]),
            seconds(t["baseline_latency_s"]),
            seconds(t["mean_latency_s"]),
            share(t["accuracy"]),
        ]
        for t in d["tasks"]
    ]
    return "\n".join(head) + table(
        rows, ["task", "today $/mo", "routed $/mo", "today latency", "routed latency", "accuracy"]
    )


def reconcile_text(recon: Reconciliation) -> str:
    """What was compared, what needs a look, then the table (`roi usage --reconcile`)."""
    words = recon.words()
    if not recon.billed_days:
        return (
            "No billed cost in the imports yet: add a cost export "
            "(Console cost CSV, Admin API cost report, OpenAI cost CSV)."
        )
    shown = recon.display()
    if shown.empty:
        return "\n".join(words)
    flags = ["!" if f else "" for f in recon.table["flagged"]]
    rows = [[*map(str, r), flag] for r, flag in zip(shown.itertuples(index=False), flags, strict=True)]
    return "\n".join(words) + "\n\n" + table(rows, [*shown.columns, ""])


def usage_text(doc: dict) -> str:
    """Totals, a per-model table and unpriced models for a usage document (`roi usage --json`)."""
    lines = [
        f"Usage {day_span(doc.get('first_day'), doc.get('last_day'))}: {doc['rows']} rows"
        + (
            f", {doc['requests']:,.0f} requests" if doc["requests"] is not None else ", request count unknown"
        ),
        f"Tokens: input {doc['input_tokens']:,.0f}, cache write 5m {doc['cache_write_5m_tokens']:,.0f}, "
        f"1h {doc['cache_write_1h_tokens']:,.0f}, cache read {doc['cache_read_tokens']:,.0f}, output {doc['output_tokens']:,.0f}",
        f"Priced with the catalog: {money_cents(doc['cost_usd'])}"
        + (
            f"; billed/reported: {money_cents(doc['reported_cost_usd'])}"
            if doc["reported_cost_usd"] is not None
            else ""
        ),
    ]
    rows = [
        [
            m,
            f"{t['requests']:,.0f}" if t["requests"] is not None else "—",
            f"{t['input_tokens']:,.0f}",
            f"{t['output_tokens']:,.0f}",
            money_cents(t["cost_usd"]),
        ]
        for m, t in doc["models"].items()
    ]
    if rows:
        lines.append(table(rows, ["model", "requests", "input tokens", "output tokens", "cost"]))
    if doc["unpriced_models"]:
        lines.append(
            "Not in the price catalog (map them on the Usage page): " + ", ".join(doc["unpriced_models"])
        )
    return "\n".join(lines)
