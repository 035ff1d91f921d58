"""Side-by-side comparison of scenarios: the figures a partner asks about, one row each."""

from __future__ import annotations

import pandas as pd

from roi.engine import Result


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
