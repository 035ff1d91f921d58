from __future__ import annotations

import pytest
from sqlalchemy import inspect

from roi.errors import ConflictError, StoreError
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
