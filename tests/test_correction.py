"""'Meld een correctie': the link built from ``settings.correction_url`` for each kind of
template, escaped so that nothing in the data can change where it points, and followed
in Chromium to a loopback tracker that receives the prefilled fields."""

from __future__ import annotations

import http.server
import threading
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from registry.validate import registry_from_text
from render.correction import correction_fields, correction_link
from tests.conftest import SAMPLE, TODAY, register

GITLAB = ("https://gitlab.example.org/dgb/tvb-data/-/issues/new"
          "?issue[title]={title}&issue[description]={body}")
GITHUB = "https://github.com/dgb/tvb-data/issues/new?title={title}&body={body}&labels=correctie"
MAILTO = "mailto:tvb-beheer@example.org?subject={title}&body={body}"

HOSTILE = 'X&assignee=mallory#frag {body} "><script>alert(1)</script>\nline2?a=b'


def _fields(name: str = "Cyberstrategie") -> dict[str, str]:
    return correction_fields(id="cyberstrategie", name=name, file="data/tvb.yaml", line=12,
                             url="http://127.0.0.1/dossier/cyberstrategie",
                             reviewed="2026-09-14")


@pytest.mark.parametrize("template, where, title_key, body_key, extra", [
    (GITLAB, ("https", "gitlab.example.org", "/dgb/tvb-data/-/issues/new"),
     "issue[title]", "issue[description]", {}),
    (GITHUB, ("https", "github.com", "/dgb/tvb-data/issues/new"), "title", "body",
     {"labels": ["correctie"]}),
    (MAILTO, ("mailto", "", "tvb-beheer@example.org"), "subject", "body", {}),
])
@pytest.mark.parametrize("name", ["Cyberstrategie", HOSTILE])
def test_each_template_kind_carries_the_fields_and_nothing_else(template, where, title_key,
                                                                 body_key, extra, name):
    url = correction_link(template, _fields(name))
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == where
    assert parts.fragment == ""  # a '#' in the data did not cut the link short
    query = parse_qs(parts.query, keep_blank_values=True)
    # exactly the template's parameters: '&assignee=' in a name added none
    assert set(query) == {title_key, body_key, *extra}
    for key, value in extra.items():
        assert query[key] == value
    assert query[title_key] == [f"Correctie: {name} (cyberstrategie)"]
    body = query[body_key][0]
    assert "Id: cyberstrategie" in body
    assert f"Naam: {name}" in body
    assert "Bestand: data/tvb.yaml:12" in body
    assert "Pagina: http://127.0.0.1/dossier/cyberstrategie" in body
    assert "Laatst bevestigd: 2026-09-14" in body
    # the '{body}' written in the data stayed text, it was not expanded a second time
    assert body.count("Wat klopt er niet") == 1
    for raw in ('"', "<", ">", " ", "\n", "{", "}"):
        assert raw not in url


def test_single_placeholders_and_no_template():
    url = correction_link("https://h.example/new?id={id}&line={line}&at={file}",
                          _fields())
    assert parse_qs(urlsplit(url).query) == {"id": ["cyberstrategie"], "line": ["12"],
                                             "at": ["data/tvb.yaml"]}
    assert correction_link(None, _fields()) is None
    assert correction_link("", _fields()) is None


@pytest.mark.parametrize("template", [
    "javascript:alert(1)//{title}", "data:text/html,{body}", "https://x.example/{title} a",
    'https://x.example/"onmouseover="{title}', "ftp://x.example/{title}",
])
def test_the_validator_refuses_a_template_that_is_not_a_web_or_mail_link(template):
    text = register(settings={"correction_url": template})
    result = registry_from_text(text, name="t.yaml", today=TODAY)
    errors = [str(d) for d in result.errors]
    assert len(errors) == 1, errors
    assert errors[0].startswith("t.yaml:2:")
    assert "correction_url" in errors[0] and "mailto:" in errors[0]


def _viewer_with(tmp_path, template: str | None):
    from web import create_app

    text = SAMPLE.read_text(encoding="utf-8")
    line = '  correction_url: "mailto:tvb-beheer@example.org?subject={title}&body={body}"\n'
    assert line in text
    text = text.replace(line, f'  correction_url: "{template}"\n' if template else "")
    path = tmp_path / "tvb.yaml"
    path.write_text(text, encoding="utf-8")
    return create_app({"DATA": path, "TODAY": TODAY, "WATCH": False, "TESTING": True,
                       "CACHE": False})


def test_the_sample_mails_its_corrections(client):
    html = client.get("/dossier/cyberstrategie").get_data(as_text=True)
    assert 'class="correction"><a href="mailto:tvb-beheer@example.org?subject=' in html
    data = client.get("/dossier/cyberstrategie.json").get_json()
    query = parse_qs(urlsplit(data["correction"]).query)
    assert query["subject"] == ["Correctie: Cyberstrategie (cyberstrategie)"]
    assert "Bestand: " in query["body"][0] and "tvb.yaml:" in query["body"][0]


def test_every_kind_of_entity_page_links_a_correction(app, client):
    reg = app.extensions["tvb.snapshots"].current.registry
    pages = {"directorate": reg.directorates[0].id, "department": reg.departments[0].id,
             "person": next(iter(reg.people)), "dossier": next(iter(reg.dossiers)),
             "process": next(iter(reg.processes)),
             "collaboration": next(iter(reg.collaborations))}
    for kind, id in pages.items():
        data = client.get(f"/{kind}/{id}.json").get_json()
        assert data["correction"].startswith("mailto:"), kind
        body = parse_qs(urlsplit(data["correction"]).query)["body"][0]
        assert f"Id: {id}" in body and f"/{kind}/{id}" in body, kind


def test_no_setting_no_link(tmp_path):
    app = _viewer_with(tmp_path, None)
    resp = app.test_client().get("/dossier/cyberstrategie")
    assert resp.status_code == 200
    assert 'class="correction"' not in resp.get_data(as_text=True)
    app.extensions["tvb.snapshots"].stop()


# -- in the browser -----------------------------------------------------------------------------
class _Tracker(http.server.BaseHTTPRequestHandler):
    """A stand-in issue tracker on loopback that keeps the URLs it was asked for."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        type(self).seen.append(self.path)
        body = b"<!doctype html><title>new issue</title><h1>New issue</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_follow_the_link_from_a_dossier_to_a_prefilled_issue(tmp_path):
    from tests.test_e2e import ARGS, CHROMIUM, sync_playwright

    if sync_playwright is None or CHROMIUM is None:
        pytest.skip("Playwright or Chromium is missing (see tests/test_e2e.py)")
    from waitress import wasyncore
    from waitress.server import create_server

    tracker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    threading.Thread(target=tracker.serve_forever, daemon=True).start()
    _Tracker.seen = []
    issue_url = (f"http://127.0.0.1:{tracker.server_address[1]}/dgb/tvb-data/issues/new"
                 "?title={title}&body={body}")
    app = _viewer_with(tmp_path, issue_url)
    srv = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{srv.effective_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pg = browser.new_page(locale="nl-NL")
            pg.set_default_timeout(20_000)
            pg.goto(base + "/dossier/cyberstrategie")
            pg.get_by_role("link", name="Meld een correctie").click()
            pg.wait_for_url(f"http://127.0.0.1:{tracker.server_address[1]}/**")
            assert pg.locator("h1").inner_text() == "New issue"
            browser.close()
    finally:
        srv.task_dispatcher.shutdown()
        srv.trigger.pull_trigger(lambda: wasyncore.close_all(srv._map))
        thread.join(10)
        tracker.shutdown()
        app.extensions["tvb.snapshots"].stop()
    issues = [u for u in _Tracker.seen if u != "/favicon.ico"]
    assert len(issues) == 1, _Tracker.seen
    parts = urlsplit(issues[0])
    assert parts.path == "/dgb/tvb-data/issues/new"
    query = parse_qs(parts.query)
    assert query["title"] == ["Correctie: Cyberstrategie (cyberstrategie)"]
    body = query["body"][0]
    assert f"Pagina: {base}/dossier/cyberstrategie" in body
    assert "Id: cyberstrategie" in body and "Naam: Cyberstrategie" in body
    assert "Bestand: " in body and "tvb.yaml:" in body
    assert "Laatst bevestigd: 20" in body
    assert unquote(parts.query).count("Correctie:") == 1
