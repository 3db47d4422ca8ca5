"""Behind an authenticating reverse proxy: the user and groups headers count only when the
connection comes from a trusted address.

The viewer is served by waitress on 127.0.0.1; the "proxy" is an HTTP client whose
connection leaves from 127.0.0.1 (trusted) or from 127.0.0.2 (another loopback address,
not trusted), so the address the viewer sees is the real peer address of the socket.
"""

from __future__ import annotations

import http.client
import json
import logging
from urllib.parse import urlsplit

import pytest

from tests.conftest import SAMPLE, TODAY

ROLES = {"tvb-lezers": "lezer", "tvb-integratoren": "integrator", "tvb-beheer": "beheerder"}


@pytest.fixture(scope="module")
def viewer():
    from tests.servers import serve
    from web import create_app

    app = create_app({"DATA": SAMPLE, "TODAY": TODAY, "WATCH": False,
                      "PROXY_TRUSTED": "127.0.0.1, 10.0.0.0/8", "ROLES": ROLES})
    with serve(app) as base:
        yield base, app


def _get(base: str, path: str, source: str, headers: dict[str, str] | None = None):
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20,
                                      source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


def _as(user: str, groups: str) -> dict[str, str]:
    return {"X-Remote-User": user, "X-Remote-Groups": groups}


@pytest.mark.parametrize("groups, allowed, refused", [
    ("tvb-lezers", ["/organisation.json", "/lessons.json"],
     ["/integrator.json", "/network.json", "/status.json"]),
    ("kantine,tvb-integratoren", ["/integrator.json", "/network.json"], ["/status.json"]),
    ("tvb-beheer", ["/status.json", "/integrator.json"], []),
])
def test_headers_from_the_trusted_proxy_grant_the_mapped_role(viewer, groups, allowed,
                                                              refused):
    base, _ = viewer
    for path in allowed:
        status, _body = _get(base, path, "127.0.0.1", _as("j.jansen", groups))
        assert status == 200, (groups, path)
    for path in refused:
        status, body = _get(base, path, "127.0.0.1", _as("j.jansen", groups))
        assert status == 403 and body["ok"] is False, (groups, path)


def test_the_same_headers_from_another_address_grant_nothing(viewer, caplog):
    base, _ = viewer
    with caplog.at_level(logging.WARNING, logger="web.auth"):
        status, body = _get(base, "/organisation.json", "127.0.0.2",
                            _as("j.jansen", "tvb-beheer"))
    assert status == 401 and body == {"ok": False, "status": 401, "error": body["error"]}
    assert any("ignored X-Remote-User/X-Remote-Groups from 127.0.0.2" in r.getMessage()
               for r in caplog.records)
    # the public pages stay public
    assert _get(base, "/health", "127.0.0.2")[0] == 200


def test_no_headers_or_no_user_grants_nothing(viewer):
    base, _ = viewer
    assert _get(base, "/organisation.json", "127.0.0.1")[0] == 401
    assert _get(base, "/organisation.json", "127.0.0.1",
                {"X-Remote-Groups": "tvb-beheer"})[0] == 401
    # a user in no mapped group is known but has no role
    status, body = _get(base, "/organisation.json", "127.0.0.1", _as("x", "marketing"))
    assert status == 403 and "geen rol" in body["error"]


def test_header_names_are_configurable(tmp_path):
    from web import create_app

    app = create_app({"DATA": SAMPLE, "TODAY": TODAY, "WATCH": False, "TESTING": True,
                      "PROXY_TRUSTED": ["127.0.0.1"], "ROLES": ROLES,
                      "PROXY_USER_HEADER": "X-Auth-Name", "PROXY_GROUPS_HEADER": "X-Auth-Roles"})
    client = app.test_client()
    env = {"REMOTE_ADDR": "127.0.0.1"}
    r = client.get("/integrator.json", environ_base=env,
                   headers={"X-Auth-Name": "a", "X-Auth-Roles": "tvb-integratoren"})
    assert r.status_code == 200
    r = client.get("/integrator.json", environ_base=env, headers=_as("a", "tvb-integratoren"))
    assert r.status_code == 401


def test_a_cached_page_never_shows_another_users_name(viewer):
    """/organisation is kept in the response cache; the header names who is signed in."""
    base, _ = viewer
    u = urlsplit(base)
    seen = {}
    for user in ("a.de.vries", "b.bakker"):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
        conn.request("GET", "/organisation", headers=_as(user, "tvb-lezers"))
        resp = conn.getresponse()
        seen[user] = resp.read().decode()
        conn.close()
        assert resp.status == 200 and resp.getheader("Cache-Control") == "private, no-store"
    assert "a.de.vries" in seen["a.de.vries"] and "b.bakker" not in seen["a.de.vries"]
    assert "b.bakker" in seen["b.bakker"] and "a.de.vries" not in seen["b.bakker"]
