"""Sample runs through the real anthropic SDK against a local fake Anthropic server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from roi.cli import main
from roi.evals.pricing import estimate
from roi.evals.results import (
    apply_to_scenario,
    cascade,
    from_csv,
    payback_at_interval_ends,
    results,
    summarize,
    summary_json,
    to_csv,
)
from roi.evals.runner import RunConfig, Runner, run_sync
from roi.evals.sets import parse_eval_set
from roi.evals.stats import wilson
from roi.scenario import demo_scenario
from roi.store import Store
from roi.store.models import EvalResult

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/, so that `fakes` is importable
from fakes.fake_anthropic import FakeAnthropic  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
HAIKU, SONNET = "claude-haiku-4-5", "claude-sonnet-4-5"
N = 20


def eval_doc() -> dict:
    items = [
        {
            "id": f"c{i:02d}",
            "task": "Intake classification",
            "input": f"case {i}; truth={'tax' if i % 2 else 'litigation'}",
            "expected": "tax" if i % 2 else "litigation",
        }
        for i in range(N)
    ]
    items += [
        {"id": f"s{i}", "task": "Basic summaries", "input": f"memo {i}", "expected": f"summary {i}"}
        for i in range(4)
    ]
    return {
        "name": "unit set",
        "tasks": {
            "Intake classification": {
                "prompt": "Classify:\n{input}",
                "max_tokens": 20,
                "grader": {"type": "label", "labels": ["tax", "litigation"]},
            },
            "Basic summaries": {
                "prompt": "Summarize:\n{input}",
                "max_tokens": 100,
                "grader": {"type": "judge", "model": SONNET, "rubric": "States the memo number."},
            },
        },
        "items": items,
    }


def answer(model: str, system: str, user: str) -> str:
    """Haiku gets every case whose number is a multiple of 5 wrong (4 of 20) and is unsure there."""
    if system.startswith("You grade"):
        return "PASS" if "memo 3" not in user else "FAIL"
    if m := re.search(r"case (\d+); truth=(\w+)", user):
        i, truth = int(m.group(1)), m.group(2)
        if model == HAIKU and i % 5 == 0:
            return "employment\nconfidence: 40"
        return f"{truth.upper()}.\nconfidence: 90"
    return "A short summary of the memo."


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


@pytest.fixture
def fake():
    with FakeAnthropic(latency_s=0.01, answer=answer) as f:
        yield f


def run(store, fake, **cfg) -> tuple[Runner, int]:
    config = RunConfig(
        models=cfg.pop("models", [HAIKU, SONNET]), base_url=fake.base_url, concurrency=4, **cfg
    )
    runner = Runner(store, parse_eval_set(eval_doc()), config, api_key="sk-test-not-a-real-key")
    return runner, run_sync(runner)


def test_accuracy_interval_latency_tokens_and_cost(store, fake):
    runner, run_id = run(store, fake)
    assert runner.status == "finished"
    df = results(store, run_id)
    assert len(df) == (N + 4) * 2 and (df["status"] == "ok").all()
    doc = summary_json(df)
    haiku = doc[HAIKU]["Intake classification"]
    assert (haiku["n"], haiku["correct"], haiku["failed"]) == (20, 16, 0)
    assert haiku["accuracy"] == pytest.approx(0.8)
    assert (haiku["ci_low"], haiku["ci_high"]) == pytest.approx(wilson(16, 20))
    assert wilson(16, 20) == pytest.approx((0.5840, 0.9193), abs=1e-4)  # 95% Wilson, worked by hand
    assert doc[SONNET]["Intake classification"]["accuracy"] == 1.0
    assert haiku["latency_p50_s"] >= 0.01 and haiku["ttft_p50_s"] is not None
    assert haiku["input_tokens_mean"] > 0 and haiku["output_tokens_mean"] > 0
    assert haiku["cost_usd"] > 0
    # judge grading: memo 3 fails
    assert doc[HAIKU]["Basic summaries"]["correct"] == 3
    assert not any("sk-test" in str(v) for v in df.to_numpy().ravel())


def test_rate_limits_overload_and_dropped_streams_are_retried(store, fake):
    fake.fail_next(status=429, count=3, retry_after=0.05)
    fake.fail_next(status=529, count=2, retry_after=0.05)
    fake.drop_next(count=2)
    runner, run_id = run(store, fake, models=[HAIKU])
    df = results(store, run_id)
    assert (df["status"] == "ok").all(), df[df["status"] != "ok"]["error"].tolist()
    assert fake.count(status=429) == 3 and fake.count(status=529) == 2
    with store.engine.connect() as conn:
        assert conn.execute(select(func.max(EvalResult.attempts))).scalar() >= 2


def test_spend_cap_stops_cleanly_and_resume_finishes_without_repeats(store, fake):
    runner, run_id = run(store, fake, models=[HAIKU], max_spend=0.0005)
    assert runner.status.startswith("stopped at the spend cap")
    first = results(store, run_id)
    assert 0 < len(first) < N + 4
    sent_before = fake.count(path="/v1/messages", status=200)
    again = Runner(
        store,
        parse_eval_set(eval_doc()),
        RunConfig(models=[], base_url=fake.base_url),
        api_key="sk-test-not-a-real-key",
    )
    run_sync(again, run_id)
    done = results(store, run_id)
    assert len(done) == N + 4 and (done["status"] == "ok").all()
    # every item was answered exactly once (judge calls are extra requests for the 4 summaries)
    answered = fake.count(path="/v1/messages", status=200) - sent_before
    assert answered == (N + 4 - len(first)) + (4 - int((first["task"] == "Basic summaries").sum()))


def test_resume_after_the_process_is_killed(tmp_path, fake):
    fake.latency_s = 0.15
    set_file = tmp_path / "set.json"
    set_file.write_text(json.dumps(eval_doc()))
    env = dict(os.environ, ROI_DATABASE_URL=f"sqlite:///{tmp_path / 'roi.db'}", ANTHROPIC_API_KEY="sk-test-x")
    cmd = [
        sys.executable,
        "-m",
        "roi.cli",
        "evaluate",
        str(set_file),
        "--model",
        HAIKU,
        "--concurrency",
        "2",
        "--base-url",
        fake.base_url,
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = Store(env["ROI_DATABASE_URL"])
    deadline = time.time() + 30
    while time.time() < deadline:
        with store.engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(EvalResult)).scalar() >= 4:
                break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    partial = results(store, 1)
    assert 4 <= len(partial) < N + 4
    fake.latency_s = 0.0
    out = subprocess.run(
        [*cmd[:5], "--run", "1", "--base-url", fake.base_url, "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    doc = json.loads(out)
    assert doc["run"] == 1 and doc["status"] == "finished"
    assert doc["models"][HAIKU]["Intake classification"]["n"] == N
    assert set(doc["models"][HAIKU]["Intake classification"]) >= {
        "n",
        "correct",
        "accuracy",
        "ci_low",
        "ci_high",
        "latency_p50_s",
        "latency_p95_s",
        "ttft_p50_s",
        "input_tokens_mean",
        "output_tokens_mean",
        "cost_usd",
        "failed",
    }
    full = results(store, 1)
    assert len(full) == N + 4 and not full.duplicated(["item_id", "model"]).any()
    # items finished before the kill were not sent again
    kept = partial[partial["status"] == "ok"]
    assert (
        full.set_index("item_id").loc[kept["item_id"], "answer"].to_numpy() == kept["answer"].to_numpy()
    ).all()
    store.dispose()


def test_batch_mode_is_half_price_without_latency(store, fake):
    runner, run_id = run(store, fake, models=[HAIKU], batch=True)
    df = results(store, run_id)
    assert (df["status"] == "ok").all() and df["latency_s"].isna().all()
    assert "no latency measured" in runner.status
    _, streamed_id = run(store, fake, models=[HAIKU])
    a = results(store, run_id).set_index("item_id")
    b = results(store, streamed_id).set_index("item_id")
    intake = [i for i in a.index if i.startswith("c")]
    assert a.loc[intake, "cost_usd"].sum() == pytest.approx(b.loc[intake, "cost_usd"].sum() / 2, rel=0.05)


def test_no_key_and_a_dry_run_estimate(store, capsys, monkeypatch):
    with pytest.raises(Exception, match="no API key"):
        Runner(store, parse_eval_set(eval_doc()), RunConfig(models=[HAIKU]), api_key="")
    est = estimate(parse_eval_set(eval_doc()), [HAIKU, SONNET])
    assert 0 < est[HAIKU] < est[SONNET]
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert (
        main(["evaluate", str(ROOT / "data" / "evals" / "law_firm.json"), "--model", HAIKU, "--dry-run"]) == 0
    )
    assert "up to" in capsys.readouterr().out
    assert main(["evaluate", str(ROOT / "data" / "evals" / "law_firm.json"), "--model", HAIKU]) == 2
    assert "no API key" in capsys.readouterr().err


def test_cascade_csv_roundtrip_and_scenario(store, fake):
    _, run_id = run(store, fake)
    df = results(store, run_id)
    table = cascade(df, "Intake classification", HAIKU, SONNET).set_index("threshold")
    assert table.loc[0, "escalation_rate"] == 0 and table.loc[0, "accuracy"] == pytest.approx(0.8)
    # escalating Haiku's answers below 50% confidence sends exactly its 4 wrong ones to Sonnet
    assert table.loc[50, "escalation_rate"] == pytest.approx(0.2) and table.loc[50, "accuracy"] == 1.0
    df.loc[0, "answer"] = '=HYPERLINK("x")'
    back = from_csv(to_csv(df).encode())
    assert back.loc[0, "answer"].startswith("'=")
    assert summarize(back)[["n", "correct"]].equals(summarize(df)[["n", "correct"]])
    s, unmatched = apply_to_scenario(demo_scenario(), summarize(df), run=f"run {run_id}")
    t = next(t for t in s.tasks if t.name == "Intake classification")
    assert t.accuracy[HAIKU] == pytest.approx(0.8)
    p = t.provenance.of_accuracy(HAIKU)
    assert p.measured and (p.n, p.correct) == (20, 16) and p.interval == pytest.approx(wilson(16, 20))
    # the scenario file keeps its dotted keys
    assert s.to_dict()["provenance"][f"tasks.Intake classification.accuracy.{HAIKU}"]["n"] == 20
    ends = payback_at_interval_ends(s)
    assert set(ends) == {"low", "high"}
    assert unmatched == []


def test_results_csv_with_blank_errors_and_bad_values():
    from roi.errors import ResultsError

    csv = (
        "item_id,task,model,status,answer,correct,confidence,latency_s,ttft_s,input_tokens,cache_write_tokens,"
        "cache_read_tokens,output_tokens,cost_usd,error\n"
        "a,T,m,ok,tax,true,0.9,1.0,0.2,100,0,0,5,0.001,\n"
        "b,T,m,ok,=1+1,false,,,,100,0,0,5,0.001,\n"
    )
    df = from_csv(csv.encode())
    assert summarize(df)[["n", "correct"]].iloc[0].tolist() == [2, 1]
    assert to_csv(df).splitlines()[2].split(",")[4] == "'=1+1"
    with pytest.raises(ResultsError, match="row 3, column “correct”: expected true or false, got “maybe”"):
        from_csv(csv.replace("false", "maybe").encode())
