"""Honest ranges: every uncertain input carried through to payback and ROI by Monte Carlo.

What is uncertain:
- a measured accuracy, from its own sample: Beta(correct + 1, n − correct + 1) (the posterior of a
  share from n items with a uniform prior); one draw per measurement, used wherever that accuracy
  enters (the routed plan, today's baseline, a cascade's assumed mix, and every task that shares the
  measurement), so what they have in common moves together;
- an input written as low / likely / high (`roi.ranges`): triangular on (low, likely, high). Which
  inputs may carry one: a task's requests_per_month, error_cost, routing.escalation_rate and
  latency_s per model; the scenario's volume_growth_per_month, one_time_cost and monthly_cost; a
  model's price_change factor.

The draws go through the engine's own formulas (`roi.engine.routed_plan`, `baseline_plan`,
`month1`, `roi.finance.project`): arrays with a draw axis in front, vectorized, seeded
(numpy's PCG64), so the same scenario, draws and seed give the same figures. With nothing uncertain
every percentile is the deterministic figure itself.

Which input drives the spread: the share of the variance of the horizon's cumulative net benefit
that each input explains alone, as its squared rank correlation with it (Spearman), normalized to
sum to one (inputs are drawn independently, so the shares are a fair split; a tornado of variance
beside the one-at-a-time tornado of `roi.sensitivity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from roi.engine import (
    Result,
    baseline_calls,
    baseline_plan,
    compute,
    month1,
    price_factors,
    routed_plan,
    routing_shape,
    spend_factor,
)
from roi.finance import payback_months, project, roi_pcts
from roi.provenance import Provenance
from roi.scenario import Scenario

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 1


@dataclass(frozen=True)
class Input:
    """One uncertain input and how it is drawn."""

    name: str  # e.g. 'error cost of "Contract review"', 'accuracy of claude-haiku-4-5 on "Email triage"'
    how: str  # 'triangular 2 / 5 / 20', 'Beta(38, 4): 37 of 40 right'


@dataclass(frozen=True)
class Uncertainty:
    """The distribution of the money figures over `draws` draws."""

    result: Result  # the deterministic figures (likely values, point accuracies)
    draws: int
    seed: int
    inputs: list[Input]
    payback: np.ndarray  # [draw] month, NaN where it does not pay back within the horizon
    roi_pct: np.ndarray  # [draw], NaN where nothing is invested
    month1_net: np.ndarray  # [draw]
    cumulative: np.ndarray  # [draw, month] months 1..horizon
    start: np.ndarray  # [draw] month 0: minus the one-time cost
    drivers: list[tuple[str, float]] = field(default_factory=list)  # (input, share of variance)

    @property
    def uncertain(self) -> bool:
        return bool(self.inputs)

    @property
    def horizon(self) -> int:
        return self.cumulative.shape[-1]

    def prob_payback_within(self, months: int | None = None) -> float:
        """The share of draws that pay back by month `months` (default: within the horizon)."""
        limit = self.horizon if months is None else months
        return float(np.mean(np.nan_to_num(self.payback, nan=np.inf) <= limit))

    def payback_percentiles(self) -> dict[str, int | None]:
        """P10 / P50 / P90 of the payback month; a percentile that falls on "no payback" is None."""
        if not self.uncertain:
            return dict.fromkeys(("p10", "p50", "p90"), self.result.projection.payback_month)
        months = np.sort(np.nan_to_num(self.payback, nan=np.inf))
        out = {}
        for q in (10, 50, 90):
            v = float(np.quantile(months, q / 100, method="inverted_cdf"))
            out[f"p{q}"] = None if not np.isfinite(v) else int(v)
        return out

    def percentiles(self, values: np.ndarray, point: float | None) -> dict[str, float | None]:
        if not self.uncertain:
            return dict.fromkeys(("p10", "p50", "p90"), point)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return dict.fromkeys(("p10", "p50", "p90"))
        return {f"p{q}": float(np.percentile(finite, q)) for q in (10, 50, 90)}

    def cumulative_bands(self) -> list[dict[str, float | int]]:
        """Per month 1..horizon: P10 / P50 / P90 of the cumulative net benefit."""
        point = self.result.projection.cumulative
        if not self.uncertain:
            return [
                {"month": k + 1, "p10": float(v), "p50": float(v), "p90": float(v)}
                for k, v in enumerate(point)
            ]
        q = np.percentile(self.cumulative, [10, 50, 90], axis=0)
        return [
            {"month": k + 1, "p10": float(q[0, k]), "p50": float(q[1, k]), "p90": float(q[2, k])}
            for k in range(self.horizon)
        ]

    def to_dict(self) -> dict:
        """The `uncertainty` key of `roi scenario --json --simulate N` (a public contract)."""
        p = self.result.projection
        return {
            "draws": self.draws,
            "seed": self.seed,
            "payback_month": self.payback_percentiles(),
            "prob_payback_within_horizon": self.prob_payback_within(),
            "roi_pct": self.percentiles(self.roi_pct, p.roi_pct),
            "month1_net_benefit": self.percentiles(self.month1_net, p.month1.net),
            "cumulative_net_benefit": self.cumulative_bands(),
            "drivers": [{"input": name, "share": share} for name, share in self.drivers],
            "inputs": [{"input": i.name, "drawn": i.how} for i in self.inputs],
        }


def _beta_of(p: Provenance | None, accuracy: float) -> tuple[int, int] | None:
    return None if p is None else p.sample(accuracy)


def _triangular(rng: np.random.Generator, low: float, likely: float, high: float, draws: int) -> np.ndarray:
    if high <= low:
        return np.full(draws, likely)
    return rng.triangular(low, likely, high, draws)


def has_ranges(s: Scenario) -> bool:
    """Whether anything in `s` is uncertain (a range, or a measured accuracy with its sample)."""
    if s.ranges or any(t.ranges for t in s.tasks):
        return True
    if any(m.price_change and m.price_change.factor_range for m in s.models.values()):
        return True
    return any(_beta_of(t.provenance.of_accuracy(m), a) for t in s.tasks for m, a in t.accuracy.items())


def simulate(s: Scenario, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> Uncertainty:
    """Draw every uncertain input `draws` times and compute the money figures of each draw."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    result = compute(s)
    tm = result.matrix
    rng = np.random.default_rng(seed)
    T, M = tm.cost.shape
    inputs: list[Input] = []
    samples: list[np.ndarray] = []  # one per input, for the drivers

    def drawn(name: str, how: str, x: np.ndarray) -> np.ndarray:
        inputs.append(Input(name, how))
        samples.append(x)
        return x

    def tri(name: str, low: float, likely: float, high: float) -> np.ndarray:
        return drawn(
            name, f"triangular {low:g} / {likely:g} / {high:g}", _triangular(rng, low, likely, high, draws)
        )

    volume = np.broadcast_to(tm.volume, (draws, T)).copy()
    error_cost = np.broadcast_to([t.error_cost for t in s.tasks], (draws, T)).astype(float)
    rs = routing_shape(s, tm)
    escalation = np.broadcast_to(rs.escalation, (draws, T)).copy()
    latency = tm.latency
    for i, t in enumerate(s.tasks):
        for key, r in t.ranges.items():
            low, likely, high = r.around(t.likely(key))
            if key == "requests_per_month":
                volume[:, i] = tri(f'requests a month of "{t.name}"', low, likely, high)
            elif key == "error_cost":
                error_cost[:, i] = tri(f'cost of one error in "{t.name}"', low, likely, high)
            elif key == "escalation_rate" and t.routing.cascade:
                escalation[:, i] = tri(f'escalation rate of "{t.name}"', low, likely, high)
            elif key.startswith("latency_s.") and (m := key.removeprefix("latency_s.")) in tm.models:
                if latency is tm.latency:
                    latency = np.broadcast_to(tm.latency, (draws, T, M)).copy()
                latency[:, i, tm.models.index(m)] = tri(f'latency of {m} on "{t.name}"', low, likely, high)

    accuracy = tm.accuracy
    cascade_accuracy = rs.measured
    shared: dict[tuple, np.ndarray] = {}  # one draw per measurement, whichever tasks use it
    users: dict[tuple, tuple[int, list[str]]] = {}  # measurement -> (its input, the tasks using it)
    for i, t in enumerate(s.tasks):
        for m, a in t.accuracy.items():
            p = t.provenance.of_accuracy(m)
            ab = _beta_of(p, a)
            if ab is None:
                continue
            correct, n = ab
            key = (m, p.run, n, correct) if p.run else (t.name, m)
            if key not in shared:
                how = f"Beta({correct + 1}, {n - correct + 1}): {correct} of {n} right" + (
                    f", {p.run}" if p.run else ""
                )
                shared[key] = drawn(
                    f"accuracy of {m.replace('>', ' → ')}", how, rng.beta(correct + 1, n - correct + 1, draws)
                )
                users[key] = (len(inputs) - 1, [])
            users[key][1].append(t.name)
            if ">" in m:
                if t.routing.cascade and m == ">".join(t.routing.cascade):
                    if cascade_accuracy is rs.measured:
                        cascade_accuracy = np.broadcast_to(rs.measured, (draws, T)).copy()
                    cascade_accuracy[:, i] = shared[key]
            elif m in tm.models:
                if accuracy is tm.accuracy:
                    accuracy = np.broadcast_to(tm.accuracy, (draws, T, M)).copy()
                accuracy[:, i, tm.models.index(m)] = shared[key]

    for index, tasks in users.values():  # name each measurement after the tasks it serves
        on = ", ".join(f'"{t}"' for t in tasks)
        inputs[index] = Input(f"{inputs[index].name} on {on}", inputs[index].how)

    def scenario_value(key: str, point: float, label: str) -> np.ndarray | float:
        r = s.ranges.get(key)
        return point if r is None else tri(label, *r.around(point))

    growth = scenario_value("volume_growth_per_month", s.volume_growth_per_month, "volume growth a month")
    one_time = scenario_value("one_time_cost", s.one_time_cost, "one-time cost")
    monthly = scenario_value("monthly_cost", s.monthly_cost, "monthly cost of running routing")
    factors = None
    if any(s.models.get(m) and s.models[m].price_change for m in tm.models):
        f = np.ones((draws, M))
        for j, m in enumerate(tm.models):
            pc = s.models[m].price_change if m in s.models else None
            if pc is None:
                continue
            f[:, j] = (
                pc.factor
                if pc.factor_range is None
                else tri(
                    f"price change of {m} from month {pc.from_month}", *pc.factor_range.around(pc.factor)
                )
            )
        factors = price_factors(s, tm.models, f)

    if not inputs:  # nothing is uncertain: every draw is the deterministic figure
        p = result.projection
        return Uncertainty(
            result,
            draws,
            seed,
            [],
            np.full(draws, np.nan if p.payback_month is None else float(p.payback_month)),
            np.full(draws, np.nan if p.roi_pct is None else p.roi_pct),
            np.full(draws, p.month1.net),
            np.broadcast_to(p.cumulative, (draws, len(p.cumulative))),
            np.full(draws, -p.one_time_cost),
        )

    routed = routed_plan(
        rs, tm.cost, latency, accuracy, escalation=escalation, cascade_accuracy=cascade_accuracy
    )
    base = baseline_plan(baseline_calls(s, tm), tm.cost, latency, accuracy)
    interactive = np.array([t.interactive for t in s.tasks], dtype=bool)
    m1 = month1(volume, routed, base, error_cost, interactive, s.staff_cost_per_hour)
    proj = project(
        spend=m1.spend,
        baseline_spend=m1.baseline_spend,
        error_cost=m1.error_cost,
        baseline_error_cost=m1.baseline_error_cost,
        staff_time_value=m1.staff_time_value,
        growth=growth,
        horizon_months=s.horizon_months,
        one_time_cost=one_time,
        monthly_cost=monthly,
        spend_factor=spend_factor(volume, routed, tm.cost, factors),
        baseline_spend_factor=spend_factor(volume, base, tm.cost, factors),
    )
    cumulative = np.broadcast_to(proj.cumulative, (draws, s.horizon_months))
    return Uncertainty(
        result,
        draws,
        seed,
        inputs,
        np.broadcast_to(payback_months(cumulative), (draws,)),
        np.broadcast_to(roi_pcts(proj), (draws,)),
        np.broadcast_to(proj.net_benefit[..., 0], (draws,)),
        cumulative,
        np.broadcast_to(-np.asarray(one_time, dtype=float), (draws,)),
        _drivers(inputs, samples, cumulative[:, -1]),
    )


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(len(x))
    return r


def _drivers(inputs: list[Input], samples: list[np.ndarray], y: np.ndarray) -> list[tuple[str, float]]:
    """Each input's share of the spread of `y`: squared rank correlation, normalized."""
    if len(y) < 3 or np.ptp(y) == 0:
        return []
    ry = _ranks(y)
    ry -= ry.mean()
    r2 = []
    for x in samples:
        rx = _ranks(np.asarray(x))
        rx -= rx.mean()
        denom = np.sqrt((rx @ rx) * (ry @ ry))
        r2.append(0.0 if denom == 0 else float((rx @ ry) / denom) ** 2)
    total = sum(r2)
    if total == 0:
        return []
    ranked = sorted(zip((i.name for i in inputs), (v / total for v in r2), strict=True), key=lambda t: -t[1])
    return [(name, share) for name, share in ranked if share > 0]
