"""What-if edits of a scenario's routing: splits that always sum to 100%, cascades, the three
tiers of work (routine / medium / hard, each with its own control) and the price ladder.

The price ladder of some tasks is the models that can take all of them (an accuracy for each),
cheapest request first. Share taken from a model goes to the next model down that ladder (from
the cheapest, to the next one up): lowering the large model's share of hard work moves it to the
middle model, never straight to the small one.

Every function returns a new Scenario; nothing here mutates its input.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from roi.errors import ScenarioError
from roi.scenario import COMPLEXITIES, Routing, Scenario


def rebalance(
    shares: dict[str, float], changed: str, value: float, ladder: list[str] | None = None
) -> dict[str, float]:
    """Set one model's share and move the difference so the split still sums to 1.

    Share taken from `changed` goes to the next model down `ladder` (cheapest first; from the
    cheapest, to the next one up) when there is one; otherwise, and when `changed` gains share,
    the others give or take in proportion (spread evenly if they were all zero).
    """
    value = min(max(value, 0.0), 1.0)
    others = {m: s for m, s in shares.items() if m != changed}
    if not others:
        return {changed: 1.0}
    freed = shares.get(changed, 0.0) - value
    to = next_down(ladder, changed) if ladder else None
    if freed > 0 and to is not None and to in others:
        return {changed: value, **{m: s + freed if m == to else s for m, s in others.items()}}
    rest = 1.0 - value
    total = sum(others.values())
    if total <= 0:
        scaled = {m: rest / len(others) for m in others}
    else:
        scaled = {m: (s / total) * rest for m, s in others.items()}  # proportion first: no underflow
    return {changed: value, **scaled}


def next_down(ladder: list[str], model: str) -> str | None:
    """The model just below `model` on a price ladder (cheapest first); for the cheapest, the one
    just above; None when `model` is not on it or stands alone."""
    if model not in ladder or len(ladder) < 2:
        return None
    i = ladder.index(model)
    return ladder[i - 1] if i > 0 else ladder[1]


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


def on_model(r: Routing, model: str) -> float:
    """Share of a task's requests that go to `model` first: its split share; a cascade counts
    wholly for the model it starts on (every request goes there first)."""
    if r.cascade:
        return 1.0 if r.cascade[0] == model else 0.0
    return r.shares.get(model, 0.0)


def tier_share(s: Scenario, tier: str, model: str) -> float | None:
    """Request-weighted share of one tier's work that goes to `model` first (None: no such work)."""
    total = share = 0.0
    for t in s.tasks:
        if t.complexity == tier:
            total += t.requests_per_month
            share += t.requests_per_month * on_model(t.routing, model)
    return None if total == 0 else share / total


def routine_share(s: Scenario, small_model: str) -> float | None:
    """Request-weighted share of routine work that goes to the small model (first call of a cascade counts)."""
    return tier_share(s, "routine", small_model)


def _set_tier(s: Scenario, tier: str, model: str, rest: str, share: float) -> Scenario:
    """Every task of the tier: `share` on `model`, the rest on `rest` (a cascade becomes a split)."""
    share = min(max(share, 0.0), 1.0)
    if share >= 1.0 or model == rest:
        routing = Routing(shares={model: 1.0})
    elif share <= 0.0:
        routing = Routing(shares={rest: 1.0})
    else:
        routing = Routing(shares={model: share, rest: 1.0 - share})
    return s.with_tasks([replace(t, routing=routing) if t.complexity == tier else t for t in s.tasks])


def set_routine_share(s: Scenario, small_model: str, share: float) -> Scenario:
    """Send `share` of every routine task to the small model and the rest to the next model up
    the routine work's price ladder (the baseline model when the small one is not on it)."""
    ladder = price_ladder(s, [i for i, t in enumerate(s.tasks) if t.complexity == "routine"])
    return _set_tier(s, "routine", small_model, next_down(ladder, small_model) or s.baseline_model, share)


@dataclass(frozen=True)
class Tier:
    """One kind of work and its control: the share of its requests on `model`, the rest on `rest`."""

    name: str  # routine / medium / hard
    tasks: tuple[str, ...]
    requests: float  # month-1 requests of its tasks
    volume_share: float  # of all month-1 requests (the 60 / 30 / 10 of the article)
    ladder: tuple[str, ...]  # models that can take all of its tasks, cheapest first
    model: str | None  # small for routine, the one above it for medium, the large for hard
    rest: str | None  # the next model down the ladder from `model` (for the cheapest: up)
    share: float | None  # share of its requests on `model` now (cascades count where they start)


TIER_RANK = {"routine": 0, "medium": 1, "hard": -1}  # position of each tier's model on its ladder


def price_ladder(s: Scenario, tasks: list[int] | None = None, tm=None) -> list[str]:
    """Models that have an accuracy for every one of `tasks` (indices; default all), cheapest
    first by their request-weighted token cost per request over those tasks."""
    from roi.engine import task_matrix

    tm = tm if tm is not None else task_matrix(s)
    rows = list(range(len(s.tasks))) if tasks is None else list(tasks)
    if not rows:
        return []
    known = ~np.isnan(tm.accuracy[rows])
    weight = np.maximum(tm.volume[rows], 0.0)
    weight = weight if weight.sum() > 0 else np.ones(len(rows))
    cost = weight @ tm.cost[rows] / weight.sum()
    able = [j for j in range(len(tm.models)) if known[:, j].all()]
    return [tm.models[j] for j in sorted(able, key=lambda j: (cost[j], j))]


def task_ladder(s: Scenario, task: str) -> list[str]:
    """The price ladder of one task: where its per-model split sliders move freed share."""
    i = next((i for i, t in enumerate(s.tasks) if t.name == task), None)
    return [] if i is None else price_ladder(s, [i])


def tiers(s: Scenario, tm=None) -> list[Tier]:
    """Routine, medium and hard work with the model each tier's control moves it to."""
    from roi.engine import task_matrix

    tm = tm if tm is not None else task_matrix(s)
    total = float(tm.volume.sum())
    out = []
    for name in COMPLEXITIES:
        rows = [i for i, t in enumerate(s.tasks) if t.complexity == name]
        ladder = price_ladder(s, rows, tm)
        rank = TIER_RANK[name]
        model = (ladder[min(rank, len(ladder) - 1)] if rank >= 0 else ladder[-1]) if ladder else None
        rest = next_down(ladder, model) if model else None
        requests = float(tm.volume[rows].sum()) if rows else 0.0
        out.append(
            Tier(
                name=name,
                tasks=tuple(s.tasks[i].name for i in rows),
                requests=requests,
                volume_share=requests / total if total > 0 else 0.0,
                ladder=tuple(ladder),
                model=model,
                rest=rest,
                share=tier_share(s, name, model) if model else None,
            )
        )
    return out


def set_tier_share(s: Scenario, tier: str, share: float) -> Scenario:
    """Send `share` of every task of the tier to the tier's model and the rest one step down the
    price ladder (see `tiers`); a tier with no tasks, or only one model able to take them, stays."""
    if tier not in COMPLEXITIES:
        raise ScenarioError(f"tier: expected one of {', '.join(COMPLEXITIES)}, got {tier!r}")
    t = next(t for t in tiers(s) if t.name == tier)
    if t.model is None or t.rest is None:
        return s
    return _set_tier(s, tier, t.model, t.rest, share)


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
