"""Workspaces: the unit of separation (a client, or the firm itself).

Every scenario, import, eval run, mapping, rule, budget, setting and audit entry belongs to one
workspace because each workspace has a database of its own: a SQLite file beside the main one
(`roi.db` -> `roi.ws-<slug>.db`, its lake `roi.ws-<slug>.lake/`) or a PostgreSQL schema
(`ws_<slug>`, the connection's search_path, nothing else on it). A query written for one workspace
therefore cannot reach another's rows, and no query needed a workspace filter added to it (none can
be forgotten). The default workspace is the database the app always had, so upgrading moves every
existing scenario, import and run into it without copying anything (migration 0008).

The registry (which workspaces exist, who is a member) lives in the main database. A member is an
e-mail address, `group:<name>` (a group in the identity provider's claim) or `*` (everyone signed
in: the default workspace starts so). Admins see and manage every workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, insert, select, text
from sqlalchemy.engine import make_url

from roi.errors import StoreError
from roi.store.access import Actor, PermissionDenied, check, record

DEFAULT = "default"
EVERYONE = "*"
_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Workspace:
    slug: str
    name: str
    members: tuple[str, ...] = ()


def valid_slug(slug: str) -> str:
    if not _SLUG.match(slug or ""):
        raise StoreError(
            f"workspace “{slug[:60]}”: expected 1 to 40 lower-case letters, digits or hyphens, "
            "starting with a letter (e.g. acme-llp)"
        )
    return slug


def schema_of(slug: str) -> str:
    return "ws_" + slug.replace("-", "_")


def workspace_engine(url: str, slug: str) -> Engine:
    """An engine on the workspace's own database: the main URL for the default workspace; a
    sibling SQLite file, or the same PostgreSQL database with only the workspace's schema on the
    search_path."""
    if slug == DEFAULT:
        return create_engine(url, future=True)
    valid_slug(slug)
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        if u.database in (None, "", ":memory:"):
            return create_engine("sqlite://", future=True)
        db = Path(u.database)
        return create_engine(
            u.set(database=str(db.with_name(f"{db.stem}.ws-{slug}{db.suffix}"))), future=True
        )
    if backend == "postgresql":
        schema = schema_of(slug)
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        engine = create_engine(url, future=True)

        @event.listens_for(engine, "connect", insert=True)
        def _only_this_schema(dbapi_connection, _record) -> None:
            # SQLAlchemy's recipe: outside a transaction, so a rollback cannot undo it
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            cursor = dbapi_connection.cursor()
            cursor.execute(f'SET SESSION search_path TO "{schema}"')
            cursor.close()
            dbapi_connection.autocommit = autocommit

        return engine
    raise StoreError(
        f"workspaces other than the default need SQLite or PostgreSQL (this database is {backend})"
    )


def is_member(actor: Actor, members: tuple[str, ...] | list[str]) -> bool:
    """Admins are members of every workspace; others by e-mail, by group or through `*`."""
    if "admin" in actor.roles:
        return True
    user = actor.user.lower()
    for m in members:
        m = m.strip()
        if m == EVERYONE or m.lower() == user:
            return True
        if m.startswith("group:") and m[6:] in actor.groups:
            return True
    return False


def _tables():
    from roi.store.models import WorkspaceMember, WorkspaceRow

    return WorkspaceRow, WorkspaceMember


def all_workspaces(main) -> list[Workspace]:
    """Every workspace with its members (the registry in the main store), default first."""
    ws_t, mem_t = _tables()
    with main.engine.connect() as conn:
        rows = conn.execute(select(ws_t.slug, ws_t.name).order_by(ws_t.slug)).all()
        members: dict[str, list[str]] = {}
        for slug, member in conn.execute(select(mem_t.workspace, mem_t.member).order_by(mem_t.member)):
            members.setdefault(slug, []).append(member)
    out = [Workspace(s, n, tuple(members.get(s, ()))) for s, n in rows]
    return sorted(out, key=lambda w: (w.slug != DEFAULT, w.name.lower()))


def visible_workspaces(main) -> list[Workspace]:
    """The workspaces the main store's actor may open."""
    return [w for w in all_workspaces(main) if is_member(main.actor, w.members)]


def workspace(main, slug: str) -> Workspace:
    for w in all_workspaces(main):
        if w.slug == slug:
            return w
    raise StoreError(f"no workspace “{slug[:60]}”")


def enter(main, slug: str):
    """The store of workspace `slug`, acting for the main store's actor; refused unless they are a
    member (the same message whether or not it exists: a guess learns nothing)."""
    found = next((w for w in all_workspaces(main) if w.slug == slug), None)
    if found is None or not is_member(main.actor, found.members):
        raise PermissionDenied(f"{main.actor.user} is not a member of a workspace “{slug[:60]}”")
    return main.workspace_store(found.slug)


def create_workspace(main, slug: str, name: str, members: list[str] = ()) -> Workspace:
    """Register a workspace (admins) and create its database or schema."""
    check(main.actor, "workspaces")
    valid_slug(slug)
    name = (name or slug).strip()[:200]
    ws_t, mem_t = _tables()
    with main.engine.begin() as conn:
        if conn.execute(select(ws_t.slug).where(ws_t.slug == slug)).first():
            raise StoreError(f"workspace “{slug}” already exists")
        conn.execute(insert(ws_t).values(slug=slug, name=name))
        for m in dict.fromkeys(_member(m) for m in members):
            conn.execute(insert(mem_t).values(workspace=slug, member=m))
    main.workspace_store(slug)  # its tables, now: a failure shows here, not on first use
    record(main, main.actor, "workspaces", f"created workspace “{slug}” ({name})")
    return workspace(main, slug)


def _member(m: str) -> str:
    m = m.strip()
    if not m or len(m) > 300 or (m != EVERYONE and not m.startswith("group:") and "@" not in m):
        raise StoreError(f"member “{m[:60]}”: expected an e-mail address, group:<name> or *")
    return m


def set_members(main, slug: str, members: list[str]) -> Workspace:
    """Replace a workspace's members (admins)."""
    check(main.actor, "workspaces")
    workspace(main, slug)
    new = list(dict.fromkeys(_member(m) for m in members))
    _, mem_t = _tables()
    with main.engine.begin() as conn:
        conn.execute(delete(mem_t).where(mem_t.workspace == slug))
        for m in new:
            conn.execute(insert(mem_t).values(workspace=slug, member=m))
    record(main, main.actor, "workspaces", f"members of “{slug}”: {', '.join(new) or '(none)'}")
    return workspace(main, slug)
