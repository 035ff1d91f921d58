"""Where spend goes next: the next months of spend, in total and per model, with prediction
intervals, from the imported monthly history.

The fit is statsmodels' ETS (exponential smoothing in state-space form): a maintained library
whose models give prediction intervals from the model itself, fit in milliseconds on a few dozen
monthly points, and degrade gracefully on short series (level only below six months, a damped
trend from six). It is fit on log spend, so intervals never go below zero and growth compounds;
the point is the median. Months only partly covered by the data are not fitted (a half month
would read as a fall). With fewer than three complete months there is nothing to fit: the
forecast is the last month grown by the scenario's assumption, labelled as such, with no
interval. The back-test refits on each history prefix and forecasts the next month (MAPE).
"""

from __future__ import annotations

import calendar
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi.numbers import money_cents

MIN_MONTHS = 3  # fewer complete months: the growth assumption, not a fit
TREND_MONTHS = 6  # from here a damped trend, below it the level only


@dataclass
class Forecast:
    method: str  # in words, for the page, the CLI and the JSON
    backtest_mape: float | None  # one-month-ahead error on the history, % (None: too short)
    history: pd.DataFrame  # month (YYYY-MM), cost_usd, complete (bool)
    months: pd.DataFrame  # month, cost_usd, lo80, hi80, lo95, hi95 (NaN: no interval)
    per_model: dict[str, pd.DataFrame]  # the same per model (fitted alone)
    notes: list[str]

    def document(self) -> dict:
        """The `roi forecast --json` document."""

        def rows(df: pd.DataFrame) -> list[dict]:
            return [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in df.to_dict("records")
            ]

        return {
            "method": self.method,
            "backtest_mape": self.backtest_mape,
            "months": rows(self.months),
            "models": {m: rows(df) for m, df in self.per_model.items()},
            "history": rows(self.history),
            "notes": self.notes,
        }


def monthly_history(priced: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    """Spend per calendar month (usage rows priced with the catalog), and whether the data covers
    the whole month; with `column`, one series per value of it (e.g. model)."""
    rows = priced[priced["kind"] != "cost"] if "kind" in priced.columns else priced
    if rows.empty:
        return pd.DataFrame(columns=["month", "cost_usd", "days", "complete"])
    first = rows["start"].min()
    last = rows["end"].fillna(rows["start"] + pd.Timedelta(days=1)).max() - pd.Timedelta(microseconds=1)
    month = rows["start"].dt.strftime("%Y-%m")
    keys = [month] + ([rows[column].astype(str)] if column else [])
    out = rows.groupby(keys)["cost_usd"].sum().reset_index()
    out.columns = ["month", *([column] if column else []), "cost_usd"]
    span = pd.period_range(first.strftime("%Y-%m"), last.strftime("%Y-%m"), freq="M").strftime("%Y-%m")
    if column:
        full = pd.MultiIndex.from_product([span, sorted(out[column].unique())], names=["month", column])
        out = out.set_index(["month", column]).reindex(full, fill_value=0.0).reset_index()
    else:
        out = out.set_index("month").reindex(span, fill_value=0.0).rename_axis("month").reset_index()
    out["days"] = [calendar.monthrange(int(m[:4]), int(m[5:]))[1] for m in out["month"]]
    out["complete"] = True
    if first.day != 1 or first.hour != 0:
        first_month = out["month"] == first.strftime("%Y-%m")
        out.loc[first_month, "days"] -= first.day - 1
        out.loc[first_month, "complete"] = False
    if last.day != calendar.monthrange(last.year, last.month)[1]:
        last_month = out["month"] == last.strftime("%Y-%m")
        out.loc[last_month, "days"] = last.day - (
            first.day - 1 if first.strftime("%Y-%m") == last.strftime("%Y-%m") else 0
        )
        out.loc[last_month, "complete"] = False
    return out


def _next_months(after: str, n: int) -> list[str]:
    return [str(p) for p in pd.period_range(pd.Period(after, "M") + 1, periods=n, freq="M")]


def _fit(y: np.ndarray, horizon: int) -> pd.DataFrame:
    """ETS on log spend: median and 80% / 95% intervals for the next `horizon` months."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    log = pd.Series(np.log(np.maximum(y, 0.01)))  # a month with no spend: a cent, not minus infinity
    trend = len(y) >= TREND_MONTHS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short series: convergence and frequency notices
        model = ETSModel(log, error="add", trend="add" if trend else None, damped_trend=trend)
        res = model.fit(disp=False)
        pred = res.get_prediction(start=len(y), end=len(y) + horizon - 1)
        out = {"cost_usd": np.exp(np.asarray(pred.predicted_mean))}
        for level in (80, 95):
            frame = pred.summary_frame(alpha=1 - level / 100)
            out[f"lo{level}"] = np.exp(frame["pi_lower"].to_numpy())
            out[f"hi{level}"] = np.exp(frame["pi_upper"].to_numpy())
    return pd.DataFrame(out)


def _backtest(y: np.ndarray) -> float | None:
    """Mean absolute percentage error of one-month-ahead forecasts over the last (up to) six months,
    each fitted only on the months before it."""
    origins = range(max(MIN_MONTHS, len(y) - 6), len(y))
    errors = [abs(_fit(y[:t], 1)["cost_usd"].iloc[0] - y[t]) / y[t] for t in origins if y[t] > 0]
    return round(100 * float(np.mean(errors)), 1) if errors else None


def _series(history: pd.DataFrame, horizon: int, growth: float) -> tuple[pd.DataFrame, str, float | None]:
    """Forecast rows for the months after the last complete one (a partial current month first)."""
    done = np.flatnonzero(history["complete"].to_numpy())
    if len(done) < MIN_MONTHS:
        last = history.iloc[-1]
        per_month = float(last["cost_usd"]) / max(int(last["days"]), 1) * 30.4375  # its daily rate
        ahead = _next_months(str(last["month"]), horizon)
        first = 1
        if not last["complete"]:  # the month under way comes first, at that rate
            ahead, first = [str(last["month"]), *ahead[:-1]], 0
        nan = [math.nan] * horizon
        points = [per_month * (1 + growth) ** (i + first) for i in range(horizon)]
        frame = pd.DataFrame(
            {"month": ahead, "cost_usd": points, "lo80": nan, "hi80": nan, "lo95": nan, "hi95": nan}
        )
        method = (
            f"growth assumption: {growth:.1%} a month on the last month's daily rate "
            f"(fewer than {MIN_MONTHS} complete months of history to fit)"
        )
        return frame, method, None
    full = history.iloc[done]
    y = full["cost_usd"].to_numpy(dtype=float)
    steps = horizon + (len(history) - 1 - int(done[-1]))  # the partial months after the last complete one
    fitted = _fit(y, steps)
    fitted.insert(0, "month", _next_months(str(full["month"].iloc[-1]), steps))
    kind = "damped trend" if len(y) >= TREND_MONTHS else "level only"
    return fitted, f"ETS ({kind}) on log monthly spend, statsmodels; {len(y)} complete months", _backtest(y)


def forecast(priced: pd.DataFrame, months: int = 6, *, growth_per_month: float = 0.0) -> Forecast:
    """The next `months` months of spend, in total and per model."""
    if not 1 <= months <= 24:
        raise ValueError(f"months={months}: expected 1 to 24")
    history = monthly_history(priced)
    if history.empty:
        empty = pd.DataFrame(columns=["month", "cost_usd", "lo80", "hi80", "lo95", "hi95"])
        return Forecast("no usage imported", None, history, empty, {}, ["No usage imported yet."])
    frame, method, mape = _series(history, months, growth_per_month)
    notes = []
    partial = history.loc[~history["complete"], "month"].tolist()
    if partial:
        notes.append(f"Not fitted, only partly covered by the data: {', '.join(partial)}.")
    per_model = {}
    by_model = monthly_history(priced, "model")
    for model, h in by_model.groupby("model"):
        h = h.drop(columns="model").reset_index(drop=True)
        if h["cost_usd"].sum() > 0:
            per_model[str(model)] = _series(h, months, growth_per_month)[0]
    return Forecast(method, mape, history, frame, per_model, notes)


def interval_text(lo: float, hi: float) -> str:
    """`$1,234.56 – $2,345.67`, or — where there is no interval (the growth assumption)."""
    return "—" if lo != lo else f"{money_cents(lo)} – {money_cents(hi)}"


def forecast_table(months: pd.DataFrame) -> pd.DataFrame:
    """Forecast months (`Forecast.months`, or one model's) as the page shows them, to the cent."""
    return pd.DataFrame(
        {
            "Month": months["month"],
            "Spend (forecast, median)": [money_cents(x) for x in months["cost_usd"]],
            "80% interval": [
                interval_text(lo, hi) for lo, hi in zip(months["lo80"], months["hi80"], strict=True)
            ],
            "95% interval": [
                interval_text(lo, hi) for lo, hi in zip(months["lo95"], months["hi95"], strict=True)
            ],
        }
    )
