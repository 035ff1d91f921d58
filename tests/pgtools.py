"""A throw-away PostgreSQL database on the server CI starts, for the store tests and the load test."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError


@contextmanager
def fresh_database(admin_url: str, prefix: str = "roi_test") -> Iterator[str]:
    """Create a database, yield its URL, drop it (with FORCE: sessions the test left open go).

    The drop is tried again for a few seconds: an autovacuum worker on the new database is a
    process FORCE may not terminate (PostgreSQL says "must be a member of the role whose process is
    being terminated"), and it finishes on its own."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        for attempt in range(20):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.5)
        admin.dispose()
