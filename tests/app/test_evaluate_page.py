"""The Evaluate page through AppTest: an engineer with or without an API key, a run whose process
died, the dry-run estimate, and a scenario whose tasks are not named like the eval set's."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from roi.cli import main
from roi.evals.results import RESULT_COLUMNS, apply_to_scenario, from_csv, summarize, to_csv
from roi.evals.runner import RunConfig, Runner
from roi.evals.sets import load_eval_set
from roi.scenario import demo_scenario
from roi.store import open_store
from roi.ui.state import SCENARIO_KEY, WATCHED_RUN_KEY, widget_key
from tests.app.helpers import button, page

ROOT = Path(__file__).resolve().parents[2]
LAW_FIRM = ROOT / "data" / "evals" / "law_firm.json"
HAIKU, SONNET = "claude-haiku-4-5", "claude-sonnet-4-5"
SAMPLE_TOGGLE = "Use the sample results (illustrative, no key needed)"
USE = "Use these results in the scenario"
NO_EVAL_DATA = "— no eval data yet —"


def toggle(at: AppTest, label: str):
    found = [t for t in at.toggle if t.label == label]
    assert len(found) == 1, [t.label for t in at.toggle]
    return found[0]


def banner(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def without_key(monkeypatch) -> None:
    """As on an engineer's laptop without an API key."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def test_evaluate_page_without_a_key_uses_imported_results(monkeypatch):
    without_key(monkeypatch)
    at = page("evaluate").run()
    assert not at.exception
    assert any("No API key" in w.value for w in at.warning)
    # a team without a key imports another team's results and uses them in the scenario
    rows = [
        {
            "item_id": f"i{i}",
            "task": "Intake classification",
            "model": HAIKU,
            "status": "ok",
            "answer": "tax",
            "correct": i < 18,
            "confidence": 0.9,
            "latency_s": 0.8,
            "ttft_s": 0.3,
            "input_tokens": 900,
            "cache_write_tokens": 0,
            "cache_read_tokens": 0,
            "output_tokens": 5,
            "cost_usd": 0.001,
            "error": "",
        }
        for i in range(20)
    ]
    csv = to_csv(pd.DataFrame(rows, columns=RESULT_COLUMNS))
    s, _ = apply_to_scenario(demo_scenario(), summarize(from_csv(csv.encode())), run="imported")
    intake = next(t for t in s.tasks if t.name == "Intake classification")
    assert intake.accuracy[HAIKU] == pytest.approx(0.9)
    assert intake.provenance.of_accuracy(HAIKU).n == 20


def test_evaluate_page_runs_a_sample_run_and_uses_the_results(monkeypatch):
    sys.path.insert(0, str(ROOT / "tests"))
    from fakes.fake_anthropic import FakeAnthropic

    def answer(model, system, user):
        return "PASS" if system.startswith("You grade") else "tax\nconfidence: 80"

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-app")
    with FakeAnthropic(answer=answer) as fake:
        at = page("evaluate").run()
        at.text_input(key=widget_key("eval_base")).set_value(fake.base_url).run()
        button(at, "Start sample run").click().run()
        deadline = time.time() + 60
        while at.session_state[WATCHED_RUN_KEY] is not None and time.time() < deadline:
            time.sleep(0.2)
            at.run()
        assert not at.exception
        assert any("finished" in s.value for s in at.success), [s.value for s in at.success]
        assert len(at.get("plotly_chart")) >= 2
        button(at, USE).click().run()
    s = at.session_state[SCENARIO_KEY]
    intake = next(t for t in s.tasks if t.name == "Intake classification")
    # the fake always answers "tax": 8 of the 64 intake documents are tax
    assert intake.accuracy[HAIKU] == pytest.approx(8 / 64)
    assert intake.provenance.of_accuracy(HAIKU).n == 64
    assert "sk-test-app" not in s.to_json()
    overview = page("overview")
    overview.session_state[SCENARIO_KEY] = s
    overview.run()
    assert "Measured by sample runs: 4 accuracies; every other number is an assumption." in banner(overview)


def test_without_a_key_the_page_says_how_to_try_the_whole_flow_and_it_works(monkeypatch):
    without_key(monkeypatch)
    at = page("evaluate").run()
    warning = " ".join(w.value for w in at.warning)
    # the instructions name the controls that exist on the page
    assert SAMPLE_TOGGLE in warning and USE in warning and "Task mix" in warning and "Overview" in warning
    assert any(d.label == "Download the sample CSV" for d in at.get("download_button"))
    toggle(at, SAMPLE_TOGGLE).set_value(True).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 2
    button(at, USE).click().run()
    assert not at.exception
    s = at.session_state[SCENARIO_KEY]
    assert s.measured_accuracies() == 0 and s.illustrative  # invented results are never "measured"
    intake = next(t for t in s.tasks if t.name == "Intake classification")
    p = intake.provenance.of_accuracy(HAIKU)
    assert p.kind == "assumed" and p.n == 64 and "illustrative" in p.describe()
    overview = page("overview")
    overview.session_state[SCENARIO_KEY] = s
    overview.run()
    assert "every number is an assumption, not a measurement" in banner(overview)


def test_result_tables_have_plain_column_names_and_rounded_numbers(monkeypatch):
    without_key(monkeypatch)
    at = page("evaluate").run()
    toggle(at, SAMPLE_TOGGLE).set_value(True).run()
    at.selectbox(key=widget_key("casc_task")).set_value("Intake classification").run()  # has confidences
    tables = [d.value for d in at.dataframe]
    assert len(tables) >= 2  # the summary and the cascade
    for table in tables:
        assert not [c for c in table.columns if "_" in str(c)], list(table.columns)
        for c in table.columns:
            if pd.api.types.is_float_dtype(table[c]):
                tails = [len(repr(float(v)).split(".")[-1]) for v in table[c].dropna()]
                assert max(tails, default=0) <= 6, (c, table[c].tolist())
    assert "Accuracy (%)" in tables[0].columns and "Model" in tables[0].columns


def test_dry_run_estimate_is_explicit_and_matches_the_cli(monkeypatch, capsys):
    without_key(monkeypatch)
    at = page("evaluate").run()
    argv = ["evaluate", str(LAW_FIRM), "--model", HAIKU, "--model", SONNET, "--dry-run"]
    assert main(argv) == 0
    cli = capsys.readouterr().out.strip()
    assert [c.value for c in at.code] == [cli]
    words = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Dry-run estimate" in words and "nothing is sent" in words
    assert f"roi evaluate data/evals/law_firm.json --model {HAIKU} --model {SONNET} --dry-run" in words
    # batch mode: half price, and the CLI with --batch says the same
    at.toggle(key=widget_key("eval_batch")).set_value(True).run()
    assert main([*argv, "--batch"]) == 0
    assert [c.value for c in at.code] == [capsys.readouterr().out.strip()]


def test_a_run_whose_process_died_is_shown_as_interrupted(monkeypatch):
    store = open_store()
    eval_set = load_eval_set(LAW_FIRM)
    dead = Runner(store, eval_set, RunConfig(models=[HAIKU]), api_key="sk-test").open_run(None)
    store.dispose()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-app")
    at = page("evaluate").run()
    assert not at.exception
    shown = at.selectbox(key=widget_key("eval_run")).options
    assert shown == [f"#{dead} · {eval_set.name} · interrupted (resumable)"]
    resume = at.selectbox(key=widget_key("eval_resume")).options
    assert resume == shown


def test_scenario_tasks_are_prefilled_and_can_be_mapped_to_eval_tasks(monkeypatch):
    """A workload from usage logs names its tasks after tags: the page preselects the eval tasks
    that match, says which scenario tasks have no eval data, and maps results onto them."""
    without_key(monkeypatch)
    renamed = {"Intake classification": "intake", "Basic summaries": "Client letters"}
    s = demo_scenario()
    s = s.with_tasks([dataclasses.replace(t, name=renamed.get(t.name, t.name)) for t in s.tasks])
    at = page("evaluate")
    at.session_state[SCENARIO_KEY] = s
    at.run()
    assert not at.exception
    run_tasks = [m for m in at.multiselect if m.label == "Eval tasks in this run"]
    assert [m.value for m in run_tasks] == [["Intake classification"]]
    assert any("78 items" not in c.value and "64 items" in c.value for c in at.code)  # the estimate follows
    toggle(at, SAMPLE_TOGGLE).set_value(True).run()
    mapping = {sb.label: sb for sb in at.selectbox if sb.key and sb.key.startswith(widget_key("eval_map:"))}
    assert set(mapping) == {t.name for t in s.tasks}
    assert mapping["intake"].value == "Intake classification"
    assert mapping["Client letters"].value == NO_EVAL_DATA
    words = " ".join(c.value for c in at.caption)
    assert "No eval data yet" in words and "Client letters" in words and "Email triage" in words
    mapping["Client letters"].set_value("Basic summaries").run()
    button(at, USE).click().run()
    assert not at.exception
    new = {t.name: t for t in at.session_state[SCENARIO_KEY].tasks}
    assert new["intake"].provenance.of_accuracy(HAIKU).n == 64
    assert new["Client letters"].provenance.of_accuracy(SONNET).n == 14
    assert (new["Email triage"].provenance.of_accuracy(HAIKU) or demo_scenario().assumed()).kind == "assumed"
