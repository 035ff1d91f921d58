"""The app behind sign-in (AppTest of app.py): a browser that has not signed in sees one button and
nothing of the firm's; a signed-in user gets the roles their groups give, greyed-out controls for
what they may not do, only their workspaces, and a share link from another workspace opens nothing.
Without sign-in the app says it is open on this computer. (The real sign-in, through a real
OpenID Connect provider in Chromium, is tests/e2e/test_signin.py.)"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from roi import share
from roi.scenario import demo_scenario
from roi.store import workspaces as ws
from tests.app.helpers import ROOT, button

SIGN_IN = {
    "ROI_AUTH_CLIENT_ID": "routing-roi",
    "ROI_AUTH_CLIENT_SECRET": "client-secret",
    "ROI_AUTH_SERVER_METADATA_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
    "ROI_AUTH_REDIRECT_URI": "http://127.0.0.1:8501/oauth2callback",
    "ROI_AUTH_COOKIE_SECRET": "a-cookie-secret-for-the-tests",
    "ROI_AUTH_PROVIDER_LABEL": "Firm SSO",
    "ROI_ROLE_ADMIN": "it",
    "ROI_ROLE_ANALYST": "finance",
    "ROI_ROLE_EDITOR": "consultants",
}


@pytest.fixture
def signed_in(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here: the environment configures it
    for k, v in SIGN_IN.items():
        monkeypatch.setenv(k, v)


def app(user: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if user is not None:
        at.user = {"is_logged_in": True, **user} if user else {"is_logged_in": False}
    if page:
        at.switch_page(page)
    return at


def test_without_sign_in_the_app_says_it_is_open_on_this_computer():
    at = app().run()
    assert not at.exception
    assert any("No sign-in configured" in c.value for c in at.sidebar.caption)


@pytest.mark.usefixtures("signed_in")
def test_signed_out_sees_the_sign_in_button_and_nothing_else():
    at = app({}).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with Firm SSO"]
    assert not at.metric and not at.dataframe and not at.sidebar.caption


@pytest.mark.usefixtures("signed_in")
def test_a_viewer_sees_dashboards_with_every_change_greyed_out():
    at = app({"email": "vera@firm.example", "groups": ["staff"]}).run()
    assert not at.exception and at.metric  # the Overview's tiles
    assert any("vera@firm" in c.value and c.value.endswith("· viewer") for c in at.sidebar.caption)
    at = app({"email": "vera@firm.example", "groups": ["staff"]}, "pages/scenarios.py").run()
    save = button(at, "Save scenario")
    assert save.disabled and "editor" in save.help
    at = app({"email": "vera@firm.example"}, "pages/report.py").run()
    assert button(at, "Save branding").disabled


@pytest.mark.usefixtures("signed_in")
def test_an_analyst_may_set_budgets_but_not_save_scenarios():
    from roi.store import Store
    from roi.usage import ingest

    ingest(Store(), [ROOT / "data" / "usage" / "generic_requests.csv"])
    user = {"email": "fin@firm.example", "groups": ["finance"]}
    at = app(user, "pages/scenarios.py").run()
    assert button(at, "Save scenario").disabled
    at = app(user, "pages/forecast.py").run()
    assert not at.exception
    assert not button(at, "Save budgets").disabled
    viewer = app({"email": "vera@firm.example"}, "pages/forecast.py").run()
    assert button(viewer, "Save budgets").disabled


@pytest.mark.usefixtures("signed_in")
def test_admin_pages_are_listed_for_admins_only():
    viewer = app({"email": "vera@firm.example"}, "pages/workspaces.py").run()
    assert [t.value for t in viewer.title] == ["Overview"]  # not in a viewer's menu: the first page
    admin = app({"email": "ida@firm.example", "groups": ["it"]}, "pages/workspaces.py").run()
    assert not admin.exception and admin.dataframe[0].value["Workspace"].tolist() == ["default"]


@pytest.mark.usefixtures("signed_in")
def test_a_user_sees_only_their_workspaces_and_their_data():
    from roi.store import Store

    main = Store()
    ws.create_workspace(main, "acme", "Acme LLP", ["group:acme-team"])
    ws.create_workspace(main, "globex", "Globex", ["gus@globex.example"])
    ws.set_members(main, "default", ["group:staff"])
    ws.enter(main, "acme").save_scenario(demo_scenario().with_name("Acme plan"), expected_revision=None)
    main.dispose()

    ann = {"email": "ann@firm.example", "groups": ["acme-team", "staff", "consultants"]}
    at = app(ann, "pages/scenarios.py").run()
    assert not at.exception
    picker = at.sidebar.selectbox[0]
    assert picker.label == "Workspace" and picker.options == ["Default", "Acme LLP"]
    assert any(c.value == "Nothing saved yet." for c in at.caption)
    at = picker.set_value("acme").run()
    assert not at.exception
    assert at.selectbox(key="w:pick").options == ["Acme plan"]

    gus = app({"email": "gus@globex.example"}, "pages/scenarios.py").run()
    assert not gus.exception and not gus.sidebar.selectbox  # one workspace: no picker
    assert any(c.value == "Nothing saved yet." for c in gus.caption)  # globex: not acme's plan

    nobody = app({"email": "eve@elsewhere.example"}).run()
    assert not nobody.exception and "not a member of any workspace" in nobody.warning[0].value
    assert [b.label for b in nobody.button] == ["Sign out"]


@pytest.mark.usefixtures("signed_in")
def test_a_share_link_from_another_workspace_opens_nothing():
    from roi.store import Store

    main = Store()
    ws.create_workspace(main, "acme", "Acme LLP", ["group:acme-team"])
    plan = demo_scenario().with_name("Acme plan")
    rev = ws.enter(main, "acme").save_scenario(plan, expected_revision=None)
    main.dispose()
    params = share.query(plan, saved=(plan.name, rev), workspace="acme")
    assert params[share.WORKSPACE_PARAM] == "acme"

    outsider = app({"email": "gus@globex.example", "groups": ["staff"]})
    outsider.query_params.update(params)
    outsider.run()
    assert not outsider.exception
    assert any("not a member of" in e.value for e in outsider.error)
    assert outsider.session_state["roi.scenario"].name != "Acme plan"

    member = app({"email": "ann@firm.example", "groups": ["acme-team"]})
    member.query_params.update(params)
    member.run()
    assert not member.exception and member.session_state["roi.scenario"].name == "Acme plan"
    assert member.session_state["roi.workspace"] == "acme"
