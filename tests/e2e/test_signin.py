"""Signing in through a real OpenID Connect provider in Chromium, as each role, on `roi serve`.

The provider is panva/node-oidc-provider (OpenID Certified) on 127.0.0.1; the groups in its tokens
give the roles (`ROI_ROLE_…`). A viewer looks and can change nothing; an analyst imports; an editor
saves; an admin reads the audit log, which names each of them and holds no secret; a client's
consultant sees only the client's workspace; signing out ends the session.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.server import free_port
from tests.e2e.signin_server import (
    CLIENT_SECRET,
    COOKIE_SECRET,
    IdentityProvider,
    ProviderMissing,
    roi,
    sign_in,
    signed_in_app,
)

REPO = Path(__file__).resolve().parents[2]
USERS = {
    "vera@firm.test": ["staff"],
    "fin@firm.test": ["staff", "finance"],
    "ed@firm.test": ["staff", "consultants"],
    "ida@firm.test": ["it"],
    "ann@acme.test": ["acme-team", "consultants"],
}
ROLES = {"admin": "it", "analyst": "finance", "editor": "consultants"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("signin-home")
    port = free_port()
    try:
        idp = IdentityProvider(USERS, port)
    except ProviderMissing as exc:
        if os.environ.get("CI") or os.environ.get("ROI_E2E_REQUIRED"):
            pytest.fail(f"{exc}: the sign-in tests must run in CI", pytrace=False)
        pytest.skip(str(exc))
    # the firm's own workspace is for staff; Acme's for its team
    roi(home, "workspaces", "members", "default", "--member", "group:staff")
    roi(home, "workspaces", "add", "acme", "--name", "Acme LLP", "--member", "group:acme-team")
    roi(home, "--workspace", "acme", "save", str(REPO / "tests" / "fixtures" / "scenarios" / "measured.json"))
    with idp, signed_in_app(idp.env(**ROLES), port, home, home / "serve.log") as url:
        yield url, home


@pytest.fixture
def person(chromium, server):
    """`person(login)`: a fresh browser (its own cookies), signed in as `login`."""
    url, _ = server
    contexts = []

    def open_as(login: str):
        context = chromium.new_context(viewport={"width": 1400, "height": 900}, base_url=url)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, url, login)
        return page

    yield open_as
    for c in contexts:
        c.close()


def settled(page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def go_to(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settled(page)


def account(page) -> str:
    return page.get_by_test_id("stSidebar").get_by_text("·").first.inner_text()


def test_a_browser_that_has_not_signed_in_sees_nothing_of_the_firm(chromium, server):
    url, _ = server
    context = chromium.new_context()
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in with Firm SSO")).to_be_visible()
    settled(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.goto(f"{url}/usage")  # a page's own address shows the sign-in button, not the page
    expect(page.get_by_role("button", name="Sign in with Firm SSO")).to_be_visible()
    expect(page.get_by_role("heading", name="Usage")).to_have_count(0)
    context.close()


def test_each_role_may_do_its_own_work_only(person, server, shot):
    _, home = server
    vera = person("vera@firm.test")
    assert account(vera).endswith("· viewer")
    expect(vera.get_by_test_id("stMetric").first).to_be_visible()  # dashboards: yes
    expect(vera.get_by_test_id("stSidebarNav").get_by_role("link", name="Audit log")).to_have_count(0)
    go_to(vera, "Scenarios")
    expect(vera.get_by_role("button", name="Save scenario")).to_be_disabled()
    go_to(vera, "Usage")
    vera.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(REPO / "data" / "usage" / "generic_requests.csv")
    )
    expect(vera.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    shot(vera, "signin-viewer-usage")

    fin = person("fin@firm.test")
    assert account(fin).endswith("· analyst")
    go_to(fin, "Usage")
    fin.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(REPO / "data" / "usage" / "generic_requests.csv")
    )
    fin.get_by_role("button", name="Import", exact=True).click()
    expect(fin.get_by_text("Imported.")).to_be_visible()
    go_to(fin, "Scenarios")
    expect(fin.get_by_role("button", name="Save scenario")).to_be_disabled()

    ed = person("ed@firm.test")
    assert account(ed).endswith("· editor")
    go_to(ed, "Scenarios")
    ed.get_by_label("Name", exact=True).fill("Firm plan")
    ed.get_by_role("button", name="Save scenario").click()
    expect(ed.get_by_text('Saved "Firm plan"')).to_be_visible()

    ida = person("ida@firm.test")
    assert account(ida).endswith("· admin")
    go_to(ida, "Audit log")
    table = ida.get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    shot(ida, "signin-admin-audit")
    with sqlite3.connect(home / "roi.db") as db:
        log = db.execute("SELECT user, action, detail FROM audit_log").fetchall()
    assert ("fin@firm.test", "import") in {(u, a) for u, a, _ in log}
    assert ("ed@firm.test", "save_scenario") in {(u, a) for u, a, _ in log}
    text = repr(log) + (home / "serve.log").read_text(errors="replace")
    assert CLIENT_SECRET not in text and COOKIE_SECRET not in text  # no sign-in secret is logged


def test_a_clients_consultant_sees_only_the_clients_workspace(person, shot):
    ann = person("ann@acme.test")
    go_to(ann, "Scenarios")
    expect(ann.get_by_test_id("stSidebar").get_by_text("Workspace")).to_have_count(0)  # one: no picker
    saved = ann.get_by_test_id("stDataFrame")
    expect(saved).to_contain_text("measured")
    expect(saved).not_to_contain_text("Firm plan")
    shot(ann, "signin-client-workspace")

    ida = person("ida@firm.test")  # an admin opens every workspace, one at a time
    go_to(ida, "Scenarios")
    picker = ida.get_by_test_id("stSidebar").get_by_role("combobox", name="Workspace")
    expect(picker).to_have_value("Default")
    picker.click()
    ida.get_by_role("option", name="Acme LLP").click()
    settled(ida)
    expect(ida.get_by_test_id("stDataFrame")).not_to_contain_text("Firm plan")


def test_signing_out_ends_the_session_at_the_provider_too(person):
    vera = person("vera@firm.test")
    vera.get_by_role("button", name="Sign out").click()
    vera.get_by_role("button", name="Yes, sign me out").click()  # the provider's own question
    expect(vera.get_by_role("button", name="Sign in with Firm SSO")).to_be_visible()
    vera.reload()
    expect(vera.get_by_role("button", name="Sign in with Firm SSO")).to_be_visible()
