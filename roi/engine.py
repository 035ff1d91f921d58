"""Per-request cost, latency and accuracy of every task on every model, and the routed result.

One formula, one place (see DESIGN.md, "How the numbers are computed"):
cost = Σ tokens × price / 1e6 (`roi.catalog.cost`); latency = ttft + output / speed
(`LatencyProfile`) unless measured;
a cascade a→b with escalation e costs cost(a) + e·cost(b), waits latency(a) + e·latency(b) and is
right with accuracy["a>b"] (measured) or (1−e)·acc(a) + e·acc(b) (assumed).

Just over 300 lines because `Result` (what `compute` returns, with the `roi scenario --json`
contract in `to_dict`) lives beside the plans it is made of.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roi.catalog import (
    LatencyProfile,
    ModelPrices,
    UnknownModelError,
    catalog_price,
    custom_price,
    default_latency,
)
from roi.catalog.cost import cost_usd
from roi.errors import ScenarioError
from roi.finance import Projection, project
from roi.scenario import Scenario, Task
from roi.tokens import BUCKETS


@dataclass(frozen=True)
class ModelSpec:
    """A model as the scenario prices it: catalog or custom prices (after discount) and latency."""

    model_id: str
    prices: ModelPrices
    batch_prices: ModelPrices | None
    latency: LatencyProfile


def model_specs(s: Scenario) -> dict[str, ModelSpec]:
    """Resolve every model in play; an unknown model is a ScenarioError naming where it is used."""
    specs: dict[str, ModelSpec] = {}
    for mid in s.models_in_play():
        d = s.models.get(mid)
        if d is not None and d.custom:
            prices = custom_price(
                mid,
                input=d.input,
                output=d.output,
                cache_write=d.cache_write,
                cache_read=d.cache_read,
                cache_write_1h=d.cache_write_1h,
            )
            batch = None
        else:
            try:
                prices = catalog_price(mid, as_of=s.as_of)
                batch = catalog_price(mid, as_of=s.as_of, batch=True)
            except UnknownModelError:
                raise ScenarioError(_unknown_model_message(s, mid)) from None
            if d is not None and d.discount:
                prices, batch = prices.with_discount(d.discount), batch.with_discount(d.discount)
        lat = default_latency(prices.model_id)
        if d is not None and (d.ttft_s is not None or d.output_tokens_per_s is not None):
            lat = LatencyProfile(
                d.ttft_s if d.ttft_s is not None else lat.ttft_s,
                d.output_tokens_per_s if d.output_tokens_per_s is not None else lat.output_tokens_per_s,
                "assumed",
                "typed in the scenario",
            )
        specs[mid] = ModelSpec(mid, prices, batch, lat)
    return specs


def _unknown_model_message(s: Scenario, mid: str) -> str:
    places = [("baseline.model", mid == s.baseline_model)]
    for field, has in (
        ("routing", lambda t: mid in t.routing.models()),
        ("baseline_routing", lambda t: mid in t.baseline_routing),
        ("accuracy", lambda t: mid in t.accuracy),
    ):
        places += [(f'task "{t.name}": {field}', has(t)) for t in s.tasks]
    where = next((w for w, used in places if used), f'models["{mid}"]')
    return (
        f'{where}: unknown model "{mid}": not in the price catalog; '
        "use a catalog id (see `roi catalog`) or define it under models with its prices"
    )


@dataclass(frozen=True)
class TaskMatrix:
    """Per-request figures of each task (rows) on each model in play (columns)."""

    models: list[str]
    cost: np.ndarray  # $ per request
    latency: np.ndarray  # seconds per request
    accuracy: np.ndarray  # 0..1, nan where unknown
    volume: np.ndarray  # requests in month 1


def task_matrix(s: Scenario, specs: dict[str, ModelSpec] | None = None) -> TaskMatrix:
    specs = specs if specs is not None else model_specs(s)
    models = list(specs)
    n, m = len(s.tasks), len(models)
    tokens = np.array([t.tokens.array() for t in s.tasks], dtype=float).reshape(n, len(BUCKETS))
    batch = np.array([t.batch for t in s.tasks], dtype=bool)
    cost = np.zeros((n, m))
    latency = np.zeros((n, m))
    for j, mid in enumerate(models):
        spec = specs[mid]
        for prices, rows in ((spec.prices, ~batch), (spec.batch_prices or spec.prices, batch)):
            if rows.any():
                cost[rows, j] = cost_usd(prices, tokens[rows])
        latency[:, j] = spec.latency.latency_s(tokens[:, BUCKETS.index("output_tokens")])
    accuracy = np.full((n, m), np.nan)
    col = {mid: j for j, mid in enumerate(models)}
    for i, t in enumerate(s.tasks):
        for mid, a in t.accuracy.items():
            if mid in col:
                accuracy[i, col[mid]] = a
        for mid, sec in t.latency_s.items():
            if mid in col:
                latency[i, col[mid]] = sec
    volume = np.array([t.requests_per_month for t in s.tasks], dtype=float)
    return TaskMatrix(models, cost, latency, accuracy, volume)


@dataclass(frozen=True)
class Plan:
    """A routing applied to the task matrix: expected calls per request and per-request results.

    Every array may carry leading axes (the simulation's draws, `roi.uncertainty`): calls
    [..., task, model], the others [..., task]. `compute` passes none."""

    calls: np.ndarray  # [task, model] expected calls to the model per request (cascade: 1 and e)
    cost: np.ndarray  # [task] $ per request
    latency: np.ndarray  # [task] seconds per request
    accuracy: np.ndarray  # [task] 0..1


def _need_accuracy(t: Task, tm: TaskMatrix, i: int, mid: str, why: str) -> float:
    a = tm.accuracy[i, tm.models.index(mid)]
    if np.isnan(a):
        raise ScenarioError(f'task "{t.name}": accuracy: no accuracy for model "{mid}", which {why}')
    return float(a)


@dataclass(frozen=True)
class RoutingShape:
    """A scenario's routing as arrays: fixed shares, and the cascades' first and second models."""

    shares: np.ndarray  # [task, model], zero on cascade rows
    cascade: np.ndarray  # [task] bool
    first: np.ndarray  # [task] model column of each cascade's first model (0 elsewhere)
    second: np.ndarray  # [task] ... and of its escalation model
    escalation: np.ndarray  # [task] the scenario's escalation rates (0 where no cascade)
    measured: np.ndarray  # [task] a cascade's own measured accuracy ("a>b"), nan where none


def routing_shape(s: Scenario, tm: TaskMatrix) -> RoutingShape:
    """The arrays of `s`'s routing; a routing that needs an accuracy nobody gave is a ScenarioError
    naming the task and model (checked once here, whatever the draws do afterwards)."""
    n, m = tm.cost.shape
    col = {mid: j for j, mid in enumerate(tm.models)}
    shares, casc = np.zeros((n, m)), np.zeros(n, dtype=bool)
    first, second = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    esc, measured = np.zeros(n), np.full(n, np.nan)
    for i, t in enumerate(s.tasks):
        r = t.routing
        if r.cascade:
            a, b = r.cascade
            casc[i], first[i], second[i], esc[i] = True, col[a], col[b], r.escalation_rate
            if (own := t.accuracy.get(f"{a}>{b}")) is not None:
                measured[i] = own
            else:
                _need_accuracy(t, tm, i, a, "answers first in the cascade")
                if r.escalation_rate > 0:
                    _need_accuracy(t, tm, i, b, "takes escalations in the cascade")
        else:
            for mid, share in r.shares.items():
                if share > 0:
                    shares[i, col[mid]] = share
                    _need_accuracy(t, tm, i, mid, f"gets {share:.0%} of requests")
    return RoutingShape(shares, casc, first, second, esc, measured)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σ over the last axis (month-1 totals over tasks), for one set of inputs or for every draw."""
    if np.ndim(a) == 1 and np.ndim(b) == 1:
        return a @ b
    return (np.asarray(a)[..., None, :] @ np.asarray(b)[..., :, None])[..., 0, 0]


def _mix(calls: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per task, the calls-weighted sum of per-model values (a model never called may be NaN)."""
    return (calls * np.where(calls > 0, values, 0.0)).sum(axis=-1)


def routed_plan(
    rs: RoutingShape,
    cost: np.ndarray,
    latency: np.ndarray,
    accuracy: np.ndarray,
    *,
    escalation: np.ndarray | None = None,
    cascade_accuracy: np.ndarray | None = None,
) -> Plan:
    """The routing applied: cost, latency and accuracy per request of each task.

    A cascade a→b with escalation e makes 1 call to a and e to b: it costs cost(a) + e·cost(b),
    waits latency(a) + e·latency(b), and is right with its measured accuracy or, as a stated
    assumption, (1 − e)·acc(a) + e·acc(b). `escalation`, `latency`, `accuracy` and
    `cascade_accuracy` may carry leading draw axes (else the scenario's own values)."""
    e = rs.escalation if escalation is None else escalation
    lead = np.broadcast_shapes(np.shape(e)[:-1], latency.shape[:-2], accuracy.shape[:-2])
    calls = np.broadcast_to(rs.shares, (*lead, *rs.shares.shape)).copy()
    rows = np.flatnonzero(rs.cascade)
    e = np.broadcast_to(e, (*lead, len(rs.cascade)))
    calls[..., rows, rs.first[rows]] = 1.0
    calls[..., rows, rs.second[rows]] = e[..., rows]
    acc = _mix(calls, accuracy)
    if rows.size:
        ea = e[..., rows]
        at, bt = accuracy[..., rows, rs.first[rows]], accuracy[..., rows, rs.second[rows]]
        assumed = (1 - ea) * at + np.where(ea > 0, ea * np.nan_to_num(bt), 0.0)
        own = rs.measured if cascade_accuracy is None else cascade_accuracy
        own = np.broadcast_to(own, (*lead, len(rs.cascade)))[..., rows]
        acc[..., rows] = np.where(np.isnan(own), assumed, own)
    return Plan(calls, (calls * cost).sum(axis=-1), (calls * latency).sum(axis=-1), acc)


def plan_routing(s: Scenario, tm: TaskMatrix) -> Plan:
    return routed_plan(routing_shape(s, tm), tm.cost, tm.latency, tm.accuracy)


def baseline_calls(s: Scenario, tm: TaskMatrix) -> np.ndarray:
    """Today's calls [task, model]: the baseline model, or the task's actual mix from usage logs;
    every accuracy it needs checked (a ScenarioError names the task and model)."""
    calls = np.zeros_like(tm.cost)
    for i, t in enumerate(s.tasks):
        mix = t.baseline_routing or {s.baseline_model: 1.0}
        for mid, share in mix.items():
            calls[i, tm.models.index(mid)] = share
            why = (
                "is the baseline (today's model)" if not t.baseline_routing else f"answers {share:.0%} today"
            )
            _need_accuracy(t, tm, i, mid, why)
    return calls


def baseline_plan(calls: np.ndarray, cost: np.ndarray, latency: np.ndarray, accuracy: np.ndarray) -> Plan:
    """Today's calls applied (accuracy and latency may carry draw axes)."""
    lead = np.broadcast_shapes(latency.shape[:-2], accuracy.shape[:-2])
    c = np.broadcast_to(calls, (*lead, *calls.shape))
    return Plan(c, (c * cost).sum(axis=-1), (c * latency).sum(axis=-1), _mix(c, accuracy))


def plan_baseline(s: Scenario, tm: TaskMatrix) -> Plan:
    """Today: every task on the baseline model, or the task's actual model mix from usage logs."""
    return baseline_plan(baseline_calls(s, tm), tm.cost, tm.latency, tm.accuracy)


@dataclass(frozen=True)
class Result:
    """Everything the dashboard, the CLI and the reports show for one scenario."""

    scenario: Scenario
    matrix: TaskMatrix
    routed: Plan
    baseline: Plan
    month1_spend: float
    month1_baseline_spend: float
    month1_error_cost: float
    month1_baseline_error_cost: float
    month1_staff_time_value: float
    projection: Projection

    @property
    def savings_pct(self) -> float | None:
        b = self.month1_baseline_spend
        return None if b == 0 else 100.0 * (b - self.month1_spend) / b

    def _weighted(self, values: np.ndarray) -> float | None:
        v = self.matrix.volume
        return None if v.sum() == 0 else float((v * values).sum() / v.sum())

    @property
    def mean_latency_s(self) -> float | None:
        return self._weighted(self.routed.latency)

    @property
    def baseline_mean_latency_s(self) -> float | None:
        return self._weighted(self.baseline.latency)

    def _p95(self, latency: np.ndarray) -> float | None:
        """Request-weighted 95th percentile over tasks' mean latencies ("p95-ish": within-task spread unknown)."""
        v = self.matrix.volume
        if v.sum() == 0:
            return None
        order = np.argsort(latency)
        cum = np.cumsum(v[order]) / v.sum()
        return float(latency[order][np.searchsorted(cum, 0.95)])

    @property
    def p95_latency_s(self) -> float | None:
        return self._p95(self.routed.latency)

    @property
    def baseline_p95_latency_s(self) -> float | None:
        return self._p95(self.baseline.latency)

    @property
    def accuracy(self) -> float | None:
        return self._weighted(self.routed.accuracy)

    @property
    def baseline_accuracy(self) -> float | None:
        return self._weighted(self.baseline.accuracy)

    def spend_by_model(self, *, baseline: bool = False) -> dict[str, float]:
        """Month-1 spend per model ($), for stacked charts."""
        plan = self.baseline if baseline else self.routed
        per = (self.matrix.volume[:, None] * plan.calls * self.matrix.cost).sum(axis=0)
        return {m: float(x) for m, x in zip(self.matrix.models, per, strict=True)}

    def task_rows(self) -> list[dict[str, float | str]]:
        v = self.matrix.volume
        return [
            {
                "name": t.name,
                "spend": float(v[i] * self.routed.cost[i]),
                "baseline_spend": float(v[i] * self.baseline.cost[i]),
                "mean_latency_s": float(self.routed.latency[i]),
                "baseline_latency_s": float(self.baseline.latency[i]),
                "accuracy": float(self.routed.accuracy[i]),
                "baseline_accuracy": float(self.baseline.accuracy[i]),
            }
            for i, t in enumerate(self.scenario.tasks)
        ]

    def to_dict(self) -> dict:
        """The `roi scenario --json` document (keys are a public contract)."""
        p = self.projection
        return {
            "name": self.scenario.name,
            "month1": {
                "spend": self.month1_spend,
                "baseline_spend": self.month1_baseline_spend,
                "error_cost": self.month1_error_cost,
                "baseline_error_cost": self.month1_baseline_error_cost,
                "staff_time_value": self.month1_staff_time_value,
                "net_benefit": p.month1.net,
            },
            "savings_pct": self.savings_pct,
            "mean_latency_s": self.mean_latency_s,
            "baseline_mean_latency_s": self.baseline_mean_latency_s,
            "accuracy": self.accuracy,
            "baseline_accuracy": self.baseline_accuracy,
            "payback_month": p.payback_month,
            "roi_pct": p.roi_pct,
            "cumulative_net_benefit": [float(x) for x in p.cumulative],
            "tasks": [
                {
                    k: r[k]
                    for k in (
                        "name",
                        "spend",
                        "baseline_spend",
                        "mean_latency_s",
                        "baseline_latency_s",
                        "accuracy",
                    )
                }
                for r in self.task_rows()
            ],
        }


def check(s: Scenario) -> Scenario:
    """The scenario, if `compute` can price it (every model known, every accuracy it needs given);
    else the ScenarioError that names the task and field. For accepting a file, link or edit."""
    tm = task_matrix(s)
    routing_shape(s, tm)
    baseline_calls(s, tm)
    return s


@dataclass(frozen=True)
class Month1:
    """Month 1 in money, for one set of inputs or (with draw axes in front) for every draw."""

    spend: np.ndarray
    baseline_spend: np.ndarray
    error_cost: np.ndarray
    baseline_error_cost: np.ndarray
    staff_time_value: np.ndarray


def month1(
    volume: np.ndarray,
    routed: Plan,
    base: Plan,
    error_cost: np.ndarray,
    interactive: np.ndarray,
    staff_cost_per_hour: float,
) -> Month1:
    """Spend = requests × cost per request; error cost = requests × (1 − accuracy) × cost of one
    error; staff time value = seconds saved on interactive tasks × hourly staff cost."""
    saved = np.where(interactive, volume * (base.latency - routed.latency), 0.0).sum(axis=-1)
    return Month1(
        dot(volume, routed.cost),
        dot(volume, base.cost),
        dot(volume, (1 - routed.accuracy) * error_cost),
        dot(volume, (1 - base.accuracy) * error_cost),
        saved / 3600.0 * staff_cost_per_hour,
    )


def price_factors(s: Scenario, models: list[str], factors: np.ndarray | None = None) -> np.ndarray | None:
    """[..., model, month] multiplier of each model's prices (a `price_change` from its month on);
    None when no model's prices change. `factors` [..., model] replaces the scenario's factors."""
    changes = [(j, s.models[m].price_change) for j, m in enumerate(models) if m in s.models]
    changes = [(j, c) for j, c in changes if c is not None]
    if not changes:
        return None
    if factors is None:
        factors = np.ones(len(models))
        for j, c in changes:
            factors[j] = c.factor
    month = np.arange(1, s.horizon_months + 1)
    start = np.full(len(models), s.horizon_months + 1)
    for j, c in changes:
        start[j] = c.from_month
    after = month[None, :] >= start[:, None]  # [model, month]
    return np.where(after, np.asarray(factors)[..., :, None], 1.0)


def spend_factor(
    volume: np.ndarray, plan: Plan, cost: np.ndarray, factors: np.ndarray | None
) -> np.ndarray | None:
    """[..., month] multiplier of month-1 spend from price changes: each model's spend × its factor."""
    if factors is None:
        return None
    by_model = (volume[..., :, None] * plan.calls * cost).sum(axis=-2)  # [..., model]
    total = by_model.sum(axis=-1, keepdims=True)
    changed = (by_model[..., :, None] * factors).sum(axis=-2)
    return np.where(total > 0, changed / np.where(total > 0, total, 1.0), 1.0)


def compute(s: Scenario, tm: TaskMatrix | None = None) -> Result:
    """Evaluate a scenario over its horizon. Pass a TaskMatrix to reuse it across routing changes."""
    tm = tm if tm is not None else task_matrix(s)
    routed, base = plan_routing(s, tm), plan_baseline(s, tm)
    v = tm.volume
    error_cost = np.array([t.error_cost for t in s.tasks], dtype=float)
    interactive = np.array([t.interactive for t in s.tasks], dtype=bool)
    m1 = month1(v, routed, base, error_cost, interactive, s.staff_cost_per_hour)
    factors = price_factors(s, tm.models)
    projection = project(
        spend=m1.spend,
        baseline_spend=m1.baseline_spend,
        error_cost=m1.error_cost,
        baseline_error_cost=m1.baseline_error_cost,
        staff_time_value=m1.staff_time_value,
        growth=s.volume_growth_per_month,
        horizon_months=s.horizon_months,
        one_time_cost=s.one_time_cost,
        monthly_cost=s.monthly_cost,
        spend_factor=spend_factor(v, routed, tm.cost, factors),
        baseline_spend_factor=spend_factor(v, base, tm.cost, factors),
    )
    return Result(
        s,
        tm,
        routed,
        base,
        float(m1.spend),
        float(m1.baseline_spend),
        float(m1.error_cost),
        float(m1.baseline_error_cost),
        float(m1.staff_time_value),
        projection,
    )
