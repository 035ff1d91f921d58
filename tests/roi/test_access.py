"""Roles are enforced in the service layer, not by hiding buttons: a viewer calling `roi` directly
is refused and nothing changes; each role may do its own work only; every change lands in an
append-only audit log with no secret in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from roi.engine import compute
from roi.report.branding import Branding, save_branding
from roi.scenario import demo_scenario
from roi.store import Store
from roi.store.access import LOCAL, Actor, PermissionDenied, audit_log, record, redact, roles_from_claims
from roi.usage import ingest, list_imports
from roi.usage.allocation import Rule, rules, save_rules
from roi.usage.budgets import Budget, budgets, save_budgets
from roi.usage.ingest import delete_import
from roi.usage.pricing import Alias, set_alias

DATA = Path(__file__).resolve().parents[2] / "data"
VIEWER = Actor("vera@firm.example", frozenset({"viewer"}))
ANALYST = Actor("anna@firm.example", frozenset({"analyst"}))
EDITOR = Actor("ed@firm.example", frozenset({"editor"}))


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    try:
        yield s
    finally:
        s.dispose()


def test_a_viewer_is_refused_by_every_service_and_nothing_changes(store, tmp_path):
    from roi.evals.runner import RunConfig, Runner
    from roi.evals.sets import load_eval_set
    from roi.report import export
    from roi.report.pack import build_pack

    ingest(store, [DATA / "usage" / "generic_requests.csv"])
    store.save_scenario(demo_scenario(), expected_revision=None)
    v = store.as_actor(VIEWER)
    attempts = {
        "save a scenario": lambda: v.save_scenario(demo_scenario().with_name("x"), expected_revision=None),
        "delete a scenario": lambda: v.delete_scenario(demo_scenario().name),
        "import usage": lambda: ingest(v, [DATA / "usage" / "litellm_spendlogs.csv"]),
        "delete an import": lambda: delete_import(v, int(list_imports(store)["id"].iloc[0])),
        "map a model": lambda: set_alias(v, "gpt-internal", Alias("claude-haiku-4-5")),
        "change the chargeback rules": lambda: save_rules(v, [Rule("tag", "a", "M-1")]),
        "change the budgets": lambda: save_budgets(v, [Budget("total", "", 10.0)]),
        "change the settings": lambda: save_branding(v, Branding(firm_name="Hijacked")),
        "export usage": lambda: build_pack(v, "2026-10"),
        "export a report": lambda: export(v, compute(demo_scenario()), "csv"),
        "read the audit log": lambda: audit_log(v),
        "start a sample run": lambda: Runner(
            v, load_eval_set(DATA / "evals" / "law_firm.json"), RunConfig(["claude-haiku-4-5"]), api_key="k"
        ).open_run(None),
    }
    before = len(audit_log(store))
    for words, attempt in attempts.items():
        with pytest.raises(PermissionDenied, match=f"vera@firm.example \\(viewer\\) may not {words}"):
            attempt()
    assert [s.name for s in store.list_scenarios()] == [demo_scenario().name]
    assert len(list_imports(store)) == 1 and rules(store) == [] and budgets(store) == []
    assert len(audit_log(store)) == before  # a refusal changes nothing, so records nothing


def test_each_role_does_its_own_work_only(store):
    analyst, editor = store.as_actor(ANALYST), store.as_actor(EDITOR)
    ingest(analyst, [DATA / "usage" / "generic_requests.csv"])  # analysts import
    save_rules(analyst, [Rule("tag", "intake", "M-1")])
    with pytest.raises(PermissionDenied):
        analyst.save_scenario(demo_scenario(), expected_revision=None)
    assert editor.save_scenario(demo_scenario(), expected_revision=None) == 1  # editors save
    with pytest.raises(PermissionDenied):
        ingest(editor, [DATA / "usage" / "litellm_spendlogs.csv"])
    with pytest.raises(PermissionDenied):
        audit_log(editor)  # only admins read the record
    done = [(e.user, e.action) for e in audit_log(store)]
    assert done == [
        ("ed@firm.example", "save_scenario"),
        ("anna@firm.example", "edit_rules"),
        ("anna@firm.example", "import"),
    ]
    assert LOCAL.may("settings")  # the laptop and the CLI own everything


def test_the_audit_log_is_append_only_and_keeps_no_secret(store):
    secret = "postgresql+psycopg://roi:hunter2pass@db.internal/litellm key sk-ant-api03-ABCdef123 " + (
        "https://hooks.slack.com/services/T0/B0/tok3n"
    )
    record(store, LOCAL, "import", secret)
    (entry,) = audit_log(store)
    assert entry.user == "local" and entry.workspace == "default" and entry.action == "import"
    for s in ("hunter2pass", "sk-ant-api03-ABCdef123", "tok3n"):
        assert s not in entry.detail
    assert "db.internal/litellm" in entry.detail  # what was read stays readable
    for sql in ("UPDATE audit_log SET detail = 'nothing happened'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert len(audit_log(store)) == 1


def test_roles_come_from_the_identity_providers_groups():
    mapping = {"admin": ["roi-admins"], "analyst": ["finance"], "editor": "consultants"}
    assert roles_from_claims({"groups": ["finance", "staff"]}, mapping) == {"analyst"}
    assert roles_from_claims({"groups": ["finance", "consultants"]}, mapping) == {"analyst", "editor"}
    assert roles_from_claims({"groups": "roi-admins"}, mapping) == {"admin"}
    assert roles_from_claims({"email": "x@y"}, mapping) == {"viewer"}  # signed in: may look
    assert roles_from_claims({"roles": ["finance"]}, mapping, claim="roles") == {"analyst"}
    with pytest.raises(Exception, match="“owner” is not a role"):
        roles_from_claims({}, {"owner": ["x"]})


def test_redact_masks_what_looks_like_a_secret():
    assert redact("https://u:p4ss@h/x") == "https://u:***@h/x"
    assert "sk-proj-" not in redact("key sk-proj-abcdefghijklmnopqrstuv")
    assert json.loads(json.dumps(redact("plain words stay"))) == "plain words stay"
