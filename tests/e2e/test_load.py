"""25 people on one server at once (tests/e2e/load.py): on PostgreSQL, behind a real OpenID Connect
provider, each signs in, moves a slider, saves a revision of the same scenario and imports a file.
No update is lost (one save wins, every other session is shown the conflict), nobody sees another
client's workspace, no page shows an error. `make bench` (bench/bench_load.py) reports the
slider-to-redraw times and the memory per session under this load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.load import CLIENTS, SHARED, run
from tests.e2e.signin_server import ProviderMissing

SESSIONS = 25


def test_twenty_five_sessions_lose_nothing_and_see_only_their_workspace(tmp_path):
    admin = os.environ.get("ROI_TEST_POSTGRES_URL")
    required = bool(os.environ.get("CI") or os.environ.get("ROI_E2E_REQUIRED"))
    if not Path("/usr/bin/chromium").exists():
        if required:
            pytest.fail("/usr/bin/chromium is missing: the load test must run in CI", pytrace=False)
        pytest.skip("/usr/bin/chromium is missing")
    if not admin:
        if required:
            pytest.fail(
                "ROI_TEST_POSTGRES_URL is not set: the load test runs on PostgreSQL in CI", pytrace=False
            )
        pytest.skip("ROI_TEST_POSTGRES_URL not set: the load test needs PostgreSQL")
    try:
        load = run(SESSIONS, moves=2, admin_url=admin, home=tmp_path)
    except ProviderMissing as exc:
        if required:
            pytest.fail(f"{exc}: the load test must run in CI", pytrace=False)
        pytest.skip(str(exc))
    problems = {s.login: s.errors for s in load.sessions if s.errors}
    assert problems == {}
    for client in CLIENTS:
        mine = [s for s in load.sessions if s.workspace == client]
        wins = [s for s in mine if s.saved]
        # every session saved on top of revision 1: exactly one became revision 2, the rest were refused
        assert len(wins) == 1 and all(s.saved is False for s in mine if s is not wins[0])
        assert load.revisions[client] == 2
        other = next(c for c in CLIENTS if c != client).title()
        for s in mine:
            assert s.saw == {SHARED, f"{client.title()} only"}, (s.login, s.saw)  # never {other} only
            assert f"{other} only" not in s.saw
            assert s.imported and len(s.slider_ms) == 2
