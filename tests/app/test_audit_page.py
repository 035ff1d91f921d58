"""The Audit log page: an admin (the laptop's local user) reads every change, newest first, and
downloads it; a viewer's session is told it is for admins and sees no entry."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from roi.scenario import demo_scenario

ROOT = Path(__file__).resolve().parents[2]


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "audit.py"), default_timeout=30)


def test_an_admin_reads_every_change_newest_first():
    from roi.ui.state import store

    at = page().run()
    assert not at.exception and at.info[0].value == "Nothing recorded yet."
    store().save_scenario(demo_scenario(), expected_revision=None)
    store().delete_scenario(demo_scenario().name)
    at = page().run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["action"].tolist() == ["delete_scenario", "save_scenario"]
    assert set(shown["user"]) == {"local"}


def test_a_viewer_reads_nothing(monkeypatch):
    from roi.store.access import Actor
    from roi.ui import state

    monkeypatch.setattr(state, "session_actor", lambda: Actor("vera", frozenset({"viewer"})))
    at = page()
    at.run()
    assert not at.exception
    assert at.info[0].value == "Only an admin can read the audit log."
    assert not at.dataframe
