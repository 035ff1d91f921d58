from __future__ import annotations

import json
import subprocess
import sys

from roi.cli import main
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
