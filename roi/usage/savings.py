"""Savings achieved: what routing really saved once it went live, beside what the plan promised.

For each calendar month from the scenario's go-live date, the traffic actually seen is re-priced as
if it had run on the baseline: the model mix the logs show before go-live (each model's share of
requests, or of tokens when the export has no request counts), or the scenario's baseline model.
Achieved saving = that counterfactual - the actual cost, both priced with the catalog at each day's
own prices, row by row, so batch, cache TTL and long-context tiers stay what they were.

The gap to the plan (`roi.finance.project`'s spend saved, month 1 = the go-live month, months the
data covers only in part prorated by the days covered) is split in four steps that add up exactly:
volume (requests, or tokens, against the plan's), mix of tasks (the baseline cost per request of
the work actually done, at the plan's prices), routing split (the saving rate actually achieved
against the planned rate, at the plan's prices) and price changes (the same traffic at each day's
prices instead of the plan's price date, and the plan's negotiated discounts).

Over 300 lines on purpose: the counterfactual, the plan's months and the four effects share one
month table and its coverage rules; split, the effects would be computed away from the numbers
they must add up to.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from roi.errors import ScenarioError
from roi.numbers import cents
from roi.scenario import Scenario
from roi.tokens import total_input
from roi.usage.pricing import Alias, price
from roi.usage.schema import TOKEN_COLUMNS

BASELINES = ("logs", "scenario")
EFFECTS = ("volume", "task_mix", "routing_split", "prices")
CAVEATS = (
    "The counterfactual keeps each request's tokens; a larger model may have written longer or "
    "shorter answers.",
    "Prompt caches start cold after a switch: the first days after go-live can show more cache "
    "writes than the steady state.",
    "Both sides are priced with the catalog's list prices (no negotiated discount).",
)


@dataclass
class Savings:
    go_live: date
    baseline: str  # in words: which counterfactual
    mix: dict[str, float]  # model -> share of the counterfactual
    volume_unit: str  # "requests" or "tokens": what the volume effect compares
    months: pd.DataFrame  # month, days, complete, actual/counterfactual/achieved/planned, effects
    split: pd.DataFrame  # model, seen (share of requests after go-live), planned (share)
    notes: list[str]

    def document(self) -> dict:
        """The `roi savings --json` document."""

        def num(v: object) -> float | None:
            return None if v is None or v != v else cents(v)  # type: ignore[arg-type]

        return {
            "go_live": self.go_live.isoformat(),
            "baseline": self.baseline,
            "baseline_mix": self.mix,
            "volume_unit": self.volume_unit,
            "months": [
                {
                    "month": r["month"],
                    "days": int(r["days"]),
                    "complete": bool(r["complete"]),
                    "actual_cost_usd": num(r["actual_cost_usd"]),
                    "counterfactual_cost_usd": num(r["counterfactual_cost_usd"]),
                    "achieved_saving_usd": num(r["achieved_saving_usd"]),
                    "planned_saving_usd": num(r["planned_saving_usd"]),
                    "variance": {e: num(r[e]) for e in EFFECTS},
                }
                for r in self.months.to_dict("records")
            ],
            "routing_split": self.split.to_dict("records"),
            "notes": self.notes,
        }


def _volume(rows: pd.DataFrame, by_requests: bool) -> pd.Series:
    if by_requests:
        return rows["requests"].astype(float)
    tokens = rows[list(TOKEN_COLUMNS)].to_numpy(dtype=float)
    return pd.Series(total_input(tokens) + rows["output_tokens"].to_numpy(dtype=float), index=rows.index)


def _mix(before: pd.DataFrame, by_requests: bool) -> dict[str, float]:
    """Each model's share of the traffic before go-live (keyed by the name the logs use)."""
    w = _volume(before, by_requests).groupby(before["model_raw"]).sum()
    w = w[w > 0]
    return {str(k): float(v / w.sum()) for k, v in w.sort_values(ascending=False).items()}


def _cost(
    rows: pd.DataFrame, amap: dict[str, Alias], as_of: date | None, discount: dict[str, float]
) -> np.ndarray:
    """The rows priced with the catalog (at `as_of`, else each day's), less the scenario's
    negotiated discount on each model (the plan's prices are the discounted ones)."""
    p = price(rows, amap, as_of=as_of)
    off = p["model"].map(lambda m: discount.get(m, 0.0)).to_numpy(dtype=float)
    return p["cost_usd"].to_numpy(dtype=float) * (1 - off)


def _repriced(
    rows: pd.DataFrame,
    mix: dict[str, float],
    amap: dict[str, Alias],
    as_of: date | None,
    discount: dict[str, float] | None = None,
) -> np.ndarray:
    """The rows' cost had their tokens gone to the mix's models instead."""
    total = np.zeros(len(rows))
    for model_raw, share in mix.items():
        total += share * _cost(rows.assign(model_raw=model_raw), amap, as_of, discount or {})
    return total


def _scenario_amap(s: Scenario, amap: dict[str, Alias]) -> dict[str, Alias]:
    """The user's aliases, plus the scenario's typed-price models (a custom baseline)."""
    out = dict(amap)
    for mid, d in s.models.items():
        if d.custom:
            out[mid] = Alias(mid, d.input, d.output, d.cache_write, d.cache_read)
    return out


def _days(month: str) -> int:
    return calendar.monthrange(int(month[:4]), int(month[5:]))[1]


def _span(usage: pd.DataFrame) -> tuple[date, date]:
    """First and last day the usage covers (a bucket's end counts, as in the forecast's history)."""
    last = usage["end"].fillna(usage["start"] + pd.Timedelta(days=1)).max() - pd.Timedelta(microseconds=1)
    return usage["start"].min().date(), last.date()


def _months_from(go: date, usage: pd.DataFrame) -> list[str]:
    """Every month from go-live to the last the data covers, a month with no rows included."""
    return [str(p) for p in pd.period_range(pd.Period(go, "M"), pd.Period(_span(usage)[1], "M"), freq="M")]


def _covered_days(months: pd.Series, go: date, usage: pd.DataFrame) -> list[int]:
    """Days of each month the imports cover from go-live (not the days that happen to have rows:
    a weekend without traffic is covered, and counts)."""
    first, last = _span(usage)
    first = max(first, go)
    out = []
    for m in months:
        lo = date(int(m[:4]), int(m[5:]), 1)
        hi = date(lo.year, lo.month, _days(m))
        out.append(max(0, (min(hi, last) - max(lo, first)).days + 1))
    return out


def achieved(
    priced: pd.DataFrame,
    s: Scenario,
    amap: dict[str, Alias] | None = None,
    *,
    go_live: date | None = None,
    baseline: str = "logs",
) -> Savings:
    """Month by month from go-live: actual cost, counterfactual, achieved and planned saving, and
    the four effects that explain the difference (see the module docstring)."""
    from roi.engine import compute

    go = go_live or s.go_live
    if go is None:
        raise ScenarioError(
            "go_live: the scenario has no go-live date (set it, or pass --go-live YYYY-MM-DD)"
        )
    if baseline not in BASELINES:
        raise ScenarioError(f"baseline “{baseline}”: expected one of {', '.join(BASELINES)}")
    amap = _scenario_amap(s, amap or {})
    usage = priced[(priced["kind"] == "usage")] if "kind" in priced.columns else priced
    start = pd.Timestamp(go, tz="UTC")
    notes = [f"Plan month 1 is the go-live month ({go:%Y-%m}); months the data covers in part are prorated."]
    unpriced = usage["cost_usd"].isna()
    if unpriced.any():
        notes.append(
            f"{int(unpriced.sum())} usage row(s) of models the catalog does not know are left out "
            "(map them on the Usage page)."
        )
    usage = usage[~unpriced]
    before, after = usage[usage["start"] < start], usage[usage["start"] >= start]
    by_requests = bool(usage["requests"].notna().all()) and not usage.empty
    unit = "requests" if by_requests else "tokens"
    mix = _mix(before, by_requests) if baseline == "logs" else {}
    if mix:
        words = ", ".join(f"{v:.0%} {k}" for k, v in mix.items())
        label = f"the model mix before go-live (by {unit}): {words}"
    else:
        if baseline == "logs":
            notes.append("No usage before go-live: the counterfactual is the scenario's baseline model.")
        mix = {s.baseline_model: 1.0}
        label = f"the scenario's baseline model, {s.baseline_model}"
    if after.empty:
        empty = pd.DataFrame(columns=["month", "days", "complete", *_MONEY, *EFFECTS])
        notes.append(f"No usage on or after the go-live date ({go:%d %b %Y}) yet.")
        return Savings(go, label, mix, unit, empty, pd.DataFrame(columns=["model", "seen", "planned"]), notes)

    discount = {m: d.discount for m, d in s.models.items() if d.discount and not d.custom}
    frame = pd.DataFrame(
        {
            "month": after["start"].dt.strftime("%Y-%m"),
            "actual_cost_usd": after["cost_usd"].to_numpy(),
            "counterfactual_cost_usd": _repriced(after, mix, amap, None),
            "actual0": _cost(after, amap, s.as_of, discount),  # at the plan's (discounted) prices
            "counterfactual0": _repriced(after, mix, amap, s.as_of, discount),
            "volume": _volume(after, by_requests).to_numpy(),
        }
    )
    months = frame.groupby("month").sum().reindex(_months_from(go, usage), fill_value=0.0)
    months = months.rename_axis("month").reset_index()
    months["days"] = _covered_days(months["month"], go, usage)
    months["achieved_saving_usd"] = months["counterfactual_cost_usd"] - months["actual_cost_usd"]
    result = compute(s)
    months = _against_plan(months, result, s, go, by_requests)
    months["complete"] = months["days"] == months["month"].map(_days)
    if discount:
        notes.append(
            "The plan's prices include the scenario's negotiated discounts; the actual cost is at list "
            "prices, so the discount shows under prices."
        )
    if not months["complete"].all():
        notes.append("Partly covered months: " + ", ".join(months.loc[~months["complete"], "month"]) + ".")
    split = _split(after, result)
    cols = ["month", "days", "complete", *_MONEY, *EFFECTS]
    return Savings(go, label, mix, unit, months[cols], split, [*notes, *CAVEATS])


_MONEY = ("actual_cost_usd", "counterfactual_cost_usd", "achieved_saving_usd", "planned_saving_usd")


def _against_plan(months: pd.DataFrame, result, s: Scenario, go: date, by_requests: bool) -> pd.DataFrame:
    """Planned saving per month (prorated by the days covered) and the four effects explaining the
    gap. Past the scenario's horizon the plan goes on as `roi.finance.project` grows it."""
    from roi.finance import project

    first = pd.Period(go, "M")
    k = np.array([(pd.Period(m, "M") - first).n for m in months["month"]])  # 0 = go-live month
    p = project(
        spend=result.month1_spend,
        baseline_spend=result.month1_baseline_spend,
        error_cost=0.0,
        baseline_error_cost=0.0,
        staff_time_value=0.0,
        growth=s.volume_growth_per_month,
        horizon_months=int(k.max()) + 1,
        one_time_cost=0.0,
        monthly_cost=0.0,
    )
    seen = months["days"].to_numpy() / months["month"].map(_days).to_numpy()
    factor = (1 + s.volume_growth_per_month) ** k * seen
    planned = p.spend_saved[k] * seen
    tokens = np.array([t.tokens.total_input_tokens + t.output_tokens for t in s.tasks], dtype=float)
    v = result.matrix.volume
    planned_volume = (v.sum() if by_requests else float(v @ tokens)) * factor
    rate = 0.0 if result.month1_baseline_spend == 0 else p.spend_saved[0] / result.month1_baseline_spend
    with np.errstate(divide="ignore", invalid="ignore"):
        at_volume = np.where(planned_volume > 0, planned * months["volume"] / planned_volume, planned)
    at_mix = months["counterfactual0"] * rate  # the actual work, the planned saving rate
    at_split = months["counterfactual0"] - months["actual0"]  # the actual work and split, plan prices
    months["planned_saving_usd"] = planned
    months["volume"] = at_volume - planned
    months["task_mix"] = at_mix - at_volume
    months["routing_split"] = at_split - at_mix
    months["prices"] = months["achieved_saving_usd"] - at_split
    return months


def _split(after: pd.DataFrame, result) -> pd.DataFrame:
    """Each model's share of the calls after go-live (requests, or tokens), beside the plan's share
    of calls (a cascade's escalations count as calls to the larger model)."""
    seen = _volume(after, bool(after["requests"].notna().all())).groupby(after["model"]).sum()
    seen = seen / seen.sum() if seen.sum() > 0 else seen
    calls = result.matrix.volume @ result.routed.calls
    planned = dict(zip(result.matrix.models, calls / calls.sum() if calls.sum() > 0 else calls, strict=True))
    models = sorted(set(seen.index.astype(str)) | {m for m, x in planned.items() if x > 0})
    return pd.DataFrame(
        {
            "model": models,
            "seen": [round(float(seen.get(m, 0.0)), 4) for m in models],
            "planned": [round(float(planned.get(m, 0.0)), 4) for m in models],
        }
    )


def savings_table(months: pd.DataFrame) -> pd.DataFrame:
    """Achieved vs planned per month, as the page and the CLI show them, to the cent."""
    from roi.numbers import money_cents

    def cents(col: str) -> list[str]:
        return ["—" if v != v else money_cents(v) for v in months[col]]

    return pd.DataFrame(
        {
            "Month": [
                m if c else f"{m} ({d} days)"
                for m, c, d in zip(months["month"], months["complete"], months["days"], strict=True)
            ],
            "Actual cost": cents("actual_cost_usd"),
            "Counterfactual (baseline)": cents("counterfactual_cost_usd"),
            "Achieved saving": cents("achieved_saving_usd"),
            "Planned saving": cents("planned_saving_usd"),
            "Volume": cents("volume"),
            "Task mix": cents("task_mix"),
            "Routing split": cents("routing_split"),
            "Prices": cents("prices"),
        }
    )


def totals(months: pd.DataFrame) -> dict[str, float]:
    """Achieved and planned saving summed over the months (the plan's months past its horizon
    count as nothing planned)."""
    return {
        "achieved": float(months["achieved_saving_usd"].sum()),
        "planned": float(months["planned_saving_usd"].fillna(0).sum()),
    }
