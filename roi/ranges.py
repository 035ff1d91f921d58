"""An uncertain input written as low / likely / high: `{"low": a, "likely": b, "high": c}` in the
scenario file wherever a number may carry one, drawn from the triangular distribution on
(low, likely, high) by the simulation (`roi.uncertainty`); every deterministic figure uses `likely`.

The likely value lives in the number's own field (a task's `error_cost`, the scenario's growth…), so
everything that reads a scenario keeps working unchanged; a `Range` keeps only the two ends. When an
edit moves the value outside them, the range stretches to include it rather than being dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from roi.errors import ScenarioError

KEYS = ("low", "likely", "high")


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    def around(self, likely: float) -> tuple[float, float, float]:
        """(low, likely, high), stretched to hold `likely` if an edit moved it outside."""
        return min(self.low, likely), likely, max(self.high, likely)

    def to_dict(self, likely: float) -> dict[str, float]:
        low, mid, high = self.around(likely)
        return {"low": low, "likely": mid, "high": high}


def parse_range(
    v: Any, where: str, *, lo: float | None = None, hi: float | None = None
) -> tuple[float, Range]:
    """(likely, Range) from `{"low", "likely", "high"}`; a wrong one names where it is."""
    if not isinstance(v, dict) or set(v) != set(KEYS):
        got = ", ".join(sorted(map(str, v))) if isinstance(v, dict) else type(v).__name__
        raise ScenarioError(f'{where}: expected a number or {{"low", "likely", "high"}}, got {got}')
    nums = []
    for k in KEYS:
        x = v[k]
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise ScenarioError(f"{where}.{k}: expected a number, got {x!r}")
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            bounds = (
                f"{lo:g}..{hi:g}"
                if lo is not None and hi is not None
                else f"≥ {lo:g}"
                if lo is not None
                else f"≤ {hi:g}"
            )
            raise ScenarioError(f"{where}.{k}: expected a number {bounds}, got {x:g}")
        nums.append(float(x))
    low, likely, high = nums
    if not low <= likely <= high:
        raise ScenarioError(f"{where}: expected low ≤ likely ≤ high, got {low:g}, {likely:g}, {high:g}")
    return likely, Range(low, high)


def written(likely: float, r: Range | None) -> float | dict[str, float]:
    """How the scenario file writes the number back."""
    return likely if r is None else r.to_dict(likely)
