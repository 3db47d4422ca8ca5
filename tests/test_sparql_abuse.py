"""SPARQL abuse: what a hostile client can send to ``/sparql`` is refused, cut off by a
limit, or harmless — and the server keeps answering everyone else meanwhile.

The server is the one of ``tvb serve`` (:mod:`web.server`) on 127.0.0.1, configured exactly
as the command configures it (the keyword arguments are taken from the command itself), in
a thread of this process.
"""

from __future__ import annotations

import faulthandler
import http.client
import json
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE, TODAY, _viewer

TIMEOUT = 2.0  # SPARQL_TIMEOUT of the served app, seconds

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# ten levels of tenfold CONCAT: a string of 10^11 characters, if nothing stopped it
CONCAT_BOMB = ('SELECT (STRLEN(?k) AS ?n) WHERE { BIND("' + "a" * 100 + '" AS ?a) '
               + " ".join(f"BIND(CONCAT({', '.join(['?' + chr(97 + i)] * 10)}) AS "
                          f"?{chr(98 + i)})" for i in range(10)) + " }")


# -- the server ---------------------------------------------------------------------------------
def _serve_kwargs(monkeypatch) -> dict:
    """The waitress keyword arguments of ``tvb serve`` (its server replaced by a stub)."""
    from tvb.cli import main
    from web import server

    calls = []
    monkeypatch.setattr(server, "serve", lambda app, **kw: calls.append(kw))
    r = CliRunner().invoke(main, ["serve", "--data", str(SAMPLE), "--no-watch", "--today",
                                  TODAY.isoformat()])
    assert r.exit_code == 0, r.output
    (kw,) = calls
    return kw


class Served:
    def __init__(self, app, kwargs: dict):
        from web.server import create_server

        kw = {k: v for k, v in kwargs.items() if k not in ("host", "port")}
        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, **kw)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self.server.run, name="abuse-waitress",
                                       daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def get(self, path: str, **headers) -> tuple[int, bytes]:
        return self.request("GET", path, headers={"Accept": "application/json", **headers})

    def stop(self) -> None:
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown()
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(10)


def command_kwargs() -> dict:
    """:func:`_serve_kwargs` for a module-scoped fixture (its own monkeypatch)."""
    mp = pytest.MonkeyPatch()
    try:
        return _serve_kwargs(mp)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def served():
    kwargs = command_kwargs()
    app = _viewer(SAMPLE, SPARQL_TIMEOUT=TIMEOUT, SPARQL_MAX_MEMORY=128 * 2**20)
    app.extensions["tvb.snapshots"].current.store  # noqa: B018 - built before any fork
    s = Served(app, kwargs)
    yield s
    s.stop()


def _error(status: int, body: bytes) -> str:
    data = json.loads(body)
    assert data["ok"] is False and data["status"] == status
    return data["error"]


def _children() -> set[int]:
    """Live child processes of this process (Linux), for the forked query children."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            out.update(int(x) for x in task.read_text().split())
        except OSError:
            pass
    return out


# -- refusals ------------------------------------------------------------------------------------
REFUSED = [
    ("SERVICE", "SELECT * WHERE { SERVICE <http://{listener}/sparql> { ?s ?p ?o } }",
     "SERVICE <http://{listener}/sparql> is not allowed"),
    ("SERVICE SILENT, nested, odd case",
     "SELECT * WHERE { OPTIONAL { { SELECT * WHERE { sErViCe SILENT <http://{listener}/> "
     "{ ?s ?p ?o } } } } }", "is not allowed: the endpoint does not reach out"),
    ("SERVICE in a UNION and a FILTER EXISTS",
     "ASK { { ?s ?p ?o } UNION { FILTER EXISTS { SERVICE <http://{listener}/> { ?s ?p ?o } } } }",
     "SERVICE"),
    ("SERVICE of a variable", "SELECT * WHERE { VALUES ?x { <http://{listener}/> } "
     "SERVICE ?x { ?s ?p ?o } }", "SERVICE"),
    ("LOAD a file", "LOAD <file:///etc/passwd>", "LOAD is not allowed"),
    ("LOAD a URL into a graph", "LOAD SILENT <http://{listener}/data.ttl> INTO GRAPH <urn:g>",
     "LOAD is not allowed"),
    ("INSERT DATA", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "this is an update (INSERT DATA)"),
    ("DELETE DATA", "PREFIX x: <urn:x:> DELETE DATA { x:a x:b x:c }", "DELETE DATA"),
    ("DELETE WHERE", "DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("DELETE/INSERT", "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "update"),
    ("WITH … DELETE", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
    ("CLEAR ALL", "CLEAR ALL", "CLEAR"),
    ("DROP", "DROP SILENT DEFAULT", "DROP"),
    ("CREATE", "CREATE GRAPH <urn:g>", "CREATE"),
    ("COPY", "COPY DEFAULT TO <urn:g>", "COPY"),
    ("MOVE", "MOVE DEFAULT TO <file:///tmp/x>", "MOVE"),
    ("ADD", "ADD DEFAULT TO <urn:g>", "ADD"),
    ("a query, then an update", "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> 1 }",
     "syntax error"),
    ("FROM a file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
     "FROM <file:///etc/passwd> is not allowed"),
    ("FROM NAMED a URL",
     "SELECT * FROM NAMED <http://{listener}/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
     "FROM NAMED <http://{listener}/g> is not allowed"),
    ("FROM in a DESCRIBE", "DESCRIBE ?s FROM <file:///etc/shadow> WHERE { ?s ?p ?o }",
     "FROM <file:///etc/shadow> is not allowed"),
    ("nested 5,000 deep", "SELECT * WHERE " + "{" * 5000 + "}" * 5000, "nested too deeply"),
]


@pytest.fixture(scope="module")
def listener():
    """A socket on 127.0.0.1 that notes every connection: no query may make the server
    reach it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    yield sock
    sock.close()


def _assert_nobody_called(listener) -> None:
    try:
        conn, _ = listener.accept()
    except TimeoutError:
        return
    conn.close()
    pytest.fail("the server opened a connection to the listener")


@pytest.mark.parametrize("name,query,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_by_get_post_form_and_post_body(served, listener, name, query, words):
    where = f"127.0.0.1:{listener.getsockname()[1]}"
    query, words = query.replace("{listener}", where), words.replace("{listener}", where)
    json_ = {"Accept": "application/json"}
    answers = [
        served.get("/sparql?query=" + quote(query)),
        served.request("POST", "/sparql", urlencode({"query": query}).encode(),
                       {**json_, "Content-Type": "application/x-www-form-urlencoded"}),
        served.request("POST", "/sparql.json", query.encode(),
                       {"Content-Type": "application/sparql-query"}),
    ]
    for status, body in answers:
        assert status == 400, (status, body[:300])
        assert words in _error(400, body)
        assert b"root:" not in body
    _assert_nobody_called(listener)


def test_updates_and_datasets_are_refused_at_the_protocol_level(served):
    for method, path, body, ctype in [
            ("GET", "/sparql?update=" + quote("CLEAR ALL"), None, None),
            ("POST", "/sparql", b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
            ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=file%3A%2F%2F%2Fetc%2Fpasswd",
             None, None),
            ("GET", "/sparql?query=ASK%7B%7D&named-graph-uri=http%3A%2F%2F127.0.0.1%2F",
             None, None)]:
        headers = {"Accept": "application/json"} | ({"Content-Type": ctype} if ctype else {})
        status, data = served.request(method, path, body, headers)
        assert status == 400, (path, data)
        assert "not allowed" in _error(400, data)
    status, data = served.request("POST", "/sparql", b"CLEAR ALL",
                                  {"Content-Type": "application/sparql-update",
                                   "Accept": "application/json"})
    assert status == 415, data


def test_files_are_never_read(served):
    """Patterns and DESCRIBE may name a file IRI; they only look it up in the register's
    own graph, where it is not."""
    for q in ("SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }",
              "DESCRIBE <file:///etc/passwd>",
              "SELECT * WHERE { <file:///etc/passwd> ?p ?o }",
              "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'root:')) }"):
        status, body = served.get("/sparql.json?query=" + quote(q))
        assert status == 200, body
        assert b"root:x" not in body and b"/bin/" not in body
    status, body = served.get("/sparql.json?query=" + quote(
        "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }"))
    assert json.loads(body)["results"]["bindings"] == []


def test_keywords_inside_strings_and_comments_are_not_refused(served):
    q = ('# SERVICE <http://evil.example/> LOAD <file:///etc/passwd>\n'
         'SELECT ?s WHERE { ?s ?p "INSERT DATA { <a> <b> <c> } FROM <file:///etc/passwd>" }')
    status, body = served.get("/sparql.json?query=" + quote(q))
    assert status == 200, body


# -- limits, and the server answering others meanwhile -------------------------------------------
def _fire(served, query: str, out: list) -> threading.Thread:
    def go() -> None:
        out.append(served.get("/sparql.json?query=" + quote(query)))

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread


def _wait_for_children(n: int, thread: threading.Thread) -> None:
    """Until *n* query children run (bounded; the test asserts answers, not times)."""
    deadline = time.monotonic() + 10
    while len(_children()) < n and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_runaway_cross_product_is_cut_off_while_others_are_served(served):
    before = _children()
    out: list = []
    slow = _fire(served, CROSS_PRODUCT, out)
    _wait_for_children(len(before) + 1, slow)
    answered_meanwhile = 0
    for path in ("/health", "/person/nobody.json", "/search.json?q=cyber", "/integrator.json",
                 "/health"):
        status, body = served.get(path)
        assert status in (200, 404), (path, status)
        answered_meanwhile += slow.is_alive()  # answered while the query still ran
    assert answered_meanwhile >= 1, "nothing was answered while the query ran"
    slow.join(60)
    (status, body), = out
    assert status == 503
    assert f"ran longer than {TIMEOUT:g} s and was stopped" in _error(503, body)
    assert served.get("/health")[0] == 200
    deadline = time.monotonic() + 5  # the killed child has been reaped
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children() - before == set()


def test_more_runaways_than_slots_get_503_and_health_still_answers(served):
    """While every slot is taken a further query is refused at once; the runaways that
    hold the slots are each stopped.  The slots are first held by the test itself, so
    the refusal is checked whatever the machine's speed (a runaway holds its slot only
    for SPARQL_TIMEOUT)."""
    from web.sparql import _slots

    n = served.app.config["SPARQL_CONCURRENCY"]
    sem = _slots(served.app)
    held = [sem.acquire(blocking=False) for _ in range(n)]
    try:
        assert all(held) and not sem.acquire(blocking=False)
        status, body = served.get("/sparql.json?query=" + quote(CROSS_PRODUCT))
        assert status == 503 and "too many SPARQL queries" in _error(503, body)
        assert served.get("/health")[0] == 200
    finally:
        for _ in held:
            sem.release()
    outs: list[list] = [[] for _ in range(n)]
    threads = [_fire(served, CROSS_PRODUCT, out) for out in outs]
    _wait_for_children(n, threads[-1])
    assert served.get("/health")[0] == 200
    for t in threads:
        t.join(60)
    assert [o[0][0] for o in outs] == [503] * n
    assert all("stopped" in _error(503, o[0][1]) for o in outs)


def test_a_memory_bomb_is_stopped_by_the_memory_cap(served):
    """The child cannot allocate past its cap: Oxigraph aborts it (the parent's
    faulthandler, which pytest turns on, would print a crash report for the child)."""
    was = faulthandler.is_enabled()
    faulthandler.disable()
    try:
        out: list = []
        bomb = _fire(served, CONCAT_BOMB, out)
        _wait_for_children(1, bomb)
        assert served.get("/health")[0] == 200
        bomb.join(60)
    finally:
        if was:
            faulthandler.enable()
    (status, body), = out
    assert status == 503 and "stopped" in _error(503, body)


def _post_large(port: int, path: str, ctype: str, body: bytes) -> int:
    """POST *body* the way a careful client does: the headers first, then the body only
    if the server has not answered yet (waitress refuses an over-long body on its
    Content-Length and closes; a client still sending would get a reset instead of the
    answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
                     f"Accept: application/json\r\nContent-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode())
        sock.settimeout(2)
        try:
            head = sock.recv(4096)
        except TimeoutError:  # no early answer: send the body and read what comes
            sock.settimeout(30)
            try:
                sock.sendall(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            head = sock.recv(4096)
    return int(head.split(b" ", 2)[1])


def test_a_one_megabyte_query_is_refused(served):
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2**20
    # in the URL: waitress refuses the request line before the app sees it
    status, _ = served.request("GET", "/sparql?query=" + quote(big),
                               headers={"Accept": "application/json"})
    assert status == 431, status  # Request Header Fields Too Large (over 256 KiB)
    # as a body, either way the protocol allows: over the request size limit
    for ctype, body in (("application/sparql-query", big.encode()),
                        ("application/x-www-form-urlencoded",
                         urlencode({"query": big}).encode())):
        assert _post_large(served.port, "/sparql", ctype, body) == 413, ctype
    # under the size limit but over the query length limit: the app's own 413
    medium = "ASK {} # " + "x" * 100_000
    status, data = served.request("POST", "/sparql", medium.encode(),
                                  {"Content-Type": "application/sparql-query",
                                   "Accept": "application/json"})
    assert status == 413 and "the limit is 20,000" in _error(413, data)
    assert served.get("/health")[0] == 200


def test_a_one_megabyte_query_through_the_app_alone(client):
    """Without waitress in front (another WSGI server): the app's own limits."""
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2**20
    r = client.get("/sparql.json?query=" + quote(big))
    assert r.status_code == 413
    r = client.post("/sparql.json", data=big, content_type="application/sparql-query")
    assert r.status_code == 413
