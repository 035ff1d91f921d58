"""Sign-in through the firm's identity provider (OpenID Connect, Streamlit's own `st.login`).

Configured like any Streamlit app, in the `[auth]` table of `.streamlit/secrets.toml` (the project's
or `~/.streamlit/`): `redirect_uri` (…/oauth2callback), `cookie_secret`, `client_id`,
`client_secret`, `server_metadata_url` and optionally `client_kwargs = { scope = "openid email
profile groups" }`. The app's own part is the `[roi]` table: `roles_claim` (default "groups"),
`provider_label` (the button's wording) and `[roi.roles]`, role -> the groups that grant it.

A server whose secrets are injected as environment variables sets `ROI_AUTH_<KEY>` for the `[auth]`
keys (e.g. ROI_AUTH_CLIENT_SECRET), `ROI_ROLES_CLAIM` and `ROI_ROLE_<ROLE>` (comma-separated
groups); the launcher writes them into a secrets file only the server's user can read
(`generated_secrets`), because Streamlit reads `[auth]` from secrets files only.

With nothing configured the app runs open on this machine (the local user may do everything), as
it always has; the server refuses a non-local address then (`roi serve`, the launcher).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from roi.errors import RoiError
from roi.store.access import ROLES, Actor, groups_from_claims, roles_from_claims

AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
ENV_PREFIX = "ROI_AUTH_"
ROLE_ENV_PREFIX = "ROI_ROLE_"


class SignInError(RoiError):
    """Sign-in is configured only in part, or its configuration cannot be read."""


@dataclass(frozen=True)
class SignIn:
    """What the secrets say about sign-in (never the secrets themselves)."""

    configured: bool
    provider_label: str = "your identity provider"
    roles_claim: str = "groups"
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # [auth] keys still needed when only some are set

    def actor(self, claims: Mapping[str, object]) -> Actor:
        """The signed-in user: e-mail (else the subject), roles and groups from the token's claims."""
        user = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "")
        if not user:
            raise SignInError("the identity provider's token names no user (no email, no sub)")
        return Actor(
            user,
            roles_from_claims(claims, self.roles, self.roles_claim),
            groups=groups_from_claims(claims, self.roles_claim),
        )


def secrets_files() -> list[Path]:
    """The secrets files Streamlit reads by default, in its order (later ones win)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SignInError(f"{path}: cannot be read as TOML ({exc})") from None


def from_env(environ: Mapping[str, str]) -> dict:
    """The secrets the environment gives, shaped like a secrets file."""
    auth = {k: environ[ENV_PREFIX + k.upper()] for k in AUTH_KEYS if environ.get(ENV_PREFIX + k.upper())}
    kwargs = {
        k: environ[ENV_PREFIX + k.upper()] for k in ("scope", "prompt") if environ.get(ENV_PREFIX + k.upper())
    }
    if kwargs:  # e.g. "openid email profile groups"; a provider without select_account: "login"
        auth["client_kwargs"] = kwargs
    roi: dict = {}
    if claim := environ.get("ROI_ROLES_CLAIM"):
        roi["roles_claim"] = claim
    if label := environ.get(ENV_PREFIX + "PROVIDER_LABEL"):
        roi["provider_label"] = label
    roles = {
        r: [g.strip() for g in environ[ROLE_ENV_PREFIX + r.upper()].split(",") if g.strip()]
        for r in ROLES
        if environ.get(ROLE_ENV_PREFIX + r.upper())
    }
    if roles:
        roi["roles"] = roles
    return {k: v for k, v in (("auth", auth), ("roi", roi)) if v}


def _merged(docs: list[dict]) -> dict:
    out: dict = {}
    for doc in docs:
        for table in ("auth", "roi"):
            if isinstance(doc.get(table), dict):
                out.setdefault(table, {}).update(doc[table])
    return out


def load(files: list[Path] | None = None, environ: Mapping[str, str] | None = None) -> SignIn:
    """Sign-in as the secrets files and the environment configure it (the environment wins)."""
    env = os.environ if environ is None else environ
    doc = _merged([_read(p) for p in (secrets_files() if files is None else files)] + [from_env(env)])
    auth, roi = doc.get("auth", {}), doc.get("roi", {})
    present = [k for k in AUTH_KEYS if auth.get(k)]
    roles_doc = roi.get("roles", {})
    if not isinstance(roles_doc, dict):
        raise SignInError("[roi.roles]: expected a table of role = [groups]")
    roles: dict[str, tuple[str, ...]] = {}
    for role, groups in roles_doc.items():
        if role not in ROLES:
            raise SignInError(f"[roi.roles]: “{role}” is not a role; expected {', '.join(ROLES)}")
        roles[role] = (groups,) if isinstance(groups, str) else tuple(str(g) for g in groups)
    return SignIn(
        configured=len(present) == len(AUTH_KEYS),
        provider_label=str(roi.get("provider_label") or "your identity provider"),
        roles_claim=str(roi.get("roles_claim") or "groups"),
        roles=roles,
        missing=tuple(k for k in AUTH_KEYS if k not in present) if present else (),
    )


def generated_secrets(home: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """Write the environment's sign-in secrets to `<home>/run/secrets.toml`, readable by this user
    only, for Streamlit to read; None (and no file) when the environment sets none."""
    doc = from_env(os.environ if environ is None else environ)
    path = home / "run" / "secrets.toml"
    if not doc:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(_toml(doc))
    return path


def _toml(doc: dict) -> str:
    def value(v) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        s = str(v).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{s}"'

    lines = []
    for table, body in doc.items():
        plain = {k: v for k, v in body.items() if k != "roles"}
        lines.append(f"[{table}]")
        lines += [f"{k} = {value(v)}" for k, v in plain.items()]
        if table == "roi" and "roles" in body:
            lines.append("[roi.roles]")
            lines += [f"{k} = {value(v)}" for k, v in body["roles"].items()]
    return "\n".join(lines) + "\n"


ALLOW_ANONYMOUS_ENV = "ROI_ALLOW_ANONYMOUS"  # `roi serve --allow-anonymous` sets it for the launcher
LOOPBACK_NAMES = ("localhost",)


def is_local(address: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine reaches it."""
    import ipaddress

    if address in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name: other machines may resolve it


def refusal(address: str, s: SignIn, *, allow_anonymous: bool) -> str | None:
    """Why the app must not serve on `address`, or None: beyond this machine, people sign in
    unless the operator says explicitly that everyone who reaches the port may do everything."""
    if s.missing:
        return "sign-in is configured only in part: [auth] (or ROI_AUTH_…) also needs " + ", ".join(s.missing)
    if is_local(address) or s.configured or allow_anonymous:
        return None
    return (
        "refusing to serve beyond this machine without sign-in: configure [auth] in "
        ".streamlit/secrets.toml or ROI_AUTH_… (see the README's “On a server”), or pass "
        "--allow-anonymous (everyone who reaches the port may then do everything), or serve on 127.0.0.1"
    )
