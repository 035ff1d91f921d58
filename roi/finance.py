"""Money over time: monthly projection, cumulative net benefit, payback month and ROI.

Volume grows by g per month, so every month-k figure is the month-1 figure × (1+g)^(k−1);
overhead (monthly_cost) does not grow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MonthlyBenefit:
    """One month's net benefit and where it comes from (the waterfall, the headline, the slides)."""

    spend_saved: float
    error_cost_saved: float
    staff_time_value: float
    overhead: float  # the monthly cost of running routing (a cost: subtracted)

    @property
    def net(self) -> float:
        return self.spend_saved + self.error_cost_saved + self.staff_time_value - self.overhead


@dataclass(frozen=True)
class Projection:
    months: np.ndarray  # 1..horizon
    spend: np.ndarray
    baseline_spend: np.ndarray
    spend_saved: np.ndarray
    error_cost_saved: np.ndarray
    staff_time_value: np.ndarray
    monthly_cost: float
    one_time_cost: float
    net_benefit: np.ndarray
    cumulative: np.ndarray

    def month(self, k: int) -> MonthlyBenefit:
        """Month k (1-based) of the horizon, broken down."""
        i = k - 1
        return MonthlyBenefit(
            float(self.spend_saved[i]),
            float(self.error_cost_saved[i]),
            float(self.staff_time_value[i]),
            self.monthly_cost,
        )

    @property
    def month1(self) -> MonthlyBenefit:
        return self.month(1)

    @property
    def months_from_start(self) -> np.ndarray:
        """0..horizon: month 0 is go-live, when only the one-time cost has been spent."""
        return np.arange(0, len(self.months) + 1)

    @property
    def cumulative_from_start(self) -> np.ndarray:
        """Cumulative net benefit from month 0 (−one-time cost) to the end of the horizon."""
        return np.concatenate(([-self.one_time_cost], self.cumulative))

    @property
    def horizon_net_benefit(self) -> float:
        """Cumulative net benefit at the end of the horizon (after the one-time cost)."""
        return float(self.cumulative[-1])

    @property
    def payback_month(self) -> int | None:
        """First month whose cumulative net benefit reaches zero, or None within the horizon."""
        hit = np.flatnonzero(self.cumulative >= 0)
        return int(hit[0]) + 1 if hit.size else None

    @property
    def gains(self) -> float:
        return float((self.spend_saved + self.error_cost_saved + self.staff_time_value).sum())

    @property
    def costs(self) -> float:
        return self.one_time_cost + len(self.months) * self.monthly_cost

    @property
    def roi_pct(self) -> float | None:
        """100 × (gains − costs) / costs; None when there is nothing invested."""
        return None if self.costs == 0 else 100.0 * (self.gains - self.costs) / self.costs


def project(
    *,
    spend: float | np.ndarray,
    baseline_spend: float | np.ndarray,
    error_cost: float | np.ndarray,
    baseline_error_cost: float | np.ndarray,
    staff_time_value: float | np.ndarray,
    growth: float | np.ndarray,
    horizon_months: int,
    one_time_cost: float | np.ndarray,
    monthly_cost: float | np.ndarray,
    spend_factor: np.ndarray | None = None,
    baseline_spend_factor: np.ndarray | None = None,
) -> Projection:
    """Month k's figures are month 1's × (1 + g)^(k−1) (spend also × the price factor of month k,
    from a model's price change). Every input may be an array of draws (`roi.uncertainty`): the
    months are then the last axis of every output."""
    months = np.arange(1, horizon_months + 1)

    def per_draw(x):  # a draw axis in front of the months
        return np.asarray(x, dtype=float)[..., None]

    factor = (1.0 + per_draw(growth)) ** (months - 1)
    s, b = per_draw(spend), per_draw(baseline_spend)
    if spend_factor is None and baseline_spend_factor is None:
        spend_m, base_m, spend_saved = s * factor, b * factor, (b - s) * factor
    else:
        one = np.ones(horizon_months)
        spend_m = s * (one if spend_factor is None else spend_factor) * factor
        base_m = b * (one if baseline_spend_factor is None else baseline_spend_factor) * factor
        spend_saved = base_m - spend_m
    error_saved = (per_draw(baseline_error_cost) - per_draw(error_cost)) * factor
    staff = per_draw(staff_time_value) * factor
    net = spend_saved + error_saved + staff - per_draw(monthly_cost)
    cumulative = -per_draw(one_time_cost) + np.cumsum(net, axis=-1)
    return Projection(
        months,
        spend_m,
        base_m,
        spend_saved,
        error_saved,
        staff,
        _scalar(monthly_cost),
        _scalar(one_time_cost),
        net,
        cumulative,
    )


def _scalar(x):
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)


def payback_months(cumulative: np.ndarray) -> np.ndarray:
    """The payback month of each row of cumulative net benefits (the last axis is the months):
    the first month it reaches zero, NaN where it never does within the horizon."""
    hit = cumulative >= 0
    return np.where(hit.any(axis=-1), hit.argmax(axis=-1) + 1.0, np.nan)


def roi_pcts(p: Projection) -> np.ndarray:
    """100 × (gains − costs) / costs over the horizon, for every draw; NaN where nothing is invested."""
    gains = (p.spend_saved + p.error_cost_saved + p.staff_time_value).sum(axis=-1)
    costs = np.asarray(p.one_time_cost) + len(p.months) * np.asarray(p.monthly_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(costs == 0, np.nan, 100.0 * (gains - costs) / np.where(costs == 0, 1.0, costs))
