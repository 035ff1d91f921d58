"""Sign-in configuration (`roi.signin`): read from the secrets files Streamlit reads and from
ROI_AUTH_… variables, half a configuration is an error, roles and groups come from the token's
claims, and a server never listens beyond this machine without sign-in unless told so."""

from __future__ import annotations

import os
import stat

import pytest

from roi import signin
from roi.signin import SignIn, SignInError

FULL = {
    "ROI_AUTH_CLIENT_ID": "routing-roi",
    "ROI_AUTH_CLIENT_SECRET": "client-secret-value",
    "ROI_AUTH_SERVER_METADATA_URL": "https://idp.example/.well-known/openid-configuration",
    "ROI_AUTH_REDIRECT_URI": "https://roi.firm.example/oauth2callback",
    "ROI_AUTH_COOKIE_SECRET": "cookie-secret-value-long-enough",
}


def test_nothing_configured_means_open_on_this_machine(tmp_path):
    s = signin.load([tmp_path / "none.toml"], {})
    assert not s.configured and not s.missing
    assert signin.refusal("127.0.0.1", s, allow_anonymous=False) is None
    why = signin.refusal("0.0.0.0", s, allow_anonymous=False)
    assert "refusing to serve beyond this machine without sign-in" in why and "--allow-anonymous" in why
    assert signin.refusal("0.0.0.0", s, allow_anonymous=True) is None


def test_a_secrets_file_configures_sign_in_roles_and_the_claim(tmp_path):
    f = tmp_path / "secrets.toml"
    f.write_text(
        """
[auth]
redirect_uri = "https://roi.firm.example/oauth2callback"
cookie_secret = "x"
client_id = "roi"
client_secret = "y"
server_metadata_url = "https://idp.example/.well-known/openid-configuration"
[roi]
roles_claim = "roles"
provider_label = "Okta"
[roi.roles]
admin = ["it-admins"]
analyst = "finance"
"""
    )
    s = signin.load([f], {})
    assert s.configured and s.provider_label == "Okta" and s.roles_claim == "roles"
    assert s.roles == {"admin": ("it-admins",), "analyst": ("finance",)}
    assert signin.refusal("10.0.0.5", s, allow_anonymous=False) is None
    a = s.actor({"email": "fin@firm.example", "roles": ["finance", "staff"]})
    assert a.user == "fin@firm.example" and a.roles == {"analyst"} and a.groups == {"finance", "staff"}
    assert s.actor({"sub": "u-123"}).roles == {"viewer"}  # signed in, in no mapped group: may look
    with pytest.raises(SignInError, match="names no user"):
        s.actor({})


def test_the_environment_configures_it_too_and_wins(tmp_path):
    env = FULL | {"ROI_ROLE_EDITOR": "consultants, partners", "ROI_AUTH_SCOPE": "openid email groups"}
    s = signin.load([tmp_path / "none.toml"], env)
    assert s.configured and s.roles == {"editor": ("consultants", "partners")}
    path = signin.generated_secrets(tmp_path, env)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # the secrets are readable by this user only
    assert signin.load([path], {}) == s  # Streamlit reads the same [auth] the environment gave
    assert 'client_kwargs = { scope = "openid email groups" }' in path.read_text()
    assert signin.generated_secrets(tmp_path, {}) is None and not path.exists()


def test_half_a_configuration_is_refused_not_served_open(tmp_path):
    s = signin.load([tmp_path / "none.toml"], {"ROI_AUTH_CLIENT_ID": "roi"})
    assert not s.configured and "client_secret" in s.missing
    for address in ("127.0.0.1", "0.0.0.0"):
        assert "configured only in part" in signin.refusal(address, s, allow_anonymous=True)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[auth\n", "cannot be read as TOML"),
        ("[roi]\nroles = 3\n", "expected a table"),
        ("[roi.roles]\nboss = ['x']\n", "“boss” is not a role"),
    ],
)
def test_bad_configuration_names_the_file_or_the_table(tmp_path, text, match):
    f = tmp_path / "secrets.toml"
    f.write_text(text)
    with pytest.raises(SignInError, match=match):
        signin.load([f], {})


def test_only_loopback_is_local():
    assert all(signin.is_local(a) for a in ("127.0.0.1", "::1", "localhost", "127.0.0.2"))
    assert not any(signin.is_local(a) for a in ("0.0.0.0", "10.1.2.3", "roi.firm.example"))


def test_a_configured_sign_in_reads_no_secret_into_its_description():
    s = signin.load([], FULL)
    assert isinstance(s, SignIn) and all(v not in repr(s) for v in FULL.values())
