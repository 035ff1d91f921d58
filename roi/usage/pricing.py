"""Pricing stored usage with the catalog at each row's own date, and reconciling with the bill.

Every row is priced by `roi.catalog.cost.cost_usd`: cache writes by TTL, batch rows at batch
prices, fast-mode rows at the catalog's fast price, US-only inference at its premium, and each row
at the long-context tier its context band says its requests paid. Rows whose model the catalog does
not know (and the user has not mapped) stay unpriced and are listed, never priced at zero silently.

Over 300 lines on purpose: pricing and reconciliation share the period rules (days covered,
overlap, one-sided models) that make a month-end comparison honest; split, each half would need the
other's private helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select

from roi.catalog import catalog_price, custom_price, resolve_model_ref
from roi.catalog.cost import band_tier_input, cost_usd
from roi.catalog.prices import ModelPrices
from roi.errors import UnknownModelError
from roi.numbers import day_span, money_cents, percent
from roi.store import Store
from roi.store.models import ModelAlias
from roi.usage.schema import TOKEN_COLUMNS


@dataclass(frozen=True)
class Alias:
    model_id: str
    input: float | None = None
    output: float | None = None
    cache_write: float | None = None
    cache_read: float | None = None

    @property
    def custom(self) -> bool:
        return self.input is not None and self.output is not None


def aliases(store: Store) -> dict[str, Alias]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(ModelAlias.__table__)).mappings()
        return {
            r["model_raw"]: Alias(r["model_id"], r["input"], r["output"], r["cache_write"], r["cache_read"])
            for r in rows
        }


def set_alias(store: Store, model_raw: str, alias: Alias) -> None:
    """Map a model name from the files to a catalog model, or to a custom model with typed prices."""
    from roi.store.access import check, record

    check(store.actor, "map_model")
    if not alias.custom:
        resolve_model_ref(alias.model_id)  # raises UnknownModelError for a typo
    with store.engine.begin() as conn:
        conn.execute(delete(ModelAlias).where(ModelAlias.model_raw == model_raw))
        conn.execute(
            insert(ModelAlias).values(
                model_raw=model_raw,
                model_id=alias.model_id,
                input=alias.input,
                output=alias.output,
                cache_write=alias.cache_write,
                cache_read=alias.cache_read,
            )
        )
    record(
        store,
        store.actor,
        "map_model",
        f"{model_raw} -> {alias.model_id}" + (" (typed prices)" if alias.custom else ""),
    )


@lru_cache(maxsize=4096)
def _resolve(model_raw: str) -> str | None:
    try:
        return resolve_model_ref(model_raw)[1]
    except UnknownModelError:
        return None


def _prices(
    model_raw: str, day, batch: bool, fast: bool, us_only: bool, amap: dict[str, Alias]
) -> tuple[str | None, ModelPrices | None]:
    alias = amap.get(model_raw)
    if alias is not None and alias.custom:
        return alias.model_id, custom_price(
            alias.model_id,
            input=alias.input,
            output=alias.output,
            cache_write=alias.cache_write or 0.0,
            cache_read=alias.cache_read or 0.0,
        )
    model = alias.model_id if alias is not None else _resolve(model_raw)
    if model is None:
        return None, None
    try:
        return model, catalog_price(model, as_of=day, batch=batch, fast=fast, us_only=us_only)
    except UnknownModelError:
        return None, None


def price(
    rows: pd.DataFrame, amap: dict[str, Alias] | None = None, *, as_of: date | None = None
) -> pd.DataFrame:
    """Add `model` (catalog/custom id or None) and `cost_usd` (NaN when unpriced) to stored rows,
    at the prices of each row's own day, or all at the prices of `as_of` (savings: prices held)."""
    amap = amap or {}
    out = rows.copy()
    out["model"] = None
    out["cost_usd"] = np.nan
    if out.empty:
        return out
    day = out["start"].dt.date if as_of is None else pd.Series(as_of, index=out.index)
    tier_input = band_tier_input(out["context_window"].to_numpy(dtype=object))
    combos = pd.DataFrame(
        {
            "model_raw": out["model_raw"],
            "day": day,
            "batch": _is(out, "service_tier", "batch"),
            "fast": _is(out, "speed", "fast"),
            "us_only": _is(out, "inference_geo", "us"),
        }
    )
    tokens = out[list(TOKEN_COLUMNS)].to_numpy(dtype=float)
    cost = np.full(len(out), np.nan)
    models = np.empty(len(out), dtype=object)
    for key, idx in combos.groupby(list(combos.columns), sort=False).indices.items():
        raw, d, batch, fast, us_only = key
        model, p = _prices(raw, d, bool(batch), bool(fast), bool(us_only), amap)
        models[idx] = model
        if p is not None:
            cost[idx] = cost_usd(p, tokens[idx], tier_input=tier_input[idx])
    out["model"] = models
    out["cost_usd"] = np.where((out["kind"] == "usage").to_numpy(), cost, np.nan)
    return out


def _is(rows: pd.DataFrame, column: str, value: str) -> pd.Series:
    """Rows whose `column` says `value` (any case); False where the column is missing or empty."""
    if column not in rows:
        return pd.Series(False, index=rows.index)
    return rows[column].astype("string").str.lower().eq(value).fillna(False).astype(bool)


def unpriced_models(priced: pd.DataFrame) -> list[str]:
    u = priced[(priced["kind"] == "usage") & priced["cost_usd"].isna()]
    return sorted(u["model_raw"].unique().tolist())


@dataclass(frozen=True)
class Days:
    """An inclusive range of days."""

    first: date
    last: date


Period = tuple[Days, ...]  # ranges of days, sorted, apart from each other (a gap between any two)


def days_covered(rows: pd.DataFrame) -> Days | None:
    """First and last day the rows cover, inclusive: a daily bucket starting 31 Oct ends at
    midnight on 1 Nov, and covers 31 Oct only."""
    if rows.empty:
        return None
    start = rows["start"]
    end = rows["end"].where(rows["end"].notna() & (rows["end"] > start), start + pd.Timedelta(1, "ns"))
    return Days(start.min().date(), (end.max() - pd.Timedelta(1, "ns")).date())


def _merged(ranges: list[Days]) -> Period:
    out: list[Days] = []
    for d in sorted(ranges, key=lambda d: d.first):
        if out and d.first <= out[-1].last + timedelta(days=1):
            out[-1] = Days(out[-1].first, max(out[-1].last, d.last))
        else:
            out.append(d)
    return tuple(out)


def period_covered(rows: pd.DataFrame) -> Period:
    """The days each file of the rows covers (first to last day of that file), together: a usage
    file for October and one for December leave November uncovered."""
    if rows.empty:
        return ()
    if "import_id" not in rows:
        return _merged([days_covered(rows)])  # type: ignore[list-item]
    return _merged([days_covered(g) for _, g in rows.groupby(rows["import_id"].fillna(-1))])  # type: ignore[misc]


def _intersect(a: Period, b: Period) -> Period:
    out = []
    for x in a:
        for y in b:
            first, last = max(x.first, y.first), min(x.last, y.last)
            if first <= last:
                out.append(Days(first, last))
    return _merged(out)


def _minus(a: Period, b: Period) -> Period:
    """The days of `a` that are not in `b`."""
    one = timedelta(days=1)
    out = []
    for x in a:
        pieces = [x]
        for y in b:
            nxt = []
            for p in pieces:
                if y.last < p.first or y.first > p.last:
                    nxt.append(p)
                    continue
                if p.first < y.first:
                    nxt.append(Days(p.first, y.first - one))
                if p.last > y.last:
                    nxt.append(Days(y.last + one, p.last))
            pieces = nxt
        out += pieces
    return _merged(out)


def _within(rows: pd.DataFrame, period: Period) -> pd.Series:
    day = rows["start"].dt.date
    inside = pd.Series(False, index=rows.index)
    for d in period:
        inside |= (day >= d.first) & (day <= d.last)
    return inside


def _spans(period: Period) -> str:
    return " and ".join(day_span(d.first, d.last) for d in period)


def _model_key(df: pd.DataFrame) -> pd.Series:
    return df["model"].where(df["model"].notna(), df["model_raw"]).astype(str)


def billed_rows(priced: pd.DataFrame) -> pd.DataFrame:
    """What the bill says: cost-export lines, and the cost usage rows report themselves (e.g.
    LiteLLM spend) unless a cost export bills their model over the days they fall on (then that
    is the bill, and counting both would count the spend twice). Also the summary's billed total."""
    cost = priced[priced["kind"] == "cost"]
    usage = priced[(priced["kind"] == "usage") & priced["reported_cost_usd"].notna()]
    billed_by_export = _model_key(usage).isin(set(_model_key(cost))) & _within(usage, period_covered(cost))
    return pd.concat([cost, usage[~billed_by_export]])


DEFAULT_TOLERANCE_PCT = 1.0  # differences beyond this share of the bill are flagged
SMALLEST_GAP_USD = 0.005  # a difference that shows as $0.00 at cents is never flagged
RECONCILE_COLUMNS = [
    "month",
    "model",
    "computed_usd",  # priced with the catalog, within the compared days (NaN: model not priced)
    "billed_usd",  # the bill (cost exports, else the cost the usage files report), same days
    "difference_pct",  # (computed - billed) / billed
    "difference_usd",  # computed - billed
    "status",  # "both", "usage_only" (computed usage, no bill) or "billed_only" (a bill, no usage)
    "flagged",  # one-sided, not priced, or a difference beyond the tolerance
    "first_day",  # the first and last compared day of this month (ISO dates, inclusive)
    "last_day",
]
NO_MODEL = "(no model)"  # bill lines not tied to a model: credits, fees (roi.usage.buckets)


@dataclass(frozen=True)
class Reconciliation:
    """Computed vs billed over the days both sides cover, with what was left out and why."""

    table: pd.DataFrame  # RECONCILE_COLUMNS, one row per month and model
    usage_days: Period  # what the usage files cover (the computed side)
    billed_days: Period  # what the bill covers
    compared: Period  # the days both cover; () when they share none
    tolerance_pct: float
    usage_left_out_usd: float  # computed spend outside the compared days
    billed_left_out_usd: float  # billed amounts outside the compared days
    bill: str = "the bill"  # "the reported cost" when no cost export was imported (e.g. LiteLLM spend)

    @property
    def usage_only(self) -> list[str]:
        """Models with computed usage and no bill in the compared days."""
        return sorted(set(self.table.loc[self.table["status"] == "usage_only", "model"]))

    @property
    def billed_only(self) -> list[str]:
        """Models billed with no usage in the compared days (NO_MODEL: credits and fees)."""
        return sorted(set(self.table.loc[self.table["status"] == "billed_only", "model"]))

    def words(self) -> list[str]:
        """What was compared and what needs a look, in sentences (Usage page and CLI)."""
        if not self.billed_days:
            return []
        if not self.usage_days:
            return [
                f"{self.bill.capitalize()} covers {_spans(self.billed_days)}, but no usage is imported to compare it with."
            ]
        out = [
            f"The usage files cover {_spans(self.usage_days)}; {self.bill} covers {_spans(self.billed_days)}."
        ]
        if not self.compared:
            out.append("They share no day, so nothing is compared: import the bill for the same period.")
            return out
        same = self.usage_days == self.billed_days
        out.append(
            f"Compared: {_spans(self.compared)}"
            + (" (both cover exactly these days)." if same else ", the days both cover.")
        )
        for side, days, usd, what, other in (
            ("usage", self.usage_days, self.usage_left_out_usd, "computed", f"{self.bill} does not cover"),
            (self.bill, self.billed_days, self.billed_left_out_usd, "billed", "no usage file covers"),
        ):
            if outside := _minus(days, self.compared):
                out.append(
                    f"Not compared: {side} for {_spans(outside)} ({money_cents(usd)} {what}), which {other}."
                )
        if self.usage_only:
            out.append("Computed usage with no bill: " + self._months("usage_only") + ".")
        if [m for m in self.billed_only if m != NO_MODEL]:
            out.append("Billed with no usage: " + self._months("billed_only") + ".")
        if NO_MODEL in self.billed_only:
            credits = self.table.loc[self.table["model"] == NO_MODEL, "billed_usd"].sum()
            out.append(f"Bill lines not tied to a model (credits, fees): {money_cents(credits)}.")
        t = self.table
        unpriced = t[(t["status"] != "billed_only") & t["computed_usd"].isna()]
        if not unpriced.empty:
            out.append("Not priced (map the model above): " + ", ".join(sorted(set(unpriced["model"]))) + ".")
        over = t[(t["status"] == "both") & t["flagged"] & t["difference_pct"].notna()]
        if not over.empty:
            parts = [f"{r.model} {r.month} ({percent(r.difference_pct)})" for r in over.itertuples()]
            out.append(f"Beyond the {self.tolerance_pct:g}% tolerance: " + ", ".join(parts) + ".")
        elif not t.empty and not t["flagged"].any():
            out.append(f"Every model is within {self.tolerance_pct:g}% of {self.bill}.")
        return out

    def _months(self, status: str) -> str:
        """'model (month, month), model (month)' for the rows of one status (credits left out)."""
        t = self.table[(self.table["status"] == status) & (self.table["model"] != NO_MODEL)]
        return ", ".join(f"{m} ({', '.join(g['month'])})" for m, g in t.groupby("model"))

    def display(self) -> pd.DataFrame:
        """The table as finance reads it: money to the cent with separators, and what to check."""
        t = self.table

        def check(r) -> str:
            if r.status == "usage_only":
                return "no bill"
            if r.status == "billed_only":
                return "credits, fees" if r.model == NO_MODEL else "no usage"
            if pd.isna(r.computed_usd):
                return "not priced"
            return f"beyond {self.tolerance_pct:g}%" if r.flagged else "ok"

        def cents(col: str) -> list[str]:
            return [money_cents(None if pd.isna(v) else v) for v in t[col]]

        return pd.DataFrame(
            {
                "Month": t["month"],
                "Model": t["model"],
                "Computed": cents("computed_usd"),
                "Billed": cents("billed_usd"),
                "Difference": cents("difference_usd"),
                "Difference %": [percent(None if pd.isna(v) else v) for v in t["difference_pct"]],
                "Check": [check(r) for r in t.itertuples()],
            }
        )


def reconciliation(priced: pd.DataFrame, *, tolerance_pct: float = DEFAULT_TOLERANCE_PCT) -> Reconciliation:
    """Computed vs billed cost per month and model, over the days both the usage files and the bill
    cover (a usage file for 1-31 Oct against a bill for 1-15 Oct compares 1-15 Oct). Models on one
    side only are kept as rows (status), and differences beyond `tolerance_pct` are flagged."""
    empty = pd.DataFrame(columns=RECONCILE_COLUMNS)
    if priced.empty:
        return Reconciliation(empty, (), (), (), tolerance_pct, 0.0, 0.0)
    usage = priced[priced["kind"] == "usage"]
    billed = billed_rows(priced)
    usage_days, billed_days = period_covered(usage), period_covered(billed)
    compared = _intersect(usage_days, billed_days)
    u_in, b_in = _within(usage, compared), _within(billed, compared)
    left_u = float(usage.loc[~u_in, "cost_usd"].sum())
    left_b = float(billed.loc[~b_in, "reported_cost_usd"].sum())
    said = "the bill" if (billed["kind"] == "cost").any() else "the reported cost"
    if not compared:
        return Reconciliation(empty, usage_days, billed_days, (), tolerance_pct, left_u, left_b, said)
    u, b = usage[u_in], billed[b_in]
    month_u, month_b = u["start"].dt.strftime("%Y-%m"), b["start"].dt.strftime("%Y-%m")
    computed = u.groupby([month_u, _model_key(u)])["cost_usd"].sum(min_count=1)
    has_usage = u.groupby([month_u, _model_key(u)]).size()
    bill = b.groupby([month_b, _model_key(b)])["reported_cost_usd"].sum(min_count=1)
    table = pd.concat({"computed_usd": computed, "billed_usd": bill, "n": has_usage}, axis=1)
    table.index.names = ["month", "model"]
    table = table.reset_index()
    table["status"] = np.where(
        table["billed_usd"].isna(), "usage_only", np.where(table["n"].isna(), "billed_only", "both")
    )
    table.loc[table["status"] == "billed_only", "computed_usd"] = np.nan
    table["difference_usd"] = table["computed_usd"] - table["billed_usd"]
    table["difference_pct"] = (
        100 * table["difference_usd"] / table["billed_usd"].where(table["billed_usd"] != 0)
    )
    beyond = (table["difference_pct"].abs() > tolerance_pct) | (
        table["difference_pct"].isna() & table["difference_usd"].notna()
    )
    table["flagged"] = (
        (table["status"] != "both")
        | table["computed_usd"].isna()
        | (beyond & (table["difference_usd"].abs() >= SMALLEST_GAP_USD))
    ).astype(bool)
    days_of = {}
    for month in table["month"].unique():
        first = pd.Timestamp(f"{month}-01").date()
        in_month = _intersect(compared, (Days(first, (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()),))
        days_of[month] = (in_month[0].first.isoformat(), in_month[-1].last.isoformat())
    table["first_day"] = table["month"].map(lambda m: days_of[m][0])
    table["last_day"] = table["month"].map(lambda m: days_of[m][1])
    table = table[RECONCILE_COLUMNS].sort_values(["month", "model"]).reset_index(drop=True)
    return Reconciliation(table, usage_days, billed_days, compared, tolerance_pct, left_u, left_b, said)


def reconcile(priced: pd.DataFrame, *, tolerance_pct: float = DEFAULT_TOLERANCE_PCT) -> pd.DataFrame:
    """The reconciliation table alone (`roi usage --reconcile --json`): see `reconciliation`."""
    return reconciliation(priced, tolerance_pct=tolerance_pct).table


def summary(priced: pd.DataFrame, fmt: str | None = None) -> dict:
    """The `roi usage --json` / `roi ingest --json` document."""
    usage = priced[priced["kind"] == "usage"]

    def totals(d: pd.DataFrame) -> dict:
        req = d["requests"]
        t = {"requests": None if req.isna().all() or d.empty else float(req.sum())}
        t |= {c: float(d[c].sum()) for c in TOKEN_COLUMNS}
        t["cost_usd"] = float(d["cost_usd"].sum()) if not d.empty else 0.0
        return t

    reported = billed_rows(priced)["reported_cost_usd"]
    doc = {"format": fmt, "rows": int(len(priced))}
    doc |= totals(usage)
    doc["reported_cost_usd"] = None if reported.isna().all() else float(reported.sum())
    doc["start"] = None if priced.empty else priced["start"].min().isoformat()
    end = priced["end"].fillna(priced["start"]) if not priced.empty else None
    doc["end"] = None if priced.empty else end.max().isoformat()
    days = days_covered(priced)  # the same period as start .. end, its last day inclusive
    doc["first_day"] = None if days is None else days.first.isoformat()
    doc["last_day"] = None if days is None else days.last.isoformat()
    key = usage["model"].where(usage["model"].notna(), usage["model_raw"])
    doc["models"] = {str(m): totals(g) for m, g in usage.groupby(key)}
    doc["unpriced_models"] = unpriced_models(priced)
    return doc
