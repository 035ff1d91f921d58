"""Words for people (roi.present): what the pages, the CLI and the reports say about a result."""

from __future__ import annotations

import pytest

from roi.present import accuracy_table, break_even_words, payback, payback_range_words, routing_words
from roi.scenario import Routing, parse_scenario
from roi.sensitivity import accuracy_curve

MODELS = {
    "small": {"input": 1.0, "output": 5.0, "ttft_s": 0.5, "output_tokens_per_s": 100},
    "large": {"input": 10.0, "output": 50.0, "ttft_s": 2.0, "output_tokens_per_s": 25},
}


def scenario(*, error_cost=2.0, one_time_cost=100.0, **over):
    """One task routed wholly to `small` (the hand example of test_engine.py, without cache tokens)."""
    doc = {
        "name": "words",
        "horizon_months": 3,
        "one_time_cost": one_time_cost,
        "monthly_cost": 10.0,
        "staff_cost_per_hour": 36.0,
        "models": MODELS,
        "baseline": {"model": "large"},
        "tasks": [
            {
                "name": "triage",
                "requests_per_month": 1000,
                "input_tokens": 1000,
                "output_tokens": 100,
                "interactive": True,
                "error_cost": error_cost,
                "accuracy": {"small": 0.9, "large": 0.95},
                "routing": {"small": 1.0},
            }
        ],
    }
    return parse_scenario(doc | over)


@pytest.mark.parametrize(("month", "words"), [(1, "month 1"), (7, "month 7"), (None, "not within horizon")])
def test_payback(month, words):
    assert payback(month) == words


def test_break_even_words_give_the_accuracy_where_routing_stops_paying():
    """Worked by hand: a month nets 13.5 saved + 45 staff − 10 overhead − (2000·(1−a) − 100) more errors,
    so 3 months − 100 set-up is zero at 1 − a = 345.5 / 6000, i.e. a ≈ 94.24%; assumed 90%."""
    curve = accuracy_curve(scenario(), "small")
    assert curve.break_even == pytest.approx(1 - 345.5 / 6000)
    assert break_even_words(curve) == (
        "Routing pays for itself over the horizon as long as small is right at least 94.2% "
        "of the time on its tasks (assumed: 90.0%)."
    )


@pytest.mark.parametrize(
    "over",
    [
        {"error_cost": 0.0},  # errors cost nothing: routing pays whatever small's accuracy
        {"error_cost": 0.0, "one_time_cost": 1e6},  # set-up never earned back, whatever the accuracy
    ],
    ids=["always-pays", "never-pays"],
)
def test_break_even_words_when_the_net_benefit_never_changes_sign(over):
    curve = accuracy_curve(scenario(**over), "small")
    assert curve.break_even is None
    assert break_even_words(curve) == (
        "Within 0–100% accuracy of small, the net benefit over the horizon keeps its sign."
    )


@pytest.mark.parametrize(
    ("ends", "low", "high"),
    [
        ({"low": 5, "high": 2}, "month 5", "month 2"),
        ({"low": None, "high": 3}, "not within the horizon", "month 3"),
        ({"low": None, "high": None}, "not within the horizon", "not within the horizon"),
    ],
)
def test_payback_range_words_name_both_ends(ends, low, high):
    assert payback_range_words(ends) == (
        f"With every measured accuracy at the low end of its 95% interval, payback is {low}; "
        f"at the high end, {high}."
    )


@pytest.mark.parametrize(
    ("routing", "words"),
    [
        (
            Routing(shares={"claude-haiku-4-5": 0.8, "claude-sonnet-4-5": 0.2}),
            "claude-haiku-4-5 80%, claude-sonnet-4-5 20%",
        ),
        (Routing(shares={"a": 0.0, "b": 1.0, "c": 0.0}), "b 100%"),  # a 0% share is not a route
        (Routing(shares={"a": 0.25, "b": 0.0, "c": 0.75}), "a 25%, c 75%"),
        (Routing(cascade=("a", "b"), escalation_rate=0.2), "cascade a → b, 20% escalated"),
        (Routing(cascade=("a", "b"), escalation_rate=0.0), "cascade a → b, 0% escalated"),
    ],
)
def test_routing_words(routing, words):
    assert routing_words(routing) == words


def test_accuracy_table_says_where_each_accuracy_comes_from():
    """Measured numbers carry n, interval and run; a task-wide provenance covers models without
    their own; anything else is the scenario's default, "assumed" (typed in)."""
    s = scenario(
        tasks=[
            {
                "name": "triage",
                "requests_per_month": 1000,
                "accuracy": {"small": 0.9125, "large": 0.95, "small>large": 0.93456},
                "routing": {"cascade": ["small", "large"], "escalation_rate": 0.2},
            },
            {
                "name": "opinions",
                "requests_per_month": 10,
                "accuracy": {"large": 0.8},
                "routing": {"large": 1.0},
            },
        ],
        provenance={
            "tasks.triage.accuracy.small": {
                "kind": "measured",
                "n": 40,
                "correct": 37,
                "ci": [0.8, 0.97],
                "run": "run 3",
            },
            "tasks.triage.accuracy": {"kind": "imported", "files": ["evals.csv"]},
        },
    )
    table = accuracy_table(s)
    assert list(table.columns) == ["task", "model", "accuracy %", "provenance", "detail"]
    assert table.to_dict("records") == [
        {
            "task": "triage",
            "model": "small",
            "accuracy %": 91.25,
            "provenance": "measured",
            "detail": "n=40; 95% interval 80.0%–97.0%; run 3",
        },
        {
            "task": "triage",
            "model": "large",
            "accuracy %": 95.0,
            "provenance": "imported",
            "detail": "from evals.csv",
        },
        {
            "task": "triage",
            "model": "small>large",
            "accuracy %": 93.46,
            "provenance": "imported",
            "detail": "from evals.csv",
        },
        {
            "task": "opinions",
            "model": "large",
            "accuracy %": 80.0,
            "provenance": "assumed",
            "detail": "typed in the scenario",
        },
    ]


def test_accuracy_table_default_follows_the_scenario():
    """An illustrative scenario's unmeasured accuracies are the demo's illustration, not typed in."""
    rows = accuracy_table(scenario(illustrative=True)).to_dict("records")
    assert {(r["model"], r["provenance"], r["detail"]) for r in rows} == {
        ("small", "assumed", "illustrative demo"),
        ("large", "assumed", "illustrative demo"),
    }


def test_accuracy_table_of_a_scenario_without_tasks_is_empty_with_its_columns():
    table = accuracy_table(scenario(tasks=[]))
    assert table.empty and list(table.columns) == ["task", "model", "accuracy %", "provenance", "detail"]
