"""The scenario document: parsing, validation with clear messages, and serialization.

A scenario is portable JSON (the same file drives the UI, the CLI and the reports). Parsing never
trusts its input: every field is type-checked and every error names the task and the field.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from roi import DATA_DIR
from roi.errors import ScenarioError
from roi.provenance import Provenance, TaskProvenance, dotted_keys, split_keys
from roi.tokens import BUCKETS, Tokens

DEMO_SCENARIO_FILE = DATA_DIR / "demo_scenario.json"
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
    horizon_months: int = 24
    one_time_cost: float = 0.0
    monthly_cost: float = 0.0
    staff_cost_per_hour: float = 0.0
    volume_growth_per_month: float = 0.0
    illustrative: bool = False
    baseline_provenance: Provenance | None = None
    unknown_provenance: dict[str, Any] = field(default_factory=dict)  # keys naming no task: kept as written

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
        return replace(self, name=_str(name, "name"))

    def with_tasks(self, tasks: list[Task] | tuple[Task, ...]) -> Scenario:
        return replace(self, tasks=tuple(tasks))

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name}
        if self.illustrative:
            doc["illustrative"] = True
        if self.price_date:
            doc["price_date"] = self.price_date.isoformat()
        doc |= {
            "horizon_months": self.horizon_months,
            "one_time_cost": self.one_time_cost,
            "monthly_cost": self.monthly_cost,
            "staff_cost_per_hour": self.staff_cost_per_hour,
            "volume_growth_per_month": self.volume_growth_per_month,
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
    return d


def _task_to_dict(t: Task) -> dict[str, Any]:
    d: dict[str, Any] = {"name": t.name, "requests_per_month": t.requests_per_month}
    for key, bucket in TOKEN_KEYS.items():
        if key != "cache_write_1h_tokens" or t.cache_write_1h_tokens:
            d[key] = getattr(t, bucket)
    d |= {"interactive": t.interactive, "error_cost": t.error_cost, "accuracy": dict(t.accuracy)}
    if t.latency_s:
        d["latency_s"] = dict(t.latency_s)
    d["routing"] = t.routing.to_dict()
    for k in ("accuracy_floor", "latency_ceiling_s"):
        if getattr(t, k) is not None:
            d[k] = getattr(t, k)
    if t.batch:
        d["batch"] = True
    d["complexity"] = t.complexity
    if t.baseline_routing:
        d["baseline_routing"] = dict(t.baseline_routing)
    return d


# --- parsing -------------------------------------------------------------------------------------


def _where(task: str | None, fld: str) -> str:
    return f'task "{task}": {fld}' if task is not None else fld


def _num(
    v: Any, fld: str, task: str | None = None, *, lo: float | None = 0.0, hi: float | None = None
) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise ScenarioError(f"{_where(task, fld)}: expected a number, got {json.dumps(v)}")
    if lo is not None and v < lo:
        raise ScenarioError(f"{_where(task, fld)}: expected a number ≥ {lo:g}, got {v:g}")
    if hi is not None and v > hi:
        raise ScenarioError(f"{_where(task, fld)}: expected a number ≤ {hi:g}, got {v:g}")
    return float(v)


def _opt_num(
    d: dict, key: str, task: str | None = None, default: float | None = 0.0, **kw: Any
) -> float | None:
    return default if d.get(key) is None else _num(d[key], key, task, **kw)


def _obj(v: Any, fld: str, task: str | None = None) -> dict:
    if not isinstance(v, dict):
        raise ScenarioError(f"{_where(task, fld)}: expected an object, got {json.dumps(v)[:60]}")
    return v


def _str(v: Any, fld: str, task: str | None = None) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ScenarioError(f"{_where(task, fld)}: expected a non-empty text, got {json.dumps(v)[:60]}")
    return v.strip()


def _parse_model(mid: str, d: Any) -> ModelDef:
    d = _obj(d, f'models["{mid}"]')
    fld = f'models["{mid}"]'
    latency = {
        "ttft_s": _opt_num(d, "ttft_s", None, None),
        "output_tokens_per_s": _opt_num(d, "output_tokens_per_s", None, None, lo=1e-9),
    }
    if any(k in d for k in PRICE_FIELDS):
        missing = [k for k in ("input", "output") if k not in d]
        if missing:
            raise ScenarioError(
                f"{fld}: a custom model needs prices {', '.join(missing)} ($ per million tokens)"
            )
        prices = {k: _num(d.get(k, 0), f"{fld}.{k}") for k in PRICE_FIELDS}
        return ModelDef(
            custom=True, cache_write_1h=_opt_num(d, "cache_write_1h", None, None), **prices, **latency
        )
    return ModelDef(discount=_num(d.get("discount", 0), f"{fld}.discount", hi=1.0), **latency)


def _parse_routing(v: Any, task: str) -> Routing:
    d = _obj(v, "routing", task)
    if "cascade" in d:
        c = d["cascade"]
        if not isinstance(c, list) or len(c) != 2 or not all(isinstance(m, str) and m for m in c):
            raise ScenarioError(f'task "{task}": routing.cascade: expected two model ids [small, large]')
        if c[0] == c[1]:
            raise ScenarioError(f'task "{task}": routing.cascade: escalate to a different model than {c[0]}')
        if "escalation_rate" not in d:
            raise ScenarioError(f'task "{task}": routing.escalation_rate: required for a cascade (0..1)')
        e = _num(d["escalation_rate"], "routing.escalation_rate", task, hi=1.0)
        return Routing(cascade=(c[0], c[1]), escalation_rate=e)
    if not d:
        raise ScenarioError(f'task "{task}": routing: no model gets any requests')
    shares = {str(m): _num(s, f'routing["{m}"]', task, hi=1.0) for m, s in d.items()}
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ScenarioError(f'task "{task}": routing: shares sum to {total:.4g}, expected 1 (100%)')
    return Routing(shares=shares)


def _parse_task(i: int, d: Any) -> Task:
    d = _obj(d, f"tasks[{i}]")
    name = _str(d.get("name"), f"tasks[{i}].name")
    tokens = {bucket: _num(d.get(key, 0), key, name) for key, bucket in TOKEN_KEYS.items()}
    if "requests_per_month" not in d:
        raise ScenarioError(f'task "{name}": requests_per_month: required')
    acc = _obj(d.get("accuracy", {}), "accuracy", name)
    lat = _obj(d.get("latency_s", {}), "latency_s", name)
    interactive = d.get("interactive", False)
    if not isinstance(interactive, bool):
        raise ScenarioError(
            f'task "{name}": interactive: expected true or false, got {json.dumps(interactive)}'
        )
    batch = d.get("batch", False)
    if not isinstance(batch, bool):
        raise ScenarioError(f'task "{name}": batch: expected true or false, got {json.dumps(batch)}')
    if "routing" not in d:
        raise ScenarioError(f'task "{name}": routing: required')
    complexity = d.get("complexity", "routine")
    if complexity not in COMPLEXITIES:
        raise ScenarioError(
            f'task "{name}": complexity: expected one of {", ".join(COMPLEXITIES)}, got {json.dumps(complexity)}'
        )
    baseline_routing: dict[str, float] = {}
    if d.get("baseline_routing"):
        br = _parse_routing(d["baseline_routing"], name)
        if br.cascade:
            raise ScenarioError(
                f'task "{name}": baseline_routing: expected shares per model (today\'s actual mix)'
            )
        baseline_routing = br.shares
    return Task(
        name=name,
        requests_per_month=_num(d["requests_per_month"], "requests_per_month", name),
        **tokens,
        interactive=interactive,
        error_cost=_num(d.get("error_cost", 0), "error_cost", name),
        accuracy={str(m): _num(a, f'accuracy["{m}"]', name, hi=1.0) for m, a in acc.items()},
        latency_s={str(m): _num(s, f'latency_s["{m}"]', name) for m, s in lat.items()},
        routing=_parse_routing(d["routing"], name),
        accuracy_floor=_opt_num(d, "accuracy_floor", name, None, hi=1.0),
        latency_ceiling_s=_opt_num(d, "latency_ceiling_s", name, None),
        batch=batch,
        complexity=complexity,
        baseline_routing=baseline_routing,
    )


def parse_scenario(doc: Any) -> Scenario:
    """Structural validation; `roi.engine.check` adds the checks that need the catalog."""
    doc = _obj(doc, "scenario")
    name = _str(doc.get("name", "Untitled scenario"), "name")
    price_date = None
    if doc.get("price_date") is not None:
        try:
            price_date = date.fromisoformat(str(doc["price_date"]))
        except ValueError:
            raise ScenarioError(
                f"price_date: expected YYYY-MM-DD, got {json.dumps(doc['price_date'])}"
            ) from None
    horizon = doc.get("horizon_months", 24)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 240:
        raise ScenarioError(
            f"horizon_months: expected a whole number of months 1..240, got {json.dumps(horizon)}"
        )
    baseline = _obj(doc.get("baseline"), "baseline")
    baseline_model = _str(baseline.get("model"), "baseline.model")
    tasks_raw = doc.get("tasks", [])
    if not isinstance(tasks_raw, list):
        raise ScenarioError("tasks: expected a list of tasks")
    tasks = tuple(_parse_task(i, t) for i, t in enumerate(tasks_raw))
    names = [t.name for t in tasks]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f'task "{dupes[0]}": name: used by more than one task; task names must be unique')
    models = {str(k): _parse_model(str(k), v) for k, v in _obj(doc.get("models", {}), "models").items()}
    per_task, baseline_prov, unknown = split_keys(
        _obj(doc.get("provenance") or {}, "provenance"), [t.name for t in tasks]
    )
    tasks = tuple(replace(t, provenance=per_task[t.name]) if t.name in per_task else t for t in tasks)
    return Scenario(
        name=name,
        baseline_model=baseline_model,
        tasks=tasks,
        models=models,
        price_date=price_date,
        horizon_months=horizon,
        one_time_cost=_num(doc.get("one_time_cost", 0), "one_time_cost"),
        monthly_cost=_num(doc.get("monthly_cost", 0), "monthly_cost"),
        staff_cost_per_hour=_num(doc.get("staff_cost_per_hour", 0), "staff_cost_per_hour"),
        volume_growth_per_month=_num(
            doc.get("volume_growth_per_month", 0), "volume_growth_per_month", lo=-0.99
        ),
        illustrative=bool(doc.get("illustrative", False)),
        baseline_provenance=baseline_prov,
        unknown_provenance=unknown,
    )


def load_scenario(source: str | Path | bytes) -> Scenario:
    """Read a scenario from a path or JSON text/bytes; a broken file is a ScenarioError, never a traceback."""
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{path}: cannot read the file ({exc.__class__.__name__}: {exc})") from None
        where = str(path)
    else:
        text = source.decode("utf-8-sig", errors="replace") if isinstance(source, bytes) else source
        where = "scenario"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_scenario(doc)


def demo_scenario() -> Scenario:
    return load_scenario(DEMO_SCENARIO_FILE)
