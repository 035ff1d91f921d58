"""`make bench`: how fast the engine and optimizer are where users feel it. Prints figures only."""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi.catalog import catalog_entries  # noqa: E402
from roi.engine import compute, task_matrix  # noqa: E402
from roi.optimize import frontier, optimize  # noqa: E402
from roi.scenario import demo_scenario, parse_scenario  # noqa: E402


def big_scenario(n_tasks: int = 500, n_models: int = 12, seed: int = 7):
    """500 tasks × 12 catalog models (Anthropic, OpenAI and Google), 36-month horizon."""
    rng = random.Random(seed)
    from datetime import date

    pool = [
        e.model_id
        for e in catalog_entries(as_of=date(2026, 11, 1))
        if e.provider in ("anthropic", "openai", "google")
    ]
    models = rng.sample(sorted(set(pool)), n_models)
    tasks = []
    for i in range(n_tasks):
        a, b = rng.sample(models, 2)
        w = rng.random()
        routing = (
            {"cascade": [a, b], "escalation_rate": rng.random() * 0.3}
            if i % 5 == 0
            else ({a: w, b: 1 - w} if a != b else {a: 1.0})
        )
        tasks.append(
            {
                "name": f"task {i}",
                "requests_per_month": rng.uniform(100, 50_000),
                "input_tokens": rng.uniform(100, 300_000),
                "cache_write_tokens": rng.uniform(0, 2_000),
                "cache_read_tokens": rng.uniform(0, 10_000),
                "output_tokens": rng.uniform(10, 4_000),
                "interactive": rng.random() < 0.5,
                "error_cost": rng.uniform(0, 200),
                "accuracy": {m: rng.uniform(0.6, 0.99) for m in models},
                "routing": routing,
                "accuracy_floor": rng.uniform(0.7, 0.9),
            }
        )
    return parse_scenario(
        {
            "name": "bench",
            "price_date": "2026-11-01",
            "horizon_months": 36,
            "one_time_cost": 50_000,
            "monthly_cost": 2_000,
            "staff_cost_per_hour": 80,
            "volume_growth_per_month": 0.02,
            "models": {},
            "baseline": {"model": models[0]},
            "tasks": tasks,
        }
    )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples)


def main() -> None:
    s = big_scenario()
    compute(s)  # warm the catalog cache, as a running app has
    tm = task_matrix(s)
    rows = [
        ("compute 500 tasks x 12 models x 36 months (full)", timed(lambda: compute(s), 30), 20),
        ("compute, reusing the task matrix (slider change)", timed(lambda: compute(s, tm), 30), None),
        ("optimize 500 x 12 (cheapest split per task)", timed(lambda: optimize(s), 10), 200),
        ("cost-accuracy frontier 500 x 12", timed(lambda: frontier(tm), 10), None),
        ("compute the demo scenario", timed(lambda: compute(demo_scenario()), 30), None),
    ]
    print(f"{'benchmark':55} {'median ms':>10} {'best ms':>9} {'target ms':>10}")
    for name, (med, best), target in rows:
        print(f"{name:55} {med:10.2f} {best:9.2f} {target if target else '':>10}")


if __name__ == "__main__":
    main()
