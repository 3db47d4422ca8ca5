"""``tvb serve``: one request with --get, exit codes, and the warning when bound beyond
this machine (the server itself is replaced by a stub)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


def _run(*args):
    return CliRunner().invoke(main, ["serve", "--data", str(SAMPLE), "--today", "2026-11-29",
                                     *args])


def test_get_answers_one_request():
    r = _run("--get", "/health")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["status"] == "ok"
    r = _run("--get", "/integrator.json")
    assert r.exit_code == 0 and json.loads(r.stdout)["today"] == "2026-11-29"


def test_get_of_a_missing_page_exits_1_with_the_error_shape():
    r = _run("--get", "/person/nobody.json")
    assert r.exit_code == 1
    assert json.loads(r.stdout) == {"ok": False, "error": "no person with id 'nobody'",
                                    "status": 404}


def test_get_needs_a_path():
    r = _run("--get", "health")
    assert r.exit_code == 2 and "starts with '/'" in r.output


def test_missing_data_exits_2(tmp_path):
    r = CliRunner().invoke(main, ["serve", "--data", str(tmp_path / "none.yaml")])
    assert r.exit_code == 2


def test_invalid_data_exits_1_with_the_diagnostics(write_register):
    bad = write_register(people=["{id: X}"])
    r = CliRunner().invoke(main, ["serve", "--data", str(bad), "--get", "/health"])
    assert r.exit_code == 1 and "error[" in r.output


@pytest.fixture()
def served(monkeypatch):
    calls = []
    from web import server

    monkeypatch.setattr(server, "serve", lambda app, **kw: calls.append((app, kw)))
    return calls


def test_serves_with_waitress_on_localhost_by_default(served):
    r = _run("--no-watch")
    assert r.exit_code == 0, r.output
    (app, kw), = served
    assert kw["host"] == "127.0.0.1" and kw["port"] == 5000
    assert kw["max_request_body_size"] == app.config["MAX_CONTENT_LENGTH"]
    assert "warning" not in r.output
    assert app.config["WATCH"] is False and app.debug is False


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "::"])
def test_warns_when_bound_beyond_this_machine_with_no_auth(served, host):
    r = _run("--no-watch", "--host", host, "--port", "8080", "--no-auth")
    assert r.exit_code == 0
    assert "warning: listening on " + host in r.stderr
    assert served[0][1]["host"] == host


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "::"])
def test_refuses_to_serve_beyond_this_machine_without_sign_in(served, host):
    r = _run("--no-watch", "--host", host)
    assert r.exit_code == 2 and served == []
    line, = r.stderr.strip().splitlines()
    assert f"refusing to serve the register on {host} without sign-in" in line
    assert "TVB_OIDC_ISSUER" in line and "TVB_PROXY_TRUSTED" in line and "--no-auth" in line


def test_no_sparql_switches_the_endpoint_off(served):
    _run("--no-watch", "--no-sparql")
    app = served[0][0]
    assert app.config["SPARQL_ENABLED"] is False
    assert app.test_client().get("/sparql").status_code == 404
