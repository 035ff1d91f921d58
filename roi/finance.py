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
    spend: float,
    baseline_spend: float,
    error_cost: float,
    baseline_error_cost: float,
    staff_time_value: float,
    growth: float,
    horizon_months: int,
    one_time_cost: float,
    monthly_cost: float,
) -> Projection:
    months = np.arange(1, horizon_months + 1)
    factor = (1.0 + growth) ** (months - 1)
    spend_saved = (baseline_spend - spend) * factor
    error_saved = (baseline_error_cost - error_cost) * factor
    staff = staff_time_value * factor
    net = spend_saved + error_saved + staff - monthly_cost
    cumulative = -one_time_cost + np.cumsum(net)
    return Projection(
        months,
        spend * factor,
        baseline_spend * factor,
        spend_saved,
        error_saved,
        staff,
        monthly_cost,
        one_time_cost,
        net,
        cumulative,
    )
