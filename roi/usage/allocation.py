"""Who spent what: usage allocated to matters, clients, teams, tags, API keys or users.

Allocation works on the priced rollup rows (`priced_store`), whose allocation keys survive the
import. A row with several tags (`intake,priority`) gives each tag an even share, so nothing is
counted twice; a row with no key for the chosen view is unallocated, its own line. Matters and
clients come from the firm's rules (tag or API key -> matter and client, `AllocationRule`): a
row's mapped tags win over its API key (a tag names the work, a key only the application), and
the shares of its unmapped tags fall back to the key's rule.

Amounts are split in whole cents by the largest-remainder method, so the groups and the
unallocated line add up to the rounded total exactly, as a chargeback must.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from roi.errors import UsageFormatError
from roi.store import Store
from roi.store.models import AllocationRule
from roi.usage.schema import TOKEN_COLUMNS

BY = ("matter", "client", "team", "tag", "api_key", "user")
COLUMN = {"team": "project", "tag": "tag", "api_key": "api_key", "user": "user"}
RULE_KINDS = ("tag", "api_key")
UNALLOCATED = "(unallocated)"
BASES = ("computed", "bill")  # what a chargeback charges: the catalog's prices, or the bill
SUMS = ("cost_usd", "reported_cost_usd", "input_tokens", "output_tokens", "requests")


@dataclass(frozen=True)
class Rule:
    kind: str  # tag / api_key
    key: str  # the tag as written, or the API key (LiteLLM stores its hash)
    matter: str
    client: str | None = None


def rules(store: Store) -> list[Rule]:
    t = AllocationRule
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.kind, t.key, t.matter, t.client).order_by(t.kind, t.key)).all()
    return [Rule(*r) for r in rows]


def save_rules(store: Store, new: list[Rule]) -> None:
    """Replace the rules (the app's table and `roi matters --load` edit them whole)."""
    seen: set[tuple[str, str]] = set()
    for r in new:
        if r.kind not in RULE_KINDS:
            raise UsageFormatError("rules", f"kind “{r.kind}”: expected tag or api_key", column="kind")
        if not r.key.strip() or not r.matter.strip():
            raise UsageFormatError("rules", "every rule needs a key and a matter", column="key")
        if (r.kind, r.key) in seen:
            raise UsageFormatError("rules", f"{r.kind} “{r.key}” has two rules", column="key")
        seen.add((r.kind, r.key))
    from roi.store.access import guarded

    with guarded(store, "edit_rules", f"{len(new)} rule(s)"), store.engine.begin() as conn:
        conn.execute(delete(AllocationRule))
        for r in new:
            conn.execute(
                AllocationRule.__table__.insert().values(
                    kind=r.kind,
                    key=r.key.strip(),
                    matter=r.matter.strip(),
                    client=(r.client or "").strip() or None,
                )
            )


def read_rules_csv(text: str, name: str = "rules.csv") -> list[Rule]:
    """Rules from a CSV with columns kind, key, matter, client (the export of the app's table)."""
    import io

    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df.columns = [c.strip().lower() for c in df.columns]
    for c in ("kind", "key", "matter"):
        if c not in df.columns:
            raise UsageFormatError(name, "required column is missing (kind, key, matter, client)", column=c)
    out = []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        kind = str(r.kind).strip().lower()
        if kind not in RULE_KINDS:
            raise UsageFormatError(name, "expected tag or api_key", row=i, column="kind")
        out.append(
            Rule(
                kind, str(r.key).strip(), str(r.matter).strip(), str(getattr(r, "client", "")).strip() or None
            )
        )
    return out


@dataclass
class Allocation:
    by: str
    start: date | None  # first day of the period (inclusive)
    end: date | None  # last day of the period (inclusive)
    total_cost_usd: float  # rounded to cents
    groups: pd.DataFrame  # key, client (matters), cost_usd, reported_cost_usd, tokens, requests, share
    unallocated: pd.Series  # the same sums for what no key or rule claims

    @property
    def unallocated_cost_usd(self) -> float:
        return float(self.unallocated["cost_usd"] or 0.0)

    @property
    def allocated_cost_usd(self) -> float:
        return (round(self.total_cost_usd * 100) - round(self.unallocated_cost_usd * 100)) / 100

    def document(self) -> dict:
        """The `roi usage --json --by ...` document."""
        fields = ["key", *SUMS, "share"] + (["client"] if self.by == "matter" else [])
        groups = []
        for r in self.groups[fields].to_dict("records"):
            groups.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()})
        return {
            "by": self.by,
            "period": {
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
            },
            "total_cost_usd": self.total_cost_usd,
            "groups": groups,
            "unallocated_cost_usd": self.unallocated_cost_usd,
        }


def month_period(month: str) -> tuple[date, date]:
    """'2026-11' -> (1 Nov 2026, 30 Nov 2026)."""
    try:
        y, m = (int(p) for p in month.split("-"))
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    except (ValueError, TypeError):
        raise UsageFormatError("--month", f"“{month}”: expected a month as YYYY-MM, e.g. 2026-11") from None


def in_month(priced: pd.DataFrame, month: str | None) -> pd.DataFrame:
    """The rows (usage and bill lines) starting in the month (YYYY-MM), or all of them."""
    if not month:
        return priced
    first, last = month_period(month)
    day = priced["start"].dt.date
    return priced[(day >= first) & (day <= last)]


def usage_in(priced: pd.DataFrame, month: str | None) -> tuple[pd.DataFrame, date | None, date | None]:
    """The usage rows (not bill lines) of a month, or of everything, and the period's first and last day."""
    rows = priced[priced["kind"] != "cost"] if "kind" in priced.columns else priced
    if month:
        start, end = month_period(month)
        day = rows["start"].dt.date
        return rows[(day >= start) & (day <= end)], start, end
    if rows.empty:
        return rows, None, None
    last = rows["end"].fillna(rows["start"] + pd.Timedelta(days=1)).max() - pd.Timedelta(microseconds=1)
    return rows, rows["start"].min().date(), last.date()


def _pieces(rows: pd.DataFrame, by: str, rule_list: list[Rule]) -> pd.DataFrame:
    """One row per (usage row, key it goes to) with its weight; key NaN = unallocated."""
    base = rows.reset_index(drop=True)
    if by in ("tag", "matter", "client"):
        tags = base["tag"].astype("string").fillna("").str.split(",")
        tags = tags.map(lambda ts: [t.strip() for t in ts if t.strip()] or [None])
        out = base.assign(_key=tags).explode("_key")
        out["_weight"] = 1.0 / out.groupby(level=0)["_key"].transform("size")
        if by == "tag":
            return out
        by_tag = {r.key: r for r in rule_list if r.kind == "tag"}
        by_api = {r.key: r for r in rule_list if r.kind == "api_key"}
        field = "matter" if by == "matter" else "client"
        mapped_any = out["_key"].map(lambda t: t in by_tag).groupby(level=0).transform("any")

        def owner(tag: object, key: object, any_tag: bool) -> object:
            rule = by_tag.get(tag) if any_tag else None
            rule = rule or by_api.get(key)
            return getattr(rule, field, None) if rule else None

        out["_key"] = [
            owner(t, k, a) for t, k, a in zip(out["_key"], out["api_key"], mapped_any, strict=True)
        ]
        if by == "matter":
            clients = {r.matter: r.client for r in rule_list}
            out["_client"] = out["_key"].map(clients)
        return out
    return base.assign(_key=base[COLUMN[by]], _weight=1.0)


def _summed(pieces: pd.DataFrame, sums: tuple[str, ...], *extra: str) -> pd.DataFrame:
    """The pieces' weighted sums per key (and client, and `extra` columns): no key is UNALLOCATED,
    no client ''."""
    pieces = pieces.assign(**{c: pieces[c].astype(float) * pieces["_weight"] for c in sums})
    pieces["_key"] = pieces["_key"].astype(object).where(pieces["_key"].notna(), UNALLOCATED)
    keys = ["_key"]
    if "_client" in pieces.columns:
        pieces["_client"] = pieces["_client"].astype(object).where(pieces["_client"].notna(), "")
        keys.append("_client")
    return pieces.groupby([*keys, *extra], dropna=False)[list(sums)].sum(min_count=1).reset_index()


def _cents(amounts: np.ndarray) -> np.ndarray:
    """Amounts in dollars -> whole cents adding up to the rounded total (largest remainder)."""
    exact = np.nan_to_num(amounts) * 100
    total = int(round(exact.sum()))
    floor = np.floor(exact).astype(np.int64)
    left = total - int(floor.sum())
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[: max(left, 0)]] += 1
    return floor


def allocate(
    priced: pd.DataFrame, by: str, *, month: str | None = None, rule_list: list[Rule] = ()
) -> Allocation:
    """Spend per key of `by` for the month (or everything), unallocated on its own line."""
    if by not in BY:
        raise UsageFormatError("--by", f"“{by}”: expected one of {', '.join(BY)}")
    rows, start, end = usage_in(priced, month)
    sums = _summed(_pieces(rows, by, list(rule_list)), SUMS)
    cents = _cents(sums["cost_usd"].to_numpy(dtype=float))
    sums["cost_usd"] = cents / 100
    total = int(cents.sum()) / 100
    sums["share"] = sums["cost_usd"] / total if total else 0.0
    sums = sums.rename(columns={"_key": "key", "_client": "client"})
    if "client" in sums.columns:
        sums["client"] = sums["client"].replace("", None)
    is_un = sums["key"] == UNALLOCATED
    groups = sums[~is_un].sort_values(["cost_usd", "key"], ascending=[False, True]).reset_index(drop=True)
    un = sums[is_un][list(SUMS)].sum(min_count=1) if is_un.any() else pd.Series(0.0, index=list(SUMS))
    return Allocation(by, start, end, total, groups, un)


def daily_spend(priced: pd.DataFrame, by: str | None, month: str, rule_list: list[Rule] = ()) -> pd.DataFrame:
    """Spend per key of `by` (None: the firm's total, key '') and day of the month: key, day, cost_usd.
    The same pieces as `allocate`, so a budget's month adds up to the chargeback's."""
    rows, _, _ = usage_in(priced, month)
    rows = rows.assign(day=rows["start"].dt.date)
    if by is None:
        pieces = rows.reset_index(drop=True).assign(_key="", _weight=1.0)
    else:
        pieces = _pieces(rows, by, list(rule_list))
    out = _summed(pieces.drop(columns="_client", errors="ignore"), ("cost_usd",), "day")
    return out.rename(columns={"_key": "key"})[["key", "day", "cost_usd"]]


CHARGEBACK_COLUMNS = (
    "matter",
    "client",
    "period_start",
    "period_end",
    "model",
    "requests",
    *TOKEN_COLUMNS,
    "cost_usd",
    "shared_cost_usd",
    "total_usd",
)


def chargeback(
    priced: pd.DataFrame,
    rule_list: list[Rule],
    *,
    month: str | None = None,
    shared_usd: float = 0.0,
    basis: str = "computed",
) -> pd.DataFrame:
    """One line per matter × model for a billing system (`CHARGEBACK_COLUMNS`), unallocated spend
    as its own matter. `shared_usd` (a monthly platform cost, the routing set-up amortized) is
    spread by each line's share of the spend. Every money column adds up to its total to the cent.
    `basis`: "computed" (the catalog's prices) or "bill" (the bill spread over the usage it paid
    for, `roi.usage.billed`), so the file adds up to the bill."""
    if basis not in BASES:
        raise UsageFormatError("--basis", f"“{basis}”: expected {' or '.join(BASES)}")
    if basis == "bill":
        from roi.usage.billed import on_the_bill

        priced = on_the_bill(priced)
    rows, start, end = usage_in(priced, month)
    rows = rows.assign(
        model=rows["model"].fillna(rows["model_raw"]) if "model" in rows else rows["model_raw"]
    )
    out = _summed(_pieces(rows, "matter", list(rule_list)), (*TOKEN_COLUMNS, "requests", "cost_usd"), "model")
    out = out.rename(columns={"_key": "matter", "_client": "client"})
    cost = out["cost_usd"].fillna(0.0).to_numpy(dtype=float)
    out["cost_usd"] = _cents(cost) / 100
    weight = cost / cost.sum() if cost.sum() > 0 else np.full(len(cost), 1 / max(len(cost), 1))
    out["shared_cost_usd"] = _cents(weight * shared_usd) / 100 if len(out) else []
    out["total_usd"] = (np.round(out["cost_usd"] * 100) + np.round(out["shared_cost_usd"] * 100)) / 100
    out["period_start"] = start.isoformat() if start else None
    out["period_end"] = end.isoformat() if end else None
    unallocated_last = out["matter"] == UNALLOCATED
    out = pd.concat([out[~unallocated_last].sort_values(["matter", "model"]), out[unallocated_last]])
    return out.reset_index(drop=True)[list(CHARGEBACK_COLUMNS)]
