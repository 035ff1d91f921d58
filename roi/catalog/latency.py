"""Latency profiles: time to first token and output speed per model.

Defaults come from `data/latency_profiles.csv`, where every row names its source and date (or
says it is a placeholder). Measured values from sample runs replace them in the scenario.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from roi import DATA_DIR

LATENCY_FILE = DATA_DIR / "latency_profiles.csv"


@dataclass(frozen=True, slots=True)
class LatencyProfile:
    ttft_s: float
    output_tokens_per_s: float
    provenance: str  # assumed (placeholder) / measured / catalog-like source
    source: str

    def latency_s(self, output_tokens: float) -> float:
        return self.ttft_s + output_tokens / self.output_tokens_per_s


@cache
def latency_table(path: Path = LATENCY_FILE) -> dict[str, LatencyProfile]:
    table: dict[str, LatencyProfile] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            source = f"{row['source']} ({row['source_date']})"
            provenance = "assumed" if row["source"].startswith("placeholder") else "published"
            table[row["model"]] = LatencyProfile(
                float(row["ttft_s"]), float(row["output_tokens_per_s"]), provenance, source
            )
    return table


def default_latency(model_id: str) -> LatencyProfile:
    """The table's row for a model, or the table's generic `*` row."""
    table = latency_table()
    return table.get(model_id) or table["*"]
