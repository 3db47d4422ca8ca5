"""Sign-in through a real OpenID provider: panva's ``oidc-provider`` (npm registry, run by
node from ``tests/node``) on a loopback port, the viewer served by waitress, Chromium
driven by Playwright.

The provider knows four users: a reader, an integrator, one whose ID token has no groups
claim, and one whose groups map to no role.  For the refusal tests it can spoil the next
ID token (expired or for another audience, re-signed with its own key; or tampered with
after signing) — see ``tests/node/oidc_provider.mjs``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, TODAY
from tests.servers import BROWSER_SKIPS
from tests.test_accessibility import axe_violations

NODE_DIR = Path(__file__).parent / "node"
NODE = shutil.which("node")
ROLES = {"tvb-lezers": "lezer", "tvb-integratoren": "integrator", "tvb-beheer": "beheerder"}
USERS = {
    "lotte": {"name": "Lotte Lezer", "groups": ["tvb-lezers", "kantine"]},
    "ivo": {"name": "Ivo Integrator", "groups": ["tvb-integratoren"]},
    "zonder": {"name": "Zonder Groepen"},  # no groups claim at all
    "vreemd": {"name": "Vera Vreemd", "groups": ["marketing"]},
}

pytestmark = [
    *BROWSER_SKIPS,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    # In CI (CI=true) a missing package fails the tests instead: .ci/run installs them.
    pytest.mark.skipif(not os.environ.get("CI") and (
                       not (NODE_DIR / "node_modules" / "oidc-provider").exists()
                       or not (NODE_DIR / "node_modules" / "axe-core").exists()),
                       reason="oidc-provider is missing: npm install --prefix tests/node "
                       "(.ci/run does)"),
]


def _line(proc: subprocess.Popen) -> dict:
    raw = proc.stdout.readline()
    if not raw:
        raise RuntimeError("the OpenID provider stopped: " + proc.stderr.read())
    return json.loads(raw)


@pytest.fixture(scope="module")
def idp_and_viewer():
    """``(viewer base URL, issuer, app)``: the provider first (its port is the issuer),
    then the viewer, then the provider learns the viewer's callback URL."""
    from tests.servers import serve
    from web import create_app

    proc = subprocess.Popen([NODE, "oidc_provider.mjs"], cwd=NODE_DIR, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        port = _line(proc)["port"]
        issuer = f"http://127.0.0.1:{port}"
        app = create_app({"DATA": SAMPLE, "TODAY": TODAY, "WATCH": False,
                          "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "tvb-viewer",
                          "OIDC_CLIENT_SECRET": "a-long-client-secret-for-the-tests",
                          "ROLES": ROLES, "HIDE_PHONES": True})
        with serve(app) as base:
            client = {"client_id": "tvb-viewer",
                      "client_secret": "a-long-client-secret-for-the-tests",
                      "redirect_uris": [base + "/auth/callback"],
                      "grant_types": ["authorization_code"], "response_types": ["code"],
                      "token_endpoint_auth_method": "client_secret_basic"}
            proc.stdin.write(json.dumps({"clients": [client], "users": USERS}) + "\n")
            proc.stdin.flush()
            assert _line(proc) == {"ready": True, "issuer": issuer}
            yield base, issuer, app
    finally:
        proc.kill()
        proc.wait(10)


@pytest.fixture()
def page(browser, idp_and_viewer):
    """A fresh browser (no session with the viewer or the provider) that may reach only
    the viewer and the provider."""
    base, issuer, _ = idp_and_viewer
    # CSP bypassed so that axe-core can be injected on the signed-in pages
    ctx = browser.new_context(locale="nl-NL", bypass_csp=True)
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith((base + "/", issuer + "/")):
            route.continue_()
        else:
            # Refused either way; counted when the viewer asked (the provider's own
            # development login page asks for a web font).
            if route.request.frame.url.startswith(base):
                outside.append(url)
            route.abort()

    ctx.route("**/*", guard)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()
    assert outside == []


def _sign_in(page, issuer: str, user: str) -> None:
    """On the provider's login page: the user name, any password (development login)."""
    page.wait_for_url(issuer + "/interaction/**")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", "whatever")
    page.click("button[type=submit]")


def _nav(page) -> list[str]:
    return page.locator("header nav a").all_inner_texts()


def _spoil_next_id_token(issuer: str, how: str) -> None:
    with urllib.request.urlopen(f"{issuer}/__test/next-id-token?do={how}", timeout=10) as r:
        assert json.load(r) == {"next": how}


def _register_texts(app) -> list[str]:
    """Names from the register that must not appear on a refusal page."""
    reg = app.extensions["tvb.snapshots"].current.registry
    return [p.name for p in reg.people.values()] + [u.name for u in reg.directorates] + \
        [d.title for d in reg.dossiers.values()]


def _assert_nothing_of_the_register(page, app) -> None:
    text = page.locator("body").inner_text()
    shown = [name for name in _register_texts(app) if name in text]
    assert shown == [], f"the refusal page shows {shown}"
    assert _nav(page) == []
    assert page.locator("a[href^='/person/'], a[href^='/dossier/']").count() == 0


def _signed_out_json(page, base: str) -> None:
    r = page.request.get(base + "/organisation.json")
    assert r.status == 401 and r.json()["ok"] is False


# -- each role sees what it may --------------------------------------------------------------
def _visit_as(page, idp_and_viewer, user: str, path: str):
    """Open *path*, sign in as *user* at the provider, land on *path*; ``(base, app,
    registry, snapshot)``."""
    base, issuer, app = idp_and_viewer
    page.goto(base + path)
    _sign_in(page, issuer, user)
    page.wait_for_url(base + path)
    snap = app.extensions["tvb.snapshots"].current
    return base, app, snap.registry, snap


def test_a_reader_signs_in_sees_the_register_but_not_the_integrators_pages(page,
                                                                         idp_and_viewer):
    base, app, reg, snap = _visit_as(page, idp_and_viewer, "lotte", "/organisation")
    assert page.locator(".account .who").inner_text() == "Lotte Lezer (lezer)"
    assert _nav(page) == ["Zoeken", "Organisatie", "Lessen"]
    assert axe_violations(page) == []  # the header with the account and sign-out button
    for path in ("/", "/lessons", "/dossier/cyberstrategie"):
        assert page.goto(base + path).status == 200, path
    # phone numbers are hidden from readers (HIDE_PHONES), on the page and in its JSON
    person = next(p for p in reg.people.values() if p.phone)
    assert page.goto(base + f"/person/{person.id}").status == 200
    assert person.phone not in page.content() and person.email in page.content()
    assert page.request.get(base + f"/person/{person.id}.json").json()["phone"] is None
    # nor the integrator's findings about a person or a directorate
    flagged = next(pid for pid in reg.people if snap.lookups.flags.get(pid))
    seen = page.request.get(base + f"/person/{flagged}.json").json()
    assert seen["flags"] == [] and seen["findings"] == [] and seen["broker"] is None
    silo = next(r["directorate"] for r in snap.report["silos"] if r["flagged"])
    assert page.request.get(base + f"/directorate/{silo}.json").json()["silo"] is None
    # the integrator's pages: 403 on the page and on its JSON twin
    for path in ("/integrator", "/network", "/sparql", "/status"):
        resp = page.goto(base + path)
        assert resp.status == 403, path
        assert "Uw rol geeft geen toegang" in page.locator("main").inner_text()
        twin = page.request.get(base + path + ".json")
        assert twin.status == 403 and twin.json() == {
            "ok": False, "status": 403, "error": twin.json()["error"]}, path
    # and no link leads there
    page.goto(base + "/dossier/cyberstrategie")
    for href in ("/integrator", "/network", "/sparql", "/status"):
        assert page.locator(f"a[href^='{href}']").count() == 0, href
    # sign out: the session is gone
    page.click("form.signout button")
    assert page.locator("h1").inner_text() == "U bent afgemeld"
    _signed_out_json(page, base)


def test_an_integrator_sees_the_dashboard_network_and_sparql_but_not_status(page,
                                                                         idp_and_viewer):
    base, app, reg, snap = _visit_as(page, idp_and_viewer, "ivo", "/integrator?lang=en")
    assert _nav(page) == ["Search", "Organisation", "Integrator", "Network", "Lessons",
                          "SPARQL"]
    assert page.goto(base + "/network").status == 200
    assert page.locator("table.network-table tbody tr").count() > 0
    person = next(p for p in reg.people.values() if p.phone)
    page.goto(base + f"/person/{person.id}")
    assert person.phone in page.content()  # integrators see phone numbers
    flagged = next(pid for pid in reg.people if snap.lookups.flags.get(pid))
    assert page.request.get(base + f"/person/{flagged}.json").json()["flags"] != []
    # the SPARQL form posts with the session's CSRF token
    page.goto(base + "/sparql")
    page.fill("#query", "SELECT ?p WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> } LIMIT 2")
    page.click("form.sparql button[type=submit]")
    assert page.locator("table.data tbody tr").count() == 2
    # the same form post without the token, or from another site, is refused
    forged = page.request.post(base + "/sparql", form={"query": "ASK {}"})
    assert forged.status == 403 and "formulier" in forged.text()
    cross = page.request.post(base + "/sparql", headers={"Origin": "http://evil.example"},
                              form={"query": "ASK {}", "csrf_token": "x"})
    assert cross.status == 403
    # the beheerder's page stays closed
    assert page.goto(base + "/status").status == 403
    assert page.request.get(base + "/status.json").status == 403
    page.click("form.signout button")
    _signed_out_json(page, base)


# -- refused sign-ins --------------------------------------------------------------------------
@pytest.mark.parametrize("how, reason", [
    ("expired", "expired"),
    ("wrong-aud", "aud"),
    ("tampered", "signature"),
])
def test_a_spoiled_id_token_is_refused(page, idp_and_viewer, how, reason):
    base, issuer, app = idp_and_viewer
    _spoil_next_id_token(issuer, how)
    page.goto(base + "/organisation")
    _sign_in(page, issuer, "ivo")
    page.wait_for_url(base + "/auth/callback**")
    main = page.locator("main").inner_text()
    assert "Aanmelden is geweigerd" in main and reason in main.lower(), main
    assert axe_violations(page) == []
    _assert_nothing_of_the_register(page, app)
    _signed_out_json(page, base)


def test_a_replayed_state_is_refused(page, idp_and_viewer):
    base, issuer, app = idp_and_viewer
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/auth/callback?" in r.url
            else None)
    page.goto(base + "/lessons")
    _sign_in(page, issuer, "lotte")
    page.wait_for_url(base + "/lessons")
    assert len(callbacks) == 1 and "state=" in callbacks[0]
    resp = page.goto(callbacks[0])  # the same code and state once more
    assert resp.status == 403
    assert "state" in page.locator("main").inner_text().lower()
    _assert_nothing_of_the_register(page, app)
    _signed_out_json(page, base)  # a replay also ends the session it ran in


@pytest.mark.parametrize("user, message", [
    ("zonder", "geen groepen (claim 'groups')"),
    ("vreemd", "geen rol in het TVB-register"),
])
def test_an_id_token_without_groups_or_a_mapped_group_is_refused(page, idp_and_viewer, user,
                                                                  message):
    base, issuer, app = idp_and_viewer
    page.goto(base + "/")
    _sign_in(page, issuer, user)
    page.wait_for_url(base + "/auth/callback**")
    assert message in page.locator("main").inner_text()
    _assert_nothing_of_the_register(page, app)
    _signed_out_json(page, base)


def test_before_signing_in_nothing_is_shown(page, idp_and_viewer):
    base, issuer, app = idp_and_viewer
    # pages send the browser to the provider; JSON answers 401; public pages stay open
    page.goto(base + "/person/" + next(iter(app.extensions["tvb.snapshots"].current
                                           .registry.people)))
    assert page.url.startswith(issuer + "/interaction/")
    _signed_out_json(page, base)
    assert page.request.get(base + "/health").status == 200
    assert page.goto(base + "/toegankelijkheid").status == 200
    assert _nav(page) == []
    # the login's next= never leaves the site
    page.goto(base + "/auth/login?next=//evil.example/")
    _sign_in(page, issuer, "lotte")
    page.wait_for_url(base + "/")
