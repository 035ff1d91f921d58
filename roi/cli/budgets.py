"""`roi budgets`: monthly budgets per total, matter, client or team, and the check a scheduler runs.

`roi budgets check` exits 0 when every budget is fine, 1 when the forecast will cross one, 3 when
spend has crossed one; with `--webhook URL` it posts each threshold crossing (80/90/100%) once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from roi.cli.common import open_store, read_text_file
from roi.cli.text import table
from roi.errors import CommandLineError


def cmd_list(a: argparse.Namespace) -> int:
    from roi.numbers import money_cents
    from roi.usage.budgets import budgets

    current = budgets(open_store())
    if a.json:
        print(json.dumps([b.__dict__ for b in current], indent=2))
    elif not current:
        print("No budgets set (roi budgets load budgets.csv, or the Forecast & budgets page).")
    else:
        print(
            table(
                [[b.scope, b.key, money_cents(b.monthly_usd)] for b in current], ["scope", "key", "monthly"]
            )
        )
    return 0


def cmd_load(a: argparse.Namespace) -> int:
    from roi.usage.budgets import read_budgets_csv, save_budgets

    new = read_budgets_csv(read_text_file(a.file, error=CommandLineError), Path(a.file).name)
    save_budgets(open_store(), new)
    print(f"{len(new)} budget(s) saved")
    return 0


def cmd_check(a: argparse.Namespace) -> int:
    from roi.usage import priced_store
    from roi.usage.allocation import month_period, rules
    from roi.usage.budgets import alert, budgets, check, exit_code, webhook_poster

    store = open_store()
    if a.month:
        month_period(a.month)  # a bad month is the user's error, before any work
    url = a.webhook or os.environ.get("ROI_BUDGET_WEBHOOK")
    post = webhook_poster(url) if url else None
    states = check(priced_store(store), budgets(store), rules(store), a.month)
    if a.json:
        print(json.dumps([s.document() for s in states], indent=2))
    elif not states:
        print("No budgets to check (no budgets set, or no usage imported).")
    for s in states if not a.json else []:
        print(f"{s.status.upper():10} {s.words()}")
    if post:
        for s, threshold in alert(store, states, post):
            print(f"posted: {s.budget.label} reached {threshold}%", file=sys.stderr)
    return exit_code(states)


def add_budgets_command(sub: argparse._SubParsersAction) -> None:
    """Add `budgets list|load|check` to the `roi` subcommands."""
    s = sub.add_parser("budgets", help="monthly budgets per total, matter, client or team, and alerts")
    bsub = s.add_subparsers(dest="budgets_command", required=True)
    b = bsub.add_parser("list", help="the budgets")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_list)
    b = bsub.add_parser("load", help="replace the budgets with a CSV of scope, key, monthly_usd")
    b.add_argument("file", metavar="CSV")
    b.set_defaults(func=cmd_load)
    b = bsub.add_parser(
        "check",
        help="for cron: print each budget's state; exit 0 fine, 1 forecast will cross, 3 crossed",
    )
    b.add_argument("--month", metavar="YYYY-MM", help="the month to check (default: the latest in the data)")
    b.add_argument(
        "--webhook",
        metavar="URL",
        help="post each 80/90/100%% crossing once to this Slack-compatible webhook "
        "(or set ROI_BUDGET_WEBHOOK, which keeps the URL out of the process list)",
    )
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_check)
