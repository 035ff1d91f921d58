"""How much the answer moves when an assumption is off: the tornado (±20% on each main input)
and net benefit against the small model's accuracy, with its break-even accuracy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from roi.engine import compute, model_specs
from roi.scenario import ModelDef, Scenario


def horizon_net_benefit(s: Scenario) -> float:
    """Cumulative net benefit at the end of the horizon (after the one-time cost)."""
    return compute(s).projection.horizon_net_benefit


def _scale_tasks(s: Scenario, **factors: float) -> Scenario:
    return s.with_tasks([replace(t, **{k: getattr(t, k) * f for k, f in factors.items()}) for t in s.tasks])


def _scale_prices(s: Scenario, factor: float) -> Scenario:
    """All token prices × factor, expressed as a discount (catalog) or scaled typed prices (custom)."""
    models = dict(s.models)
    for mid in s.models_in_play():
        d = models.get(mid, ModelDef())
        if d.custom:
            models[mid] = replace(
                d,
                input=d.input * factor,
                output=d.output * factor,
                cache_write=d.cache_write * factor,
                cache_read=d.cache_read * factor,
                cache_write_1h=None if d.cache_write_1h is None else d.cache_write_1h * factor,
            )
        else:
            models[mid] = replace(d, discount=1 - (1 - d.discount) * factor)
    return replace(s, models=models)


def _scale_latency(s: Scenario, factor: float) -> Scenario:
    """Slower/faster answers: every model's latency profile and measured latency × factor."""
    specs = model_specs(s)
    models = dict(s.models)
    for mid, spec in specs.items():
        d = models.get(mid, ModelDef())
        models[mid] = replace(
            d,
            ttft_s=spec.latency.ttft_s * factor,
            output_tokens_per_s=spec.latency.output_tokens_per_s / factor,
        )
    s = replace(s, models=models)
    return s.with_tasks(
        [replace(t, latency_s={m: v * factor for m, v in t.latency_s.items()}) for t in s.tasks]
    )


INPUTS: dict[str, Callable[[Scenario, float], Scenario]] = {
    "Request volume": lambda s, f: _scale_tasks(s, requests_per_month=f),
    "Token prices": _scale_prices,
    "Tokens per request": lambda s, f: _scale_tasks(
        s,
        input_tokens=f,
        cache_write_5m_tokens=f,
        cache_write_1h_tokens=f,
        cache_read_tokens=f,
        output_tokens=f,
    ),
    "Cost of one error": lambda s, f: _scale_tasks(s, error_cost=f),
    "Staff cost per hour": lambda s, f: replace(s, staff_cost_per_hour=s.staff_cost_per_hour * f),
    "Latency": _scale_latency,
    "One-time cost": lambda s, f: replace(s, one_time_cost=s.one_time_cost * f),
    "Monthly overhead": lambda s, f: replace(s, monthly_cost=s.monthly_cost * f),
}


@dataclass(frozen=True)
class Bar:
    input: str
    low: float  # horizon net benefit with the input at −swing
    high: float  # ... at +swing
    base: float

    @property
    def spread(self) -> float:
        return abs(self.high - self.low)


def tornado(s: Scenario, swing: float = 0.2) -> list[Bar]:
    """Horizon net benefit with each main input at −swing and +swing, widest bar first."""
    base = horizon_net_benefit(s)
    bars = [
        Bar(name, horizon_net_benefit(fn(s, 1 - swing)), horizon_net_benefit(fn(s, 1 + swing)), base)
        for name, fn in INPUTS.items()
    ]
    return sorted(bars, key=lambda b: -b.spread)


@dataclass(frozen=True)
class AccuracyCurve:
    model: str
    accuracy: np.ndarray  # accuracy of the model, weighted by the requests it answers
    net_benefit: np.ndarray  # horizon net benefit at that accuracy
    current: float
    break_even: float | None  # accuracy at which the horizon net benefit is zero, if in range


def accuracy_curve(s: Scenario, model: str, points: int = 41) -> AccuracyCurve | None:
    """Net benefit as the model's accuracy shifts up or down on every task (same shift for all)."""
    rows = [i for i, t in enumerate(s.tasks) if model in t.accuracy]
    if not rows:
        return None
    r = compute(s)
    served = r.matrix.volume * r.routed.calls[:, r.matrix.models.index(model)]
    # weight by the requests the model actually answers; by volume if it answers none yet
    w = served[rows] if served[rows].sum() > 0 else r.matrix.volume[rows]
    a = np.array([s.tasks[i].accuracy[model] for i in rows])
    current = float((w * a).sum() / w.sum()) if w.sum() else float(a.mean())
    shifts = np.linspace(-current, 1 - current, points)
    xs, ys = [], []
    for d in shifts:
        tasks = [
            replace(t, accuracy={**t.accuracy, model: float(np.clip(t.accuracy[model] + d, 0, 1))})
            if model in t.accuracy
            else t
            for t in s.tasks
        ]
        xs.append(current + d)
        ys.append(horizon_net_benefit(s.with_tasks(tasks)))
    x, y = np.array(xs), np.array(ys)
    break_even = None
    sign = np.sign(y)
    cross = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    if cross.size:
        i = int(cross[0])
        break_even = float(x[i] + (0 - y[i]) * (x[i + 1] - x[i]) / (y[i + 1] - y[i]))
    elif (y == 0).any():
        break_even = float(x[np.flatnonzero(y == 0)[0]])
    return AccuracyCurve(model, x, y, current, break_even)
