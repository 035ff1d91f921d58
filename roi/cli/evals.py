"""`roi evaluate`: sample runs of labelled examples against real models, resumable and capped.

roi.evals (the anthropic SDK) is imported inside the command so other commands start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from roi.cli.common import open_store
from roi.errors import CommandLineError
from roi.present import money, seconds, share


def cmd_evaluate(a: argparse.Namespace) -> int:
    from roi.evals.pricing import estimate
    from roi.evals.results import results, summary_json
    from roi.evals.runner import RunConfig, Runner, run_sync
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
        # Ctrl-C is how a user stops a long run: keep what is done and say how to go on
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
                    f"{model} · {task}: {r['correct']}/{r['n']} right = {share(r['accuracy'])} (95% interval {ci}), "
                    f"p50 {seconds(r['latency_p50_s'])}, ${r['cost_usd']:.4f}, {r['failed']} failed"
                )
    return 0


def add_evals_command(sub: argparse._SubParsersAction) -> None:
    """Add `evaluate` to the `roi` subcommands."""
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
