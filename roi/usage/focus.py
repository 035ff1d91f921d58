"""Imported usage as FinOps FOCUS 1.2 rows (`roi usage --focus OUT.csv`), for FinOps tools.

The columns are FOCUS 1.2's 57 (`_SPEC` below lists them, mandatory ones starred), read from
github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec at tag v1.2 (commit 7296e314, "Publication
version 1.2"): specification/columns/*.md, ordered as in specification/columns/columns.mdpp. In
1.2 the provider is ProviderName and PublisherName, next to InvoiceIssuerName; 1.2 has no
ServiceProviderName or HostProviderName column. Every column is written, null (an empty cell)
where nothing applies, then one custom column, x_BilledCostSource ("bill" or "computed").

Why the rows look as they do:
- One row per usage row × token bucket with tokens: buckets have different prices, so each is a
  SKU (`model:bucket`; service tier and context band, which change the price, in SkuPriceId).
  PricingUnit is "1000000 Tokens": the price lists' $/MTok (UnitFormat wants a whole number).
- Costs are the catalog's (`roi.usage.pricing.price`, each bucket priced alone): list =
  contracted = effective, as the store knows no discount (custom prices stand for both).
- Nothing is counted twice. EffectiveCost is the computed cost, on usage rows (the billed amount
  where a bill covers them, as ContractedCost: no commitment is in play). BilledCost is the
  bill where a cost export was imported: each bill period (model × the export's bucket, a day)
  is spread over the usage rows it covers by their computed cost, so BilledCost adds up to the
  bill; usage no bill covers is billed at its computed cost (a gateway's own spend figure is not
  an invoice). A bill line with no usage to carry it is its own row with all four costs equal to
  its amount: Credit or Adjustment when tied to no model, else Usage without quantities (the one
  place this file cannot meet FOCUS's quantity rule: no usage file says how many tokens).
- Times are UTC, `YYYY-MM-DDTHH:MM:SSZ`. A row with no end (a request time) is charged for its
  day when it starts at midnight (a daily export), else for the hour it falls in. The billing
  period is the calendar month the charge starts in.
- Usage the catalog cannot price is left out (`roi.usage.pricing.unpriced_models` names it).
- The CSV is written by `roi.report.chargeback.table_csv` (text cells formula-safe), at the
  report layer: roi.usage sits below roi.report (docs/ARCHITECTURE.md), so this module makes rows.
- BillingAccountId is the provider's id (the exports name no organization); workspaces are
  sub accounts; the allocation keys (workspace, api_key, project, user, tag, task) are the Tags.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from roi.catalog import UnknownModelError, resolve_model_ref
from roi.catalog.prices import _snapshot
from roi.usage.allocation import in_month
from roi.usage.buckets import NO_MODEL
from roi.usage.pricing import Alias, price
from roi.usage.schema import GROUP_COLUMNS, TOKEN_COLUMNS

# FOCUS 1.2's column IDs in the spec's order (alphabetical); "*" marks the mandatory ones
_SPEC = """AvailabilityZone BilledCost* BillingAccountId* BillingAccountName* BillingAccountType
BillingCurrency* BillingPeriodEnd* BillingPeriodStart* CapacityReservationId CapacityReservationStatus
ChargeCategory* ChargeClass* ChargeDescription* ChargeFrequency ChargePeriodEnd* ChargePeriodStart*
CommitmentDiscountCategory CommitmentDiscountId CommitmentDiscountName CommitmentDiscountQuantity
CommitmentDiscountStatus CommitmentDiscountType CommitmentDiscountUnit ConsumedQuantity ConsumedUnit
ContractedCost* ContractedUnitPrice EffectiveCost* InvoiceId InvoiceIssuerName* ListCost* ListUnitPrice
PricingCategory PricingCurrency PricingCurrencyContractedUnitPrice PricingCurrencyEffectiveCost
PricingCurrencyListUnitPrice PricingQuantity* PricingUnit* ProviderName* PublisherName* RegionId
RegionName ResourceId ResourceName ResourceType ServiceCategory* ServiceName* ServiceSubcategory SkuId
SkuMeter SkuPriceDetails SkuPriceId SubAccountId SubAccountName SubAccountType Tags""".split()
FOCUS_COLUMNS = tuple(c.rstrip("*") for c in _SPEC)
MANDATORY = tuple(c.rstrip("*") for c in _SPEC if c.endswith("*"))
COLUMNS = (*FOCUS_COLUMNS, "x_BilledCostSource")  # "bill" (a share of it, or a line) or "computed"
PER = 1_000_000  # tokens per PricingUnit
SERVICE = {"anthropic": "Claude API", "openai": "OpenAI API"}


@cache
def _provider(model: str) -> tuple[str, str]:
    """(id, name) of the catalog provider of a model; ("other", "Other") for a custom model."""
    try:
        pid = resolve_model_ref(model)[0]
    except UnknownModelError:
        return "other", "Other"
    return pid, next((p.name for p in _snapshot().providers if p.id == pid), pid)


def _charge_period(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Start and exclusive end; no end: the day from midnight, else the hour the row falls in."""
    start, end = rows["start"], rows["end"]
    daily = start == start.dt.floor("D")
    known = end.notna() & (end > start)
    begin = start.where(known | daily, start.dt.floor("h"))
    fill = (begin + pd.Timedelta(days=1)).where(daily, begin + pd.Timedelta(hours=1))
    return begin, end.where(known, fill)


def _tags(rows: pd.DataFrame) -> list[str | None]:
    """The allocation keys as FOCUS Tags (a JSON object; null when the row has none)."""
    keys = rows[list(GROUP_COLUMNS)].astype(object).where(rows[list(GROUP_COLUMNS)].notna(), None)
    out = []
    for rec in keys.to_dict("records"):
        tags = {k: str(v) for k, v in rec.items() if v is not None and str(v) != ""}
        out.append(json.dumps(tags, ensure_ascii=False) if tags else None)
    return out


def _base(rows: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Columns every row has: periods, provider, account, workspace, tags."""
    rows, key = rows.reset_index(drop=True), key.reset_index(drop=True)
    begin, end = (t.astype("datetime64[ns, UTC]") for t in _charge_period(rows))
    month = begin.dt.tz_localize(None).dt.to_period("M")
    prov = pd.Series([_provider(k) for k in key], dtype=object)
    known = prov.str[0] != "other"  # else the provider of the same import's other rows (a credit)
    imp = rows["import_id"] if "import_id" in rows else pd.Series(0, index=rows.index)
    by_import = prov[known].groupby(imp[known]).agg(lambda p: p.mode()[0])
    prov = prov.where(known, imp.map(by_import)).where(lambda p: p.notna(), ("other", "Other"))
    ws = rows["workspace"].astype(object).where(rows["workspace"].notna(), None).to_numpy()
    return pd.DataFrame(
        {
            "_key": key,
            "_start": begin,
            "ChargePeriodStart": begin.dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "ChargePeriodEnd": end.dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "BillingPeriodStart": month.dt.start_time.dt.strftime("%Y-%m-%dT00:00:00Z").to_numpy(),
            "BillingPeriodEnd": (month + 1).dt.start_time.dt.strftime("%Y-%m-%dT00:00:00Z").to_numpy(),
            "BillingAccountId": [p[0] for p in prov],
            "BillingAccountType": "Organization",
            "ProviderName": [p[1] for p in prov],
            "ServiceName": [SERVICE.get(p[0], f"{p[1]} API") for p in prov],
            "SubAccountId": ws,
            "SubAccountName": ws,
            "SubAccountType": np.where(pd.isna(ws), None, "Workspace"),
            "Tags": _tags(rows),
            "_end": end,
        }
    )


def _usage_rows(usage: pd.DataFrame, aliases: dict[str, Alias] | None) -> pd.DataFrame:
    """One row per usage row × bucket with tokens. A bucket's cost is its share of the row's own
    `cost_usd`, by the bucket priced alone (by tokens for a custom price `aliases` does not hold)."""
    usage = usage.reset_index(drop=True)
    tokens = usage[list(TOKEN_COLUMNS)].to_numpy(dtype=float)
    r, k = np.nonzero(tokens > 0)
    one = usage.iloc[r].reset_index(drop=True)
    single = np.zeros((len(r), len(TOKEN_COLUMNS)))
    single[np.arange(len(r)), k] = t = tokens[r, k]
    one[list(TOKEN_COLUMNS)] = single
    if aliases is None:
        aliases = {raw: Alias(m) for raw, m in zip(one["model_raw"], one["model"], strict=True) if m}
    each = np.nan_to_num(price(one, aliases)["cost_usd"].to_numpy(dtype=float))
    weight = np.where(np.bincount(r, weights=each, minlength=len(usage))[r] > 0, each, t)
    cost = np.round(one["cost_usd"].to_numpy(dtype=float) * weight / np.bincount(r, weights=weight)[r], 10)
    bucket = pd.Series([TOKEN_COLUMNS[i].removesuffix("_tokens") for i in k], dtype=object)
    meter = bucket.str.replace("_", " ").str.title() + " Tokens"  # "Cache Write 5M Tokens"
    model = one["model"].astype(str)
    tier = one["service_tier"].astype(object).fillna("standard").astype(str).str.lower()
    band = one["context_window"].astype(object).fillna("").astype(str)
    price_id = model + ":" + bucket + ":" + tier + np.where(band == "", "", ":" + band)
    said = np.where(tier == "standard", "", ", " + tier + " tier")
    said = said + np.where(band.str.startswith(">"), ", context " + band, "")
    unit = np.round(cost / (t / PER), 10)  # $ to 1e-10: far below a cent, without float noise
    return _base(one, model).assign(
        ChargeCategory="Usage",
        ChargeFrequency="Usage-Based",
        ChargeDescription=(model + ": " + meter.str.lower() + said).to_numpy(),
        ConsumedQuantity=t,
        ConsumedUnit="Tokens",
        PricingQuantity=t / PER,
        PricingUnit=f"{PER} Tokens",
        PricingCategory="Standard",
        **{c: unit for c in ("ListUnitPrice", "ContractedUnitPrice")},
        **{c: cost for c in ("ListCost", "ContractedCost", "EffectiveCost", "BilledCost")},
        SkuId=(model + ":" + bucket).to_numpy(),
        SkuMeter=meter.to_numpy(),
        SkuPriceId=price_id.to_numpy(),
        x_BilledCostSource="computed",
    )


def _bill_lines(bill: pd.DataFrame) -> pd.DataFrame:
    """Cost-export lines as rows: Usage when tied to a model, else Credit (negative) or Adjustment."""
    bill = bill.reset_index(drop=True)
    key = bill["model"].where(bill["model"].notna(), bill["model_raw"]).astype(str)
    amount = bill["reported_cost_usd"].fillna(0.0).to_numpy(dtype=float)
    model_line = (key != NO_MODEL).to_numpy()
    what = bill["token_type"].astype(str)
    sku = np.where(model_line, key + ":" + what, None)
    out = _base(bill, key)
    return out.assign(
        ChargeCategory=np.where(model_line, "Usage", np.where(amount < 0, "Credit", "Adjustment")),
        ChargeFrequency=np.where(model_line, "Usage-Based", "One-Time"),
        ChargeDescription=np.where(model_line, bill["model_raw"].astype(str) + ": ", "") + what + " (bill)",
        PricingCategory=np.where(model_line, "Standard", None),
        SkuId=sku,
        SkuMeter=np.where(model_line, what, None),
        SkuPriceId=sku,
        **{c: amount for c in ("ListCost", "ContractedCost", "EffectiveCost", "BilledCost")},
        x_BilledCostSource="bill",
    )


def _billed(usage: pd.DataFrame, bill: pd.DataFrame) -> pd.DataFrame:
    """Each bill period (model × the cost export's time bucket, a day) spread over the usage rows
    starting in it, by computed cost (tokens when that is 0); bill lines no usage carries stay rows."""
    periods = bill.groupby(["_key", "_start", "_end"], as_index=False)["BilledCost"].sum()
    periods = periods.rename(columns={"_start": "_pstart", "_end": "_pend", "BilledCost": "_amount"})
    u = usage.reset_index(drop=True).assign(_row=lambda d: d.index).sort_values("_start", kind="stable")
    m = pd.merge_asof(u, periods.sort_values("_pstart"), left_on="_start", right_on="_pstart", by="_key")
    m = m.sort_values("_row").reset_index(drop=True)
    hit = m["_pend"].notna() & (m["_start"] < m["_pend"])
    group = [m["_key"], m["_pstart"]]
    w = m["EffectiveCost"].where(hit, 0.0)
    w = w.where(w.groupby(group).transform("sum") > 0, m["ConsumedQuantity"].where(hit, 0.0))
    share = w / w.groupby(group).transform("sum")
    usage = usage.reset_index(drop=True)
    usage["BilledCost"] = np.where(hit, np.round(m["_amount"] * share, 10), usage["EffectiveCost"])
    # with no commitment or discount in play, what was paid is the effective and contracted cost;
    # ListCost keeps the catalog's price (a gap between them is the bill's, not a discount)
    for c in ("EffectiveCost", "ContractedCost"):
        usage[c] = np.where(hit, usage["BilledCost"], usage[c])
    quantity = usage["PricingQuantity"].astype(float)
    usage["ContractedUnitPrice"] = np.where(
        hit & (quantity > 0),
        np.round(usage["ContractedCost"].astype(float) / quantity.where(quantity > 0, 1.0), 10),
        usage["ContractedUnitPrice"],
    )
    usage["x_BilledCostSource"] = np.where(hit, "bill", "computed")
    used = set(zip(m.loc[hit, "_key"], m.loc[hit, "_pstart"], strict=True))
    left = [(k, s) not in used for k, s in zip(bill["_key"], bill["_start"], strict=True)]
    return pd.concat([usage, bill[left]], ignore_index=True)


def focus_frame(
    priced: pd.DataFrame, *, aliases: dict[str, Alias] | None = None, month: str | None = None
) -> pd.DataFrame:
    """FOCUS 1.2 rows (COLUMNS, in order) of priced stored rows (`roi.usage.priced_store`), of one
    month (YYYY-MM) or all. `aliases`: the model map the rows were priced with (custom prices)."""
    rows = in_month(priced, month)
    usage = rows[(rows["kind"] == "usage") & rows["cost_usd"].notna()]
    bill = rows[rows["kind"] == "cost"]
    u = _usage_rows(usage, aliases) if len(usage) else None
    b = _bill_lines(bill) if len(bill) else None
    if u is not None and b is not None:
        out = _billed(u, b)
    else:
        out = next((p for p in (u, b) if p is not None), pd.DataFrame(columns=["_start", "_key"]))
    out = out.sort_values(["_start", "_key"], kind="stable").reset_index(drop=True)
    out = out.assign(
        BillingCurrency="USD",
        ServiceCategory="AI and Machine Learning",
        ServiceSubcategory="Generative AI",
        PublisherName=out.get("ProviderName"),
        InvoiceIssuerName=out.get("ProviderName"),
    )
    return out.reindex(columns=list(COLUMNS)).astype(object).where(lambda d: d.notna(), None)
