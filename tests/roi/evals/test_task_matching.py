"""Scenario tasks ↔ eval tasks: which eval tasks measure which scenario tasks (a workload from usage
logs has names like "intake-prod", not the eval set's), which to run, and writing measured
numbers into the scenario tasks they were chosen for."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from roi.evals.mapping import eval_tasks_to_run, match_tasks, subset, unmeasured
from roi.evals.results import apply_to_scenario, sample_results, summarize
from roi.evals.sets import load_eval_set
from roi.scenario import demo_scenario

ROOT = Path(__file__).resolve().parents[3]
EVAL_TASKS = ["Intake classification", "Basic summaries"]
HAIKU = "claude-haiku-4-5"


@pytest.mark.parametrize(
    ("scenario_task", "eval_task"),
    [
        ("Intake classification", "Intake classification"),
        ("intake_classification", "Intake classification"),  # a tag or workspace name
        ("INTAKE-CLASSIFICATION ", "Intake classification"),
        ("intake", "Intake classification"),  # every word of it in exactly one eval task
        ("summaries", "Basic summaries"),
        ("summarize", "Basic summaries"),  # a tag named after the verb
        ("intake,priority", None),  # a word neither eval task has
        ("Basic summaries (prod)", "Basic summaries"),  # every word of the eval task in it
        ("Email triage", None),
        ("claude-sonnet-4-5", None),  # a workload by model
        ("classification of summaries", None),  # words of both: no guess
        ("", None),
    ],
)
def test_match_tasks_by_name(scenario_task, eval_task):
    assert match_tasks([scenario_task], EVAL_TASKS) == {scenario_task: eval_task}


def test_an_exact_name_beats_a_word_match():
    eval_tasks = ["Intake", "Intake classification"]
    assert match_tasks(["Intake", "intake classification"], eval_tasks) == {
        "Intake": "Intake",
        "intake classification": "Intake classification",
    }


def test_what_to_run_and_what_stays_unmeasured():
    mapping = {
        "intake-prod": "Intake classification",
        "Email triage": None,
        "intake-dev": "Intake classification",
    }
    assert eval_tasks_to_run(mapping, EVAL_TASKS) == ["Intake classification"]
    assert unmeasured(mapping) == ["Email triage"]
    # nothing corresponds: run the whole set (an engineer comparing models), in the set's order
    assert eval_tasks_to_run({"Email triage": None}, EVAL_TASKS) == EVAL_TASKS


def test_subset_of_an_eval_set_keeps_its_items_and_names_itself():
    full = load_eval_set(ROOT / "data" / "evals" / "law_firm.json")
    assert subset(full, list(full.tasks)) is full
    part = subset(full, ["Basic summaries"])
    assert list(part.tasks) == ["Basic summaries"] and part.counts() == {"Basic summaries": 14}
    assert part.name == f"{full.name} · Basic summaries"
    assert part.fingerprint != full.fingerprint
    assert subset(full, ["Basic summaries"]).fingerprint == part.fingerprint  # resumable


def test_apply_to_scenario_with_a_mapping_measures_the_chosen_tasks():
    s = demo_scenario()
    renamed = {"Intake classification": "intake-prod", "Basic summaries": "summaries-team-a"}
    s = s.with_tasks([dataclasses.replace(t, name=renamed.get(t.name, t.name)) for t in s.tasks])
    summary = summarize(sample_results())
    _, unmatched = apply_to_scenario(s, summary, run="sample")
    assert unmatched == ["Basic summaries", "Intake classification"]  # no names in common

    mapping = {"intake-prod": "Intake classification", "summaries-team-a": None, "Email triage": None}
    new, unmatched = apply_to_scenario(s, summary, run="sample", mapping=mapping)
    assert unmatched == ["Basic summaries"]
    by_name = {t.name: t for t in new.tasks}
    row = summary[(summary["task"] == "Intake classification") & (summary["model"] == HAIKU)].iloc[0]
    assert by_name["intake-prod"].accuracy[HAIKU] == pytest.approx(row["accuracy"])
    assert by_name["intake-prod"].provenance.of_accuracy(HAIKU).n == 64
    assert by_name["summaries-team-a"].provenance.accuracy_by_model.get(HAIKU) is None
    assert new.measured_accuracies() == 2


def test_a_task_left_out_of_the_mapping_keeps_its_own_name_and_a_missing_eval_task_measures_nothing():
    s = demo_scenario()
    summary = summarize(sample_results())
    new, unmatched = apply_to_scenario(s, summary, run="x", mapping={"Email triage": "Not in these results"})
    assert unmatched == []
    by_name = {t.name: t for t in new.tasks}
    assert by_name["Email triage"].provenance.accuracy_by_model == {}
    assert by_name["Email triage"].accuracy == next(t for t in s.tasks if t.name == "Email triage").accuracy
    assert new.measured_accuracies() == 4  # intake and summaries, by name, for two models
    assert [t.name for t in new.tasks] == [t.name for t in s.tasks]
