"""What every export says, computed once from one `compute(scenario)` result.

The HTML report, the deck, the PDF and the workbook all read a `Report`, so a figure in one is the
same figure in the others and in `roi scenario --json`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import plotly.graph_objects as go

from roi import __version__, charts, present
from roi import routing as routing_mod
from roi.engine import Result
from roi.modelset import models_table
from roi.present import Tile
from roi.report.branding import Branding
from roi.scenario import Scenario, Task
from roi.sensitivity import accuracy_curve
from roi.slides import slides

FORMULAS: tuple[tuple[str, str], ...] = (
    (
        "Cost of a request",
        "the tokens of each kind (input, cache writes, cache reads, output) times the model's price per "
        "million tokens, divided by one million; long-context and batch prices apply where the price "
        "database defines them.",
    ),
    (
        "Time to an answer",
        "the model's time to first token plus the output tokens divided by its output speed, unless a "
        "measured latency is given for the task.",
    ),
    ("Expected errors", "requests × (1 − accuracy of the model that answers them)."),
    (
        "Cascade",
        "every request goes to the first model and a share (the escalation rate) also to the second: it "
        "costs the first plus that share of the second, waits for the first plus that share of the second, "
        "and is right as often as measured, or else (1 − share) × accuracy of the first + share × accuracy "
        "of the second (an assumption).",
    ),
    (
        "Each month",
        "volume grows by the monthly growth rate; net benefit = token spend saved + error cost saved + staff "
        "time saved on interactive tasks (seconds saved × staff cost per hour) − monthly overhead.",
    ),
    (
        "Payback",
        "the cumulative net benefit starts at minus the one-time cost; the payback month is the first month "
        "in which it reaches zero.",
    ),
    (
        "ROI",
        "100 × (gains − costs) / costs over the horizon, where costs are the one-time cost plus overhead.",
    ),
)


@dataclass(frozen=True)
class Chart:
    """One chart of the report: `figure(scale)` builds it with the dashboard's look."""

    key: str
    title: str
    takeaway: str
    figure: Callable[[float], go.Figure]


@dataclass(frozen=True)
class Assumption:
    """One input number, how it reads, and where it comes from (catalog, assumed, measured, imported)."""

    group: str
    item: str
    value: str
    source: str
    number: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Report:
    """One computed scenario and everything said about it; the costly parts (the charts need the
    sensitivity runs) are computed on first use, so the CSV never pays for the deck's charts."""

    result: Result
    branding: Branding = field(default_factory=Branding)
    generated: date = field(default_factory=date.today)
    version: str = __version__
    formulas: tuple[tuple[str, str], ...] = FORMULAS

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def title(self) -> str:
        return self.scenario.name

    @cached_property
    def tiles(self) -> list[Tile]:
        return present.headline_tiles(self.result)

    @cached_property
    def sentence(self) -> str:
        return present.headline_sentence(self.result)

    @cached_property
    def charts(self) -> list[Chart]:
        return report_charts(self.result)

    @cached_property
    def assumptions(self) -> list[Assumption]:
        return assumptions(self.scenario)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def report_charts(r: Result) -> list[Chart]:
    """Every dashboard chart for the scenario: the presentation slides, then the accuracy break-even."""
    out = [Chart(_slug(sl.title), sl.title, sl.takeaway, sl.figure) for sl in slides(r) if sl.figure]
    small = routing_mod.small_model(r.scenario)
    curve = accuracy_curve(r.scenario, small) if small else None
    if curve is not None:
        if curve.break_even is not None:
            takeaway = (
                f"Routing pays for itself over the horizon as long as {small} is right at least "
                f"{present.share(curve.break_even)} of the time (assumed: {present.share(curve.current)})."
            )
        else:
            takeaway = f"Within 0–100% accuracy of {small}, the net benefit over the horizon keeps its sign."
        out.append(
            Chart(
                "accuracy-break-even",
                f"How accurate {small} must be",
                takeaway,
                lambda k: charts.accuracy_break_even(curve, scale=k),
            )
        )
    return out


# --- provenance ----------------------------------------------------------------------------------


def _text(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    return str(v)


def describe_provenance(p: Any, default: str) -> str:
    """'measured (n=40, 95% interval 91.0%–98.2%, run 3)', 'imported (from a.csv)', 'assumed (note)'."""
    if not isinstance(p, dict) or not p.get("kind"):
        return default
    parts: list[str] = []
    if p.get("n") is not None:
        parts.append(f"n={_text(p['n'])}")
    ci = p.get("ci")
    if isinstance(ci, list | tuple) and len(ci) == 2 and all(isinstance(x, int | float) for x in ci):
        parts.append(f"95% interval {present.share(ci[0])}–{present.share(ci[1])}")
    for key, label in (("run", "run "), ("files", "from "), ("file", "from "), ("source", ""), ("note", "")):
        if p.get(key):
            parts.append(label + _text(p[key]))
    return _text(p["kind"]) + (f" ({'; '.join(parts)})" if parts else "")


def _price(x: float | None) -> str:
    if x is None:
        return "—"
    return f"${x:,.2f}" if round(x, 2) == round(x, 6) else f"${x:,.4f}"


def _tokens(t: Task) -> str:
    parts = [f"{t.input_tokens:,.0f} input"]
    for label, v in (
        ("cache write", t.cache_write_5m_tokens),
        ("cache write 1 h", t.cache_write_1h_tokens),
        ("cache read", t.cache_read_tokens),
    ):
        if v:
            parts.append(f"{v:,.0f} {label}")
    parts.append(f"{t.output_tokens:,.0f} output")
    return ", ".join(parts) + " tokens per request"


def routing_words(t: Task) -> str:
    r = t.routing
    if r.cascade:
        return f"cascade {r.cascade[0]} → {r.cascade[1]}, {present.share(r.escalation_rate, 0)} escalated"
    return ", ".join(f"{m} {present.share(s, 0)}" for m, s in r.shares.items() if s > 0)


def assumptions(s: Scenario) -> list[Assumption]:
    """Every input of the scenario with its value and source, in reading order."""
    typed = "assumed (illustrative demo)" if s.illustrative else "assumed (typed in the scenario)"
    prov = s.provenance
    rows = [
        Assumption(
            "Money and time",
            "Price date",
            s.as_of.isoformat(),
            "catalog prices as of this date" if s.price_date else "today (no price date set)",
        ),
        Assumption(
            "Money and time", "Horizon", f"{s.horizon_months} months", typed, s.horizon_months, "months"
        ),
        Assumption(
            "Money and time",
            "One-time set-up cost",
            present.money(s.one_time_cost),
            typed,
            s.one_time_cost,
            "USD",
        ),
        Assumption(
            "Money and time",
            "Monthly overhead",
            present.money(s.monthly_cost),
            typed,
            s.monthly_cost,
            "USD/month",
        ),
        Assumption(
            "Money and time",
            "Staff cost per hour",
            present.money(s.staff_cost_per_hour),
            typed,
            s.staff_cost_per_hour,
            "USD/hour",
        ),
        Assumption(
            "Money and time",
            "Volume growth per month",
            present.share(s.volume_growth_per_month),
            typed,
            s.volume_growth_per_month,
            "fraction/month",
        ),
        Assumption(
            "Money and time",
            "Baseline (today)",
            f"every task on {s.baseline_model}"
            + (
                "; actual model mix from usage logs where known"
                if any(t.baseline_routing for t in s.tasks)
                else ""
            ),
            describe_provenance(prov.get("baseline"), typed),
        ),
    ]
    for m in models_table(s).to_dict("records"):
        rows.append(
            Assumption(
                "Prices ($ per million tokens)",
                str(m["model"]),
                f"input {_price(m['input'])} · cache write {_price(m['cache write 5m'])} · "
                f"cache read {_price(m['cache read'])} · output {_price(m['output'])}",
                str(m["price provenance"]),
                float(m["input"]),
                "USD per million input tokens",
            )
        )
    for m in models_table(s).to_dict("records"):
        rows.append(
            Assumption(
                "Latency",
                str(m["model"]),
                f"first token {m['ttft s']:.2f} s · {m['output tokens/s']:,.0f} output tokens/s",
                str(m["latency provenance"]),
                float(m["ttft s"]),
                "seconds to first token",
            )
        )
    for t in s.tasks:
        key = f"tasks.{t.name}"
        flags = [w for w, on in (("interactive", t.interactive), ("batch prices", t.batch)) if on]
        rows.append(
            Assumption(
                "Workload",
                f"{t.name}: volume",
                f"{t.requests_per_month:,.0f} requests/month" + (f" ({', '.join(flags)})" if flags else ""),
                describe_provenance(prov.get(f"{key}.volume"), typed),
                t.requests_per_month,
                "requests/month",
            )
        )
        rows.append(
            Assumption(
                "Workload",
                f"{t.name}: tokens",
                _tokens(t),
                describe_provenance(prov.get(f"{key}.tokens"), typed),
                t.input_tokens,
                "input tokens per request",
            )
        )
    for t in s.tasks:
        key = f"tasks.{t.name}.accuracy"
        for m, a in t.accuracy.items():
            rows.append(
                Assumption(
                    "Accuracy",
                    f"{t.name} on {m.replace('>', ' → ')}",
                    present.share(a),
                    describe_provenance(prov.get(f"{key}.{m}") or prov.get(key), typed),
                    a,
                    "fraction right",
                )
            )
        if t.accuracy_floor is not None:
            rows.append(
                Assumption(
                    "Accuracy",
                    f"{t.name}: accuracy floor",
                    present.share(t.accuracy_floor),
                    typed,
                    t.accuracy_floor,
                    "fraction right",
                )
            )
    for t in s.tasks:
        for m, sec in t.latency_s.items():
            rows.append(
                Assumption(
                    "Latency",
                    f"{t.name} on {m}",
                    present.seconds(sec),
                    describe_provenance(prov.get(f"tasks.{t.name}.latency.{m}"), typed),
                    sec,
                    "seconds per request",
                )
            )
    for t in s.tasks:
        rows.append(
            Assumption(
                "Cost of errors",
                t.name,
                f"{_price(t.error_cost)} per wrong answer",
                describe_provenance(prov.get(f"tasks.{t.name}.error_cost"), typed),
                t.error_cost,
                "USD per error",
            )
        )
    rows += [Assumption("Routing", t.name, routing_words(t), "chosen in the scenario") for t in s.tasks]
    return rows


def _kinds(labels: list[str]) -> str:
    """'measured on 3, assumed on 2' from one provenance description per task."""
    counts: dict[str, int] = {}
    for label in labels:
        kind = label.split(" ", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{k} on {n} task{'s' if n != 1 else ''}" for k, n in counts.items())


def key_assumptions(s: Scenario) -> list[Assumption]:
    """The short list for one slide: money, prices and latency per model, accuracy and workload summed up."""
    full = assumptions(s)
    keep = [a for a in full if a.group in ("Money and time", "Prices ($ per million tokens)")]
    keep += [a for a in full if a.group == "Latency" and " on " not in a.item]
    typed = "assumed (illustrative demo)" if s.illustrative else "assumed (typed in the scenario)"
    for m in s.models_in_play():
        tasks = [t for t in s.tasks if m in t.accuracy]
        if not tasks:
            continue
        accs = [t.accuracy[m] for t in tasks]
        sources = [
            describe_provenance(
                s.provenance.get(f"tasks.{t.name}.accuracy.{m}")
                or s.provenance.get(f"tasks.{t.name}.accuracy"),
                typed,
            )
            for t in tasks
        ]
        span = present.share(min(accs)) + ("" if min(accs) == max(accs) else f"–{present.share(max(accs))}")
        keep.append(Assumption("Accuracy", m, f"{span} on {len(tasks)} task(s)", _kinds(sources)))
    if s.tasks:
        volume = sum(t.requests_per_month for t in s.tasks)
        sources = [describe_provenance(s.provenance.get(f"tasks.{t.name}.volume"), typed) for t in s.tasks]
        keep.append(
            Assumption(
                "Workload",
                "Tasks and volume",
                f"{len(s.tasks)} tasks, {volume:,.0f} requests in month 1",
                _kinds(sources),
                volume,
                "requests/month",
            )
        )
    return keep


def build_report(r: Result, *, branding: Branding | None = None, generated: date | None = None) -> Report:
    return Report(r, branding or Branding(), generated or date.today())
