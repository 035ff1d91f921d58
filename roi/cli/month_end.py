"""The month-end loop on the command line: spend per matter (`roi usage --by`), the chargeback
file (`roi usage --chargeback`), the firm's rules (`roi matters`) and the forecast (`roi forecast`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from roi.cli.common import open_store, read_text_file
from roi.cli.text import table
from roi.errors import CommandLineError


def allocation(store, priced, a: argparse.Namespace) -> int:
    """`roi usage --by matter --month 2026-11`: spend per key, unallocated on its own line."""
    from roi.usage.allocation import allocate, rules
    from roi.usage.allocation_view import display_table

    alloc = allocate(priced, a.by or "matter", month=a.month, rule_list=rules(store))
    if a.json:
        print(json.dumps(alloc.document(), indent=2))
        return 0
    from roi.numbers import day_span

    if alloc.start is None:
        print("No usage imported yet (roi ingest FILE).")
        return 0
    print(f"Spend by {alloc.by}, {day_span(alloc.start, alloc.end)} (computed with the catalog's prices)")
    shown = display_table(alloc)
    print(table(shown.astype(str).values.tolist(), list(shown.columns)))
    return 0


def chargeback_file(store, priced, a: argparse.Namespace) -> int:
    """`roi usage --chargeback OUT.csv|OUT.xlsx`: one line per matter × model, for a billing system."""
    from roi.numbers import money_cents
    from roi.report.chargeback import chargeback_xlsx, table_csv
    from roi.usage.allocation import chargeback, rules

    out = Path(a.chargeback)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandLineError(f"--chargeback {a.chargeback}: expected a .csv or .xlsx file name")
    if a.shared is not None and not 0 <= a.shared < 1e12:
        raise CommandLineError(f"--shared {a.shared:g}: expected an amount in USD, 0 or more")
    lines = chargeback(priced, rules(store), month=a.month, shared_usd=a.shared or 0.0, basis=a.basis)
    from roi.store.access import record

    data = chargeback_xlsx(lines) if out.suffix.lower() == ".xlsx" else table_csv(lines)
    record(store, store.actor, "export_usage", f"chargeback {out.name} ({a.basis})")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CommandLineError(f"{out}: cannot write the file ({exc.strerror})") from None
    total = lines["total_usd"].sum()
    print(f"{out}: {len(lines)} line(s), {lines['matter'].nunique()} matter(s), {money_cents(total)}")
    return 0


def cmd_matters(a: argparse.Namespace) -> int:
    """The chargeback rules: list them, or replace them from a CSV (kind, key, matter, client)."""
    from roi.usage.allocation import read_rules_csv, rules, save_rules

    store = open_store()
    if a.load:
        new = read_rules_csv(read_text_file(a.load, error=CommandLineError), Path(a.load).name)
        save_rules(store, new)
        print(f"{len(new)} rule(s) saved")
        return 0
    current = rules(store)
    if a.json:
        print(json.dumps([r.__dict__ for r in current], indent=2))
    else:
        print(
            table(
                [[r.kind, r.key, r.matter, r.client or ""] for r in current],
                ["kind", "key", "matter", "client"],
            )
        )
    return 0


def cmd_forecast(a: argparse.Namespace) -> int:
    """`roi forecast --months 6`: the next months of spend with 80% and 95% intervals."""
    from roi.usage import priced_store
    from roi.usage.forecast import forecast, forecast_table

    if not 1 <= a.months <= 24:
        raise CommandLineError(f"--months {a.months}: expected 1 to 24")
    growth = 0.0
    if a.scenario:
        from roi.scenario import load_scenario

        growth = load_scenario(Path(a.scenario)).volume_growth_per_month
    if a.growth is not None:
        growth = a.growth / 100
    f = forecast(priced_store(open_store()), a.months, growth_per_month=growth)
    if a.json:
        print(json.dumps(f.document(), indent=2))
        return 0
    print(f"Forecast of monthly spend: {f.method}")
    if f.backtest_mape is not None:
        print(f"Back-test (one month ahead, on the history): {f.backtest_mape:.1f}% mean absolute error")
    for n in f.notes:
        print(f"note: {n}")

    shown = forecast_table(f.months)
    print(table(shown.values.tolist(), list(shown.columns)))
    return 0


def scenario_arg(ref: str, store=None):
    """A scenario file, or the name of a saved scenario (its latest revision)."""
    from roi.scenario import load_scenario

    if Path(ref).exists() or ref.lower().endswith(".json") or ref.lstrip().startswith("{"):
        return load_scenario(ref)
    return (store or open_store()).load_scenario(ref, None).scenario


def cmd_savings(a: argparse.Namespace) -> int:
    """`roi savings SCENARIO`: per month since go-live, actual vs counterfactual, achieved vs plan."""
    from datetime import date

    from roi.usage import priced_store
    from roi.usage.pricing import aliases
    from roi.usage.savings import achieved, savings_table

    store = open_store()
    s = scenario_arg(a.scenario, store)
    go = None
    if a.go_live:
        try:
            go = date.fromisoformat(a.go_live)
        except ValueError:
            raise CommandLineError(f"--go-live {a.go_live}: expected YYYY-MM-DD") from None
    result = achieved(priced_store(store), s, aliases(store), go_live=go, baseline=a.baseline)
    if a.json:
        print(json.dumps(result.document(), indent=2))
        return 0
    print(f"Savings achieved by “{s.name}”, live from {result.go_live:%d %b %Y}")
    print(f"Counterfactual: {result.baseline}")
    if not result.months.empty:
        shown = savings_table(result.months)
        print(table(shown.values.tolist(), list(shown.columns)))
        split = result.split
        print(
            table(
                [[m, f"{x:.0%}", f"{y:.0%}"] for m, x, y in split.values.tolist()],
                ["model", "seen", "planned"],
            )
        )
    for n in result.notes:
        print(f"note: {n}")
    return 0


def add_month_end_commands(sub: argparse._SubParsersAction) -> None:
    """Add `matters`, `forecast` and `savings` to the `roi` subcommands."""
    s = sub.add_parser(
        "matters", help="chargeback rules: which tag or API key belongs to which matter and client"
    )
    s.add_argument(
        "--load",
        metavar="CSV",
        help="replace the rules with a CSV of kind (tag/api_key), key, matter, client",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_matters)
    s = sub.add_parser("forecast", help="the next months of spend, with 80% and 95% prediction intervals")
    s.add_argument("--months", type=int, default=6, help="how many months ahead (1-24, default 6)")
    s.add_argument("--json", action="store_true")
    s.add_argument(
        "--scenario",
        metavar="FILE",
        help="with under 3 months of history: grow by this scenario's volume growth",
    )
    s.add_argument(
        "--growth", type=float, metavar="PCT", help="with under 3 months of history: growth per month, %%"
    )
    s.set_defaults(func=cmd_forecast)
    s = sub.add_parser(
        "savings", help="savings routing achieved since go-live, month by month, against the plan"
    )
    s.add_argument("scenario", help="scenario JSON file, or the name of a saved scenario")
    s.add_argument(
        "--go-live", metavar="YYYY-MM-DD", help="the day routing went live (default: the scenario's)"
    )
    s.add_argument(
        "--baseline",
        choices=("logs", "scenario"),
        default="logs",
        help="counterfactual: the model mix the logs show before go-live (default) or the scenario's baseline model",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_savings)
