"""`roi scenario`, `roi optimize`, `roi catalog`: price a scenario file and the models it can use."""

from __future__ import annotations

import argparse
import json
from datetime import date

from roi.catalog import catalog_entries
from roi.cli.common import write_file
from roi.cli.text import scenario_summary, table
from roi.engine import compute
from roi.errors import CommandLineError, ScenarioError
from roi.numbers import money
from roi.optimize import optimize
from roi.present import uncertainty_method, uncertainty_words
from roi.scenario import Scenario, load_scenario
from roi.uncertainty import DEFAULT_SEED, simulate


def load_with_tasks(path: str) -> Scenario:
    """A scenario to compute. The app accepts a blank one to start from; here it would only print zeros."""
    scenario = load_scenario(path)
    if not scenario.tasks:
        raise ScenarioError(f"{path}: no tasks: nothing to evaluate")
    return scenario


def cmd_scenario(a: argparse.Namespace) -> int:
    s = load_with_tasks(a.file)
    if a.simulate is None:
        d = compute(s).to_dict()
        print(json.dumps(d, indent=2) if a.json else scenario_summary(d))
        return 0
    if not 1 <= a.simulate <= 1_000_000:
        raise CommandLineError(f"--simulate {a.simulate}: expected 1 to 1,000,000 draws")
    u = simulate(s, a.simulate, a.seed)
    d = u.result.to_dict() | {"uncertainty": u.to_dict()}
    words = uncertainty_words(u) or "Nothing in this scenario carries a range: the figures above are exact."
    print(json.dumps(d, indent=2) if a.json else f"{scenario_summary(d)}\n\n{words}\n{uncertainty_method(u)}")
    return 0


def cmd_optimize(a: argparse.Namespace) -> int:
    if a.confidence is not None and not 0 < a.confidence < 1:
        raise CommandLineError(f"--confidence {a.confidence:g}: expected a probability, e.g. 0.95")
    s = load_with_tasks(a.file)
    o = optimize(s, confidence=a.confidence)
    if a.out:
        write_file(a.out, o.scenario.to_json())
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
        print(scenario_summary(o.result.to_dict()))
        if a.confidence is not None:
            point = optimize(s).result
            print(
                f"\nHolding every floor with {a.confidence:.0%} probability (not only at the point estimates) "
                f"changes month-1 spend by {money(o.result.month1_spend - point.month1_spend)} and the net "
                f"benefit over {s.horizon_months} months by "
                f"{money(o.result.projection.horizon_net_benefit - point.projection.horizon_net_benefit)}."
            )
        if a.out:
            print(f"\nwrote {a.out}")
    return 0


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandLineError(f"--as-of {text!r}: expected a date YYYY-MM-DD, e.g. 2026-03-01") from None


def cmd_catalog(a: argparse.Namespace) -> int:
    as_of = _as_of(a.as_of)
    entries = catalog_entries(as_of=as_of, provider=a.provider)
    if a.search:
        q = a.search.lower()
        entries = [e for e in entries if q in e.model_id.lower() or q in e.name.lower()]
    if a.json:
        doc = [
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
        ]
        print(json.dumps(doc, indent=2))
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
    print(table(rows, ["provider", "model", "input", "cache write", "cache read", "output"]))
    return 0


def add_scenario_commands(sub: argparse._SubParsersAction) -> None:
    """Add `scenario`, `optimize` and `catalog` to the `roi` subcommands."""
    s = sub.add_parser("scenario", help="compute a scenario JSON file: spend, latency, accuracy, payback")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.add_argument(
        "--simulate",
        type=int,
        metavar="N",
        help="carry every range (and measured accuracy's sample) through N draws: adds P10/P50/P90",
    )
    s.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"the draws' seed (default {DEFAULT_SEED})")
    s.set_defaults(func=cmd_scenario)
    s = sub.add_parser("optimize", help="cheapest routing meeting every task's accuracy floor")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.add_argument("--out", help="write the optimized scenario JSON here")
    s.add_argument(
        "--confidence",
        type=float,
        help="each floor must hold with this probability given the measured accuracies' samples (e.g. 0.95)",
    )
    s.set_defaults(func=cmd_optimize)
    s = sub.add_parser("catalog", help="list model prices from the price database")
    s.add_argument("--provider")
    s.add_argument("--search")
    s.add_argument("--as-of", help="YYYY-MM-DD (default today)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_catalog)
