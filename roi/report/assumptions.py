"""Every input of a scenario with its value and where it comes from, for the reports' assumptions
tables (full list, and the short list on one slide)."""

from __future__ import annotations

from dataclasses import dataclass

from roi import present
from roi.modelset import models_table
from roi.provenance import Provenance
from roi.ranges import Range
from roi.scenario import Scenario, Task


@dataclass(frozen=True)
class Assumption:
    """One input number, how it reads, and where it comes from (catalog, assumed, measured, imported)."""

    group: str
    item: str
    value: str
    source: str
    number: float | None = None
    unit: str = ""


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


def _range(r: Range | None, fmt) -> str:
    """' · range 2–20' after a value that carries one (roi.ranges), in the value's own format."""
    return "" if r is None else f" · range {fmt(r.low)}–{fmt(r.high)}"


def assumptions(s: Scenario) -> list[Assumption]:
    """Every input of the scenario with its value and source, in reading order; a value that
    carries a range says so, and a measured accuracy that the simulation draws from its sample."""
    typed = s.assumed().describe()
    rs = s.ranges.get

    def source(p: Provenance | None) -> str:
        return (p or s.assumed()).describe()

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
            present.money(s.one_time_cost) + _range(rs("one_time_cost"), present.money),
            typed,
            s.one_time_cost,
            "USD",
        ),
        Assumption(
            "Money and time",
            "Monthly overhead",
            present.money(s.monthly_cost) + _range(rs("monthly_cost"), present.money),
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
            present.share(s.volume_growth_per_month) + _range(rs("volume_growth_per_month"), present.share),
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
            source(s.baseline_provenance),
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
    for mid, d in s.models.items():
        if (pc := d.price_change) is not None:
            rows.append(
                Assumption(
                    "Prices ($ per million tokens)",
                    f"{mid}: price change",
                    f"× {pc.factor:g} from month {pc.from_month}"
                    + _range(pc.factor_range, lambda x: f"{x:g}"),
                    typed,
                    pc.factor,
                    "factor on the model's prices",
                )
            )
    for t in s.tasks:
        flags = [w for w, on in (("interactive", t.interactive), ("batch prices", t.batch)) if on]
        rows.append(
            Assumption(
                "Workload",
                f"{t.name}: volume",
                f"{t.requests_per_month:,.0f} requests/month"
                + (f" ({', '.join(flags)})" if flags else "")
                + _range(t.ranges.get("requests_per_month"), lambda x: f"{x:,.0f}"),
                source(t.provenance.volume),
                t.requests_per_month,
                "requests/month",
            )
        )
        rows.append(
            Assumption(
                "Workload",
                f"{t.name}: tokens",
                _tokens(t),
                source(t.provenance.tokens),
                t.input_tokens,
                "input tokens per request",
            )
        )
    for t in s.tasks:
        for m, a in t.accuracy.items():
            rows.append(
                Assumption(
                    "Accuracy",
                    f"{t.name} on {m.replace('>', ' → ')}",
                    present.share(a)
                    + (
                        " · range: its sample's Beta posterior"
                        if (p := t.provenance.of_accuracy(m)) is not None and p.sample(a)
                        else ""
                    ),
                    source(t.provenance.of_accuracy(m)),
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
                    present.seconds(sec) + _range(t.ranges.get(f"latency_s.{m}"), present.seconds),
                    source(t.provenance.latency_by_model.get(m)),
                    sec,
                    "seconds per request",
                )
            )
    for t in s.tasks:
        rows.append(
            Assumption(
                "Cost of errors",
                t.name,
                f"{_price(t.error_cost)} per wrong answer" + _range(t.ranges.get("error_cost"), _price),
                source(t.provenance.error_cost),
                t.error_cost,
                "USD per error",
            )
        )
    rows += [
        Assumption(
            "Routing",
            t.name,
            present.routing_words(t.routing) + _range(t.ranges.get("escalation_rate"), present.share),
            "chosen in the scenario",
        )
        for t in s.tasks
    ]
    return rows


def _kinds(kinds: list[str]) -> str:
    """'measured on 3 tasks, assumed on 2' from one provenance kind per task."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{k} on {n} task{'s' if n != 1 else ''}" for k, n in counts.items())


def key_assumptions(s: Scenario) -> list[Assumption]:
    """The short list for one slide: money, prices and latency per model, accuracy and workload summed up."""
    full = assumptions(s)
    keep = [a for a in full if a.group in ("Money and time", "Prices ($ per million tokens)")]
    keep += [a for a in full if a.group == "Latency" and " on " not in a.item]
    for m in s.models_in_play():
        tasks = [t for t in s.tasks if m in t.accuracy]
        if not tasks:
            continue
        accs = [t.accuracy[m] for t in tasks]
        sources = [(t.provenance.of_accuracy(m) or s.assumed()).kind for t in tasks]
        span = present.share(min(accs)) + ("" if min(accs) == max(accs) else f"–{present.share(max(accs))}")
        keep.append(Assumption("Accuracy", m, f"{span} on {len(tasks)} task(s)", _kinds(sources)))
    if s.tasks:
        volume = sum(t.requests_per_month for t in s.tasks)
        sources = [(t.provenance.volume or s.assumed()).kind for t in s.tasks]
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
