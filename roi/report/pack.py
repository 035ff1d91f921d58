"""The monthly finance pack: one month's spend by model and matter, the reconciliation against the
bill, savings achieved vs plan, the forecast and the budgets, as XLSX, HTML or PDF.

Every figure comes from the function its page and its CLI command call (allocation, reconciliation,
savings, forecast, budgets), and the files are drawn with the scenario report's pieces (its tables,
workbook sheets, HTML style and Chromium printing), so the pack says what the app says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from roi import __version__, charts
from roi.numbers import cents, money_cents
from roi.report.branding import Branding
from roi.report.tables import COUNT, MONEY, PCT, SHARE, Column, Table
from roi.scenario import Scenario
from roi.store import Store

PACK_FORMATS = ("xlsx", "html", "pdf")


@dataclass
class Section:
    title: str
    provenance: str  # where its numbers come from (imported, computed, forecast, the plan)
    table: Table | None
    notes: list[str] = field(default_factory=list)
    figure: go.Figure | None = None


@dataclass
class Pack:
    month: str
    period: str  # "1 Nov – 30 Nov 2026", what the data covers of the month
    sections: list[Section]
    branding: Branding
    generated: date
    version: str = __version__

    @property
    def title(self) -> str:
        return f"Finance pack, {pd.Period(self.month, 'M').strftime('%B %Y')}"


def _table(name: str, cols: list[Column], rows: list[list]) -> Table:
    """A pack table: money to the cent (what finance signs), everything else as computed."""
    money = [c.fmt == MONEY for c in cols]
    return Table(
        name,
        cols,
        [
            [
                cents(v) if m and isinstance(v, int | float) and v == v else v
                for v, m in zip(r, money, strict=True)
            ]
            for r in rows
        ],
    )


def _money(key: str, label: str) -> Column:
    return Column(key, f"{label} (USD)", MONEY)


def _by_model(rows: pd.DataFrame) -> Section:
    from roi.tokens import total_input
    from roi.usage.schema import TOKEN_COLUMNS

    rows = rows.assign(
        model=rows["model"].fillna(rows["model_raw"]),
        _input=total_input(rows[list(TOKEN_COLUMNS)].to_numpy(dtype=float)),
    )
    g = rows.groupby("model").agg(
        requests=("requests", lambda s: s.sum(min_count=1)),
        input=("_input", "sum"),
        output=("output_tokens", "sum"),
        cost=("cost_usd", lambda s: s.sum(min_count=1)),
        reported=("reported_cost_usd", lambda s: s.sum(min_count=1)),
    )
    g = g.sort_values("cost", ascending=False)
    cols = [
        Column("model", "Model"),
        Column("requests", "Requests", COUNT),
        Column("input_tokens", "Input tokens (with cache)", COUNT),
        Column("output_tokens", "Output tokens", COUNT),
        _money("cost_usd", "Computed cost"),
        _money("reported_cost_usd", "Reported cost"),
    ]
    table = _table("Spend by model", cols, [[m, *r] for m, r in zip(g.index, g.values.tolist(), strict=True)])
    return Section("Spend by model", "imported usage, priced with the catalog", table)


def _by_matter(priced: pd.DataFrame, month: str, rule_list) -> Section:
    from roi.usage.allocation import UNALLOCATED, allocate

    a = allocate(priced, "matter", month=month, rule_list=rule_list)
    cols = [
        Column("matter", "Matter"),
        Column("client", "Client"),
        _money("cost_usd", "Cost"),
        Column("requests", "Requests", COUNT),
        Column("share", "Share", SHARE),
    ]
    rows = [
        [r["key"], r.get("client"), r["cost_usd"], r["requests"], r["share"]]
        for r in a.groups.to_dict("records")
    ]
    if a.unallocated_cost_usd:
        share = a.unallocated_cost_usd / a.total_cost_usd if a.total_cost_usd else 0.0
        rows.append([UNALLOCATED, None, a.unallocated_cost_usd, a.unallocated["requests"], share])
    notes = [f"Total {money_cents(a.total_cost_usd)}; matters from the chargeback rules (roi matters)."]
    return Section(
        "Spend by matter",
        "imported usage, allocated by the firm's rules",
        _table("By matter", cols, rows),
        notes,
    )


def _reconciliation(priced: pd.DataFrame, month: str) -> Section:
    from roi.usage.allocation import in_month
    from roi.usage.pricing import reconciliation

    rec = reconciliation(in_month(priced, month))
    cols = [
        Column("model", "Model"),
        _money("computed_usd", "Computed"),
        _money("billed_usd", "Billed"),
        _money("difference_usd", "Difference"),
        Column("difference_pct", "Difference %", PCT),
        Column("status", "Status"),
    ]
    t = rec.table
    rows = t[
        ["model", "computed_usd", "billed_usd", "difference_usd", "difference_pct", "status"]
    ].values.tolist()
    notes = rec.words() or ["No bill (cost export) imported for this month: nothing to reconcile."]
    return Section(
        "Reconciliation with the bill",
        "computed from usage vs imported bill",
        _table("Reconciliation", cols, rows),
        notes,
    )


def _savings(priced: pd.DataFrame, month: str, scenario: Scenario | None, amap) -> Section:
    from roi.usage.savings import EFFECTS, achieved

    title, prov = "Savings achieved vs plan", "computed (counterfactual) vs the scenario's plan"
    if scenario is None or scenario.go_live is None:
        why = "no scenario given" if scenario is None else f"“{scenario.name}” has no go-live date"
        return Section(title, prov, None, [f"Not shown: {why} (roi report --month M SCENARIO.json)."])
    sv = achieved(priced, scenario, amap)
    m = sv.months[sv.months["month"] <= month]
    keys = [
        "actual_cost_usd",
        "counterfactual_cost_usd",
        "achieved_saving_usd",
        "planned_saving_usd",
        *EFFECTS,
    ]
    labels = [
        "Actual",
        "Counterfactual",
        "Achieved saving",
        "Planned saving",
        "Volume",
        "Task mix",
        "Routing split",
        "Prices",
    ]
    cols = [Column("month", "Month"), *(_money(k, lbl) for k, lbl in zip(keys, labels, strict=True))]
    rows = m[["month", *keys]].values.tolist()
    notes = [
        f"Plan: “{scenario.name}”, live from {sv.go_live:%d %b %Y}. Counterfactual: {sv.baseline}.",
        *sv.notes,
    ]
    fig = charts.savings_vs_plan(m) if len(m) else None
    return Section(title, prov, _table("Savings", cols, rows), notes, fig)


def _forecast(priced: pd.DataFrame, growth: float) -> Section:
    from roi.usage.forecast import forecast

    f = forecast(priced, 3, growth_per_month=growth)
    cols = [Column("month", "Month"), _money("cost_usd", "Forecast (median)")] + [
        _money(k, k.replace("lo", "Low ").replace("hi", "High ") + "%")
        for k in ("lo80", "hi80", "lo95", "hi95")
    ]
    rows = f.months[["month", "cost_usd", "lo80", "hi80", "lo95", "hi95"]].values.tolist()
    notes = [f"Method: {f.method}."]
    if f.backtest_mape is not None:
        notes.append(f"Back-test (one month ahead): {f.backtest_mape:.1f}% mean absolute error.")
    fig = charts.spend_forecast(f.history, f.months) if not f.history.empty else None
    return Section(
        "Forecast",
        "forecast from the imported history",
        _table("Forecast", cols, rows),
        [*notes, *f.notes],
        fig,
    )


def _budgets(priced: pd.DataFrame, month: str, store: Store, rule_list) -> Section:
    from roi.usage.budgets import budgets, check

    states = check(priced, budgets(store), rule_list, month)
    cols = [
        Column("budget", "Budget"),
        _money("monthly_usd", "Monthly budget"),
        _money("spent_usd", "Spent"),
        _money("forecast_usd", "Month end (forecast)"),
        Column("status", "Status"),
        Column("crossing_day", "Crossing day"),
    ]
    rows = [
        [
            s.budget.label,
            s.budget.monthly_usd,
            s.spent_usd,
            s.forecast_usd,
            s.status,
            s.crossing_day.isoformat() if s.crossing_day else None,
        ]
        for s in states
    ]
    notes = [] if states else ["No budgets set (roi budgets load, or the Forecast & budgets page)."]
    return Section(
        "Budgets",
        "imported usage vs the firm's budgets; month end forecast",
        _table("Budgets", cols, rows),
        notes,
    )


def build_pack(
    store: Store,
    month: str,
    scenario: Scenario | None = None,
    *,
    branding: Branding | None = None,
    generated: date | None = None,
) -> Pack:
    """Everything in the pack for `month` (YYYY-MM), computed once."""
    from roi.errors import UsageFormatError
    from roi.numbers import day_span
    from roi.store.access import check, record
    from roi.usage import priced_store
    from roi.usage.allocation import month_period, rules, usage_in
    from roi.usage.pricing import aliases

    check(store.actor, "export_usage")
    _, last = month_period(month)
    priced = priced_store(store)
    rows, _, _ = usage_in(priced, month)
    if rows.empty:
        raise UsageFormatError("--month", f"no usage imported for {month} (roi ingest FILE first)")
    rule_list = rules(store)
    seen = day_span(rows["start"].min().date(), min(rows["start"].max().date(), last))
    growth = scenario.volume_growth_per_month if scenario else 0.0
    sections = [
        _by_model(rows),
        _by_matter(priced, month, rule_list),
        _reconciliation(priced, month),
        _savings(priced, month, scenario, aliases(store)),
        _forecast(priced[priced["start"] < pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1)], growth),
        _budgets(priced, month, store, rule_list),
    ]
    record(store, store.actor, "export_usage", f"finance pack {month}")
    return Pack(month, seen, sections, branding or Branding(), generated or date.today())
