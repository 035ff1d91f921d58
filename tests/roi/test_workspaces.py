"""Workspaces keep a client's data apart: each has a database (SQLite) or schema (PostgreSQL) of its
own, a user opens only those they are a member of, and upgrading a store made by the release before
workspaces puts everything it held into the default workspace, losing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import MetaData, create_engine, insert, select, text

from roi.evals.results import runs
from roi.report.branding import Branding, load_branding, save_branding
from roi.scenario import demo_scenario
from roi.store import Store
from roi.store import workspaces as ws
from roi.store.access import LOCAL, Actor, PermissionDenied, audit_log
from roi.usage import ingest, list_imports, priced_store
from roi.usage.allocation import Rule, rules, save_rules
from roi.usage.budgets import Budget, budgets, save_budgets
from roi.usage.pricing import Alias, aliases, set_alias

DATA = Path(__file__).resolve().parents[2] / "data"
RELEASE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0.1"
ACME_TEAM = Actor("ann@firm.example", frozenset({"editor", "analyst"}), groups=frozenset({"acme-team"}))
GLOBEX = Actor("gus@globex.example", frozenset({"editor", "analyst"}))


@pytest.fixture
def main(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def _fill(store: Store, firm: str) -> None:
    """One of everything a workspace keeps."""
    store.save_scenario(demo_scenario().with_name(f"{firm} plan"), expected_revision=None)
    ingest(store, [DATA / "usage" / "generic_requests.csv", DATA / "usage" / "anthropic_console_usage.csv"])
    set_alias(store, f"{firm}-model", Alias("claude-haiku-4-5"))
    save_rules(store, [Rule("tag", f"{firm}-tag", "M-1", firm)])
    save_budgets(store, [Budget("total", "", 100.0)])
    save_branding(store.as_actor(LOCAL), Branding(firm_name=firm))  # settings: admins


def test_two_clients_never_see_each_others_data(main):
    ws.create_workspace(main, "acme", "Acme LLP", ["group:acme-team"])
    ws.create_workspace(main, "globex", "Globex", [GLOBEX.user])
    acme = ws.enter(main.as_actor(ACME_TEAM), "acme")
    globex = ws.enter(main.as_actor(GLOBEX), "globex")
    _fill(acme, "acme")
    _fill(globex, "globex")

    for mine, theirs, firm in ((acme, globex, "acme"), (globex, acme, "globex")):
        assert [i.name for i in mine.list_scenarios()] == [f"{firm} plan"]
        assert set(aliases(mine)) == {f"{firm}-model"}
        assert [r.key for r in rules(mine)] == [f"{firm}-tag"]
        assert load_branding(mine).firm_name == firm
        assert len(list_imports(mine)) == 2 and len(budgets(mine)) == 1
        assert priced_store(mine)["requests"].sum() == priced_store(theirs)["requests"].sum() > 0
        # the same file imported in two workspaces counts in each (de-duplication is per workspace)
        assert all(e.workspace == firm for e in audit_log(mine.as_actor(LOCAL)))
    assert main.list_scenarios() == [] and list_imports(main).empty and aliases(main) == {}
    assert load_branding(main).firm_name != "acme"


def test_a_user_opens_only_the_workspaces_they_are_a_member_of(main):
    ws.create_workspace(main, "acme", "Acme LLP", ["group:acme-team", "partner@firm.example"])
    ws.create_workspace(main, "globex", "Globex", [GLOBEX.user])
    ws.set_members(main, "default", ["group:staff"])
    seen = {
        who.user: [w.slug for w in ws.visible_workspaces(main.as_actor(who))]
        for who in (ACME_TEAM, GLOBEX, Actor("PARTNER@firm.example", frozenset({"viewer"})), LOCAL)
    }
    assert seen == {
        ACME_TEAM.user: ["acme"],
        GLOBEX.user: ["globex"],
        "PARTNER@firm.example": ["acme"],
        "local": ["default", "acme", "globex"],  # admins see every workspace
    }
    with pytest.raises(PermissionDenied, match="not a member") as other:
        ws.enter(main.as_actor(GLOBEX), "acme")
    with pytest.raises(PermissionDenied, match="not a member") as missing:
        ws.enter(main.as_actor(GLOBEX), "no-such-client")
    # a guess learns nothing: the same words whether the workspace exists or not
    assert str(other.value).replace("acme", "?") == str(missing.value).replace("no-such-client", "?")


def test_only_admins_manage_workspaces_and_bad_names_are_refused(main):
    editor = main.as_actor(ACME_TEAM)
    with pytest.raises(PermissionDenied, match="may not manage workspaces"):
        ws.create_workspace(editor, "acme", "Acme")
    with pytest.raises(PermissionDenied):
        ws.set_members(editor, "default", ["*"])
    for bad in ("Acme LLP", "../etc", "a" * 41, "1st", "", "acme;drop"):
        with pytest.raises(ws.StoreError, match="workspace"):
            ws.create_workspace(main, bad, "x")
    with pytest.raises(ws.StoreError, match="expected an e-mail address"):
        ws.create_workspace(main, "acme", "Acme", ["not an address"])
    ws.create_workspace(main, "acme", "Acme")
    with pytest.raises(ws.StoreError, match="already exists"):
        ws.create_workspace(main, "acme", "Acme again")
    assert [e.action for e in audit_log(main)][:1] == ["workspaces"]


def test_each_workspace_has_its_own_database_and_lake(tmp_path):
    from roi.usage import lake

    main = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    ws.create_workspace(main, "acme", "Acme")
    acme = ws.enter(main, "acme")
    assert Path(acme.engine.url.database).name == "roi.ws-acme.db"
    assert lake.lake_dir(acme) == tmp_path / "roi.ws-acme.lake" != lake.lake_dir(main)
    main.dispose()


@pytest.mark.postgres
def test_on_postgresql_a_workspace_is_a_schema_and_only_it_is_on_the_path(pg_database_url):
    main = Store(pg_database_url)
    try:
        ws.create_workspace(main, "acme-llp", "Acme")
        acme = ws.enter(main, "acme-llp")
        with acme.engine.connect() as conn:
            assert conn.execute(text("SELECT current_schemas(false)")).scalar() == ["ws_acme_llp"]
            conn.rollback()  # a rolled-back transaction keeps the path (it is set outside any)
            assert conn.execute(text("SHOW search_path")).scalar() == "ws_acme_llp"
        acme.save_scenario(demo_scenario(), expected_revision=None)
        assert main.list_scenarios() == []
    finally:
        main.dispose()


# --- the upgrade from the release before workspaces ----------------------------------------------


def _release_copy(tmp_path: Path) -> Path:
    """The store the release before workspaces made (tests/fixtures/release-0.1: scenarios with
    revisions, four imports with their lake, a sample run, rules, budgets, branding, an alias and
    its audit log), copied so the test can upgrade it."""
    home = tmp_path / "release"
    shutil.copytree(RELEASE, home)
    return home / "roi.db"


def _check_everything_is_in_the_default_workspace(main: Store) -> None:
    assert [(i.name, i.revision) for i in main.list_scenarios()] == [
        ("Law firm: route routine work to Haiku (illustrative)", 2)
    ]
    assert main.load_scenario("Law firm: route routine work to Haiku (illustrative)", 1).note == "first"
    imports = list_imports(main)
    assert sorted(imports["format"]) == [
        "anthropic-console-cost",
        "anthropic-console-usage",
        "generic",
        "litellm-spendlogs",
    ]
    assert priced_store(main)["requests"].sum() > 0
    assert len(runs(main)) == 1
    assert [r.matter for r in rules(main)] == ["M-014"] and len(budgets(main)) == 2
    assert load_branding(main).firm_name == "Hale & Partners"
    assert set(aliases(main)) == {"gpt-internal"}
    assert len(audit_log(main)) >= 8
    assert [w.slug for w in ws.visible_workspaces(main.as_actor(GLOBEX))] == ["default"]  # open to all


def test_upgrading_a_store_made_by_the_release_before_workspaces_loses_nothing(tmp_path):
    db = _release_copy(tmp_path)
    before = _row_counts(f"sqlite:///{db}")
    main = Store(f"sqlite:///{db}")
    try:
        _check_everything_is_in_the_default_workspace(main)
        ws.create_workspace(main, "acme", "Acme")
        acme = ws.enter(main, "acme")
        assert acme.list_scenarios() == [] and list_imports(acme).empty and runs(acme).empty
        after = _row_counts(f"sqlite:///{db}")
        assert {t: after[t] for t in before} == before | {"audit_log": before["audit_log"] + 1}
    finally:
        main.dispose()


@pytest.mark.postgres
def test_the_same_upgrade_on_postgresql(tmp_path, pg_database_url):
    """The release's rows, copied into a PostgreSQL database at the release's schema (0007), then
    opened by this version."""
    from alembic import command

    from roi.store import _config, _head

    pg = create_engine(pg_database_url)
    with pg.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    src = create_engine(f"sqlite:///{_release_copy(tmp_path)}")
    meta = MetaData()
    meta.reflect(src)
    target = MetaData()
    target.reflect(pg)
    with src.connect() as s, pg.begin() as d:
        d.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in s.execute(select(table))]
            if rows:
                d.execute(insert(target.tables[table.name]), rows)
            if "id" in table.c:
                d.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1000)"))
        d.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    pg.dispose()
    src.dispose()
    main = Store(pg_database_url)
    try:
        with main.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
        # the lake stays beside the release's SQLite file; on PostgreSQL it lives under ROI_HOME
        shutil.copytree(tmp_path / "release" / "roi.lake", _lake(main), dirs_exist_ok=True)
        _check_everything_is_in_the_default_workspace(main)
    finally:
        main.dispose()


def _lake(store: Store) -> Path:
    from roi.usage import lake

    return lake.lake_dir(store)


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
            for t in meta.tables
            if t not in ("alembic_version", "workspaces", "workspace_members")
        }
    engine.dispose()
    return counts


# --- one import at a time ------------------------------------------------------------------------


def test_concurrent_imports_of_the_same_files_count_each_request_once(main):
    """Four sessions importing the same exports at the same moment used to store them four times:
    each checked the request ids before any of the others had committed."""
    import threading

    files = [DATA / "usage" / "generic_requests.csv", DATA / "usage" / "anthropic_console_usage.csv"]
    errors: list[BaseException] = []

    def one() -> None:
        try:
            ingest(main, files)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ws.create_workspace(main, "once", "Imported once")
    once = ws.enter(main, "once")
    ingest(once, files)
    together, alone = priced_store(main), priced_store(once)
    assert len(together) == len(alone) == 61  # 41 requests and 20 daily buckets, once
    for column in ("requests", "input_tokens", "output_tokens"):
        assert pd.to_numeric(together[column]).sum() == pd.to_numeric(alone[column]).sum() > 0


def test_a_bucketed_export_imported_by_the_release_is_not_counted_again_after_the_upgrade(tmp_path):
    """Rows stored before usage rows had inference_geo and speed keep their de-duplication keys:
    the release's Console usage import, imported again, replaces itself and adds nothing."""
    from roi.usage import ingest

    main = Store(f"sqlite:///{_release_copy(tmp_path)}")
    try:
        before = priced_store(main)
        again = ingest(main, [DATA / "usage" / "anthropic_console_usage.csv"])
        after = priced_store(main)
        assert again.summaries[0].stored == 0 and again.summaries[0].skipped_duplicates == 20
        for column in ("input_tokens", "output_tokens", "cache_read_tokens"):
            assert after[column].sum() == before[column].sum() > 0
    finally:
        main.dispose()
