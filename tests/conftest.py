"""Shared fixtures: a fresh database per test, on SQLite and (in CI) on a real PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.pgtools import fresh_database

PG_ENV = "ROI_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test touches the user's real database."""
    monkeypatch.setenv("ROI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ROI_DATABASE_URL", raising=False)


def _postgres_url() -> Iterator[str]:
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: .ci/run must start PostgreSQL for the store tests")
        pytest.skip(f"{PG_ENV} not set (CI sets it); PostgreSQL store tests skipped locally")
    with fresh_database(admin_url) as url:
        yield url


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (e.g. to stand in for a LiteLLM proxy's database)."""
    yield from _postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'roi.db'}"
    else:
        yield from _postgres_url()


@pytest.fixture
def no_proxies(monkeypatch):
    """httpx honours proxy variables; traffic to a local fake API must stay on 127.0.0.1."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
