"""What an engineer reads on the Evaluate page: results tables in plain words and rounded, run
status words that never call a dead run "running", the dry-run estimate as the CLI prints it, and
the bundled sample results that let anyone try the flow without an API key."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from roi.cli import main
from roi.evals.pricing import dry_run_command, estimate, estimate_lines
from roi.evals.results import (
    SAMPLE_RESULTS,
    cascade,
    cascade_table,
    resumable,
    run_labels,
    run_status,
    runs,
    sample_results,
    summarize,
    summary_table,
)
from roi.evals.runner import RunConfig, Runner
from roi.evals.sets import load_eval_set
from roi.store import Store

ROOT = Path(__file__).resolve().parents[3]
LAW_FIRM = ROOT / "data" / "evals" / "law_firm.json"
HAIKU, SONNET = "claude-haiku-4-5", "claude-sonnet-4-5"


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def _row(task="T", model="m", correct=True, **kw) -> dict:
    return {
        "item_id": kw.pop("item_id", "a"),
        "task": task,
        "model": model,
        "status": "ok",
        "answer": "x",
        "correct": correct,
        "confidence": 0.9,
        "latency_s": 0.1 + 0.2,  # 0.30000000000000004
        "ttft_s": 0.1,
        "input_tokens": 100.0,
        "cache_write_tokens": 0.0,
        "cache_read_tokens": 0.0,
        "output_tokens": 5.0,
        "cost_usd": 1e-17,
        "error": "",
        **kw,
    }


def test_summary_table_has_plain_column_names_and_rounded_numbers():
    df = pd.DataFrame([_row(item_id=f"i{i}", correct=i < 2) for i in range(3)])
    table = summary_table(summarize(df))
    assert all("_" not in c for c in table.columns), list(table.columns)
    assert {"Task", "Model", "Items graded", "Right", "Accuracy (%)", "95% interval", "Cost (USD)"} <= set(
        table.columns
    )
    row = table.iloc[0]
    assert row["Accuracy (%)"] == 66.7
    assert row["Cost (USD)"] == 0 and not math.copysign(1, row["Cost (USD)"]) < 0  # not 1e-17, not -0.0
    assert row["Median latency (s)"] == 0.3
    assert row["95% interval"] == "20.8% – 93.9%"
    # every number is rounded: its text has no long tail of digits
    for c in table.columns:
        if pd.api.types.is_float_dtype(table[c]):
            assert all(len(repr(v).split(".")[-1]) <= 6 for v in table[c].dropna()), c


def test_summary_table_without_graded_items_or_latency():
    df = pd.DataFrame([_row(correct=None, latency_s=None, ttft_s=None, status="failed")])
    row = summary_table(summarize(df)).iloc[0]
    assert row["Items graded"] == 0 and row["Failed"] == 1
    assert pd.isna(row["Accuracy (%)"]) and row["95% interval"] == "—"
    assert pd.isna(row["Median latency (s)"])


def test_cascade_table_in_plain_words():
    rows = [_row(item_id=f"i{i}", model="small", correct=i % 3 > 0, confidence=i / 10) for i in range(10)]
    rows += [_row(item_id=f"i{i}", model="large", correct=True) for i in range(10)]
    table = cascade_table(cascade(pd.DataFrame(rows), "T", "small", "large"))
    assert list(table.columns) == ["Escalate below confidence (%)", "Escalated (%)", "Accuracy (%)", "Items"]
    at_50 = table.set_index("Escalate below confidence (%)").loc[50]
    assert at_50["Escalated (%)"] == 50.0 and at_50["Items"] == 10
    assert all(len(repr(v).split(".")[-1]) <= 2 for v in table["Accuracy (%)"])


@pytest.mark.parametrize(
    ("status", "running", "words"),
    [
        ("running", True, "running"),
        ("running", False, "interrupted (resumable)"),
        ("finished", False, "finished"),
        ("cancelled (finished items kept)", False, "cancelled (finished items kept)"),
    ],
)
def test_run_status_is_running_only_when_this_process_runs_it(status, running, words):
    assert run_status(status, running=running) == words


def test_a_run_whose_process_died_is_listed_as_interrupted_and_resumable(store):
    eval_set = load_eval_set(LAW_FIRM)
    dead = Runner(store, eval_set, RunConfig(models=[HAIKU]), api_key="sk-test").open_run(None)
    live = Runner(store, eval_set, RunConfig(models=[HAIKU]), api_key="sk-test").open_run(None)
    failed = Runner(store, eval_set, RunConfig(models=[HAIKU]), api_key="sk-test")
    failed_id = failed.open_run(None)
    failed._finish(failed_id, "finished with 2 failed item(s); resume to retry them")
    done = Runner(store, eval_set, RunConfig(models=[HAIKU]), api_key="sk-test")
    done._finish(done_id := done.open_run(None), "finished")
    labels = run_labels(runs(store), busy=[live])
    assert list(labels) == [done_id, failed_id, live, dead]  # newest first
    assert labels[dead] == f"#{dead} · {eval_set.name} · interrupted (resumable)"
    assert labels[live].endswith(" · running")
    assert labels[done_id].endswith(" · finished")
    # a dead run can be resumed; a run still going here cannot; a run that asks to be resumed can
    assert resumable(store, eval_set.name, busy=[live]) == [failed_id, dead]
    assert done_id not in resumable(store, eval_set.name)


def test_dry_run_estimate_words_are_the_cli_lines(capsys, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    eval_set = load_eval_set(LAW_FIRM)
    for batch in (False, True):
        est = estimate(eval_set, [HAIKU, SONNET], batch=batch)
        argv = ["evaluate", str(LAW_FIRM), "--model", HAIKU, "--model", SONNET, "--dry-run"]
        assert main([*argv, "--batch"] if batch else argv) == 0
        printed = capsys.readouterr().out.splitlines()
        assert estimate_lines(est, len(eval_set.items)) == printed
    command = dry_run_command("data/evals/law_firm.json", [HAIKU, SONNET], batch=True)
    assert command == (
        f"roi evaluate data/evals/law_firm.json --model {HAIKU} --model {SONNET} --batch --dry-run"
    )


def test_bundled_sample_results_cover_the_bundled_eval_set():
    """An engineer without a key can try the whole flow: the sample has every item of the set for
    two models, reads like an export, and its numbers are plausible."""
    df = sample_results()
    eval_set = load_eval_set(LAW_FIRM)
    assert SAMPLE_RESULTS.parent == LAW_FIRM.parent
    assert set(df["model"]) == {HAIKU, SONNET}
    for model in (HAIKU, SONNET):
        ids = df.loc[df["model"] == model, "item_id"]
        assert sorted(ids) == sorted(i.id for i in eval_set.items)
    summary = summarize(df).set_index(["task", "model"])
    assert set(summary.index.get_level_values("task")) == set(eval_set.tasks)
    assert summary["accuracy"].between(0.5, 1.0).all()
    assert (summary["cost_usd"] > 0).all() and (summary["latency_p50_s"] > 0).all()
    # the better model is better, as in the demo scenario's assumptions
    intake = summary.xs("Intake classification", level="task")["accuracy"]
    assert intake[SONNET] > intake[HAIKU]
