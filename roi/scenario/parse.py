"""Reading a scenario document: parsing never trusts its input. Every field is type-checked and
every error names the task and the field; a broken file is a ScenarioError, never a traceback."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from roi import DATA_DIR
from roi.errors import ScenarioError, clip
from roi.jsondoc import loads
from roi.provenance import split_keys
from roi.ranges import Range, parse_range
from roi.scenario.model import (
    COMPLEXITIES,
    PRICE_FIELDS,
    TOKEN_KEYS,
    ModelDef,
    PriceChange,
    Routing,
    Scenario,
    Task,
)

DEMO_SCENARIO_FILE = DATA_DIR / "demo_scenario.json"


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


def _ranged(
    v: Any, fld: str, task: str | None = None, *, lo: float | None = 0.0, hi: float | None = None
) -> tuple[float, Range | None]:
    """A number that may carry a range (`{"low", "likely", "high"}`): (likely, its Range or None)."""
    if isinstance(v, dict):
        return parse_range(v, _where(task, fld), lo=lo, hi=hi)
    return _num(v, fld, task, lo=lo, hi=hi), None


def _opt_num(
    d: dict, key: str, task: str | None = None, default: float | None = 0.0, **kw: Any
) -> float | None:
    return default if d.get(key) is None else _num(d[key], key, task, **kw)


# A scenario is a few kilobytes; these bound what a hostile file or link can make us hold or show.
MAX_DOCUMENT_CHARS = 2_000_000
MAX_TEXT_CHARS = 200  # a name: the scenario's, a task's, a model's (the store keeps 200)
MAX_TASKS = 2_000
MAX_MODELS = 500


def _shown(v: Any) -> str:
    """A wrong value as a message quotes it: short, whatever its size or depth."""
    if isinstance(v, dict | list):
        return "an object" if isinstance(v, dict) else "a list"
    return clip(json.dumps(v), 60)


def _obj(v: Any, fld: str, task: str | None = None) -> dict:
    if not isinstance(v, dict):
        raise ScenarioError(f"{_where(task, fld)}: expected an object, got {_shown(v)}")
    return v


def _str(v: Any, fld: str, task: str | None = None) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ScenarioError(f"{_where(task, fld)}: expected a non-empty text, got {_shown(v)}")
    if len(v.strip()) > MAX_TEXT_CHARS:
        raise ScenarioError(
            f"{_where(task, fld)}: expected at most {MAX_TEXT_CHARS} characters, got {len(v.strip()):,}"
        )
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
            custom=True,
            cache_write_1h=_opt_num(d, "cache_write_1h", None, None),
            **prices,
            **latency,
            price_change=_price_change(d.get("price_change"), fld),
        )
    return ModelDef(
        discount=_num(d.get("discount", 0), f"{fld}.discount", hi=1.0),
        **latency,
        price_change=_price_change(d.get("price_change"), fld),
    )


def _price_change(v: Any, fld: str) -> PriceChange | None:
    """`{"from_month": 7, "factor": 0.8}` (or a factor range): the model's prices × factor from then."""
    if v is None:
        return None
    d = _obj(v, f"{fld}.price_change")
    month = d.get("from_month")
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 240:
        raise ScenarioError(f"{fld}.price_change.from_month: expected a month of the projection, 1..240")
    if "factor" not in d:
        raise ScenarioError(f"{fld}.price_change.factor: required (e.g. 0.8 for a 20% price cut)")
    factor, r = _ranged(d["factor"], f"{fld}.price_change.factor", lo=0.0, hi=100.0)
    return PriceChange(month, factor, r)


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
        e, _ = _ranged(d["escalation_rate"], "routing.escalation_rate", task, hi=1.0)  # range: the task's
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
    ranges: dict[str, Range] = {}

    def ranged(key: str, v: Any, fld: str, **bounds: float | None) -> float:
        likely, r = _ranged(v, fld, name, **bounds)
        if r is not None:
            ranges[key] = r
        return likely

    routing = _parse_routing(d["routing"], name)
    if routing.cascade and isinstance(d["routing"].get("escalation_rate"), dict):
        ranged("escalation_rate", d["routing"]["escalation_rate"], "routing.escalation_rate", hi=1.0)
    return Task(
        name=name,
        requests_per_month=ranged("requests_per_month", d["requests_per_month"], "requests_per_month"),
        **tokens,
        interactive=interactive,
        error_cost=ranged("error_cost", d.get("error_cost", 0), "error_cost"),
        accuracy={str(m): _num(a, f'accuracy["{m}"]', name, hi=1.0) for m, a in acc.items()},
        latency_s={str(m): ranged(f"latency_s.{m}", s, f'latency_s["{m}"]') for m, s in lat.items()},
        routing=routing,
        accuracy_floor=_opt_num(d, "accuracy_floor", name, None, hi=1.0),
        latency_ceiling_s=_opt_num(d, "latency_ceiling_s", name, None),
        batch=batch,
        complexity=complexity,
        baseline_routing=baseline_routing,
        ranges=ranges,
    )


def _date(doc: dict, key: str) -> date | None:
    if doc.get(key) is None:
        return None
    try:
        return date.fromisoformat(str(doc[key]))
    except ValueError:
        raise ScenarioError(f"{key}: expected YYYY-MM-DD, got {json.dumps(doc[key])}") from None


def parse_scenario(doc: Any) -> Scenario:
    """Structural validation; `roi.engine.check` adds the checks that need the catalog."""
    doc = _obj(doc, "scenario")
    name = _str(doc.get("name", "Untitled scenario"), "name")
    price_date, go_live = _date(doc, "price_date"), _date(doc, "go_live")
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
    if len(tasks_raw) > MAX_TASKS:
        raise ScenarioError(f"tasks: expected at most {MAX_TASKS:,} tasks, got {len(tasks_raw):,}")
    tasks = tuple(_parse_task(i, t) for i, t in enumerate(tasks_raw))
    names = [t.name for t in tasks]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f'task "{dupes[0]}": name: used by more than one task; task names must be unique')
    models_raw = _obj(doc.get("models", {}), "models")
    if len(models_raw) > MAX_MODELS:
        raise ScenarioError(f"models: expected at most {MAX_MODELS} models, got {len(models_raw):,}")
    if long := next((k for k in models_raw if len(k) > MAX_TEXT_CHARS), None):
        raise ScenarioError(
            f"models: a model id of {len(long):,} characters; expected at most {MAX_TEXT_CHARS}"
        )
    models = {str(k): _parse_model(str(k), v) for k, v in models_raw.items()}
    per_task, baseline_prov, unknown = split_keys(
        _obj(doc.get("provenance") or {}, "provenance"), [t.name for t in tasks]
    )
    tasks = tuple(replace(t, provenance=per_task[t.name]) if t.name in per_task else t for t in tasks)
    ranges: dict[str, Range] = {}

    def ranged(key: str, **bounds: float | None) -> float:
        likely, r = _ranged(doc.get(key, 0), key, **bounds)
        if r is not None:
            ranges[key] = r
        return likely

    return Scenario(
        name=name,
        baseline_model=baseline_model,
        tasks=tasks,
        models=models,
        price_date=price_date,
        go_live=go_live,
        horizon_months=horizon,
        one_time_cost=ranged("one_time_cost"),
        monthly_cost=ranged("monthly_cost"),
        staff_cost_per_hour=_num(doc.get("staff_cost_per_hour", 0), "staff_cost_per_hour"),
        volume_growth_per_month=ranged("volume_growth_per_month", lo=-0.99),
        illustrative=bool(doc.get("illustrative", False)),
        baseline_provenance=baseline_prov,
        unknown_provenance=unknown,
        ranges=ranges,
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
        if len(source) > MAX_DOCUMENT_CHARS * 4:  # before decoding: UTF-8 is at most 4 bytes a character
            raise ScenarioError(f"scenario: {len(source):,} bytes; a scenario is a few kilobytes")
        text = source.decode("utf-8-sig", errors="replace") if isinstance(source, bytes) else source
        where = "scenario"
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ScenarioError(
            f"{where}: {len(text):,} characters; a scenario is a few kilobytes (at most {MAX_DOCUMENT_CHARS:,})"
        )
    return parse_scenario(loads(text, lambda why: ScenarioError(f"{where}: {why}")))


def demo_scenario() -> Scenario:
    return load_scenario(DEMO_SCENARIO_FILE)
