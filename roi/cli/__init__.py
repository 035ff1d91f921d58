"""`roi` command line: the same functions the pages call, for scripts and finance.

Exit codes say who has to act. 0: done. 2: the user (a bad file, an unknown model, a store
conflict, an --out folder that does not exist): one line on stderr, `roi: error: ...`. 1: us (a
bug): a short note on stderr and the full traceback in <ROI_HOME>/logs/roi-cli.log. 130: Ctrl-C.
Each command family lives in its own module and adds its own subcommands to the parser here.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from roi import __version__
from roi.cli.budgets import add_budgets_command
from roi.cli.common import WORKSPACE_ENV
from roi.cli.crash import mask, report_bug
from roi.cli.evals import add_evals_command
from roi.cli.month_end import add_month_end_commands
from roi.cli.report import add_report_command
from roi.cli.scenario import add_scenario_commands
from roi.cli.serve import add_serve_command
from roi.cli.store import add_db_command, add_store_commands, add_workspaces_command
from roi.cli.usage import add_usage_commands
from roi.errors import RoiError


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand, in the order `roi --help` lists them."""
    p = argparse.ArgumentParser(
        prog="roi", description="Routing ROI: cost, latency and payback of model routing."
    )
    p.add_argument("--version", action="version", version=f"roi {__version__}")
    p.add_argument(
        "--workspace", help=f"the workspace to act in (default: {WORKSPACE_ENV}, else the default one)"
    )
    sub = p.add_subparsers(dest="command", required=True)
    add_scenario_commands(sub)  # scenario, optimize, catalog
    add_store_commands(sub)  # save, scenarios, load
    add_usage_commands(sub)  # ingest, usage
    add_month_end_commands(sub)  # matters, forecast, savings
    add_budgets_command(sub)  # budgets list|load|check
    add_evals_command(sub)  # evaluate
    add_db_command(sub)  # db
    add_workspaces_command(sub)  # workspaces list|add|members
    add_report_command(sub)  # report
    add_serve_command(sub)  # serve
    return p


def _quiet_stdout() -> None:
    """After the reader of a pipe has gone (`roi catalog | head`), send the rest of our output nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and turn what happened into an exit code (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        ns = build_parser().parse_args(args)
        if ns.workspace:
            os.environ[WORKSPACE_ENV] = ns.workspace  # open_store() acts in it
        return ns.func(ns)
    except RoiError as exc:
        print(f"roi: error: {mask(str(exc), args)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nroi: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 1
    except Exception as exc:  # anything else is a bug: log it, say where, exit 1
        print(report_bug(exc, args), file=sys.stderr)
        return 1
