"""Sign-in settings: read from the environment or files, refused when they contradict
each other, and what ``tvb serve`` does with them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE, TODAY
from tvb.cli import main
from web import create_app
from web.auth import AuthSettingsError, mode


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


ROLES = {"tvb-lezers": "lezer"}
BASE = {"DATA": SAMPLE, "TODAY": TODAY, "WATCH": False, "TESTING": True}


@pytest.fixture()
def served(monkeypatch):
    from web import server

    calls = []
    monkeypatch.setattr(server, "serve", lambda app, **kw: calls.append((app, kw)))
    return calls


def _serve(*args):
    return CliRunner().invoke(main, ["serve", "--data", str(SAMPLE), "--no-watch", *args])


def test_no_settings_is_open_mode_for_one_person():
    app = create_app(BASE)
    assert mode(app) == "open"
    r = app.test_client().get("/")
    assert r.status_code == 200 and "Set-Cookie" not in r.headers
    assert "Open modus: geen aanmelding" in r.text
    assert "/auth/" not in {rule.rule[:6] for rule in app.url_map.iter_rules()}


@pytest.mark.parametrize("config, message", [
    ({"OIDC_ISSUER": "https://idp.example", "PROXY_TRUSTED": "10.0.0.1", "ROLES": ROLES},
     "choose one sign-in mode"),
    ({"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "tvb", "ROLES": ROLES},
     "TVB_OIDC_CLIENT_SECRET is not"),
    ({"PROXY_TRUSTED": "10.0.0.1"}, "TVB_ROLES maps no group"),
    ({"PROXY_TRUSTED": "10.0.0.1", "ROLES": {"g": "koning"}}, "unknown role(s) koning"),
    ({"PROXY_TRUSTED": "10.0.0.300", "ROLES": ROLES}, "PROXY_TRUSTED"),
])
def test_contradicting_or_missing_settings_are_refused(config, message):
    with pytest.raises(AuthSettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_app({**BASE, **config})


def test_settings_come_from_the_environment_and_secrets_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "client-secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("TVB_OIDC_ISSUER", "https://idp.example/realms/rijk")
    monkeypatch.setenv("TVB_OIDC_CLIENT_ID", "tvb")
    monkeypatch.setenv("TVB_OIDC_CLIENT_SECRET_FILE", str(secret))
    monkeypatch.setenv("TVB_ROLES", '{"tvb-lezers": "lezer", "tvb-beheer": "beheerder"}')
    monkeypatch.setenv("TVB_SESSION_LIFETIME", "3600")
    app = create_app(BASE)
    assert mode(app) == "oidc"
    assert app.config["OIDC_CLIENT_SECRET"] == "from-a-file"
    assert app.config["ROLES"]["tvb-beheer"] == "beheerder"
    assert app.permanent_session_lifetime.total_seconds() == 3600
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # before signing in: a page sends the browser to the provider, JSON answers 401
    client = app.test_client()
    r = client.get("/organisation")
    assert r.status_code == 302 and r.headers["Location"].startswith("/auth/login?next=")
    assert client.get("/organisation.json").status_code == 401
    assert r.headers["Cache-Control"] == "private, no-store"


def test_an_unreadable_secret_file_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("TVB_OIDC_CLIENT_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="TVB_OIDC_CLIENT_SECRET_FILE: cannot read"):
        create_app(BASE)


def test_the_session_cookie_is_secure_over_https(monkeypatch):
    app = create_app({**BASE, "PROXY_TRUSTED": "127.0.0.1", "ROLES": ROLES,
                      "OIDC_ISSUER": None})
    with app.test_request_context("https://tvb.example/"):
        assert app.session_interface.get_cookie_secure(app) is True
    with app.test_request_context("http://127.0.0.1/"):
        assert app.session_interface.get_cookie_secure(app) is False
    # TLS ends at a proxy: the public callback URL says HTTPS
    app.config["OIDC_REDIRECT_URI"] = "https://tvb.example/auth/callback"
    with app.test_request_context("http://127.0.0.1/"):
        assert app.session_interface.get_cookie_secure(app) is True


def test_serve_beyond_this_machine_with_sign_in_configured_starts(monkeypatch, served):
    monkeypatch.setenv("TVB_PROXY_TRUSTED", "10.1.2.3")
    monkeypatch.setenv("TVB_ROLES", '{"tvb-lezers": "lezer"}')
    r = _serve("--host", "0.0.0.0")
    assert r.exit_code == 0, r.output
    assert "warning" not in r.stderr and "sign-in: proxy" in r.stderr
    assert served[0][1]["host"] == "0.0.0.0"


def test_serve_with_contradicting_settings_exits_2_with_one_line(monkeypatch, served):
    monkeypatch.setenv("TVB_PROXY_TRUSTED", "10.1.2.3")
    r = _serve("--host", "0.0.0.0")
    assert r.exit_code == 2 and served == []
    assert r.stderr.strip().splitlines() == [
        "error: sign-in is configured but TVB_ROLES maps no group to a role, so nobody "
        "could see anything"]
