"""The bill spread over the usage it paid for, so a chargeback can add up to the bill.

A cost export bills a model per day (a gateway reports each request's cost); usage rows say who
used it (tags, API keys). Each (model, day) of the bill is shared among that model's usage rows of
the day by their computed cost (by tokens when the catalog cannot price them). Usage the bill does
not cover keeps its computed cost; bill lines no usage carries (credits, fees, a model with no
usage file) stay lines of their own, with the keys the bill gives them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roi.tokens import total_input
from roi.usage.pricing import _model_key, billed_rows
from roi.usage.schema import TOKEN_COLUMNS


def _period(rows: pd.DataFrame) -> pd.Series:
    return _model_key(rows) + "|" + rows["start"].dt.strftime("%Y-%m-%d")


def on_the_bill(priced: pd.DataFrame) -> pd.DataFrame:
    """The usage rows priced by the bill (`cost_usd` = their share of it; `basis` says "bill" or
    "computed"), followed by the bill lines no usage row carries (`basis` "bill")."""
    usage = priced[priced["kind"] == "usage"].copy()
    bill = billed_rows(priced)
    amount = bill.groupby(_period(bill))["reported_cost_usd"].sum()
    key = _period(usage)
    tokens = usage[list(TOKEN_COLUMNS)].to_numpy(dtype=float)
    size = pd.Series(total_input(tokens) + usage["output_tokens"].to_numpy(dtype=float), index=usage.index)
    weight = usage["cost_usd"].fillna(0.0)
    weight = weight.where(weight.groupby(key).transform("sum") > 0, size)
    share = (weight / weight.groupby(key).transform("sum")).fillna(0.0)
    billed = pd.Series(key.map(amount), index=usage.index, dtype=float)  # (an empty key maps to text)
    covered = billed.notna()
    usage["cost_usd"] = np.where(covered, billed * share, usage["cost_usd"]).astype(float)
    usage["basis"] = np.where(covered, "bill", "computed")
    orphans = bill[~_period(bill).isin(set(key))].copy()
    orphans["model"] = _model_key(orphans)
    orphans["cost_usd"] = orphans["reported_cost_usd"]
    orphans["kind"] = "usage"  # it is spend to allocate now, like any usage row
    orphans["basis"] = "bill"
    return pd.concat([usage, orphans], ignore_index=True)
