"""Monthly budgets and their alerts: the firm's total, a matter, a client or a team.

Spend so far is the chargeback's own allocation (`allocation.daily_spend`), so a matter's budget and
its chargeback line agree. The month-end figure is the forecast's (`roi.usage.forecast`) for the
month under way; a matter or team gets the part of the firm's remaining forecast its share of the
month's spend so far says. The forecast's path through the rest of the month is a straight line
from today's spend to that figure; the day it crosses the budget is where that line does.

A threshold (80, 90, 100% of the budget) is crossed by spend so far, never by the forecast: an
alert says what has happened. `alert` posts one Slack-compatible message per budget for the highest
threshold newly crossed, and records every threshold reached, so a scheduler running the check
every hour posts each crossing once.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import delete, insert, select

from roi.errors import UsageFormatError
from roi.numbers import cents, money_cents
from roi.store import Store
from roi.store.models import BudgetAlertRow, BudgetRow
from roi.usage.allocation import Rule, daily_spend, month_period, usage_in

SCOPES = ("total", "matter", "client", "team")
THRESHOLDS = (80, 90, 100)
FINE, WILL_CROSS, CROSSED = "fine", "will cross", "crossed"
EXIT = {FINE: 0, WILL_CROSS: 1, CROSSED: 3}  # `roi budgets check`: the worst budget's


@dataclass(frozen=True)
class Budget:
    scope: str
    key: str  # '' for the total
    monthly_usd: float

    @property
    def label(self) -> str:
        return "Total" if self.scope == "total" else f"{self.scope.capitalize()} {self.key}"


def budgets(store: Store) -> list[Budget]:
    t = BudgetRow
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.scope, t.key, t.monthly_usd).order_by(t.scope, t.key)).all()
    return [Budget(*r) for r in rows]


def checked(new: list[Budget], name: str = "budgets", first_row: int | None = None) -> list[Budget]:
    """Budgets as typed (the app's table, a CSV whose first budget is on line `first_row`),
    refused whole with the row that is wrong."""
    seen: set[tuple[str, str]] = set()
    out = []
    for i, b in enumerate(new, start=first_row or 1):
        where = {"row": i} if first_row else {}
        scope, key = b.scope.strip().lower(), ("" if b.scope.strip().lower() == "total" else b.key.strip())
        if scope not in SCOPES:
            raise UsageFormatError(
                name, f"scope “{b.scope}”: expected {', '.join(SCOPES)}", column="scope", **where
            )
        if scope != "total" and not key:
            raise UsageFormatError(
                name, f"a {scope} budget needs the {scope} it is for", column="key", **where
            )
        if not (isinstance(b.monthly_usd, int | float) and 0 < b.monthly_usd < 1e12):
            raise UsageFormatError(
                name, "expected a monthly budget in USD above 0", column="monthly_usd", **where
            )
        if (scope, key) in seen:
            raise UsageFormatError(name, f"{scope} “{key}” has two budgets", column="key", **where)
        seen.add((scope, key))
        out.append(Budget(scope, key, float(b.monthly_usd)))
    return out


def save_budgets(store: Store, new: list[Budget]) -> None:
    """Replace the budgets (the app's table and `roi budgets load` edit them whole)."""
    from roi.store.access import guarded

    new = checked(new)
    with guarded(store, "edit_budgets", f"{len(new)} budget(s)"), store.engine.begin() as conn:
        conn.execute(delete(BudgetRow))
        for b in new:
            conn.execute(insert(BudgetRow).values(scope=b.scope, key=b.key, monthly_usd=b.monthly_usd))


def read_budgets_csv(text: str, name: str = "budgets.csv") -> list[Budget]:
    """Budgets from a CSV with columns scope, key, monthly_usd (the export of the app's table)."""
    import io

    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        raise UsageFormatError(
            name, f"not a CSV of scope, key, monthly_usd ({str(exc).splitlines()[0]})"
        ) from None
    df.columns = [c.strip().lower() for c in df.columns]
    for c in ("scope", "monthly_usd"):
        if c not in df.columns:
            raise UsageFormatError(name, "required column is missing (scope, key, monthly_usd)", column=c)
    out = []
    for i, r in enumerate(df.to_dict("records"), start=2):
        try:
            usd = float(str(r["monthly_usd"]).replace(",", "").replace("$", "").strip())
        except ValueError:
            raise UsageFormatError(name, "expected an amount in USD", row=i, column="monthly_usd") from None
        out.append(Budget(str(r["scope"]), str(r.get("key", "")), usd))
    return checked(out, name, first_row=2)


@dataclass
class BudgetState:
    budget: Budget
    month: str
    spent_usd: float  # so far this month (imported usage, priced)
    forecast_usd: float  # at month end (the forecast; = spent once the month is all in the data)
    crossing_day: date | None  # when spend crosses (crossed) or the forecast will
    status: str  # fine / will cross / crossed
    reached: list[int]  # thresholds spend so far has reached
    days: pd.DataFrame = field(repr=False)  # day, cumulative_usd, forecast (bool): the burn-down

    @property
    def pct(self) -> float:
        return 100 * self.spent_usd / self.budget.monthly_usd

    def words(self) -> str:
        b = self.budget
        head = f"{b.label}: {money_cents(self.spent_usd)} of {money_cents(b.monthly_usd)} ({self.pct:.0f}%) spent in {self.month}"
        if self.status == CROSSED:
            return f"{head}; crossed on {self.crossing_day:%d %b}"
        tail = f"forecast {money_cents(self.forecast_usd)} at month end"
        if self.spent_usd == 0 and self.forecast_usd == 0 and b.scope != "total":
            tail += f"; no spend recorded for this {b.scope} (check its name against the Chargeback page)"
        if self.status == WILL_CROSS:
            return f"{head}; {tail}, crossing around {self.crossing_day:%d %b}"
        return f"{head}; {tail}"

    def document(self) -> dict:
        return {
            "scope": self.budget.scope,
            "key": self.budget.key,
            "monthly_usd": self.budget.monthly_usd,
            "month": self.month,
            "spent_usd": cents(self.spent_usd),
            "forecast_usd": cents(self.forecast_usd),
            "status": self.status,
            "crossing_day": self.crossing_day.isoformat() if self.crossing_day else None,
            "thresholds_reached": self.reached,
        }


def latest_month(priced: pd.DataFrame) -> str | None:
    usage = priced[priced["kind"] != "cost"] if "kind" in priced.columns else priced
    return None if usage.empty else usage["start"].max().strftime("%Y-%m")


def check(
    priced: pd.DataFrame, budget_list: list[Budget], rule_list: list[Rule], month: str | None = None
) -> list[BudgetState]:
    """Each budget's state in `month` (default: the latest month in the data)."""
    from roi.usage.forecast import forecast

    month = month or latest_month(priced)
    if month is None or not budget_list:
        return []
    first, last = month_period(month)
    rows, _, _ = usage_in(priced, month)
    seen_to = min(rows["start"].max().date(), last) if len(rows) else first - timedelta(days=1)
    total = daily_spend(priced, None, month)
    spent_total = float(total["cost_usd"].sum())
    latest = latest_month(priced) or month
    ahead = 0.0  # the firm's forecast spend for the rest of the month
    if seen_to < last:
        f = forecast(priced, min(max((pd.Period(month, "M") - pd.Period(latest, "M")).n + 1, 1), 24))
        row = f.months[f.months["month"] == month]
        if len(row):
            ahead = max(float(row["cost_usd"].iloc[0]) - spent_total, 0.0)
    # a budget's part of what is ahead: its share of the month so far, or, before any spend this
    # month, of the latest month with spend
    ref_month = month if spent_total > 0 else min(latest, month)
    out, daily_by, ref_by = [], {}, {}
    for b in budget_list:
        if b.scope not in daily_by:
            by = None if b.scope == "total" else b.scope
            daily_by[b.scope] = daily_spend(priced, by, month, rule_list)
            ref = daily_spend(priced, by, ref_month, rule_list)
            ref_by[b.scope] = ref.groupby("key")["cost_usd"].sum() / max(float(ref["cost_usd"].sum()), 1e-12)
        daily = daily_by[b.scope]
        mine = daily[daily["key"] == b.key].groupby("day")["cost_usd"].sum()
        spent = float(mine.sum())
        share = 1.0 if b.scope == "total" else float(ref_by[b.scope].get(b.key, 0.0))
        out.append(_state(b, month, mine, spent, spent + ahead * share, seen_to, last))
    return out


def _state(
    b: Budget, month: str, mine: pd.Series, spent: float, at_end: float, seen_to: date, last: date
) -> BudgetState:
    first = last.replace(day=1)
    days = pd.date_range(first, last, freq="D").date
    cum = pd.Series(mine, dtype=float).reindex(days, fill_value=0.0).cumsum()
    rest = (last - seen_to).days
    path = [
        spent + (at_end - spent) * (d - seen_to).days / rest if d > seen_to else float(cum[d]) for d in days
    ]
    frame = pd.DataFrame({"day": days, "cumulative_usd": path, "forecast": [d > seen_to for d in days]})
    reached = [t for t in THRESHOLDS if spent >= b.monthly_usd * t / 100]
    if spent >= b.monthly_usd:
        status, day = CROSSED, frame.loc[frame["cumulative_usd"] >= b.monthly_usd, "day"].iloc[0]
    elif at_end >= b.monthly_usd and rest > 0:
        status = WILL_CROSS
        per_day = (at_end - spent) / rest
        day = seen_to + timedelta(days=math.ceil((b.monthly_usd - spent) / per_day))
    else:
        status, day = FINE, None
    return BudgetState(b, month, spent, max(at_end, spent), day, status, reached, frame)


def exit_code(states: list[BudgetState]) -> int:
    return max((EXIT[s.status] for s in states), default=0)


def _posted(store: Store, s: BudgetState) -> set[int]:
    t = BudgetAlertRow
    with store.engine.connect() as conn:
        q = select(t.threshold).where(t.scope == s.budget.scope, t.key == s.budget.key, t.month == s.month)
        return set(conn.execute(q).scalars())


def message(s: BudgetState, threshold: int) -> dict:
    """A Slack-compatible incoming-webhook message (its `text` is all Slack needs)."""
    return {"text": f":warning: Budget {threshold}% reached. {s.words()}."}


def alert(store: Store, states: list[BudgetState], post) -> list[tuple[BudgetState, int]]:
    """Post the highest newly crossed threshold of each budget with `post(payload: bytes)`, then
    record every threshold reached; a failed post records nothing, so the next check retries."""
    from roi.store.access import check

    check(store.actor, "post_alerts")
    with store.exclusive("alerts"):  # two checks at once (a page, a scheduler) post a crossing once
        return _alert(store, states, post)


def _alert(store: Store, states: list[BudgetState], post) -> list[tuple[BudgetState, int]]:
    from roi.store.access import record

    sent = []
    for s in states:
        new = [t for t in s.reached if t not in _posted(store, s)]
        if not new:
            continue
        post(json.dumps(message(s, max(new))).encode())
        with store.engine.begin() as conn:
            for t in new:
                conn.execute(
                    insert(BudgetAlertRow).values(
                        scope=s.budget.scope, key=s.budget.key, month=s.month, threshold=t
                    )
                )
        record(store, store.actor, "post_alerts", f"{s.budget.label} {s.month}: {max(new)}%")
        sent.append((s, max(new)))
    return sent


def webhook_poster(url: str, timeout: float = 10.0):
    """`post` for `alert`: JSON to an http(s) webhook. Errors never show the URL (it is a secret)."""
    from http.client import HTTPException
    from urllib.error import HTTPError, URLError
    from urllib.parse import urlsplit
    from urllib.request import Request, urlopen

    from roi.errors import RoiError

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise RoiError("--webhook: expected an http(s) URL")

    def post(payload: bytes) -> None:
        req = Request(url, data=payload, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked above)
                resp.read()
        except HTTPError as exc:
            raise RoiError(
                f"the webhook answered HTTP {exc.code}; nothing recorded, the next check retries"
            ) from None
        except (URLError, OSError, HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise RoiError(
                f"the webhook could not be reached ({reason.__class__.__name__}); the next check retries"
            ) from None

    return post
