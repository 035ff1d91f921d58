"""`roi report SCENARIO.json --out FILE`: the extension of FILE picks html, pptx, pdf, xlsx or csv.

A consultant exports for a client without opening the app; the builders are the Report page's.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from roi.cli.common import open_store, write_file
from roi.errors import ReportError, StoreError
from roi.report import FORMATS, build, format_for_path
from roi.report.branding import Branding, load_branding
from roi.scenario import Scenario, load_scenario


def _branding(a: argparse.Namespace) -> Branding:
    """The firm's saved branding (settings in the store), unless --no-branding."""
    if a.no_branding:
        return Branding()
    from sqlalchemy.exc import SQLAlchemyError

    try:
        store = open_store()
    except (SQLAlchemyError, StoreError) as exc:
        raise ReportError(
            f"cannot read the branding from the store ({exc.__class__.__name__}); "
            "pass --no-branding to export without it"
        ) from None
    try:
        return load_branding(store)
    finally:
        store.dispose()


def load_input(path: str) -> Scenario:
    """A scenario JSON file, or a report made by `roi report` (its embedded scenario)."""
    if path.lower().endswith((".html", ".htm")):
        from roi.report.html import scenario_from_html

        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ReportError(f"{path}: cannot read the file ({exc.strerror})") from None
        return scenario_from_html(data)
    return load_scenario(path)


def cmd_pack(a: argparse.Namespace) -> int:
    """`roi report --month 2026-11 --out pack.xlsx|html|pdf [SCENARIO]`: the monthly finance pack."""
    from roi.cli.month_end import scenario_arg
    from roi.report.pack import PACK_FORMATS, build_pack
    from roi.report.pack_files import render_pack
    from roi.usage.allocation import month_period

    fmt = format_for_path(a.out)
    if fmt not in PACK_FORMATS:
        raise ReportError(f"--out {a.out}: the finance pack is written as {', '.join(PACK_FORMATS)}")
    month_period(a.month)
    store = open_store()
    scenario = scenario_arg(a.file, store) if a.file else None
    pack = build_pack(store, a.month, scenario, branding=_branding(a))
    data = render_pack(pack, fmt)
    out = Path(a.out)
    write_file(out, data, error=ReportError)
    print(f"wrote {out} ({pack.title}, {FORMATS[fmt].label}, {len(data):,} bytes)")
    return 0


def cmd_report(a: argparse.Namespace) -> int:
    if a.month:
        return cmd_pack(a)
    if not a.file:
        raise ReportError("expected a scenario file, or --month YYYY-MM for the monthly finance pack")
    fmt = format_for_path(a.out)  # an unknown extension fails before any work
    scenario = load_input(a.file)
    data = build(scenario, fmt, branding=_branding(a))
    out = Path(a.out)
    write_file(out, data, error=ReportError)
    print(f"wrote {out} ({FORMATS[fmt].label}, {len(data):,} bytes)")
    return 0


def add_report_command(sub: argparse._SubParsersAction) -> None:
    """Add `report` to the `roi` subcommands."""
    kinds = ", ".join(f.extension for f in FORMATS.values())
    s = sub.add_parser(
        "report",
        help="export a scenario as an offline HTML report, PPTX deck, PDF, XLSX or CSV; or the monthly finance pack",
        description=f"Export a scenario for a client. The extension of --out picks the format ({kinds}). "
        "With --month, the monthly finance pack (xlsx, html or pdf): spend by model and matter, the "
        "reconciliation, savings achieved vs the plan of FILE (optional), the forecast and budgets.",
    )
    s.add_argument(
        "file",
        nargs="?",
        help="scenario JSON file (or an HTML report made by roi report); with --month, the plan (file or saved name)",
    )
    s.add_argument("--month", metavar="YYYY-MM", help="write the monthly finance pack for this month")
    s.add_argument("--out", required=True, help=f"file to write; its extension is one of {kinds}")
    s.add_argument(
        "--no-branding", action="store_true", help="ignore the firm name, logo and colour in settings"
    )
    s.set_defaults(func=cmd_report)
