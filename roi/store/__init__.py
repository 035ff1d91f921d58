"""Saved scenarios with revision history, in SQLite by default or any database via ROI_DATABASE_URL.

The schema is managed by Alembic and upgraded automatically when a store is opened, so an upgrade
of the app never loses saved work. Saving on top of a revision that someone else has already
replaced fails with ConflictError instead of silently overwriting their change.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from roi.errors import ConflictError, StoreError
from roi.scenario import Scenario, load_scenario
from roi.store.access import LOCAL, Actor, check, record
from roi.store.models import RevisionRow, ScenarioRow, utcnow
from roi.store.workspaces import DEFAULT, workspace_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def app_home() -> Path:
    """The app's own folder: ROI_HOME, else ~/.routing-roi (not created here)."""
    return Path(os.environ.get("ROI_HOME", Path.home() / ".routing-roi"))


def default_url() -> str:
    """ROI_DATABASE_URL, else a SQLite file under ROI_HOME (default ~/.routing-roi/roi.db)."""
    if url := os.environ.get("ROI_DATABASE_URL"):
        return url
    home = app_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'roi.db'}"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def _head() -> str | None:
    """The newest migration (read from the scripts once per process)."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision. A database already there is only asked for
    its version: opening the store on every new session stays cheap."""
    with engine.connect() as conn:
        if inspect(conn).has_table("alembic_version"):
            if conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head():
                return
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass(frozen=True)
class ScenarioInfo:
    name: str
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class StoredScenario:
    name: str
    revision: int
    scenario: Scenario
    saved_at: datetime
    note: str


class Store:
    """One workspace's data (`roi.store.workspaces`), acting for one `Actor`. `Store(url)` is the
    default workspace, the main database, which also holds the registry of workspaces."""

    def __init__(self, url: str | None = None, *, workspace: str = DEFAULT) -> None:
        self.url = url or default_url()
        self.workspace = workspace
        self.engine = workspace_engine(self.url, workspace)
        migrate(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.actor: Actor = replace(LOCAL, workspace=workspace)  # who acts (roi.store.access)
        self._workspaces: dict[str, Store] = {workspace: self}  # shared by every as_actor copy

    def as_actor(self, actor: Actor) -> Store:
        """This store (same engine and pool) acting for `actor`: a signed-in session's handle."""
        other = copy.copy(self)
        other.actor = replace(actor, workspace=self.workspace)
        return other

    def workspace_store(self, slug: str) -> Store:
        """Workspace `slug`'s store for the same actor (one engine per workspace and process).
        Membership is checked by `roi.store.workspaces.enter`, which calls this."""
        if slug not in self._workspaces:
            other = Store(self.url, workspace=slug)
            other._workspaces = self._workspaces
            self._workspaces[slug] = other
        return self._workspaces[slug].as_actor(self.actor)

    def dispose(self) -> None:
        for s in {id(s): s for s in self._workspaces.values()}.values():
            s.engine.dispose()

    @contextmanager
    def exclusive(self, purpose: str) -> Iterator[None]:
        """Only one `purpose` (an import) at a time in this workspace, across threads, sessions and
        server processes: two imports of the same file at once would each find the other's request
        ids new and count them twice. PostgreSQL: an advisory lock; SQLite: a lock on a file beside
        the database."""
        key = f"roi:{purpose}:{self.workspace}"
        if self.engine.dialect.name == "postgresql":
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": number})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": number})
                    conn.commit()
            return
        db = self.engine.url.database
        where = Path(db) if db not in (None, "", ":memory:") else app_home() / "memory.db"
        lock = where.with_name(f"{where.name}.{purpose}.lock")
        lock.parent.mkdir(parents=True, exist_ok=True)
        with open(lock, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def save_scenario(self, scenario: Scenario, *, expected_revision: int | None, note: str = "") -> int:
        """Save a new revision and return its number.

        `expected_revision` is the revision the user started from (None for a new name). If the
        stored scenario has moved on since, nothing is written and ConflictError says so.
        """
        check(self.actor, "save_scenario")
        name = scenario.name
        doc = scenario.to_json()
        with self._session.begin() as session:
            row = session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if row is None:
                if expected_revision not in (None, 0):
                    raise ConflictError(
                        f'scenario "{name}" was deleted by someone else; save it under a new name'
                    )
                row = ScenarioRow(name=name, revision=1)
                session.add(row)
                try:
                    session.flush()
                except IntegrityError:
                    raise ConflictError(f'scenario "{name}" was just created by someone else') from None
                new = 1
            else:
                if expected_revision is None:
                    raise ConflictError(
                        f'a scenario named "{name}" already exists (revision {row.revision}); '
                        "load it before saving over it, or choose another name"
                    )
                new = expected_revision + 1
                # Conditional update: only one writer can move the revision on from `expected_revision`.
                moved = session.execute(
                    update(ScenarioRow)
                    .where(ScenarioRow.id == row.id, ScenarioRow.revision == expected_revision)
                    .values(revision=new, updated_at=utcnow())
                    .execution_options(synchronize_session=False)
                ).rowcount
                if moved != 1:
                    current = session.scalar(select(ScenarioRow.revision).where(ScenarioRow.id == row.id))
                    raise ConflictError(
                        f'scenario "{name}" was changed by someone else since revision {expected_revision} '
                        f"(now revision {current}); reload it and apply your changes again"
                    )
            session.add(RevisionRow(scenario_id=row.id, revision=new, document=doc, note=note))
        record(self, self.actor, "save_scenario", f"“{name}” revision {new}")
        return new

    def save_edited(
        self, scenario: Scenario, *, name: str, loaded_from: tuple[str, int] | None, note: str = ""
    ) -> tuple[Scenario, int]:
        """Save an edited scenario under `name`: a new revision on top of the one it was loaded
        from when the name is unchanged, else a new scenario (refused if the name is taken)."""
        named = scenario.with_name(name)
        same = loaded_from is not None and loaded_from[0] == named.name
        return named, self.save_scenario(named, expected_revision=loaded_from[1] if same else None, note=note)

    def list_scenarios(self) -> list[ScenarioInfo]:
        with self._session() as session:
            rows = session.execute(select(ScenarioRow).order_by(ScenarioRow.name)).scalars()
            return [ScenarioInfo(r.name, r.revision, r.updated_at) for r in rows]

    def load_scenario(self, name: str, revision: int | None = None) -> StoredScenario:
        with self._session() as session:
            row = session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if row is None:
                raise StoreError(f'no saved scenario named "{name}"')
            rev = session.scalar(
                select(RevisionRow).where(
                    RevisionRow.scenario_id == row.id, RevisionRow.revision == (revision or row.revision)
                )
            )
            if rev is None:
                raise StoreError(f'scenario "{name}" has no revision {revision}')
            return StoredScenario(name, rev.revision, load_scenario(rev.document), rev.created_at, rev.note)

    def open_revision(self, name: str, revision: int) -> tuple[Scenario, tuple[str, int]]:
        """A revision to edit, with what a later save builds on: the newest revision, so saving
        an older one restores it as the next revision instead of being refused as a conflict."""
        stored = self.load_scenario(name, revision)
        return stored.scenario, (name, max(r[0] for r in self.history(name)))

    def history(self, name: str) -> list[tuple[int, datetime, str]]:
        with self._session() as session:
            q = (
                select(RevisionRow.revision, RevisionRow.created_at, RevisionRow.note)
                .join(ScenarioRow)
                .where(ScenarioRow.name == name)
                .order_by(RevisionRow.revision)
            )
            return [tuple(r) for r in session.execute(q)]

    def delete_scenario(self, name: str) -> None:
        check(self.actor, "delete_scenario")
        with self._session.begin() as session:
            row = session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if row is None:
                raise StoreError(f'no saved scenario named "{name}"')
            session.delete(row)
        record(self, self.actor, "delete_scenario", f"“{name}”")


def open_store(url: str | None = None) -> Store:
    return Store(url)


__all__ = [
    "ConflictError",
    "ScenarioInfo",
    "Store",
    "StoreError",
    "StoredScenario",
    "app_home",
    "default_url",
    "open_store",
]
