"""Defaults that protect: the viewer as it comes, without anyone configuring it, is bound
to this machine, read-only, without debug, limited in what a request may send, and its
SPARQL endpoint can be switched off.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE, TODAY, _viewer
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


ROOT = Path(__file__).resolve().parent.parent
WRITE_METHODS = ("POST", "PUT", "DELETE", "PATCH")


@pytest.fixture()
def served(monkeypatch):
    """``tvb serve`` with waitress replaced by a stub: (app, waitress keyword arguments,
    the command's output)."""
    from web import server

    calls = []
    monkeypatch.setattr(server, "serve", lambda app, **kw: calls.append((app, kw)))

    def run(*args: str):
        calls.clear()
        r = CliRunner().invoke(main, ["serve", "--data", str(SAMPLE), "--no-watch", "--today",
                                      TODAY.isoformat(), *args])
        assert r.exit_code == 0, r.output
        (app, kw), = calls
        return app, kw, r.stderr

    return run


def _paths(app) -> list[str]:
    """One concrete URL for every route of the app, ids taken from its data."""
    reg = app.extensions["tvb.snapshots"].current.registry
    ids = {"directorate": reg.directorates[0].id, "department": reg.departments[0].id,
           "person": next(iter(reg.people)), "dossier": next(iter(reg.dossiers)),
           "process": next(iter(reg.processes)),
           "collaboration": next(iter(reg.collaborations)),
           "organisation": reg.organisation.id, "id": next(iter(reg.people))}
    out = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if rule.endpoint == "static":
            path = "/static/tvb.css"
        kind = path.strip("/").split("/")[0]
        path = path.replace("<id>", ids.get(kind, ids["id"]))
        out.append(path)
    return sorted(set(out))


# -- bound to this machine ------------------------------------------------------------------------
def test_serve_listens_on_127_0_0_1_by_default(served):
    app, kw, err = served()
    assert kw["host"] == "127.0.0.1"
    assert "warning" not in err
    serve = main.commands["serve"]
    assert next(p for p in serve.params if p.name == "host").default == "127.0.0.1"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^HOST\s*\?=\s*127\.0\.0\.1\s*$", makefile, re.M)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.10.5", "tvb.intranet.example"])
def test_a_warning_when_bound_elsewhere(served, host):
    _, kw, err = served("--host", host, "--no-auth")
    assert kw["host"] == host
    assert f"warning: listening on {host}" in err and "no login" in err
    assert "access control" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_no_warning_on_this_machine(served, host):
    _, _, err = served("--host", host)
    assert "warning" not in err


def test_proxy_headers_are_not_trusted(served, client):
    _, kw, _ = served()
    assert kw["clear_untrusted_proxy_headers"] is True and "trusted_proxy" not in kw
    # nor by the app: a forged Host or X-Forwarded-Host never ends up in a link
    headers = {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
               "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    r = client.get("/organisation", headers=headers)
    assert r.status_code == 200 and "evil.example" not in r.text
    person = next(iter(client.application.extensions["tvb.snapshots"].current
                       .registry.people))
    r = client.get(f"/id/{person}", headers=headers)
    assert r.status_code == 303 and "evil.example" not in r.headers["Location"]


# -- read-only ------------------------------------------------------------------------------------
def test_no_write_method_on_any_route(app, client):
    for path in _paths(app):
        for method in WRITE_METHODS:
            r = client.open(path, method=method, headers={"Accept": "application/json"})
            if method == "POST" and path in ("/sparql", "/sparql.json"):
                assert r.status_code != 405, path  # queries may be POSTed (SPARQL protocol)
                continue
            assert r.status_code == 405, (method, path, r.status_code)
            if path != "/static/tvb.css":
                assert r.get_json() == {"ok": False, "status": 405,
                                        "error": r.get_json()["error"]}, (method, path)
            allowed = {m.strip() for m in r.headers["Allow"].split(",")}
            extra = {"POST"} if path in ("/sparql", "/sparql.json") else set()
            assert allowed <= {"GET", "HEAD", "OPTIONS"} | extra, (path, allowed)


def test_options_and_trace_advertise_nothing_that_writes(app, client):
    for path in _paths(app):
        r = client.open(path, method="OPTIONS")
        allowed = {m.strip() for m in r.headers["Allow"].split(",")}
        extra = {"POST"} if path.startswith("/sparql") else set()
        assert allowed <= {"GET", "HEAD", "OPTIONS"} | extra, (path, allowed)
        assert client.open(path, method="TRACE").status_code == 405, path


def test_no_cookie_is_ever_set(app, client):
    for path in _paths(app):
        r = client.get(path)
        assert "Set-Cookie" not in r.headers, path


# -- no debug -------------------------------------------------------------------------------------
def test_debug_is_off_even_when_the_environment_asks(monkeypatch, served):
    from web import create_app

    assert create_app({"DATA": str(SAMPLE), "WATCH": False}).debug is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("TVB_DEBUG", "true")
    app = create_app({"DATA": str(SAMPLE), "WATCH": False})
    assert app.debug is False and app.config["DEBUG"] is False
    app, _, _ = served()
    assert app.debug is False


def test_no_debugger_and_no_traceback_in_errors():
    from werkzeug.debug import DebuggedApplication

    app = _viewer(SAMPLE)
    assert not isinstance(app.wsgi_app, DebuggedApplication)

    @app.route("/boom")
    def boom():  # a view that fails, as a bug would
        raise RuntimeError("secret detail /etc/tvb token=abc")

    client = app.test_client()
    assert client.get("/console").status_code == 404
    for accept in ("application/json", "text/html"):
        r = client.get("/boom", headers={"Accept": accept})
        assert r.status_code == 500
        assert "secret detail" not in r.text and "Traceback" not in r.text
        assert "RuntimeError" not in r.text and "werkzeug" not in r.text.lower()
    assert client.get("/boom", headers={"Accept": "application/json"}).get_json() == {
        "ok": False, "error": "internal error", "status": 500}


# -- request size limits --------------------------------------------------------------------------
def test_request_bodies_over_the_limit_get_413(app, client, served):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 256 * 1024
    over = b"x" * (limit + 1)
    for ctype, body in (("application/sparql-query", over),
                        ("application/x-www-form-urlencoded", b"query=" + over)):
        r = client.post("/sparql.json", data=body, content_type=ctype)
        assert r.status_code == 413, ctype
        assert r.get_json()["status"] == 413
    r = client.post("/sparql.json", data={"query": "ASK {}", "file": (io.BytesIO(over),
                                                                       "big.bin")},
                    content_type="multipart/form-data")
    assert r.status_code == 413
    # waitress refuses the same bodies before the app sees them
    served_app, kw, _ = served()
    assert kw["max_request_body_size"] == served_app.config["MAX_CONTENT_LENGTH"] == limit


def test_a_smaller_configured_limit_is_kept():
    client = _viewer(SAMPLE, MAX_CONTENT_LENGTH=1000).test_client()
    r = client.post("/sparql.json", data="ASK {} #" + "x" * 2000,
                    content_type="application/sparql-query")
    assert r.status_code == 413


# -- SPARQL switched off --------------------------------------------------------------------------
def _assert_sparql_off(client) -> None:
    for method, path in (("GET", "/sparql"), ("GET", "/sparql.json"),
                         ("GET", "/sparql?query=ASK%7B%7D"), ("POST", "/sparql"),
                         ("POST", "/sparql.json")):
        r = client.open(path, method=method, data="ASK {}",
                        content_type="application/sparql-query",
                        headers={"Accept": "application/json"})
        assert r.status_code == 404, (method, path)
        assert r.get_json()["status"] == 404
    html = client.get("/").text
    assert 'href="/sparql"' not in html  # and no page links to it


def test_sparql_can_be_switched_off_by_configuration():
    _assert_sparql_off(_viewer(SAMPLE, SPARQL_ENABLED=False).test_client())


def test_sparql_can_be_switched_off_by_the_environment(monkeypatch):
    from web import create_app

    monkeypatch.setenv("TVB_SPARQL_ENABLED", "false")
    app = create_app({"DATA": str(SAMPLE), "TODAY": TODAY, "WATCH": False, "TESTING": True})
    _assert_sparql_off(app.test_client())


def test_sparql_can_be_switched_off_on_the_command_line(served):
    app, _, _ = served("--no-sparql")
    _assert_sparql_off(app.test_client())


def test_sparql_is_linked_when_on(client):
    assert 'href="/sparql"' in client.get("/").text
