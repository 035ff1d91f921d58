"""`roi` command line: the same functions the pages call, for scripts and finance.

Every expected failure (bad file, unknown model, store conflict) prints one line to stderr and
exits with code 2; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date

from roi import __version__
from roi.catalog import catalog_entries
from roi.engine import compute
from roi.errors import CommandLineError, RoiError, StoreError
from roi.optimize import optimize
from roi.present import money, percent, seconds, share
from roi.report.cli import add_report_command
from roi.scenario import load_scenario
from roi.store import open_store


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _summary(d: dict) -> str:
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
    return "\n".join(head) + _table(
        rows, ["task", "today $/mo", "routed $/mo", "today latency", "routed latency", "accuracy"]
    )


def cmd_scenario(a: argparse.Namespace) -> int:
    d = compute(load_scenario(a.file)).to_dict()
    print(json.dumps(d, indent=2) if a.json else _summary(d))
    return 0


def cmd_optimize(a: argparse.Namespace) -> int:
    o = optimize(load_scenario(a.file))
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            fh.write(o.scenario.to_json())
    if a.json:
        doc = {
            "routing": {c.task: c.shares for c in o.choices},
            "floors": {c.task: c.floor for c in o.choices},
            "infeasible": o.infeasible,
            "result": o.result.to_dict(),
        }
        print(json.dumps(doc, indent=2))
    else:
        for c in o.choices:
            split = (
                ", ".join(f"{m} {s:.0%}" for m, s in c.shares.items())
                if c.shares
                else "no split meets the floor"
            )
            print(f"{c.task}: {split} (floor {100 * c.floor:.1f}%)")
        print()
        print(_summary(o.result.to_dict()))
        if a.out:
            print(f"\nwrote {a.out}")
    return 0


def cmd_catalog(a: argparse.Namespace) -> int:
    as_of = date.fromisoformat(a.as_of) if a.as_of else date.today()
    entries = catalog_entries(as_of=as_of, provider=a.provider)
    if a.search:
        q = a.search.lower()
        entries = [e for e in entries if q in e.model_id.lower() or q in e.name.lower()]
    if a.json:
        print(
            json.dumps(
                [
                    {
                        "provider": e.provider,
                        "model": e.model_id,
                        "name": e.name,
                        "input": e.prices.base.input,
                        "output": e.prices.base.output,
                        "cache_write": e.prices.base.cache_write_5m,
                        "cache_write_1h": e.prices.base.cache_write_1h,
                        "cache_read": e.prices.base.cache_read,
                        "long_context_tiers": [t.start for t in e.prices.tiers],
                        "batch": e.has_batch,
                        "as_of": as_of.isoformat(),
                    }
                    for e in entries
                ],
                indent=2,
            )
        )
        return 0
    rows = [
        [
            e.provider,
            e.model_id,
            f"{e.prices.base.input:g}",
            f"{e.prices.base.cache_write_5m:g}",
            f"{e.prices.base.cache_read:g}",
            f"{e.prices.base.output:g}",
        ]
        for e in entries
    ]
    print(f"Prices in $ per million tokens as of {as_of} (genai-prices catalog)")
    print(_table(rows, ["provider", "model", "input", "cache write", "cache read", "output"]))
    return 0


def cmd_save(a: argparse.Namespace) -> int:
    s = load_scenario(a.file)
    rev = open_store().save_scenario(s, expected_revision=a.revision, note=a.note or "")
    print(f'saved "{s.name}" as revision {rev}')
    return 0


def cmd_scenarios(a: argparse.Namespace) -> int:
    infos = open_store().list_scenarios()
    if a.json:
        print(
            json.dumps(
                [
                    {"name": i.name, "revision": i.revision, "updated_at": i.updated_at.isoformat()}
                    for i in infos
                ]
            )
        )
    else:
        for i in infos:
            print(f"{i.name}  (revision {i.revision}, {i.updated_at:%Y-%m-%d %H:%M})")
    return 0


def cmd_load(a: argparse.Namespace) -> int:
    stored = open_store().load_scenario(a.name, a.revision)
    text = stored.scenario.to_json()
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {a.out} (revision {stored.revision})")
    else:
        print(text)
    return 0


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out = {}
    for p in pairs:
        field, sep, column = p.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise CommandLineError(f"--map {p!r}: expected field=column, e.g. --map timestamp=created")
        out[field.strip()] = column.strip().lower()
    return out


def _usage_text(doc: dict) -> str:
    lines = [
        f"Usage {doc['start'] or '—'} .. {doc['end'] or '—'}: {doc['rows']} rows"
        + (
            f", {doc['requests']:,.0f} requests" if doc["requests"] is not None else ", request count unknown"
        ),
        f"Tokens: input {doc['input_tokens']:,.0f}, cache write 5m {doc['cache_write_5m_tokens']:,.0f}, "
        f"1h {doc['cache_write_1h_tokens']:,.0f}, cache read {doc['cache_read_tokens']:,.0f}, output {doc['output_tokens']:,.0f}",
        f"Priced with the catalog: {money(doc['cost_usd'])}"
        + (
            f"; billed/reported: {money(doc['reported_cost_usd'])}"
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
            money(t["cost_usd"]),
        ]
        for m, t in doc["models"].items()
    ]
    if rows:
        lines.append(_table(rows, ["model", "requests", "input tokens", "output tokens", "cost"]))
    if doc["unpriced_models"]:
        lines.append(
            "Not in the price catalog (map them on the Usage page): " + ", ".join(doc["unpriced_models"])
        )
    return "\n".join(lines)


def cmd_ingest(a: argparse.Namespace) -> int:
    from roi.usage import ingest

    result = ingest(open_store(), a.paths, format=a.format, mapping=_mapping(a.map))
    doc = result.document
    if a.json:
        print(json.dumps(doc, indent=2))
        return 0
    for s in result.summaries:
        print(f"{s.file_name}: {s.format}: {s.describe()}")
    for w in doc["warnings"]:
        print(f"warning: {w}")
    print(_usage_text(doc))
    return 0


def cmd_usage(a: argparse.Namespace) -> int:
    from roi.usage import delete_import, list_imports, priced_store, reconcile, summary
    from roi.usage.ingest import IMPORT_COLUMNS

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
            print(_table([[str(v) for v in r] for r in imps[cols].itertuples(index=False)], cols))
        return 0
    priced = priced_store(store)
    if a.reconcile:
        table = reconcile(priced)
        if a.json:
            print(table.to_json(orient="records"))
        else:
            rows = [
                [r.month, r.model, money(r.computed_usd), money(r.billed_usd), percent(r.difference_pct)]
                for r in table.itertuples()
            ]
            print(_table(rows, ["month", "model", "computed", "billed", "difference"]))
        return 0
    doc = summary(priced)
    print(json.dumps(doc, indent=2) if a.json else _usage_text(doc))
    return 0


def cmd_evaluate(a: argparse.Namespace) -> int:
    import os

    from roi.evals.results import results, summary_json
    from roi.evals.runner import RunConfig, Runner, estimate, run_sync
    from roi.evals.sets import load_eval_set

    eval_set = load_eval_set(a.set)
    models = a.model or []
    if not models and a.run is None:
        raise CommandLineError("name at least one --model (or --run ID to resume a run)")
    if a.dry_run:
        est = estimate(eval_set, models, batch=a.batch)
        for m, usd in est.items():
            print(f"{m}: up to {money(usd) if usd >= 1 else f'${usd:.4f}'} for {len(eval_set.items)} items")
        return 0
    cfg = RunConfig(
        models=models,
        concurrency=a.concurrency,
        max_spend=a.max_spend,
        batch=a.batch,
        base_url=a.base_url or os.environ.get("ANTHROPIC_BASE_URL"),
    )
    runner = Runner(open_store(), eval_set, cfg, api_key=os.environ.get("ANTHROPIC_API_KEY", ""))

    def show(p) -> None:
        if not a.json:
            eta = f", about {p.eta_s:.0f} s left" if p.eta_s is not None else ""
            print(
                f"\r{p.done}/{p.total} done, {p.failed} failed, ${p.spend:.4f} spent{eta}   ",
                end="",
                file=sys.stderr,
            )

    try:
        run_id = run_sync(runner, a.run, show)
    except KeyboardInterrupt:
        runner.cancel()
        print("\ncancelled: finished items are kept; resume with --run", file=sys.stderr)
        return 130
    if not a.json:
        print(file=sys.stderr)
    doc = summary_json(results(runner.store, run_id))
    if a.json:
        print(json.dumps({"run": run_id, "status": runner.status, "models": doc}, indent=2))
    else:
        print(f"run {run_id}: {runner.status}")
        for model, tasks in doc.items():
            for task, r in tasks.items():
                ci = f"{share(r['ci_low'])}–{share(r['ci_high'])}" if r["n"] else "—"
                print(
                    f"{model} · {task}: {r['correct']}/{r['n']} right = {share(r['accuracy'])} (95% CI {ci}), "
                    f"p50 {seconds(r['latency_p50_s'])}, ${r['cost_usd']:.4f}, {r['failed']} failed"
                )
    return 0


def cmd_db(a: argparse.Namespace) -> int:
    store = open_store()
    print(f"database at {store.engine.url.render_as_string(hide_password=True)} is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="roi", description="Routing ROI: cost, latency and payback of model routing."
    )
    p.add_argument("--version", action="version", version=f"roi {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scenario", help="compute a scenario JSON file: spend, latency, accuracy, payback")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_scenario)
    s = sub.add_parser("optimize", help="cheapest routing meeting every task's accuracy floor")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.add_argument("--out", help="write the optimized scenario JSON here")
    s.set_defaults(func=cmd_optimize)
    s = sub.add_parser("catalog", help="list model prices from the price database")
    s.add_argument("--provider")
    s.add_argument("--search")
    s.add_argument("--as-of", help="YYYY-MM-DD (default today)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_catalog)
    s = sub.add_parser("save", help="save a scenario file to the store (a new revision)")
    s.add_argument("file")
    s.add_argument("--revision", type=int, help="the revision you edited (omit for a new scenario)")
    s.add_argument("--note")
    s.set_defaults(func=cmd_save)
    s = sub.add_parser("scenarios", help="list saved scenarios")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_scenarios)
    s = sub.add_parser("load", help="print or write a saved scenario")
    s.add_argument("name")
    s.add_argument("--revision", type=int)
    s.add_argument("--out")
    s.set_defaults(func=cmd_load)
    s = sub.add_parser("ingest", help="import usage exports (CSV/JSON files or a LiteLLM database URL)")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument(
        "--format",
        help="skip detection: anthropic-console-usage, anthropic-console-cost, anthropic-admin-usage, "
        "anthropic-admin-cost, openai-usage, openai-cost, litellm-spendlogs, generic",
    )
    s.add_argument(
        "--map", action="append", metavar="FIELD=COLUMN", help="generic CSV: which column holds a field"
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ingest)
    s = sub.add_parser("usage", help="what the store holds: totals, imports, reconciliation")
    s.add_argument("--json", action="store_true")
    s.add_argument("--imports", action="store_true", help="list imports")
    s.add_argument("--delete", type=int, metavar="ID", help="delete an import and its rows")
    s.add_argument("--reconcile", action="store_true", help="computed vs billed cost per month and model")
    s.set_defaults(func=cmd_usage)
    s = sub.add_parser("evaluate", help="sample run: measure models on a labelled eval set (anthropic SDK)")
    s.add_argument("set", help="eval set JSON, e.g. data/evals/law_firm.json")
    s.add_argument("--model", action="append", help="a model to measure (repeat for several)")
    s.add_argument("--concurrency", type=int, default=8)
    s.add_argument("--max-spend", type=float, help="stop cleanly once this many USD are spent")
    s.add_argument("--batch", action="store_true", help="Message Batches: half price, no latency measured")
    s.add_argument("--run", type=int, help="resume this run")
    s.add_argument("--base-url", help="API base URL (default ANTHROPIC_BASE_URL or Anthropic's)")
    s.add_argument("--dry-run", action="store_true", help="estimate the run's own cost and stop")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_evaluate)
    s = sub.add_parser("db", help="create or upgrade the database schema")
    s.set_defaults(func=cmd_db)
    add_report_command(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RoiError as exc:
        print(f"roi: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
