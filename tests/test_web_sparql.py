"""``/sparql``: the SPARQL 1.1 Protocol, result formats by Accept, the refusals of
``tvb query``, the row cap and the time limit (a runaway query is killed while the server
keeps answering)."""

from __future__ import annotations

import csv
import io
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import SAMPLE, _viewer

PEOPLE = "SELECT ?p ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name"
# Every triple three times over: far more than any time limit allows.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _people_count(app) -> int:
    return len(app.extensions["tvb.snapshots"].current.registry.people)


def test_get_returns_sparql_json_by_default(app, client):
    r = client.get("/sparql", query_string={"query": PEOPLE})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"
    doc = r.get_json()
    assert doc["head"]["vars"] == ["p", "name"]
    assert len(doc["results"]["bindings"]) == _people_count(app)
    first = doc["results"]["bindings"][0]
    assert first["p"]["type"] == "uri" and first["name"]["type"] == "literal"


def test_post_form_and_post_query_body(app, client):
    by_form = client.post("/sparql", data={"query": PEOPLE}).get_json()
    by_body = client.post("/sparql", data=PEOPLE.encode(),
                          content_type="application/sparql-query").get_json()
    by_get = client.get("/sparql", query_string={"query": PEOPLE}).get_json()
    assert by_form == by_body == by_get


@pytest.mark.parametrize("accept, mimetype", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/html", "text/html"),
])
def test_result_format_by_accept(client, accept, mimetype):
    r = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == mimetype


def test_formats_carry_the_same_rows(app, client):
    n = _people_count(app)
    q = {"query": PEOPLE}
    rows = list(csv.reader(io.StringIO(client.get("/sparql", query_string=q,
                                                  headers={"Accept": "text/csv"}).text)))
    assert rows[0] == ["p", "name"] and len(rows) == n + 1
    tsv = client.get("/sparql", query_string=q,
                     headers={"Accept": "text/tab-separated-values"}).text.splitlines()
    assert tsv[0] == "?p\t?name" and len(tsv) == n + 1
    assert tsv[1].startswith("<https://") and '"' in tsv[1]
    xml = client.get("/sparql", query_string=q,
                     headers={"Accept": "application/sparql-results+xml"}).data
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(xml)
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["p", "name"]
    assert len(root.findall("s:results/s:result", ns)) == n
    html = client.get("/sparql", query_string={**q, "format": "html"}).text
    assert html.count("<tr>") == n + 1  # header + rows
    assert 'href="/id/' in html  # the register's own IRIs link to their pages


def test_ask_and_construct(client):
    ask = client.get("/sparql.json", query_string={"query": "ASK { ?p a foaf:Person }"})
    assert ask.get_json() == {"head": {}, "boolean": True}
    q = "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p foaf:name ?n } LIMIT 3"
    ttl = client.get("/sparql", query_string={"query": q}, headers={"Accept": "text/turtle"})
    assert ttl.mimetype == "text/turtle" and "foaf:name" in ttl.text
    nt = client.get("/sparql", query_string={"query": q, "format": "ntriples"})
    assert nt.mimetype == "application/n-triples" and len(nt.text.strip().splitlines()) == 3
    # Turtle for a SELECT fits nothing: 406, and the error is plain text (the client
    # asked for no JSON)
    wrong = client.get("/sparql", query_string={"query": PEOPLE, "format": "turtle"})
    assert wrong.status_code == 406 and wrong.mimetype == "text/plain"
    assert "CONSTRUCT or DESCRIBE" in wrong.text or "does not fit" in wrong.text


def test_the_form_page(client):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert '<label for="query">' in r.text and '<textarea id="query"' in r.text
    _error(client.get("/sparql.json"), 400)


def _error(r, status):
    assert r.status_code == status, r.data[:300]
    body = r.get_json()
    assert body["ok"] is False and body["status"] == status
    return body["error"]


@pytest.mark.parametrize("query, word", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "update"),
    ("DELETE WHERE { ?s ?p ?o }", "update"),
    ("LOAD <file:///etc/passwd>", "LOAD"),
    ("CLEAR ALL", "update"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM NAMED"),
    ("SELEC * WHERE { ?s ?p ?o }", "syntax"),
])
def test_the_refusals_of_tvb_query(client, query, word):
    for r in (client.get("/sparql.json", query_string={"query": query}),
              client.post("/sparql", data={"query": query},
                          headers={"Accept": "application/json"})):
        assert word in _error(r, 400)


def test_protocol_level_refusals(client):
    assert "read-only" in _error(client.post("/sparql", data={"update": "CLEAR ALL"},
                                             headers={"Accept": "application/json"}), 400)
    assert "default-graph-uri" in _error(client.get("/sparql.json", query_string={
        "query": PEOPLE, "default-graph-uri": "file:///etc/passwd"}), 400)
    _error(client.post("/sparql", data=b"{}", content_type="application/json",
                       headers={"Accept": "application/json"}), 415)
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert "limit" in _error(client.post("/sparql", data={"query": long},
                                         headers={"Accept": "application/json"}), 413)


def test_html_errors_show_the_form_with_the_message(client):
    r = client.get("/sparql", query_string={"query": "LOAD <file:///etc/passwd>",
                                            "format": "html"})
    assert r.status_code == 400 and 'role="alert"' in r.text and "LOAD" in r.text
    assert "file:///etc/passwd" in r.text  # shown back, escaped, in the text area


def test_row_cap():
    app = _viewer(SAMPLE, SPARQL_MAX_ROWS=3)
    client = app.test_client()
    r = client.get("/sparql.json", query_string={"query": PEOPLE})
    doc = r.get_json()
    assert len(doc["results"]["bindings"]) == 3
    assert doc["truncated"] is True and r.headers["X-Result-Truncated"] == "max-rows=3"
    rows = client.get("/sparql", query_string={"query": PEOPLE, "format": "csv"}).text
    assert len(rows.strip().splitlines()) == 4


def test_a_runaway_query_is_stopped_and_the_server_keeps_answering():
    app = _viewer(SAMPLE, SPARQL_TIMEOUT=1.0)
    results = {}

    def runaway():
        c = app.test_client()
        t0 = time.monotonic()
        results["r"] = c.get("/sparql.json", query_string={"query": RUNAWAY})
        results["took"] = time.monotonic() - t0

    worker = threading.Thread(target=runaway)
    worker.start()
    time.sleep(0.2)
    # meanwhile, other requests are answered
    c = app.test_client()
    for path in ("/health", "/integrator.json", "/?q=cyber"):
        assert c.get(path).status_code == 200
    worker.join(30)
    assert not worker.is_alive()
    assert "longer than 1 s" in _error(results["r"], 503)
    assert results["took"] < 10  # killed at the limit, not run to the end


def test_concurrency_limit():
    from web.sparql import _slots

    app = _viewer(SAMPLE, SPARQL_CONCURRENCY=1)
    slots = _slots(app)
    slots.acquire()
    try:
        assert "too many" in _error(app.test_client().get(
            "/sparql.json", query_string={"query": PEOPLE}), 503)
    finally:
        slots.release()
    assert app.test_client().get("/sparql.json", query_string={"query": PEOPLE}).status_code \
        == 200


def test_switched_off():
    app = _viewer(SAMPLE, SPARQL_ENABLED=False)
    c = app.test_client()
    _error(c.get("/sparql.json", query_string={"query": PEOPLE}), 404)
    assert c.get("/sparql").status_code == 404
    assert c.post("/sparql", data={"query": PEOPLE}).status_code == 404
