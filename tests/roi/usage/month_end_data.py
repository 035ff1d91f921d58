"""Three months of per-request logs for the month-end tests: August on Sonnet only, then routing
goes live on 1 September and 70% of the requests go to Haiku. Written as a generic per-request CSV
(the columns a gateway writes), so the tests import it the way finance would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

GO_LIVE = "2026-09-01"
PER_DAY = 40  # requests a day
INPUT, OUTPUT = 3000, 400  # tokens per request
MATTERS = ("matter:2026-014", "matter:2026-020")


def three_months(path: Path, *, last_day: str = "2026-10-31", per_day: int = PER_DAY) -> Path:
    """A CSV of requests from 1 Aug to `last_day`, routed from GO_LIVE."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2026-08-01", last_day, freq="D", tz="UTC")
    rows = []
    for d in days:
        routed = d >= pd.Timestamp(GO_LIVE, tz="UTC")
        for i in range(per_day):
            model = "claude-haiku-4-5" if routed and i % 10 < 7 else "claude-sonnet-4-5"
            rows.append(
                {
                    "timestamp": (d + pd.Timedelta(minutes=13 * i + 7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "model": model,
                    "input_tokens": INPUT,
                    "output_tokens": OUTPUT,
                    "tags": MATTERS[int(rng.integers(0, 2))],
                    "task": "Contract review",
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def scenario_doc(**extra) -> dict:
    """The plan behind those logs: one task, Sonnet today, 70% to Haiku, live from GO_LIVE."""
    return {
        "name": "Routing plan",
        "price_date": GO_LIVE,
        "go_live": GO_LIVE,
        "horizon_months": 12,
        "one_time_cost": 500,
        "baseline": {"model": "claude-sonnet-4-5"},
        "tasks": [
            {
                "name": "Contract review",
                "requests_per_month": PER_DAY * 30,
                "input_tokens": INPUT,
                "output_tokens": OUTPUT,
                "accuracy": {"claude-haiku-4-5": 0.9, "claude-sonnet-4-5": 0.95},
                "routing": {"claude-haiku-4-5": 0.7, "claude-sonnet-4-5": 0.3},
            }
        ],
    } | extra
