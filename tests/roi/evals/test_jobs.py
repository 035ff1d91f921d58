"""Sample runs owned by the server process (roi.evals.jobs) and which runs can be resumed.

Runs go through the real anthropic SDK to the local fake server. The fake's answers wait behind a
gate the test opens, so "still running" is a fact of the test, not a race against a sleep.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from roi.errors import EvalRunError
from roi.evals.jobs import Jobs
from roi.evals.results import results, resumable, runs
from roi.evals.runner import RunConfig
from roi.evals.sets import parse_eval_set
from roi.store import Store
from roi.store.models import EvalRun

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/, so that `fakes` is importable
from fakes.fake_anthropic import FakeAnthropic  # noqa: E402

HAIKU, SONNET = "claude-haiku-4-5", "claude-sonnet-4-5"
KEY = "sk-test-not-a-real-key"
N = 6
WAIT_S = 20  # generous: a run of N items against the local fake takes well under a second


def eval_set(judge: str | None = None):
    tasks = {"Intake": {"prompt": "Classify:\n{input}", "max_tokens": 20, "grader": {"type": "label"}}}
    items = [{"id": f"c{i}", "task": "Intake", "input": f"case {i}", "expected": "tax"} for i in range(N)]
    if judge:
        tasks["Summaries"] = {"prompt": "Summarize:\n{input}", "grader": {"type": "judge", "model": judge}}
        items.append({"id": "s0", "task": "Summaries", "input": "memo", "expected": "a memo"})
    return parse_eval_set({"name": "jobs set", "tasks": tasks, "items": items})


class Gate:
    """The fake's answer function: records that a request arrived, then waits until opened."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.opened = threading.Event()

    def answer(self, model: str, system: str, user: str) -> str:
        self.asked.set()
        self.opened.wait(WAIT_S)  # never hangs a broken test for longer than this
        return "tax\nconfidence: 90"

    def open(self) -> None:
        self.opened.set()


@pytest.fixture
def gate():
    g = Gate()
    yield g
    g.open()  # let blocked server threads finish before the fake stops


@pytest.fixture
def fake(gate):
    with FakeAnthropic(latency_s=0.0, answer=gate.answer) as f:
        yield f
        gate.open()


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def config(fake, **over) -> RunConfig:
    return RunConfig(**({"models": [HAIKU], "base_url": fake.base_url, "concurrency": 2} | over))


def status(store, run_id: int) -> str:
    r = runs(store)
    return r.loc[r["id"] == run_id, "status"].item()


def test_start_returns_a_run_id_at_once_and_the_run_finishes_in_the_background(store, fake, gate):
    jobs = Jobs()
    run_id = jobs.start(store, eval_set(), config(fake), api_key=KEY)
    job = jobs.get(run_id)
    # start has returned, yet no answer can have been given: the gate is still shut
    assert job.running and job.outcome == "running" and jobs.running() == [run_id]
    assert status(store, run_id) == "running"  # the run is recorded before it runs
    assert gate.asked.wait(WAIT_S)
    assert results(store, run_id).empty
    gate.open()
    assert job.done.wait(WAIT_S)
    assert not job.running and jobs.running() == []
    assert (job.error, job.outcome) == (None, "finished")
    assert (job.progress.done, job.progress.total, job.progress.failed) == (N, N, 0)
    assert job.progress.spend > 0
    df = results(store, run_id)
    assert len(df) == N and (df["status"] == "ok").all() and df["correct"].astype(bool).all()
    assert status(store, run_id) == "finished"


def test_a_second_start_of_a_running_run_returns_its_id_without_starting_another(store, fake, gate):
    """Another tab pressing Resume on a run that is still going must not send every item twice."""
    jobs = Jobs()
    run_id = jobs.start(store, eval_set(), config(fake), api_key=KEY)
    job = jobs.get(run_id)
    assert gate.asked.wait(WAIT_S)
    assert jobs.start(store, eval_set(), config(fake), api_key=KEY, run_id=run_id) == run_id
    assert jobs.get(run_id) is job and jobs.running() == [run_id]
    assert len(runs(store)) == 1
    gate.open()
    assert job.done.wait(WAIT_S) and job.outcome == "finished"
    assert fake.count(path="/v1/messages") == N  # each item asked once
    assert len(results(store, run_id)) == N


@pytest.mark.parametrize(
    ("models", "judge", "api_key", "message"),
    [
        ([HAIKU, "claude-nope-1"], None, KEY, "model 'claude-nope-1' is not in the price catalog"),
        ([HAIKU], "claude-nope-judge", KEY, "model 'claude-nope-judge' is not in the price catalog"),
        ([HAIKU], None, "", "no API key"),
    ],
    ids=["unpriced-model", "unpriced-judge", "no-key"],
)
def test_a_run_that_cannot_be_priced_or_sent_is_refused_at_start(
    store, fake, models, judge, api_key, message
):
    """Refused before anything is recorded or sent: no stray "running" run is left to resume."""
    jobs = Jobs()
    with pytest.raises(EvalRunError, match=message):
        jobs.start(store, eval_set(judge), config(fake, models=models), api_key=api_key)
    assert runs(store).empty
    assert jobs.running() == []
    assert fake.requests == []


def test_cancel_keeps_finished_items_and_the_run_can_be_resumed(store, fake, gate):
    jobs = Jobs()
    s = eval_set()
    run_id = jobs.start(store, s, config(fake, concurrency=1), api_key=KEY)
    job = jobs.get(run_id)
    assert gate.asked.wait(WAIT_S)  # the first item is in flight
    job.cancel()
    gate.open()
    assert job.done.wait(WAIT_S)
    assert job.error is None and job.outcome == "cancelled (finished items kept)"
    assert job.progress.done == 1 and len(results(store, run_id)) == 1  # the item in flight was kept
    assert resumable(store, s.name) == [run_id]
    # resuming the cancelled run answers only what is left
    assert jobs.start(store, s, config(fake), api_key=KEY, run_id=run_id) == run_id
    resumed = jobs.get(run_id)
    assert resumed is not job and resumed.done.wait(WAIT_S)
    assert resumed.outcome == "finished" and resumed.progress.done == N
    assert fake.count(path="/v1/messages") == N
    assert resumable(store, s.name) == []


def test_resuming_a_run_whose_model_left_the_catalog_is_refused_at_start(store, fake):
    """Refused before anything runs or is written: the run keeps its status, no request is sent."""
    s = eval_set()
    status = "stopped at the spend cap ($0.01)"
    with store.engine.begin() as conn:
        run_id = conn.execute(
            insert(EvalRun).values(
                set_name=s.name,
                set_fingerprint=s.fingerprint,
                models=json.dumps(["claude-retired-1"]),
                status=status,
            )
        ).inserted_primary_key[0]
    jobs = Jobs()
    with pytest.raises(EvalRunError, match="model 'claude-retired-1' is not in the price catalog"):
        jobs.start(store, s, config(fake), api_key=KEY, run_id=run_id)
    assert jobs.get(run_id) is None and jobs.running() == []
    with store.engine.connect() as conn:
        assert conn.execute(select(EvalRun.status).where(EvalRun.id == run_id)).scalar() == status
    assert fake.requests == []


def test_resuming_a_run_of_another_version_of_the_set_is_refused_at_start(store, fake, gate):
    jobs = Jobs()
    run_id = jobs.start(store, eval_set(), config(fake), api_key=KEY)
    gate.open()
    assert jobs.get(run_id).done.wait(WAIT_S)
    with pytest.raises(EvalRunError, match=f"run {run_id} was made with a different version of the eval set"):
        jobs.start(store, eval_set(judge=SONNET), config(fake), api_key=KEY, run_id=run_id)
    assert jobs.running() == []


# --- resumable: which runs the Evaluate page offers to resume --------------------------------------


def add_runs(store, *rows: tuple[str, str]) -> list[int]:
    """(set name, status) per run, oldest first; returns their ids."""
    ids = []
    with store.engine.begin() as conn:
        for set_name, st in rows:
            values = {"set_name": set_name, "set_fingerprint": "f", "models": "[]", "status": st}
            ids.append(conn.execute(insert(EvalRun).values(**values)).inserted_primary_key[0])
    return ids


def test_resumable_lists_unfinished_runs_of_the_set_newest_first(store):
    capped, done, other, cancelled, batch_done, killed = ids = add_runs(
        store,
        ("A", "stopped at the spend cap ($1.00)"),
        ("A", "finished"),
        ("B", "cancelled (finished items kept)"),  # another eval set
        ("A", "cancelled (batch still processing; resume to collect it)"),
        ("A", "finished (batch: half price, no latency measured)"),
        ("A", "running"),  # the process running it was killed
    )
    assert resumable(store, "A") == [killed, cancelled, capped]
    assert not {done, batch_done} & set(resumable(store, "A")) and len(ids) == 6  # finished: not resumable
    assert resumable(store, "B") == [other]
    assert resumable(store, "C") == []


def test_resumable_leaves_out_runs_still_running_in_this_process(store):
    first, second, third = add_runs(store, ("A", "running"), ("A", "running"), ("A", "cancelled"))
    assert resumable(store, "A", busy=[second]) == [third, first]
    assert resumable(store, "A", busy=(first, second, third)) == []


def test_a_run_finished_with_failed_items_can_be_resumed(store):
    """Its status tells people to resume it to retry them, so the page must offer it."""
    (run_id,) = add_runs(store, ("A", "finished with 2 failed item(s); resume to retry them"))
    assert resumable(store, "A") == [run_id]
