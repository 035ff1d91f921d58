"""The cheapest routing that meets each task's accuracy floor, and the cost–accuracy frontier.

"Cheapest" counts what a request really costs the firm, the same terms as the net benefit: its
tokens, its expected error cost ((1 − accuracy) × cost of one error) and, for interactive tasks,
the staff time spent waiting (latency × hourly staff cost). So a floor is a minimum, never a target
to sink to when errors are expensive. Shares mix linearly: a split's cost, latency and accuracy are share-weighted means of the models'.
With one accuracy floor and one latency ceiling, a cheapest split mixes at most two models along
the accuracy constraint, so we search every single model and every pair exactly (vectorized).

A scenario built from usage logs gives every model the same placeholder accuracy; the cheapest
split then always looks like "everything on the cheapest model". So `optimize` refuses while any
accuracy is a placeholder that is neither measured by sample runs nor accepted by the user. The
acceptance is written into that accuracy's provenance (`"accepted_on": "YYYY-MM-DD"`, see
`accept_placeholders`), so it travels with the scenario file, the store and share links.

Over 300 lines: one search (every model and pair, per task) serves the point optimizer, the
frontier and the floors held with a chosen probability (`price_of_confidence`), and the refusal
of placeholder accuracies guards all three; apart, each would copy the search's cost terms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from roi.engine import Result, TaskMatrix, compute, plan_baseline, task_matrix
from roi.errors import ScenarioError
from roi.provenance import Provenance
from roi.scenario import Routing, Scenario

EPS = 1e-12


@dataclass(frozen=True)
class Choice:
    """The cheapest split found for one task (None shares when no split meets the constraints)."""

    task: str
    shares: dict[str, float] | None
    floor: float
    ceiling: float | None
    cost: float  # $ per request: tokens + expected error cost + staff waiting time
    accuracy: float
    latency: float


def floors(s: Scenario, tm: TaskMatrix) -> np.ndarray:
    """Each task's accuracy floor: its own, or else today's accuracy on the baseline model."""
    base = plan_baseline(s, tm).accuracy
    return np.array(
        [t.accuracy_floor if t.accuracy_floor is not None else base[i] for i, t in enumerate(s.tasks)]
    )


def cheapest_routing(
    s: Scenario, tm: TaskMatrix | None = None, *, confidence: float | None = None
) -> list[Choice]:
    """The cheapest split per task meeting its floor at the point accuracies, or (`confidence`, e.g.
    0.95) with that probability given how uncertain each measured accuracy is."""
    tm = tm if tm is not None else task_matrix(s)
    if confidence is not None:
        return _cheapest_with_confidence(s, tm, confidence)
    n, m = tm.cost.shape
    fl = floors(s, tm) if n else np.zeros(0)
    ceil = np.array([t.latency_ceiling_s if t.latency_ceiling_s is not None else np.inf for t in s.tasks])
    known = ~np.isnan(tm.accuracy)
    acc = np.where(known, tm.accuracy, -np.inf)
    c = _per_request_cost(s, tm)
    lat = tm.latency
    # pair (i, j) with weight w on i: feasible w satisfies w·a_i + (1−w)·a_j ≥ F and w·l_i + (1−w)·l_j ≤ L.
    ai, aj = acc[:, :, None], acc[:, None, :]
    li, lj = lat[:, :, None], lat[:, None, :]
    ci, cj = c[:, :, None], c[:, None, :]
    F, L = fl[:, None, None] - 1e-9, ceil[:, None, None] + 1e-9
    lo = np.zeros((n, m, m))
    hi = np.ones((n, m, m))
    with np.errstate(divide="ignore", invalid="ignore"):
        for da, rhs, sign in ((ai - aj, F - aj, 1.0), (li - lj, L - lj, -1.0)):
            # sign·(da·w) ≥ sign·rhs
            d, r = sign * da, sign * rhs
            bound = r / d
            pos, neg, zero = d > EPS, d < -EPS, np.abs(d) <= EPS
            lo = np.where(pos, np.maximum(lo, bound), lo)
            hi = np.where(neg, np.minimum(hi, bound), hi)
            lo = np.where(zero & (r > EPS), np.inf, lo)
    valid = known[:, :, None] & known[:, None, :] & (lo <= hi + 1e-12)
    best_w = np.where(ci <= cj, hi, lo).clip(0, 1)
    cost = best_w * ci + (1 - best_w) * cj
    cost = np.where(valid, cost, np.inf)
    flat = cost.reshape(n, -1)
    pick = flat.argmin(axis=1) if n else np.zeros(0, dtype=int)
    out = []
    for k, t in enumerate(s.tasks):
        if not np.isfinite(flat[k, pick[k]]):
            out.append(Choice(t.name, None, float(fl[k]), t.latency_ceiling_s, np.nan, np.nan, np.nan))
            continue
        i, j = divmod(int(pick[k]), m)
        w = float(best_w[k, i, j])
        if i == j or w > 1 - 1e-9:
            shares = {tm.models[i]: 1.0}
        elif w < 1e-9:
            shares = {tm.models[j]: 1.0}
        else:
            shares = {tm.models[i]: w, tm.models[j]: 1.0 - w}
        a = sum(sh * tm.accuracy[k, tm.models.index(mid)] for mid, sh in shares.items())
        la = sum(sh * tm.latency[k, tm.models.index(mid)] for mid, sh in shares.items())
        cc = sum(sh * c[k, tm.models.index(mid)] for mid, sh in shares.items())
        out.append(Choice(t.name, shares, float(fl[k]), t.latency_ceiling_s, float(cc), float(a), float(la)))
    return out


CONFIDENCE_DRAWS = 2_000
CONFIDENCE_SEED = 1
SPLIT_STEP = 0.02  # a two-model split's share moves in steps of 2%


def _per_request_cost(s: Scenario, tm: TaskMatrix) -> np.ndarray:
    """[task, model] what a request costs the firm: tokens, expected errors, staff waiting."""
    known = ~np.isnan(tm.accuracy)
    error_cost = np.array([t.error_cost for t in s.tasks], dtype=float)[:, None]
    waiting = np.array([s.staff_cost_per_hour / 3600 if t.interactive else 0.0 for t in s.tasks])[:, None]
    return tm.cost + np.where(known, 1 - tm.accuracy, 0.0) * error_cost + tm.latency * waiting


def accuracy_draws(s: Scenario, tm: TaskMatrix, draws: int, seed: int) -> np.ndarray:
    """[draw, task, model] accuracies: each measured one from its Beta posterior, the others as given."""
    rng = np.random.default_rng(seed)
    out = np.broadcast_to(tm.accuracy, (draws, *tm.accuracy.shape)).copy()
    for i, t in enumerate(s.tasks):
        for m, a in t.accuracy.items():
            p = t.provenance.of_accuracy(m)
            if m in tm.models and p is not None and (sample := p.sample(a)) is not None:
                correct, n = sample
                out[:, i, tm.models.index(m)] = rng.beta(correct + 1, n - correct + 1, draws)
    return out


def _cheapest_with_confidence(s: Scenario, tm: TaskMatrix, confidence: float) -> list[Choice]:
    """Every single model and every two-model split (in SPLIT_STEP steps) of each task, keeping
    those whose accuracy reaches the floor in at least `confidence` of the draws and whose latency
    stays under the ceiling; the cheapest of them."""
    if not 0 < confidence < 1:
        raise ScenarioError(f"confidence: expected a probability between 0 and 1, got {confidence:g}")
    n, m = tm.cost.shape
    fl = floors(s, tm) if n else np.zeros(0)
    acc = accuracy_draws(s, tm, CONFIDENCE_DRAWS, CONFIDENCE_SEED)
    cost = _per_request_cost(s, tm)
    w = np.arange(0.0, 1.0 + SPLIT_STEP / 2, SPLIT_STEP)  # share of model i in a pair (i, j)
    out = []
    for k, t in enumerate(s.tasks):
        ceiling = t.latency_ceiling_s if t.latency_ceiling_s is not None else np.inf
        known = ~np.isnan(tm.accuracy[k])
        a = acc[:, k, :]  # [draw, model]
        best: tuple[float, dict[str, float]] | None = None
        for i in range(m):
            for j in range(i, m):
                if not (known[i] and known[j]):
                    continue
                ws = w if i != j else np.ones(1)
                mix = ws[None, :] * a[:, i, None] + (1 - ws[None, :]) * a[:, j, None]  # [draw, share]
                holds = (mix >= fl[k] - 1e-9).mean(axis=0) >= confidence
                lat = ws * tm.latency[k, i] + (1 - ws) * tm.latency[k, j]
                c = np.where(holds & (lat <= ceiling + 1e-9), ws * cost[k, i] + (1 - ws) * cost[k, j], np.inf)
                pick = int(np.argmin(c))
                if np.isfinite(c[pick]) and (best is None or c[pick] < best[0] - 1e-12):
                    wi = float(ws[pick])
                    shares = (
                        {tm.models[i]: 1.0}
                        if i == j or wi >= 1
                        else ({tm.models[j]: 1.0} if wi <= 0 else {tm.models[i]: wi, tm.models[j]: 1.0 - wi})
                    )
                    best = (float(c[pick]), shares)
        if best is None:
            out.append(Choice(t.name, None, float(fl[k]), t.latency_ceiling_s, np.nan, np.nan, np.nan))
            continue
        cc, shares = best
        col = [tm.models.index(mid) for mid in shares]
        sh = np.array(list(shares.values()))
        out.append(
            Choice(
                t.name,
                shares,
                float(fl[k]),
                t.latency_ceiling_s,
                cc,
                float(sh @ tm.accuracy[k, col]),
                float(sh @ tm.latency[k, col]),
            )
        )
    return out


PLACEHOLDER_NOTE = "placeholder: measure with sample runs"  # roi.usage.traffic.PLACEHOLDER's note
ACCEPTED = "accepted_on"  # provenance key: the day the user accepted a placeholder as an assumption


def is_placeholder(p: Provenance | None) -> bool:
    """A number put in for want of a measurement (accepted or not)."""
    return p is not None and p.kind == "assumed" and p.note == PLACEHOLDER_NOTE


@dataclass(frozen=True)
class Placeholders:
    """The placeholder accuracies of a scenario, as (task, model) pairs."""

    pending: list[tuple[str, str]]  # neither measured nor accepted: Optimize refuses
    accepted: list[tuple[str, str]]  # accepted by the user as assumptions
    accepted_on: str | None  # the latest day one was accepted (ISO date)

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.accepted)

    @property
    def tasks(self) -> list[str]:
        return list(dict.fromkeys(t for t, _ in self.pending + self.accepted))


def placeholders(s: Scenario) -> Placeholders:
    pending, accepted, days = [], [], []
    for t in s.tasks:
        for m in t.accuracy:
            p = t.provenance.of_accuracy(m)
            if p is None or not is_placeholder(p):
                continue
            if day := p.extra.get(ACCEPTED):
                accepted.append((t.name, m))
                days.append(str(day))
            else:
                pending.append((t.name, m))
    return Placeholders(pending, accepted, max(days) if days else None)


def accept_placeholders(s: Scenario, on: date) -> Scenario:
    """Record that the user accepts every pending placeholder accuracy as an assumption (on `on`).

    Written into each placeholder's provenance, so the acceptance is saved with the scenario; the
    numbers stay marked as placeholders everywhere, and a sample run still replaces them.
    """

    def accept(p: Provenance | None) -> Provenance | None:
        if p is None or not is_placeholder(p) or p.extra.get(ACCEPTED):
            return p
        return replace(p, extra={**p.extra, ACCEPTED: on.isoformat()})

    tasks = []
    for t in s.tasks:
        tp = t.provenance
        tp = replace(
            tp,
            accuracy=accept(tp.accuracy),
            accuracy_by_model={m: accept(p) or p for m, p in tp.accuracy_by_model.items()},
        )
        tasks.append(replace(t, provenance=tp))
    return s.with_tasks(tasks)


class PlaceholderAccuracyError(ScenarioError):
    """Optimize was asked to route on accuracies nobody measured or accepted."""


def refuse_placeholders(s: Scenario) -> None:
    """Raise PlaceholderAccuracyError naming what is missing when a placeholder is still pending."""
    ph = placeholders(s)
    if not ph.pending:
        return
    tasks = list(dict.fromkeys(t for t, _ in ph.pending))
    named = ", ".join(f'"{t}"' for t in tasks[:3]) + (f" and {len(tasks) - 3} more" if len(tasks) > 3 else "")
    raise PlaceholderAccuracyError(
        f"Optimize needs real accuracies: {len(ph.pending)} accuracy figures on {named} are placeholders "
        "(the same value for every model, from usage logs), so the cheapest model would always look good "
        "enough. Measure them with sample runs on the Evaluate page (or `roi evaluate`), or accept them as "
        "assumptions (Accept placeholders, on the Routing page)"
    )


@dataclass(frozen=True)
class Optimized:
    scenario: Scenario  # the input with every feasible task's routing replaced
    choices: list[Choice]
    infeasible: list[str]  # tasks left as they were: no model mix meets their floor / ceiling
    result: Result


def optimize(s: Scenario, *, confidence: float | None = None) -> Optimized:
    """Apply the cheapest split meeting every floor (with probability `confidence`, when given);
    infeasible tasks keep their routing.

    Refuses (PlaceholderAccuracyError) while an accuracy is a placeholder not measured or accepted.
    """
    refuse_placeholders(s)
    tm = task_matrix(s)
    choices = cheapest_routing(s, tm, confidence=confidence)
    tasks = []
    for t, ch in zip(s.tasks, choices, strict=True):
        if ch.shares is None:
            tasks.append(t)
        else:
            tasks.append(replace(t, routing=Routing(shares=ch.shares)))
    new = s.with_tasks(tasks)
    return Optimized(new, choices, [c.task for c in choices if c.shares is None], compute(new, tm))


@dataclass(frozen=True)
class ConfidencePrice:
    """What holding every floor with a probability costs, against holding it at the point."""

    confidence: float
    point: Optimized
    confident: Optimized

    @property
    def extra_spend(self) -> float:
        """Month-1 token spend of the confident split minus the point split's."""
        return self.confident.result.month1_spend - self.point.result.month1_spend

    @property
    def extra_net_loss(self) -> float:
        """How much lower the net benefit over the horizon is with the confident split."""
        return (
            self.point.result.projection.horizon_net_benefit
            - self.confident.result.projection.horizon_net_benefit
        )


def price_of_confidence(s: Scenario, confidence: float) -> ConfidencePrice:
    return ConfidencePrice(confidence, optimize(s), optimize(s, confidence=confidence))


def frontier(tm: TaskMatrix) -> np.ndarray:
    """Cost–accuracy frontier of the whole workload: rows of (month-1 spend $, request-weighted accuracy).

    Exact for fractional splits: each task's upper concave hull of (cost, accuracy) over its models,
    then all hull segments taken in order of accuracy gained per dollar (a fractional knapsack).
    Tasks with no accuracy for any model are left out.
    """
    v = tm.volume
    total = v.sum()
    if total == 0:
        return np.zeros((0, 2))
    start_cost = start_acc = 0.0
    segments: list[tuple[float, float, float]] = []  # (slope, d_cost, d_acc)
    for k in range(tm.cost.shape[0]):
        known = ~np.isnan(tm.accuracy[k])
        if not known.any():
            continue
        pts = sorted(zip(tm.cost[k][known] * v[k], tm.accuracy[k][known] * v[k] / total, strict=True))
        # start at the cheapest model (best accuracy among equally cheap)
        cheapest = pts[0][0]
        first = max((p for p in pts if p[0] == cheapest), key=lambda p: p[1])
        hull = [first]
        while True:
            cx, cy = hull[-1]
            better = [(((y - cy) / (x - cx)), x, y) for x, y in pts if x > cx and y > cy]
            if not better:
                break
            _, x, y = max(better, key=lambda b: (b[0], -b[1]))
            hull.append((x, y))
        start_cost += hull[0][0]
        start_acc += hull[0][1]
        for (x0, y0), (x1, y1) in zip(hull, hull[1:], strict=False):
            segments.append(((y1 - y0) / (x1 - x0), x1 - x0, y1 - y0))
    segments.sort(key=lambda s: -s[0])
    rows = [(start_cost, start_acc)]
    for _, dc, da in segments:
        rows.append((rows[-1][0] + dc, rows[-1][1] + da))
    return np.array(rows)
