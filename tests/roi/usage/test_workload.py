""" "Use as workload": one task per the files' own task (or tag) by default, a scenario named after
its files and days, and a way to tell the placeholder accuracies it starts with."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from roi.provenance import Provenance
from roi.scenario import demo_scenario
from roi.store import Store
from roi.usage import ingest, list_imports, priced_store
from roi.usage.traffic import (
    default_dimension,
    placeholder_tasks,
    scenario_from_usage,
    source_files,
    traffic,
    workload_name,
)

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["generic_requests.csv"], "task"),  # a task column
        (["litellm_spendlogs.csv"], "tag"),  # request tags
        (["anthropic_console_usage.csv"], "model"),  # neither
    ],
)
def test_default_grouping_is_the_files_task_then_tag_then_model(store, files, expected):
    ingest(store, [DATA / f for f in files])
    assert default_dimension(priced_store(store)) == expected


def test_the_workload_is_named_after_its_files_and_days(store):
    ingest(store, [DATA / "generic_requests.csv", DATA / "anthropic_console_cost.csv"])
    priced = priced_store(store)
    files = source_files(priced, list_imports(store))
    assert files == ["generic_requests.csv"]  # a bill adds no traffic
    s = scenario_from_usage(
        demo_scenario(), traffic(priced, "task"), files=files, period=(date(2026, 10, 1), date(2026, 10, 31))
    )
    assert s.name == "Usage of generic_requests.csv, 1–31 Oct 2026"
    assert "illustrative" not in s.name and "(from usage)" not in s.name
    assert sorted(t.name for t in s.tasks) == ["Contract review", "Email triage", "Intake classification"]
    assert not s.illustrative


@pytest.mark.parametrize(
    ("files", "name"),
    [
        ([], "Imported usage"),
        (["a.csv"], "Usage of a.csv"),
        (["a.csv", "b.json"], "Usage of a.csv and b.json"),
        (["a.csv", "b.csv", "c.csv"], "Usage of a.csv and 2 more files"),
    ],
)
def test_workload_name(files, name):
    assert workload_name(files) == name


def test_placeholder_accuracies_are_found_until_measured(store):
    ingest(store, [DATA / "generic_requests.csv"])
    s = scenario_from_usage(demo_scenario(), traffic(priced_store(store), "task"), files=["x.csv"])
    assert sorted(placeholder_tasks(s)) == ["Contract review", "Email triage", "Intake classification"]
    measured = Provenance("measured", n=40, correct=38)
    first = s.tasks[0]
    every_model = first.provenance
    for m in first.accuracy:
        every_model = every_model.with_accuracy(m, measured)
    s2 = dataclasses.replace(s, tasks=(dataclasses.replace(first, provenance=every_model), *s.tasks[1:]))
    assert first.name not in placeholder_tasks(s2)
    assert placeholder_tasks(demo_scenario()) == []
