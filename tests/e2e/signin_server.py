"""A real OpenID Connect provider and the app behind it, as a firm would run them, for browser tests
and the load benchmark: panva/node-oidc-provider (tests/oidc, on the machine's Node.js) on
127.0.0.1, and `roi serve` configured through ROI_AUTH_… variables to sign people in there.

    with IdentityProvider(USERS, app_port) as idp, signed_in_app(idp.env(), app_port, home, log) as url:
        sign_in(page, url, "vera@firm.test")
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.server import free_port, healthy

REPO = Path(__file__).resolve().parents[2]
OIDC = REPO / "tests" / "oidc"
CLIENT_SECRET = "client-secret-of-the-test-provider"
COOKIE_SECRET = "cookie-secret-of-the-test-app-0123456789"
LABEL = "Firm SSO"


class ProviderMissing(RuntimeError):
    """Node.js or the provider's package is not installed (`make test` runs `npm ci` in tests/oidc)."""


class IdentityProvider:
    """oidc-provider with these users (login -> groups); its login form accepts any password."""

    def __init__(self, users: dict[str, list[str]], app_port: int) -> None:
        if shutil.which("node") is None:
            raise ProviderMissing("node is not installed (apt-get install nodejs npm)")
        if not (OIDC / "node_modules" / "oidc-provider").is_dir():
            raise ProviderMissing("tests/oidc has no node_modules (npm ci --prefix tests/oidc)")
        self.users, self.port, self.app_port = users, free_port(), app_port
        self.issuer = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> IdentityProvider:
        env = dict(
            os.environ,
            PORT=str(self.port),
            REDIRECT_URI=f"http://127.0.0.1:{self.app_port}/oauth2callback",
            CLIENT_SECRET=CLIENT_SECRET,
            USERS=json.dumps(self.users),
        )
        self.log = tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            ["node", str(OIDC / "server.mjs")], env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while not _answers(f"{self.issuer}/.well-known/openid-configuration"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                raise ProviderMissing(
                    f"the provider did not start: {Path(self.log.name).read_text()[-2000:]}"
                )
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()
        os.unlink(self.log.name)

    def env(self, **roles: str) -> dict[str, str]:
        """The app's ROI_AUTH_… settings for this provider; `roles` as role=group,group."""
        return {
            "ROI_AUTH_CLIENT_ID": "routing-roi",
            "ROI_AUTH_CLIENT_SECRET": CLIENT_SECRET,
            "ROI_AUTH_SERVER_METADATA_URL": f"{self.issuer}/.well-known/openid-configuration",
            "ROI_AUTH_REDIRECT_URI": f"http://127.0.0.1:{self.app_port}/oauth2callback",
            "ROI_AUTH_COOKIE_SECRET": COOKIE_SECRET,
            "ROI_AUTH_SCOPE": "openid email profile groups",
            "ROI_AUTH_PROMPT": "login",  # the provider offers no account picker (select_account)
            "ROI_AUTH_PROVIDER_LABEL": LABEL,
            **{f"ROI_ROLE_{r.upper()}": groups for r, groups in roles.items()},
        }


def roi(home: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The `roi` command on the server's store (set-up: workspaces, scenarios)."""
    run = subprocess.run(
        [sys.executable, "-m", "roi.cli", *args],
        env={**os.environ, "ROI_HOME": str(home), **(env or {})},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@contextmanager
def signed_in_app(env: dict[str, str], port: int, home: Path, log: Path) -> Iterator[str]:
    """`roi serve` on `port` with these settings; yields its URL once healthy."""
    url = f"http://127.0.0.1:{port}"
    full = {k: v for k, v in os.environ.items() if not k.startswith(("ROI_AUTH_", "ROI_ROLE_"))}
    full |= {"ROI_HOME": str(home), **env}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "roi.cli", "serve", "--port", str(port)],
            cwd=REPO,
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"roi serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def sign_in(page, url: str, login: str, timeout_ms: int = 30_000) -> None:
    """Through the provider, as a person does: the app's button, the provider's form, back."""
    page.goto(url)
    page.get_by_role("button", name=f"Sign in with {LABEL}").click(timeout=timeout_ms)
    page.locator('input[name="login"]').fill(login, timeout=timeout_ms)
    page.locator('input[name="password"]').fill("any password")
    page.locator("button[type=submit]").click()
    page.get_by_test_id("stSidebar").get_by_text(login.split("@")[0], exact=False).first.wait_for(
        timeout=timeout_ms
    )
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout_ms)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False
