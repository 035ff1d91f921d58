"""`roi ingest` and `roi usage`: import provider exports, then see, reconcile or delete what is stored.

roi.usage (pandas, the readers) is imported inside the commands so other commands start fast.
"""

from __future__ import annotations

import argparse
import json

from roi.cli.common import open_store
from roi.cli.text import reconcile_text, table, usage_text
from roi.errors import CommandLineError, StoreError

FORMATS_HELP = (
    "skip detection: anthropic-console-usage, anthropic-console-cost, anthropic-admin-usage, "
    "anthropic-admin-cost, anthropic-analytics-usage, anthropic-analytics-cost, openai-usage, openai-cost, "
    "litellm-spendlogs, otel-genai-spans, aws-cur-bedrock, gcp-billing-vertex, generic"
)


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    """`--map field=column` options as the generic reader's mapping (column names lower-cased)."""
    if not pairs:
        return None
    out = {}
    for p in pairs:
        field, sep, column = p.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise CommandLineError(f"--map {p!r}: expected field=column, e.g. --map timestamp=created")
        out[field.strip()] = column.strip().lower()
    return out


def cmd_ingest(a: argparse.Namespace) -> int:
    from roi.usage import ingest

    if a.show_sql:
        from roi.usage import query_for
        from roi.usage.engine.checked import describe_sql
        from roi.usage.engine.remote import TABLE, safe_url

        for p in a.paths:
            remote = "://" in p
            sql = query_for(p, a.table or TABLE) if remote else describe_sql(p, _mapping(a.map))
            print(f"-- {safe_url(p) if remote else p}\n{sql}\n")
        return 0
    if any(p == "anthropic-admin:" for p in a.paths):
        result = _pull(a)
    else:
        result = ingest(open_store(), a.paths, format=a.format, mapping=_mapping(a.map), table=a.table)
    doc = result.document
    if a.json:
        print(json.dumps(doc, indent=2))
        return 0
    for s in result.summaries:
        print(f"{s.file_name}: {s.format}: {s.describe()}")
    for n in doc.get("notes", []):
        print(f"note: {n}")
    if any("one request" in n or "no request count" in n for n in doc.get("notes", [])):
        print("note: if that is wrong, say what a row is with --map rows=requests or --map rows=buckets")
    for w in doc["warnings"]:
        print(f"warning: {w}")
    print(usage_text(doc))
    return 0


def _day(text: str | None, flag: str):
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandLineError(f"{flag} {text!r}: expected a date YYYY-MM-DD") from None


def _pull(a: argparse.Namespace):
    """`roi ingest anthropic-admin: [--since D] [--until D]`: the Analytics API, live (roi.usage.live)."""
    import os
    import sys

    from roi.usage import live

    if a.paths != [live.SOURCE]:
        raise CommandLineError("anthropic-admin: pulls on its own; import files in another command")
    return live.pull(
        open_store(),
        api_key=os.environ.get(live.KEY_ENV, ""),
        since=_day(a.since, "--since"),
        until=_day(a.until, "--until"),
        base_url=a.base_url or os.environ.get("ANTHROPIC_BASE_URL") or None,
        progress=None if a.json else (lambda m: print(f"pulling {m}", file=sys.stderr)),
    )


def cmd_usage(a: argparse.Namespace) -> int:
    from roi.usage import delete_import, list_imports, priced_store, summary
    from roi.usage.ingest import IMPORT_COLUMNS
    from roi.usage.pricing import reconciliation

    store = open_store()
    if a.delete is not None:
        if a.delete not in set(list_imports(store)["id"]):
            raise StoreError(f"no import with id {a.delete}")
        delete_import(store, a.delete)
        print(f"deleted import {a.delete}")
        return 0
    if a.imports:
        imps = list_imports(store)
        cols = IMPORT_COLUMNS
        if a.json:
            print(imps[cols].to_json(orient="records", date_format="iso"))
        else:
            print(table([[str(v) for v in r] for r in imps[cols].itertuples(index=False)], cols))
        return 0
    priced = priced_store(store)
    if a.chargeback:
        from roi.cli.month_end import chargeback_file

        return chargeback_file(store, priced, a)
    if a.focus:
        return _focus_file(store, priced, a)
    if a.by or a.month:
        from roi.cli.month_end import allocation

        return allocation(store, priced, a)
    if a.reconcile:
        if a.tolerance is not None and not 0 <= a.tolerance < 1e6:
            raise CommandLineError(f"--tolerance {a.tolerance:g}: expected a percentage, 0 or more")
        recon = reconciliation(priced, **({} if a.tolerance is None else {"tolerance_pct": a.tolerance}))
        if a.json:
            print(recon.table.to_json(orient="records"))
        else:
            print(reconcile_text(recon))
        return 0
    doc = summary(priced)
    print(json.dumps(doc, indent=2) if a.json else usage_text(doc))
    return 0


def _focus_file(store, priced, a: argparse.Namespace) -> int:
    """`roi usage --focus OUT.csv [--month YYYY-MM]`: the usage as FinOps FOCUS 1.2 rows."""
    from pathlib import Path

    from roi.numbers import money_cents
    from roi.report.chargeback import table_csv
    from roi.usage.allocation import in_month
    from roi.usage.focus import focus_frame
    from roi.usage.pricing import aliases, unpriced_models

    out = Path(a.focus)
    if out.suffix.lower() != ".csv":
        raise CommandLineError(f"--focus {a.focus}: expected a .csv file name")
    priced = in_month(priced, a.month)
    from roi.store.access import record

    rows = focus_frame(priced, aliases=aliases(store))
    record(store, store.actor, "export_usage", f"FOCUS {out.name}")
    try:
        out.write_bytes(table_csv(rows))
    except OSError as exc:
        raise CommandLineError(f"{out}: cannot write the file ({exc.strerror})") from None
    billed, listed = (sum(v for v in rows[c] if v is not None) for c in ("BilledCost", "ListCost"))
    print(
        f"{out}: {len(rows)} FOCUS 1.2 row(s), billed {money_cents(billed)}, at list prices {money_cents(listed)}"
    )
    if left_out := unpriced_models(priced):
        print(f"note: not priced, left out (map the model first): {', '.join(left_out)}")
    return 0


def add_usage_commands(sub: argparse._SubParsersAction) -> None:
    """Add `ingest` and `usage` to the `roi` subcommands."""
    s = sub.add_parser(
        "ingest",
        help="import usage exports (CSV, JSON, JSON Lines or Parquet files, globs, folders, or a database URL)",
    )
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--format", help=FORMATS_HELP)
    s.add_argument(
        "--map", action="append", metavar="FIELD=COLUMN", help="generic CSV: which column holds a field"
    )
    s.add_argument("--json", action="store_true")
    s.add_argument(
        "--table",
        metavar="NAME",
        help="with a database or Spark URL: the per-request table to read (default LiteLLM_SpendLogs); "
        "Spark also reads files: --table 'parquet.`/data/logs`'",
    )
    s.add_argument(
        "--show-sql",
        action="store_true",
        help="print the read-only query the engine runs for each per-request log, and import nothing",
    )
    s.add_argument(
        "--since",
        help="anthropic-admin: the first day to pull (YYYY-MM-DD; default: the day before the last pull ended)",
    )
    s.add_argument(
        "--until", help="anthropic-admin: the day to stop before (default: today, complete days only)"
    )
    s.add_argument(
        "--base-url", help="anthropic-admin: API base URL (default ANTHROPIC_BASE_URL or Anthropic's)"
    )
    s.set_defaults(func=cmd_ingest)
    s = sub.add_parser("usage", help="what the store holds: totals, imports, reconciliation")
    s.add_argument("--json", action="store_true")
    s.add_argument("--imports", action="store_true", help="list imports")
    s.add_argument("--delete", type=int, metavar="ID", help="delete an import and its rows")
    s.add_argument(
        "--reconcile",
        action="store_true",
        help="computed vs billed cost per month and model, over the days both the usage and the bill cover",
    )
    s.add_argument(
        "--tolerance",
        type=float,
        metavar="PCT",
        help="with --reconcile: flag differences beyond this percentage of the bill (default 1)",
    )
    s.add_argument(
        "--by",
        choices=("matter", "client", "team", "tag", "api_key", "user"),
        help="spend per matter, client, team, tag, API key or user (matters and clients: `roi matters`)",
    )
    s.add_argument("--month", metavar="YYYY-MM", help="with --by, --chargeback or --focus: only this month")
    s.add_argument(
        "--chargeback",
        metavar="OUT",
        help="write the chargeback (matter, client, period, model, tokens, cost, shared cost) to OUT.csv or OUT.xlsx",
    )
    s.add_argument(
        "--shared",
        type=float,
        metavar="USD",
        help="with --chargeback: a shared cost (platform, routing set-up) spread by each line's share of spend",
    )
    s.add_argument(
        "--basis",
        choices=("computed", "bill"),
        default="computed",
        help="with --chargeback: charge the catalog's prices (default) or the bill, spread over the usage it paid for",
    )
    s.add_argument(
        "--focus",
        metavar="OUT",
        help="write the usage as FinOps FOCUS 1.2 cost and usage rows to OUT.csv",
    )
    s.set_defaults(func=cmd_usage)
