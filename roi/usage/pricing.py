"""Pricing stored usage with the catalog at each row's own date, and reconciling with the bill.

Every row is priced by `roi.catalog.cost.cost_usd`: cache writes by TTL, batch rows at batch
prices, and each row at the long-context tier its context band says its requests paid. Rows whose model the catalog does not know (and the user has not mapped) stay unpriced and
are listed, never priced at zero silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select

from roi.catalog import catalog_price, custom_price, resolve_model_ref
from roi.catalog.cost import band_tier_input, cost_usd
from roi.catalog.prices import ModelPrices
from roi.errors import UnknownModelError
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


@lru_cache(maxsize=4096)
def _resolve(model_raw: str) -> str | None:
    try:
        return resolve_model_ref(model_raw)[1]
    except UnknownModelError:
        return None


def _prices(
    model_raw: str, day, batch: bool, amap: dict[str, Alias]
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
        return model, catalog_price(model, as_of=day, batch=batch)
    except UnknownModelError:
        return None, None


def price(rows: pd.DataFrame, amap: dict[str, Alias] | None = None) -> pd.DataFrame:
    """Add `model` (catalog/custom id or None) and `cost_usd` (NaN when unpriced) to stored rows."""
    amap = amap or {}
    out = rows.copy()
    out["model"] = None
    out["cost_usd"] = np.nan
    if out.empty:
        return out
    day = out["start"].dt.date
    batch = out["service_tier"].fillna("").str.lower().eq("batch")
    tier_input = band_tier_input(out["context_window"].to_numpy(dtype=object))
    combos = pd.DataFrame({"model_raw": out["model_raw"], "day": day, "batch": batch})
    tokens = out[list(TOKEN_COLUMNS)].to_numpy(dtype=float)
    cost = np.full(len(out), np.nan)
    models = np.empty(len(out), dtype=object)
    for (raw, d, b), idx in combos.groupby(["model_raw", "day", "batch"], sort=False).indices.items():
        model, p = _prices(raw, d, bool(b), amap)
        models[idx] = model
        if p is not None:
            cost[idx] = cost_usd(p, tokens[idx], tier_input=tier_input[idx])
    out["model"] = models
    out["cost_usd"] = np.where((out["kind"] == "usage").to_numpy(), cost, np.nan)
    return out


def unpriced_models(priced: pd.DataFrame) -> list[str]:
    u = priced[(priced["kind"] == "usage") & priced["cost_usd"].isna()]
    return sorted(u["model_raw"].unique().tolist())


def reconcile(priced: pd.DataFrame) -> pd.DataFrame:
    """Computed vs billed cost per month and model. Billed = the cost exports where present for that
    month and model, else the cost the usage files themselves report (e.g. LiteLLM spend)."""
    if priced.empty:
        return pd.DataFrame(columns=["month", "model", "computed_usd", "billed_usd", "difference_pct"])
    df = priced.copy()
    df["month"] = df["start"].dt.strftime("%Y-%m")
    df["model"] = df["model"].where(df["model"].notna(), df["model_raw"])
    usage, cost = df[df["kind"] == "usage"], df[df["kind"] == "cost"]
    computed = usage.groupby(["month", "model"])["cost_usd"].sum(min_count=1)
    billed_files = cost.groupby(["month", "model"])["reported_cost_usd"].sum(min_count=1)
    billed_usage = usage.groupby(["month", "model"])["reported_cost_usd"].sum(min_count=1)
    billed = billed_files.combine_first(billed_usage)
    table = pd.concat({"computed_usd": computed, "billed_usd": billed}, axis=1).reset_index()
    table = table[table["billed_usd"].notna()]
    table["difference_pct"] = (
        100
        * (table["computed_usd"] - table["billed_usd"])
        / table["billed_usd"].where(table["billed_usd"] != 0)
    )
    return table.sort_values(["month", "model"]).reset_index(drop=True)


def summary(priced: pd.DataFrame, fmt: str | None = None) -> dict:
    """The `roi usage --json` / `roi ingest --json` document."""
    usage = priced[priced["kind"] == "usage"]
    cost = priced[priced["kind"] == "cost"]

    def totals(d: pd.DataFrame) -> dict:
        req = d["requests"]
        t = {"requests": None if req.isna().all() or d.empty else float(req.sum())}
        t |= {c: float(d[c].sum()) for c in TOKEN_COLUMNS}
        t["cost_usd"] = float(d["cost_usd"].sum()) if not d.empty else 0.0
        return t

    # billed: a model's cost-export lines where there are any, else what its usage rows report
    billed_models = set(cost["model"].where(cost["model"].notna(), cost["model_raw"]))
    usage_key = usage["model"].where(usage["model"].notna(), usage["model_raw"])
    reported = pd.concat(
        [cost["reported_cost_usd"], usage.loc[~usage_key.isin(billed_models), "reported_cost_usd"]]
    )
    doc = {"format": fmt, "rows": int(len(priced))}
    doc |= totals(usage)
    doc["reported_cost_usd"] = None if reported.isna().all() else float(reported.sum())
    doc["start"] = None if priced.empty else priced["start"].min().isoformat()
    end = priced["end"].fillna(priced["start"]) if not priced.empty else None
    doc["end"] = None if priced.empty else end.max().isoformat()
    key = usage["model"].where(usage["model"].notna(), usage["model_raw"])
    doc["models"] = {str(m): totals(g) for m, g in usage.groupby(key)}
    doc["unpriced_models"] = unpriced_models(priced)
    return doc
