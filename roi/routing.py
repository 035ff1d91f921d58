"""What-if edits of a scenario's routing: splits that always sum to 100%, cascades, the global
"share of routine work on the small model" and the small model itself.

Every function returns a new Scenario; nothing here mutates its input.
"""

from __future__ import annotations

from dataclasses import replace

from roi.errors import ScenarioError
from roi.scenario import Routing, Scenario


def rebalance(shares: dict[str, float], changed: str, value: float) -> dict[str, float]:
    """Set one model's share and scale the others so the split still sums to 1.

    The others keep their proportions; if they were all zero the remainder is spread evenly.
    """
    value = min(max(value, 0.0), 1.0)
    others = {m: s for m, s in shares.items() if m != changed}
    rest = 1.0 - value
    total = sum(others.values())
    if not others:
        return {changed: 1.0}
    if total <= 0:
        scaled = {m: rest / len(others) for m in others}
    else:
        scaled = {m: (s / total) * rest for m, s in others.items()}  # proportion first: no underflow
    return {changed: value, **scaled}


def percentages(shares: dict[str, float], models: list[str]) -> dict[str, int]:
    """Whole percentages per model that add up to exactly 100 (largest remainder), for sliders."""
    raw = {m: 100 * shares.get(m, 0.0) for m in models}
    out = {m: int(v) for m, v in raw.items()}
    missing = 100 - sum(out.values()) if any(raw.values()) else 0
    for m in sorted(raw, key=lambda m: raw[m] - out[m], reverse=True)[: max(0, missing)]:
        out[m] += 1
    return out


def set_routing(s: Scenario, task: str, routing: Routing) -> Scenario:
    if not any(t.name == task for t in s.tasks):
        raise ScenarioError(f'task "{task}": no such task')
    return s.with_tasks([replace(t, routing=routing) if t.name == task else t for t in s.tasks])


def set_split(s: Scenario, task: str, shares: dict[str, float]) -> Scenario:
    shares = {m: float(v) for m, v in shares.items() if v > 0}
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ScenarioError(f'task "{task}": routing: shares sum to {total:.4g}, expected 1 (100%)')
    return set_routing(s, task, Routing(shares=shares))


def set_cascade(s: Scenario, task: str, first: str, second: str, escalation_rate: float) -> Scenario:
    if first == second:
        raise ScenarioError(f'task "{task}": routing.cascade: escalate to a different model than {first}')
    if not 0.0 <= escalation_rate <= 1.0:
        raise ScenarioError(f'task "{task}": routing.escalation_rate: expected 0..1, got {escalation_rate}')
    return set_routing(s, task, Routing(cascade=(first, second), escalation_rate=escalation_rate))


def routine_share(s: Scenario, small_model: str) -> float | None:
    """Request-weighted share of routine work that goes to the small model (first call of a cascade counts)."""
    total = share = 0.0
    for t in s.tasks:
        if t.complexity != "routine":
            continue
        total += t.requests_per_month
        r = t.routing
        on_small = (
            (1.0 if r.cascade[0] == small_model else 0.0) if r.cascade else r.shares.get(small_model, 0.0)
        )
        share += t.requests_per_month * on_small
    return None if total == 0 else share / total


def set_routine_share(s: Scenario, small_model: str, share: float) -> Scenario:
    """Send `share` of every routine task to the small model and the rest to the baseline model."""
    share = min(max(share, 0.0), 1.0)
    tasks = []
    for t in s.tasks:
        if t.complexity == "routine":
            if small_model == s.baseline_model or share >= 1.0:
                routing = Routing(shares={small_model: 1.0})
            elif share <= 0.0:
                routing = Routing(shares={s.baseline_model: 1.0})
            else:
                routing = Routing(shares={small_model: share, s.baseline_model: 1.0 - share})
            t = replace(t, routing=routing)
        tasks.append(t)
    return s.with_tasks(tasks)


def small_model(s: Scenario) -> str | None:
    """The cheapest model with an accuracy on a routine task: what "the small model" means in the UI."""
    from roi.engine import task_matrix

    if not s.tasks:
        return None
    tm = task_matrix(s)
    best: tuple[float, str] | None = None
    for j, m in enumerate(tm.models):
        rows = [i for i, t in enumerate(s.tasks) if t.complexity == "routine" and m in t.accuracy]
        if not rows:
            continue
        cost = float(tm.cost[rows, j].mean())
        if best is None or cost < best[0]:
            best = (cost, m)
    return best[1] if best else None
