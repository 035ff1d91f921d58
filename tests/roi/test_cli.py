from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import roi.cli.scenario
import roi.usage
from roi.cli import main
from roi.cli.crash import mask
from roi.engine import compute
from roi.scenario import DEMO_SCENARIO_FILE, demo_scenario

KEYS = {
    "name",
    "month1",
    "savings_pct",
    "mean_latency_s",
    "baseline_mean_latency_s",
    "accuracy",
    "baseline_accuracy",
    "payback_month",
    "roi_pct",
    "cumulative_net_benefit",
    "tasks",
}


def test_scenario_json_matches_engine(capsys):
    assert main(["scenario", str(DEMO_SCENARIO_FILE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == KEYS
    assert set(out["month1"]) == {
        "spend",
        "baseline_spend",
        "error_cost",
        "baseline_error_cost",
        "staff_time_value",
        "net_benefit",
    }
    assert set(out["tasks"][0]) == {
        "name",
        "spend",
        "baseline_spend",
        "mean_latency_s",
        "baseline_latency_s",
        "accuracy",
    }
    assert out == json.loads(json.dumps(compute(demo_scenario()).to_dict()))
    assert len(out["cumulative_net_benefit"]) == demo_scenario().horizon_months


def test_readable_table(capsys):
    assert main(["scenario", str(DEMO_SCENARIO_FILE)]) == 0
    out = capsys.readouterr().out
    assert "Intake classification" in out and "payback month" in out


def test_bad_scenario_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"name": "x", "baseline": {"model": "claude-haiku-4-5"}, "tasks": [{"name": "t", '
        '"requests_per_month": 10, "routing": {"claude-haiku-4-5": 0.5}}]}'
    )
    run = subprocess.run(
        [sys.executable, "-m", "roi.cli", "scenario", str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert 'task "t": routing: shares sum to 0.5' in run.stderr
    assert "Traceback" not in run.stderr
    notjson = tmp_path / "n.json"
    notjson.write_text("name,model\n")
    run = subprocess.run(
        [sys.executable, "-m", "roi.cli", "scenario", str(notjson)], capture_output=True, text=True
    )
    assert run.returncode == 2 and "not valid JSON (line 1" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "roi.cli", "scenario", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "cannot read the file" in run.stderr


def test_save_list_load_roundtrip(tmp_path, capsys):
    assert main(["save", str(DEMO_SCENARIO_FILE)]) == 0
    assert main(["save", str(DEMO_SCENARIO_FILE)]) == 2  # exists: needs --revision
    assert "already exists" in capsys.readouterr().err
    assert main(["save", str(DEMO_SCENARIO_FILE), "--revision", "1"]) == 0
    capsys.readouterr()
    assert main(["scenarios", "--json"]) == 0
    (info,) = json.loads(capsys.readouterr().out)
    assert info["revision"] == 2
    out = tmp_path / "back.json"
    assert main(["load", info["name"], "--out", str(out)]) == 0
    assert json.loads(out.read_text())["tasks"] == demo_scenario().to_dict()["tasks"]


def test_optimize_and_catalog(tmp_path, capsys):
    out = tmp_path / "opt.json"
    assert main(["optimize", str(DEMO_SCENARIO_FILE), "--json", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["infeasible"] == [] and out.exists()
    assert main(["catalog", "--provider", "anthropic", "--search", "haiku", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["model"] == "claude-haiku-4-5" and r["input"] == 1.0 for r in rows)


def _log(tmp_path) -> Path:
    """The bug log under the test's ROI_HOME (tests/conftest.py sets it to tmp_path / "home")."""
    return tmp_path / "home" / "logs" / "roi-cli.log"


def test_a_bug_exits_1_with_a_short_note_and_the_traceback_in_the_log(tmp_path, capsys, monkeypatch):
    def broken(_scenario):
        raise KeyError("month1")

    monkeypatch.setattr(roi.cli.scenario, "compute", broken)
    assert main(["scenario", str(DEMO_SCENARIO_FILE), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith("roi: internal error: KeyError") and "Traceback" not in err
    assert str(_log(tmp_path)) in err and len(err.splitlines()) <= 2 and len(err) < 400
    log = _log(tmp_path).read_text()
    assert "Traceback (most recent call last)" in log and "KeyError: 'month1'" in log
    assert f"$ roi scenario {DEMO_SCENARIO_FILE} --json" in log
    assert re.search(r"^=== \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", log, re.M)
    assert main(["scenario", str(DEMO_SCENARIO_FILE)]) == 1  # a second bug is appended, not overwritten
    assert _log(tmp_path).read_text().count("Traceback") == 2


def test_a_roi_error_exits_2_with_one_line_and_no_log(tmp_path, capsys):
    assert main(["load", "No such scenario"]) == 2
    err = capsys.readouterr().err
    assert err == 'roi: error: no saved scenario named "No such scenario"\n'
    assert not _log(tmp_path).exists()


def test_secrets_never_reach_the_log_or_stderr(tmp_path, capsys, monkeypatch):
    key = "sk-ant-api03-do-not-log-this-key"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)

    def leaky(_store, paths, **_kw):
        raise RuntimeError(f"could not use key {key} for {paths[0]}")

    monkeypatch.setattr(roi.usage, "ingest", leaky)
    url = "postgresql://gateway:hunter2-pa@ss@litellm-db:5432/litellm"
    assert main(["ingest", url]) == 1
    err = capsys.readouterr().err
    log = _log(tmp_path).read_text()
    for text in (err, log):
        assert key not in text and "hunter2" not in text and "pa@ss" not in text
    assert "postgresql://gateway:***@litellm-db:5432/litellm" in log  # the command line, masked
    assert "could not use key *** for postgresql://gateway:***@litellm-db" in log


def test_masking_covers_the_database_url_password_anywhere(monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", "postgresql+psycopg://roi:Tr0ub4dor@db.internal/roi")
    text = "connect(password='Tr0ub4dor') to mysql://app:other-secret@h/x and sqlite:///a.db"
    assert mask(text) == "connect(password='***') to mysql://app:***@h/x and sqlite:///a.db"


def test_an_unreachable_database_is_the_users_to_fix(capsys, monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", "postgresql+psycopg://roi:s3cret-pw@127.0.0.1:1/roi")
    assert main(["scenarios"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("roi: error: cannot open the database postgresql+psycopg://roi:***@127.0.0.1:1/roi")
    assert "s3cret-pw" not in err and err.count("\n") == 1


def test_a_scenario_without_tasks_is_refused(tmp_path, capsys):
    blank = tmp_path / "blank.json"
    blank.write_text(json.dumps({"name": "Blank", "baseline": {"model": "claude-haiku-4-5"}, "tasks": []}))
    for command in ("scenario", "optimize"):
        assert main([command, str(blank)]) == 2
        err = capsys.readouterr().err
        assert "no tasks: nothing to evaluate" in err and err.count("\n") == 1
    assert main(["save", str(blank)]) == 0  # a blank scenario is still a valid document


def test_out_into_a_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "opt.json"
    assert main(["optimize", str(DEMO_SCENARIO_FILE), "--out", str(out), "--json"]) == 2
    err = capsys.readouterr().err
    assert err == f"roi: error: {out}: cannot write the file (No such file or directory)\n"
    assert main(["save", str(DEMO_SCENARIO_FILE)]) == 0
    capsys.readouterr()
    assert main(["load", demo_scenario().name, "--out", str(out)]) == 2
    assert "cannot write the file (No such file or directory)" in capsys.readouterr().err
    assert not _log(tmp_path).exists()


def test_bad_catalog_date_is_a_user_error(capsys):
    assert main(["catalog", "--as-of", "March 2026"]) == 2
    assert "--as-of 'March 2026': expected a date YYYY-MM-DD" in capsys.readouterr().err
