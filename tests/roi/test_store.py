from __future__ import annotations

import pytest
from sqlalchemy import inspect

from roi.errors import ConflictError, ScenarioError, StoreError
from roi.scenario import demo_scenario
from roi.store import Store


def test_migrations_create_schema(db_url):
    store = Store(db_url)
    tables = set(inspect(store.engine).get_table_names())
    assert {"scenarios", "scenario_revisions", "alembic_version"} <= tables
    store.dispose()
    Store(db_url).dispose()  # opening again (an upgrade with nothing to do) is harmless


def test_save_load_history_and_conflict(db_url):
    store = Store(db_url)
    s = demo_scenario()
    assert store.save_scenario(s, expected_revision=None, note="first") == 1
    with pytest.raises(ConflictError, match="already exists"):
        store.save_scenario(s, expected_revision=None)
    changed = s.with_tasks(s.tasks[:2])
    assert store.save_scenario(changed, expected_revision=1) == 2
    # a second user who also started from revision 1 must not overwrite revision 2
    with pytest.raises(ConflictError, match="changed by someone else since revision 1"):
        store.save_scenario(s, expected_revision=1)
    assert [r[0] for r in store.history(s.name)] == [1, 2]
    assert len(store.load_scenario(s.name).scenario.tasks) == 2
    assert len(store.load_scenario(s.name, revision=1).scenario.tasks) == len(s.tasks)
    assert store.load_scenario(s.name, revision=1).note == "first"
    assert [i.name for i in store.list_scenarios()] == [s.name]
    store.dispose()


def test_saved_scenarios_survive_reopening(db_url):
    s = demo_scenario()
    first = Store(db_url)
    first.save_scenario(s, expected_revision=None)
    first.dispose()
    again = Store(db_url)
    assert again.load_scenario(s.name).scenario == s
    again.delete_scenario(s.name)
    with pytest.raises(StoreError, match="no saved scenario"):
        again.load_scenario(s.name)
    again.dispose()


# --- save_edited / open_revision: the Scenarios page's save rules --------------------------------


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    """For rules that do not depend on the database (saves a PostgreSQL database per test)."""
    s = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    yield s
    s.dispose()


def test_save_edited_under_the_loaded_name_adds_a_revision(store):
    """Same name as loaded: a new revision on top of the loaded one, with its note."""
    s = demo_scenario()
    named, rev = store.save_edited(s, name=s.name, loaded_from=None, note="first")
    assert (named, rev) == (s, 1)
    edited = s.with_tasks(s.tasks[:1])
    named, rev = store.save_edited(edited, name=f"  {s.name} ", loaded_from=(s.name, 1), note="one task")
    assert rev == 2 and named.name == s.name  # the typed name is trimmed, so it is still "unchanged"
    latest = store.load_scenario(s.name)
    assert (latest.revision, latest.note, len(latest.scenario.tasks)) == (2, "one task", 1)
    assert [i.name for i in store.list_scenarios()] == [s.name]


def test_save_edited_under_a_new_name_makes_a_new_scenario(store):
    """A new name: revision 1 of a new scenario; the one it was loaded from is left as it was."""
    s = demo_scenario()
    store.save_edited(s, name=s.name, loaded_from=None)
    copy, rev = store.save_edited(s.with_tasks(s.tasks[:1]), name="Copy", loaded_from=(s.name, 1))
    assert (copy.name, rev) == ("Copy", 1)
    assert store.load_scenario("Copy").scenario == copy  # saved under the new name inside the file too
    assert store.load_scenario(s.name).revision == 1
    assert len(store.load_scenario(s.name).scenario.tasks) == len(s.tasks)
    assert [i.name for i in store.list_scenarios()] == sorted(["Copy", s.name])


def test_save_edited_refuses_a_taken_name_or_a_revision_saved_meanwhile(store):
    """Never overwrite: not an existing name (loaded or new), not a revision someone else replaced."""
    s = demo_scenario()
    store.save_edited(s, name="Taken", loaded_from=None)
    store.save_edited(s, name="Other", loaded_from=None)
    for loaded_from in (None, ("Other", 1)):
        with pytest.raises(ConflictError, match='a scenario named "Taken" already exists'):
            store.save_edited(s.with_tasks(s.tasks[:1]), name="Taken", loaded_from=loaded_from)
    assert [r[0] for r in store.history("Taken")] == [1]
    assert len(store.load_scenario("Taken").scenario.tasks) == len(s.tasks)
    # two people load "Other" revision 1; the second save must not overwrite the first one's revision 2
    store.save_edited(s.with_tasks(s.tasks[:1]), name="Other", loaded_from=("Other", 1), note="theirs")
    with pytest.raises(ConflictError, match="changed by someone else since revision 1 .now revision 2."):
        store.save_edited(s.with_tasks(s.tasks[:2]), name="Other", loaded_from=("Other", 1), note="mine")
    assert store.load_scenario("Other").note == "theirs"
    assert [r[0] for r in store.history("Other")] == [1, 2]


def test_save_edited_refuses_an_empty_name(sqlite_store):
    with pytest.raises(ScenarioError, match="name: expected a non-empty text"):
        sqlite_store.save_edited(demo_scenario(), name="   ", loaded_from=None)
    assert sqlite_store.list_scenarios() == []


def test_open_revision_builds_on_the_newest_so_saving_an_old_one_restores_it(store):
    """Opening revision 1 of 3 and saving makes revision 4 equal to revision 1, not a conflict."""
    s = demo_scenario()
    store.save_edited(s, name=s.name, loaded_from=None, note="all tasks")
    for n in (2, 1):
        store.save_scenario(s.with_tasks(s.tasks[:n]), expected_revision=store.history(s.name)[-1][0])
    assert [r[0] for r in store.history(s.name)] == [1, 2, 3]
    old, loaded_from = store.open_revision(s.name, 1)
    assert old == s and loaded_from == (s.name, 3)
    assert store.open_revision(s.name, 2)[0].tasks == s.tasks[:2]
    _, rev = store.save_edited(old, name=s.name, loaded_from=loaded_from, note="restored revision 1")
    assert rev == 4
    assert store.load_scenario(s.name).scenario == s
    assert store.load_scenario(s.name, 3).scenario.tasks == s.tasks[:1]  # history is kept


def test_open_revision_of_a_missing_revision_or_name(sqlite_store):
    sqlite_store.save_edited(demo_scenario(), name="Kept", loaded_from=None)
    with pytest.raises(StoreError, match='scenario "Kept" has no revision 7'):
        sqlite_store.open_revision("Kept", 7)
    with pytest.raises(StoreError, match='no saved scenario named "Gone"'):
        sqlite_store.open_revision("Gone", 1)
