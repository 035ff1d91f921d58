"""Words and formatted figures for people: headline tiles, the one-sentence summary, provenance
and routing in words. (Number formats live in `roi.numbers`; re-exported here.)

Kept out of the pages so the app, the CLI and the reports say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from roi.engine import Result
from roi.numbers import money, money_short, percent, seconds, share
from roi.optimize import Placeholders
from roi.scenario import Routing, Scenario
from roi.sensitivity import AccuracyCurve
from roi.uncertainty import Uncertainty


def payback(month: int | None) -> str:
    return f"month {month}" if month else "not within horizon"


def payback_short(month: int | None) -> str:
    """Payback for a tile, where "not within horizon" would be cut off: the reason goes underneath."""
    return f"month {month}" if month else "none"


def break_even_words(curve: AccuracyCurve) -> str:
    """How accurate the small model must be for routing to pay, in one sentence."""
    if curve.break_even is None:
        return f"Within 0–100% accuracy of {curve.model}, the net benefit over the horizon keeps its sign."
    return (
        f"Routing pays for itself over the horizon as long as {curve.model} is right at least "
        f"{share(curve.break_even)} of the time on its tasks (assumed: {share(curve.current)})."
    )


def payback_range_words(ends: dict[str, int | None]) -> str:
    """Payback with every measured accuracy at the low and at the high end of its 95% interval."""
    low, high = (f"month {ends[k]}" if ends[k] else "not within the horizon" for k in ("low", "high"))
    return (
        f"With every measured accuracy at the low end of its 95% interval, payback is {low}; "
        f"at the high end, {high}."
    )


def accuracy_table(s: Scenario) -> pd.DataFrame:
    """Accuracy per task and model with where it comes from (n and interval where measured)."""
    rows = []
    for t in s.tasks:
        for m, a in t.accuracy.items():
            p = t.provenance.of_accuracy(m) or s.assumed()
            rows.append(
                {
                    "task": t.name,
                    "model": m,
                    "accuracy %": round(100 * a, 2),
                    "provenance": p.kind,
                    "detail": p.detail(),
                }
            )
    return pd.DataFrame(rows, columns=["task", "model", "accuracy %", "provenance", "detail"])


def routing_words(r: Routing) -> str:
    """'claude-haiku-4-5 80%, claude-sonnet-4-5 20%' or 'cascade a → b, 20% escalated'."""
    if r.cascade:
        return f"cascade {r.cascade[0]} → {r.cascade[1]}, {share(r.escalation_rate, 0)} escalated"
    return ", ".join(f"{m} {share(v, 0)}" for m, v in r.shares.items() if v > 0)


@dataclass(frozen=True)
class Tile:
    label: str
    value: str  # short enough for a tile: money over a million as "$8.01M" (numbers.money_short)
    delta: str | None
    delta_color: str = "normal"  # streamlit: "normal" (up is good), "inverse" (down is good), "off"
    help: str | None = None
    delta_arrow: str = "auto"  # streamlit: "auto" (by the delta's sign), "up", "down", "off"


SLOWEST_TASKS = "Slowest tasks' wait"  # a plain name for the 95th percentile over task means


def _span(low: str, high: str) -> str:
    return low if low == high else f"{low} to {high}"


def payback_span(u: Uncertainty) -> str:
    """'month 3–7', 'month 3 to none' (P10 to P90 of the payback month)."""
    pp = u.payback_percentiles()
    lo, hi = pp["p10"], pp["p90"]
    if lo is not None and hi is not None:
        return f"month {lo}" if lo == hi else f"month {lo}–{hi}"
    return _span(payback_short(lo), payback_short(hi))


def headline_tiles(r: Result, u: Uncertainty | None = None) -> list[Tile]:
    """Eight tiles in two rows of four: money (today, routed, token savings, net benefit over the
    horizon) then time, accuracy and payback. Net benefit sits beside the token savings so a
    saving on tokens never hides a loss on errors or set-up. With uncertain inputs (`u`), the net
    benefit and payback tiles show their P10–P90 range under the point; without, nothing changes."""
    m1 = r.month1_spend
    b1 = r.month1_baseline_spend
    lat, blat = r.mean_latency_s, r.baseline_mean_latency_s
    acc, bacc = r.accuracy, r.baseline_accuracy
    p = r.projection
    pay = p.payback_month
    months = r.scenario.horizon_months
    net = p.horizon_net_benefit
    empty = r.matrix.volume.sum() == 0

    def delta(x: float | None, text: str) -> str | None:
        return None if x is None or abs(x) < 1e-9 or empty else text

    if empty:
        verdict: tuple[str | None, str, str] = (None, "normal", "auto")
    elif net < 0:
        verdict = ("net loss", "inverse", "down")  # red, whatever the words' sign
    else:
        verdict = ("net gain", "normal", "up")
    pay_delta = None if empty or pay else f"not within {months} months"
    pay_arrow = "off"
    if u is not None and u.uncertain and not empty:
        end = u.cumulative_bands()[-1]
        verdict = (
            f"P10–P90 {_span(money_short(end['p10']), money_short(end['p90']))}",
            verdict[1],
            "off",
        )
        pay_delta = f"P10–P90 {payback_span(u)}"
    return [
        Tile(
            "Monthly spend, today", money_short(b1), None, help="Month 1, every task on the baseline model."
        ),
        Tile(
            "Monthly spend, routed",
            money_short(m1),
            delta(m1 - b1, money_short(m1 - b1)),
            "inverse",
            "Month 1 token spend with the routing below.",
        ),
        Tile(
            "Token savings",
            percent(r.savings_pct),
            None,
            help="Share of today's token spend saved. Tokens only: the net benefit beside it also counts "
            "errors, staff time and the cost of routing.",
        ),
        Tile(
            f"Net benefit, {months} months",
            "—" if empty else money_short(net),
            verdict[0],
            verdict[1],
            f"Over {months} months: tokens saved + error cost saved + staff time value − monthly overhead, "
            f"after the {money(r.scenario.one_time_cost)} one-time cost.",
            verdict[2],
        ),
        Tile(
            "Mean latency",
            seconds(lat),
            None
            if lat is None or blat is None
            else delta(round(lat - blat, 1), f"{lat - blat:+.1f} s vs today"),
            "inverse",
            "Request-weighted mean time to a full answer.",
        ),
        Tile(
            SLOWEST_TASKS,
            seconds(r.p95_latency_s),
            None
            if r.p95_latency_s is None or r.baseline_p95_latency_s is None
            else delta(
                round(r.p95_latency_s - r.baseline_p95_latency_s, 1),
                f"{r.p95_latency_s - r.baseline_p95_latency_s:+.1f} s vs today",
            ),
            "inverse",
            "Mean time to a full answer of the slowest tasks: 95% of requests belong to tasks that answer "
            "within this on average. Each task counts at its mean; the spread within a task is not modelled.",
        ),
        Tile(
            "Expected accuracy",
            share(acc),
            None
            if acc is None or bacc is None
            else delta(round(100 * (acc - bacc), 1), f"{100 * (acc - bacc):+.1f} pts vs today"),
            "normal",
            "Request-weighted share of answers that are right.",
        ),
        Tile(
            "Payback",
            "—" if empty else payback_short(pay),
            pay_delta,
            "inverse" if u is None or not u.uncertain else "off",
            "First month in which the cumulative net benefit reaches zero.",
            pay_arrow,
        ),
    ]


def range_spans(u: Uncertainty | None) -> dict[str, str]:
    """'P10–P90 …' for the payback, the net benefit over the horizon and in month 1, and the ROI
    (the Break-even page's figures); empty when nothing is uncertain."""
    if u is None or not u.uncertain:
        return {}
    d = u.to_dict()
    end = d["cumulative_net_benefit"][-1]
    roi, m1 = d["roi_pct"], d["month1_net_benefit"]

    def pct(x: float | None) -> str:
        return percent(x, 0)

    return {
        "payback": f"P10–P90 {payback_span(u)}",
        "horizon": f"P10–P90 {_span(money_short(end['p10']), money_short(end['p90']))}",
        "roi": f"P10–P90 {_span(pct(roi['p10']), pct(roi['p90']))}",
        "month1": f"P10–P90 {_span(money_short(m1['p10']), money_short(m1['p90']))}",
    }


def uncertainty_words(u: Uncertainty) -> str | None:
    """'Pays back in month 3 (P10–P90: month 3–6): a 99% chance within the 24 months, 64% within 6.'
    None when nothing is uncertain (then the point figures say it all)."""
    if not u.uncertain:
        return None
    pay = u.result.projection.payback_month
    point = f"Pays back in month {pay}" if pay else f"Does not pay back within {u.horizon} months"
    soon = min(12, u.horizon)
    within = f"{percent(100 * u.prob_payback_within(), 0)} chance within the {u.horizon} months"
    if soon < u.horizon:
        within += f", {percent(100 * u.prob_payback_within(soon), 0)} within {soon}"
    return f"{point} (P10–P90: {payback_span(u)}): a {within}."


def uncertainty_method(u: Uncertainty) -> str:
    """How the ranges were made, for the page, the deck and the report."""
    n = len(u.inputs)
    return (
        f"Ranges from {u.draws:,} draws (seed {u.seed}) of {n} uncertain input{'s' if n != 1 else ''}: "
        "each measured accuracy from its own sample (Beta posterior), each low / likely / high input "
        "as a triangular distribution; the point figures use the likely values."
    )


def placeholder_words(ph: Placeholders) -> str | None:
    """The warning every page shows while accuracies are placeholders (None when there are none)."""
    if not ph.count:
        return None
    n, tasks = ph.count, len(ph.tasks)
    what = (
        f"{n} accuracy figures on {tasks} task{'s' if tasks != 1 else ''} are placeholders "
        "(the same value for every model, put in when the work was read from usage logs), not measurements"
    )
    if ph.pending:
        return (
            f"{what}: figures that depend on accuracy rest on them. Measure them with sample runs on the "
            "Evaluate page; Optimize will not run on them until they are measured or accepted."
        )
    return (
        f"{what}; accepted as assumptions on {ph.accepted_on}. Figures that depend on accuracy rest on "
        "them until sample runs on the Evaluate page measure them."
    )


def headline_sentence(r: Result) -> str:
    """The result in one plain sentence, for partners and for the report."""
    if r.matrix.volume.sum() == 0:
        return "This scenario has no tasks yet: add tasks to see what routing would change."
    pay = r.projection.payback_month
    saved = r.projection.month1.spend_saved
    acc = r.accuracy or 0.0
    bacc = r.baseline_accuracy or 0.0
    acc_words = (
        "the same accuracy"
        if abs(acc - bacc) < 0.0005
        else f"{abs(100 * (acc - bacc)):.1f} points {'higher' if acc > bacc else 'lower'} accuracy"
    )
    spend_words = f"saves {money(saved)} a month" if saved >= 0 else f"costs {money(-saved)} a month more"
    months = r.scenario.horizon_months
    pay_words = (
        f"pays back its set-up cost in month {pay}" if pay else f"does not pay back within {months} months"
    )
    net = r.projection.horizon_net_benefit
    net_words = f"net benefit over {months} months: {money_short(net)}" + (", a loss" if net < 0 else "")
    return (
        f"Routing this work {spend_words} in tokens ({percent(r.savings_pct, 0)}), answers in "
        f"{seconds(r.mean_latency_s)} instead of {seconds(r.baseline_mean_latency_s)} on average with "
        f"{acc_words}, and {pay_words} ({net_words})."
    )
