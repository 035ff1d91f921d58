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

import plotly.graph_objects as go

from roi import __version__, charts, present
from roi import routing as routing_mod
from roi.engine import Result
from roi.present import Tile
from roi.report.assumptions import Assumption, assumptions
from roi.report.branding import Branding
from roi.scenario import Scenario
from roi.sensitivity import accuracy_curve
from roi.slides import slides, under_heading
from roi.uncertainty import Uncertainty, has_ranges, simulate

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
    def uncertainty(self) -> Uncertainty | None:
        """The ranges (DEFAULT_DRAWS draws, DEFAULT_SEED), when anything is uncertain."""
        return simulate(self.scenario) if has_ranges(self.scenario) else None

    @cached_property
    def tiles(self) -> list[Tile]:
        return present.headline_tiles(self.result, self.uncertainty)

    @cached_property
    def sentence(self) -> str:
        odds = present.uncertainty_words(self.uncertainty) if self.uncertainty else None
        return present.headline_sentence(self.result) + (f" {odds}" if odds else "")

    @cached_property
    def charts(self) -> list[Chart]:
        return report_charts(self.result, self.uncertainty)

    @cached_property
    def assumptions(self) -> list[Assumption]:
        return assumptions(self.scenario)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def report_charts(r: Result, u: Uncertainty | None = None) -> list[Chart]:
    """Every dashboard chart for the scenario: the presentation slides, then the accuracy break-even."""
    out = [Chart(_slug(sl.title), sl.title, sl.takeaway, sl.figure) for sl in slides(r, u) if sl.figure]
    small = routing_mod.small_model(r.scenario)
    curve = accuracy_curve(r.scenario, small) if small else None
    if curve is not None:
        takeaway = present.break_even_words(curve)
        out.append(
            Chart(
                "accuracy-break-even",
                f"How accurate {small} must be",
                takeaway,
                lambda k: under_heading(charts.accuracy_break_even(curve, scale=k), k),
            )
        )
    return out


# --- provenance ----------------------------------------------------------------------------------


def build_report(r: Result, *, branding: Branding | None = None, generated: date | None = None) -> Report:
    return Report(r, branding or Branding(), generated or date.today())
