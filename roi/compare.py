"""Side-by-side comparison of scenarios: the figures a partner asks about, one row each."""

from __future__ import annotations

import pandas as pd

from roi.engine import Result, compute
from roi.errors import RoiError
from roi.scenario import Scenario
from roi.store import Store


def compare_saved(store: Store, current: Scenario, names: list[str]) -> tuple[dict[str, Result], list[str]]:
    """The current scenario and saved ones, computed; a saved one that no longer computes (e.g. a
    model left the catalog) is left out with a note instead of failing the comparison."""
    results = {f"{current.name} (current)": compute(current)}
    notes = []
    for name in names:
        try:
            results[name] = compute(store.load_scenario(name).scenario)
        except RoiError as exc:
            notes.append(f"{name}: {exc}")
    return results, notes


def compare_frame(results: dict[str, Result]) -> pd.DataFrame:
    rows = []
    for name, r in results.items():
        p = r.projection
        rows.append(
            {
                "scenario": name,
                "spend today $/mo": r.month1_baseline_spend,
                "spend routed $/mo": r.month1_spend,
                "savings %": r.savings_pct,
                "mean latency s": r.mean_latency_s,
                "accuracy %": None if r.accuracy is None else 100 * r.accuracy,
                "net benefit month 1 $": p.month1.net,
                "payback month": p.payback_month,
                "net benefit over horizon $": p.horizon_net_benefit,
                "ROI %": p.roi_pct,
            }
        )
    return pd.DataFrame(rows)
