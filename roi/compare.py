"""Side-by-side comparison of scenarios: the figures a partner asks about, one row each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from roi.engine import Result, compute
from roi.errors import RoiError
from roi.numbers import money, percent, seconds, share
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


def saved_revision(store: Store, s: Scenario, loaded: tuple[str, int] | None) -> int | None:
    """The saved revision `s` is, unchanged: the one it was loaded from or last saved as (`loaded`);
    None when it was never saved or has changed since (or the saved copy is gone)."""
    if loaded is None or loaded[0] != s.name:
        return None
    try:
        stored = store.load_scenario(*loaded).scenario
    except RoiError:
        return None
    return loaded[1] if stored == s else None


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side: the current one first, then the saved ones asked for."""

    results: dict[str, Result]  # label -> figures; labels are unique (they head the columns)
    status: dict[str, str]  # label -> "current, unsaved changes", "saved, revision 2"...
    current: str  # the label of the current scenario
    notes: list[str]  # saved scenarios left out, and why


def comparison(
    store: Store, current: Scenario, names: list[str], *, loaded: tuple[str, int] | None
) -> Comparison:
    """The current scenario (marked as unsaved unless it is exactly a saved revision) and the newest
    revision of each saved one in `names`."""
    results, notes = compare_saved(store, current, names)
    label = next(iter(results))
    rev = saved_revision(store, current, loaded)
    status = {label: "current, unsaved changes" if rev is None else f"current, saved as revision {rev}"}
    for name in list(results)[1:]:
        try:
            status[name] = f"saved, revision {store.load_scenario(name).revision}"
        except RoiError:  # deleted between the two reads
            status[name] = "saved"
    return Comparison(results, status, label, notes)


STATUS_ROW = "Status"


def compare_table(c: Comparison) -> pd.DataFrame:
    """One column per scenario, one row per figure, in words: four scenarios fit any screen, and
    each row keeps one unit. The first column names the figure; the first row says which scenario
    is the current one and whether it is saved."""
    rows: list[tuple[str, Callable[[Result], str]]] = [
        ("Spend today ($/month)", lambda r: money(r.month1_baseline_spend)),
        ("Spend routed ($/month)", lambda r: money(r.month1_spend)),
        ("Savings", lambda r: percent(r.savings_pct)),
        ("Mean time to an answer", lambda r: seconds(r.mean_latency_s)),
        ("Expected accuracy", lambda r: share(r.accuracy)),
        ("Net benefit, month 1", lambda r: money(r.projection.month1.net)),
        (
            "Payback",
            lambda r: (
                f"month {r.projection.payback_month}" if r.projection.payback_month else "not within horizon"
            ),
        ),
        ("Net benefit over the horizon", lambda r: money(r.projection.horizon_net_benefit)),
        ("ROI", lambda r: percent(r.projection.roi_pct, 0)),
    ]
    table = {"": [STATUS_ROW] + [name for name, _ in rows]}
    for label, r in c.results.items():
        table[label] = [c.status[label]] + [fmt(r) for _, fmt in rows]
    return pd.DataFrame(table)
