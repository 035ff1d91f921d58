"""Who may do what, and the record of what they did.

An `Actor` is the person behind a store handle: on a laptop (no sign-in configured) and on the
command line it is `LOCAL`, who may do everything; behind a sign-in it is the signed-in user with
the roles their identity provider's claims give them (`roles_from_claims`). Every service that
changes something or exports raw usage opens `guarded(store, action, detail)`: a role that may not
do it is refused there, in `roi`, whatever the page shows; a change that succeeds is appended to
the audit log (`AuditEntry`) in the same breath, with secrets masked out of its detail.

Roles: a viewer looks (dashboards, sliders, presentation); an analyst imports, reconciles,
allocates and exports usage; an editor saves scenarios, runs samples and exports reports; an
admin does all of that and changes settings and reads the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from roi.errors import RoiError

ROLES = ("viewer", "analyst", "editor", "admin")
ACTIONS: dict[str, tuple[str, ...]] = {
    # usage: analysts
    "import": ("analyst", "admin"),
    "delete_import": ("analyst", "admin"),
    "map_model": ("analyst", "admin"),
    "edit_rules": ("analyst", "admin"),
    "edit_budgets": ("analyst", "admin"),
    "post_alerts": ("analyst", "admin"),
    "export_usage": ("analyst", "admin"),  # chargeback, FOCUS, the finance pack
    # scenarios, sample runs, reports: editors
    "save_scenario": ("editor", "admin"),
    "delete_scenario": ("editor", "admin"),
    "run_eval": ("editor", "admin"),
    "export_report": ("editor", "admin"),
    # the firm's settings and the record: admins
    "settings": ("admin",),
    "read_audit": ("admin",),
    "workspaces": ("admin",),
}
WORDS = {  # what the refusal says the action is
    "import": "import usage",
    "delete_import": "delete an import",
    "map_model": "map a model",
    "edit_rules": "change the chargeback rules",
    "edit_budgets": "change the budgets",
    "post_alerts": "post budget alerts",
    "export_usage": "export usage",
    "save_scenario": "save a scenario",
    "delete_scenario": "delete a scenario",
    "run_eval": "start a sample run",
    "export_report": "export a report",
    "settings": "change the settings",
    "read_audit": "read the audit log",
    "workspaces": "manage workspaces",
}


class PermissionDenied(RoiError):
    """The signed-in user's roles do not allow this; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    user: str  # e-mail or subject from the identity provider; "local" without sign-in
    roles: frozenset[str] = field(default_factory=frozenset)
    workspace: str = "default"  # the workspace its store acts in (roi.store.workspaces)
    groups: frozenset[str] = field(default_factory=frozenset)  # from the identity provider's claim

    def may(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return bool(self.roles & set(ACTIONS[action]))


LOCAL = Actor("local", frozenset({"admin"}))  # the laptop and the CLI: whoever runs it owns it


def groups_from_claims(claims: Mapping[str, object], claim: str = "groups") -> frozenset[str]:
    """The groups an identity token lists in `claim` (a list, or one name)."""
    raw = claims.get(claim, ())
    if isinstance(raw, str):
        return frozenset({raw})
    return frozenset(str(g) for g in raw) if isinstance(raw, list | tuple) else frozenset()


def roles_from_claims(
    claims: Mapping[str, object], mapping: Mapping[str, object], claim: str = "groups"
) -> frozenset[str]:
    """Roles from an identity token's claims: `mapping` is role -> the group names (the `[roles]`
    table of the config) that grant it; `claim` the claim that lists the user's groups. A user in
    no mapped group is a viewer (signed in, so may look)."""
    groups = groups_from_claims(claims, claim)
    roles = set()
    for role, names in mapping.items():
        if role not in ROLES:
            raise RoiError(f"roles: “{role}” is not a role; expected {', '.join(ROLES)}")
        wanted = {names} if isinstance(names, str) else {str(n) for n in names}  # type: ignore[union-attr]
        if groups & wanted:
            roles.add(role)
    return frozenset(roles or {"viewer"})


_SECRET_PATTERNS = (
    re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'\"]*:)\S*@"),  # URL passwords
    re.compile(r"\bsk-ant-[A-Za-z0-9_\-]+"),  # Anthropic keys
    re.compile(r"\bsk-[A-Za-z0-9_\-]{16,}"),  # other provider keys
    re.compile(r"https://hooks\.slack\.com/\S+"),  # webhook URLs carry their token
)


def redact(text: str) -> str:
    """`text` without secrets: URL passwords, API keys, webhook URLs (the audit log keeps no secret)."""
    text = _SECRET_PATTERNS[0].sub(lambda m: m.group("head") + "***@", text)
    for p in _SECRET_PATTERNS[1:]:
        text = p.sub("***", text)
    return text


def check(actor: Actor, action: str) -> None:
    if not actor.may(action):
        raise PermissionDenied(
            f"{actor.user} ({', '.join(sorted(actor.roles)) or 'no role'}) may not {WORDS[action]}; "
            f"ask for the {' or '.join(r for r in ACTIONS[action] if r != 'admin') or 'admin'} role"
        )


@contextmanager
def guarded(store, action: str, detail: str = "") -> Iterator[None]:
    """Refuse `action` unless the store's actor may do it; on success, append it to the audit log."""
    actor: Actor = getattr(store, "actor", LOCAL)
    check(actor, action)
    yield
    record(store, actor, action, detail)


def record(store, actor: Actor, action: str, detail: str = "") -> None:
    from sqlalchemy import insert

    from roi.store.models import AuditEntry

    with store.engine.begin() as conn:
        conn.execute(
            insert(AuditEntry).values(
                user=actor.user[:300],
                workspace=actor.workspace[:200],
                action=action,
                detail=redact(detail)[:2000],
            )
        )


@dataclass(frozen=True)
class Entry:
    at: datetime
    user: str
    workspace: str
    action: str
    detail: str


def audit_log(store, limit: int = 1000) -> list[Entry]:
    """The newest entries first; admins only."""
    from sqlalchemy import select

    from roi.store.models import AuditEntry as t

    check(getattr(store, "actor", LOCAL), "read_audit")
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.at, t.user, t.workspace, t.action, t.detail).order_by(t.id.desc()).limit(limit)
        ).all()
    return [Entry(*r) for r in rows]
