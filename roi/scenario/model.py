"""What a scenario is: models, tasks, routing, money and where each number comes from, and how it
is written back as the portable JSON document (`roi.scenario.parse` reads it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from roi.errors import ScenarioError
from roi.provenance import Provenance, TaskProvenance, dotted_keys
from roi.ranges import Range, written
from roi.tokens import BUCKETS, Tokens

# The scenario file's key for each token bucket (5-minute cache writes keep their first name there).
TOKEN_KEYS = {
    "input_tokens": "input_tokens",
    "cache_write_tokens": "cache_write_5m_tokens",
    "cache_write_1h_tokens": "cache_write_1h_tokens",
    "cache_read_tokens": "cache_read_tokens",
    "output_tokens": "output_tokens",
}
PRICE_FIELDS = ("input", "output", "cache_write", "cache_read")
COMPLEXITIES = ("routine", "medium", "hard")


@dataclass(frozen=True)
class PriceChange:
    """A model's prices multiplied by `factor` from month `from_month` of the projection on (a price
    cut announced, a contract renewal): `factor` may carry a range, e.g. 0.6 / 0.8 / 1.0."""

    from_month: int
    factor: float
    factor_range: Range | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"from_month": self.from_month, "factor": written(self.factor, self.factor_range)}


@dataclass(frozen=True)
class ModelDef:
    """A custom model (typed prices and latency) or an override of a catalog model."""

    custom: bool = False
    input: float = 0.0
    output: float = 0.0
    cache_write: float = 0.0
    cache_write_1h: float | None = None
    cache_read: float = 0.0
    ttft_s: float | None = None
    output_tokens_per_s: float | None = None
    discount: float = 0.0
    price_change: PriceChange | None = None


@dataclass(frozen=True)
class Routing:
    """Fixed shares per model, or a cascade: every request to `cascade[0]`, a share escalated to `cascade[1]`."""

    shares: dict[str, float] = field(default_factory=dict)
    cascade: tuple[str, str] | None = None
    escalation_rate: float = 0.0

    def models(self) -> list[str]:
        return list(self.cascade) if self.cascade else [m for m, s in self.shares.items() if s > 0]

    def to_dict(self) -> dict[str, Any]:
        if self.cascade:
            return {"cascade": list(self.cascade), "escalation_rate": self.escalation_rate}
        return dict(self.shares)


@dataclass(frozen=True)
class Task:
    name: str
    requests_per_month: float
    input_tokens: float = 0.0
    cache_write_5m_tokens: float = 0.0
    cache_write_1h_tokens: float = 0.0
    cache_read_tokens: float = 0.0
    output_tokens: float = 0.0
    interactive: bool = False
    error_cost: float = 0.0
    accuracy: dict[str, float] = field(default_factory=dict)
    latency_s: dict[str, float] = field(default_factory=dict)
    routing: Routing = field(default_factory=Routing)
    accuracy_floor: float | None = None
    latency_ceiling_s: float | None = None
    batch: bool = False
    complexity: str = "routine"  # routine / medium / hard: what the global "routine work" slider moves
    baseline_routing: dict[str, float] = field(default_factory=dict)  # today's actual mix (from usage logs)
    provenance: TaskProvenance = field(default_factory=TaskProvenance)  # where its numbers come from
    # the numbers that may carry a range (roi.ranges): requests_per_month, error_cost,
    # escalation_rate, "latency_s.<model>"
    ranges: dict[str, Range] = field(default_factory=dict)

    def likely(self, key: str) -> float:
        """The value a range key of this task ranges over (its own field)."""
        if key == "escalation_rate":
            return self.routing.escalation_rate
        if key.startswith("latency_s."):
            return self.latency_s[key.removeprefix("latency_s.")]
        return float(getattr(self, key))

    @property
    def tokens(self) -> Tokens:
        """Tokens of one request of this task."""
        return Tokens(*(getattr(self, b) for b in BUCKETS))


@dataclass(frozen=True)
class Scenario:
    name: str
    baseline_model: str
    tasks: tuple[Task, ...] = ()
    models: dict[str, ModelDef] = field(default_factory=dict)
    price_date: date | None = None
    go_live: date | None = None  # the day routing went live: savings achieved are measured from it
    horizon_months: int = 24
    one_time_cost: float = 0.0
    monthly_cost: float = 0.0
    staff_cost_per_hour: float = 0.0
    volume_growth_per_month: float = 0.0
    illustrative: bool = False
    baseline_provenance: Provenance | None = None
    unknown_provenance: dict[str, Any] = field(default_factory=dict)  # keys naming no task: kept as written
    # volume_growth_per_month, one_time_cost, monthly_cost: those that carry a range (roi.ranges)
    ranges: dict[str, Range] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        return self.price_date or date.today()

    def assumed(self) -> Provenance:
        """The provenance of a number nothing else vouches for: typed in, or the demo's illustration."""
        return Provenance(
            "assumed", note="illustrative demo" if self.illustrative else "typed in the scenario"
        )

    def measured_accuracies(self) -> int:
        """How many accuracy figures (task × model) come from sample runs."""
        return sum(
            1
            for t in self.tasks
            for m in t.accuracy
            if (p := t.provenance.accuracy_by_model.get(m)) is not None and p.measured
        )

    def is_custom(self, model_id: str) -> bool:
        """A model with typed prices (no catalog history, no discount)."""
        d = self.models.get(model_id)
        return d is not None and d.custom

    def models_in_play(self) -> list[str]:
        """Every model the scenario names, in a stable order: baseline first."""
        seen: dict[str, None] = {self.baseline_model: None}
        for m in self.models:
            seen[m] = None
        for t in self.tasks:
            for m in t.routing.models():
                seen[m] = None
            for m in t.baseline_routing:
                seen[m] = None
            for m in t.accuracy:
                if ">" not in m:
                    seen[m] = None
        return list(seen)

    def with_name(self, name: str) -> Scenario:
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError(f"name: expected a non-empty text, got {json.dumps(name)[:60]}")
        return replace(self, name=name.strip())

    def with_go_live(self, day: date | None) -> Scenario:
        return replace(self, go_live=day)

    def with_tasks(self, tasks: list[Task] | tuple[Task, ...]) -> Scenario:
        return replace(self, tasks=tuple(tasks))

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name}
        if self.illustrative:
            doc["illustrative"] = True
        if self.price_date:
            doc["price_date"] = self.price_date.isoformat()
        if self.go_live:
            doc["go_live"] = self.go_live.isoformat()
        doc |= {
            "horizon_months": self.horizon_months,
            "one_time_cost": written(self.one_time_cost, self.ranges.get("one_time_cost")),
            "monthly_cost": written(self.monthly_cost, self.ranges.get("monthly_cost")),
            "staff_cost_per_hour": self.staff_cost_per_hour,
            "volume_growth_per_month": written(
                self.volume_growth_per_month, self.ranges.get("volume_growth_per_month")
            ),
            "models": {k: _model_to_dict(v) for k, v in self.models.items()},
            "baseline": {"model": self.baseline_model},
            "tasks": [_task_to_dict(t) for t in self.tasks],
        }
        prov = dotted_keys(
            ((t.name, t.provenance) for t in self.tasks), self.baseline_provenance, self.unknown_provenance
        )
        if prov:
            doc["provenance"] = prov
        return doc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def _model_to_dict(m: ModelDef) -> dict[str, Any]:
    if not m.custom:
        d: dict[str, Any] = {"discount": m.discount}
    else:
        d = {k: getattr(m, k) for k in PRICE_FIELDS}
        if m.cache_write_1h is not None:
            d["cache_write_1h"] = m.cache_write_1h
    for k in ("ttft_s", "output_tokens_per_s"):
        if getattr(m, k) is not None:
            d[k] = getattr(m, k)
    if m.price_change is not None:
        d["price_change"] = m.price_change.to_dict()
    return d


def _task_to_dict(t: Task) -> dict[str, Any]:
    r = t.ranges.get
    d: dict[str, Any] = {
        "name": t.name,
        "requests_per_month": written(t.requests_per_month, r("requests_per_month")),
    }
    for key, bucket in TOKEN_KEYS.items():
        if key != "cache_write_1h_tokens" or t.cache_write_1h_tokens:
            d[key] = getattr(t, bucket)
    d |= {
        "interactive": t.interactive,
        "error_cost": written(t.error_cost, r("error_cost")),
        "accuracy": dict(t.accuracy),
    }
    if t.latency_s:
        d["latency_s"] = {m: written(x, r(f"latency_s.{m}")) for m, x in t.latency_s.items()}
    d["routing"] = t.routing.to_dict()
    if t.routing.cascade and r("escalation_rate"):
        d["routing"]["escalation_rate"] = written(t.routing.escalation_rate, r("escalation_rate"))
    for k in ("accuracy_floor", "latency_ceiling_s"):
        if getattr(t, k) is not None:
            d[k] = getattr(t, k)
    if t.batch:
        d["batch"] = True
    d["complexity"] = t.complexity
    if t.baseline_routing:
        d["baseline_routing"] = dict(t.baseline_routing)
    return d
