"""SSRF through SPARQL (issue 21, break 1): no query text makes the server, or ``tvb query``,
open a connection — whatever comment, escape or Unicode trick could make two SPARQL parsers
disagree about where a ``SERVICE`` or ``FROM`` is.

Two walls, each tested on its own against a real listener on a loopback port that must
receive nothing: the text that Oxigraph runs is the canonical text that was checked
(:func:`graph.sparql.canonical_query`), and the forked query child lives in a network
namespace of its own (:func:`web.sparql.isolate_network`), so even a query that reaches
Oxigraph unchecked cannot connect.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import threading
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE, _viewer
from tests.test_sparql_abuse import Served, command_kwargs

LEAK = "LEAKED-BY-THE-LISTENER"

# {L} is the listener's host:port.  The first is the red team's exploit: rdflib ends a
# comment at a line feed only, Oxigraph at a carriage return too, so rdflib saw a query
# without SERVICE (the comment ends before the last line) and Oxigraph ran the SERVICE.
SSRF = [
    ("comment ended by a carriage return",
     "SELECT ?leak WHERE { #x\rSERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("FROM after a comment ended by a carriage return",
     "SELECT ?leak #x\rFROM <http://{L}/ssrf>\nWHERE { ?x ?y ?leak }"),
    ("FROM NAMED after a comment ended by a carriage return",
     "SELECT ?leak #x\rFROM NAMED <http://{L}/ssrf>\nWHERE { GRAPH ?g { ?x ?y ?leak }\n}"),
    ("SERVICE in a subquery after a carriage return",
     "SELECT ?leak WHERE { { SELECT ?leak WHERE { #\rSERVICE SILENT <http://{L}/ssrf> "
     "{ ?x ?y ?leak } }\n} }"),
    ("an escaped carriage return in a comment",
     "SELECT ?leak WHERE { #x\\u000DSERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("an escaped line feed in a comment",
     "SELECT ?leak WHERE { #x\\u000ASERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("an eight-digit escape in a comment",
     "SELECT ?leak WHERE { #x\\U0000000DSERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("U+2028 in a comment",
     "SELECT ?leak WHERE { #x\u2028SERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("U+2029, NEL, form feed and vertical tab in a comment",
     "SELECT ?leak WHERE { #a\u2029b\x85c\x0cd\x0bSERVICE <http://{L}/ssrf> "
     "{ ?x ?y ?leak }\n}"),
    ("a comment inside an IRI",
     "SELECT ?leak WHERE { ?x ?y <urn:a#\r> . SERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("a # in an IRI, then a carriage return",
     "SELECT ?leak WHERE { BIND(<urn:x#> AS ?z) #\rSERVICE <http://{L}/ssrf> "
     "{ ?x ?y ?leak }\n}"),
    ("an IRI closed by an escape",
     "SELECT ?leak WHERE { ?x ?y <urn:a\\u003E #> SERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    # harmless: the escape is a quote inside the string, all of it one string: no rows
    ("a string closed by an escape",
     'SELECT ?leak WHERE { ?s ?p "\\u0022 } SERVICE <http://{L}/ssrf> { ?x ?y ?leak } # " }'),
    ("a keyword spelled with an escape",
     "SELECT ?leak WHERE { \\u0053ERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
    ("a LOAD after a carriage return", "ASK {} #\rLOAD <http://{L}/ssrf>"),
    ("plain SERVICE", "SELECT ?leak WHERE { SERVICE <http://{L}/ssrf> { ?x ?y ?leak }\n}"),
]


class Listener:
    """A TCP listener on 127.0.0.1 that notes every connection and answers it with a SPARQL
    result binding ``?leak`` (so a leak would show in the answer too)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.where = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.calls: list[bytes] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ssrf-listener", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        body = json.dumps({"head": {"vars": ["leak"]}, "results": {"bindings": [
            {"leak": {"type": "literal", "value": LEAK}}]}}).encode()
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.calls.append(conn.recv(4096))
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results"
                                 b"+json\r\nConnection: close\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                except OSError:
                    self.calls.append(b"")

    def close(self) -> None:
        self._stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def served():
    kwargs = command_kwargs()
    app = _viewer(SAMPLE, SPARQL_TIMEOUT=5.0)
    app.extensions["tvb.snapshots"].current.store  # noqa: B018 - built before any fork
    s = Served(app, kwargs)
    yield s
    s.stop()


# Valid queries that run and find nothing: the trick is inside a string, or inside a
# comment that runs to the line feed (escapes are not expanded in comments, and U+2028,
# NEL, form feed and vertical tab end no line).  Everything else is refused.
HARMLESS = {"a string closed by an escape", "an escaped carriage return in a comment",
            "an escaped line feed in a comment", "an eight-digit escape in a comment",
            "U+2028 in a comment", "U+2029, NEL, form feed and vertical tab in a comment"}


def _no_calls(listener: Listener) -> None:
    assert listener.calls == [], f"the listener was called: {listener.calls[:1]!r}"


@pytest.mark.parametrize("name,query", SSRF, ids=[v[0] for v in SSRF])
def test_no_variant_reaches_the_listener_through_sparql(served, listener, name, query):
    query = query.replace("{L}", listener.where)
    answers = [
        served.get("/sparql.json?query=" + quote(query)),
        served.request("POST", "/sparql", query.encode(),
                       {"Content-Type": "application/sparql-query",
                        "Accept": "application/sparql-results+json"}),
        served.request("POST", "/sparql", f"query={quote(query)}".encode(),
                       {"Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "text/csv"}),
    ]
    for status, body in answers:
        assert status == (200 if name in HARMLESS else 400), (status, body[:300])
        assert LEAK.encode() not in body
    if name in HARMLESS:
        # (an empty group has one solution, which binds nothing)
        assert all("leak" not in b for b in json.loads(answers[0][1])["results"]["bindings"])
        assert set(answers[2][1].decode().splitlines()[1:]) <= {"", "\"\""}
    _no_calls(listener)


@pytest.mark.parametrize("name,query", SSRF, ids=[v[0] for v in SSRF])
def test_no_variant_reaches_the_listener_through_tvb_query(listener, name, query):
    from tvb.cli import main

    query = query.replace("{L}", listener.where)
    r = CliRunner().invoke(main, ["query", query, "--data", str(SAMPLE), "--format", "csv"])
    assert r.exit_code == (0 if name in HARMLESS else 2), r.output
    assert LEAK not in r.output
    if name in HARMLESS:
        assert r.output.splitlines()[0] == "leak"
        assert set(r.output.splitlines()[1:]) <= {""}
    _no_calls(listener)


def test_the_canonical_text_is_what_oxigraph_runs(monkeypatch, listener):
    """The store is handed the checked canonical text, not the text as sent."""
    import pyoxigraph as ox

    from graph.sparql import canonical_query
    from graph.store import run_query

    seen = []

    class Spy:
        def query(self, text, **kw):
            seen.append((text, kw))
            return ox.Store().query(text, **kw)

    q = 'ASK { ?s ?p "a\\u0022#" # a comment\r\n FILTER(?s != <urn:x#y>) }'
    assert run_query(Spy(), q).boolean is False
    (text, kw), = seen
    assert text == canonical_query(q) == \
        'ASK { ?s ?p "a\\"#" FILTER(?s != <urn:x\\U00000023y>) }'
    assert "\r" not in text and "\n" not in text
    assert kw["default_graph"] == ox.DefaultGraph() and kw["named_graphs"] == []


# -- the second wall: the child has no network ------------------------------------------------
def _connect(where: str) -> str:
    host, port = where.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=3):
        return "connected"


def test_the_listener_is_reachable_from_this_process(listener):
    """The control: without the wall, the same connection gets through (so the tests
    around this one would see a call)."""
    before = len(listener.calls)
    assert _connect(listener.where) == "connected"
    deadline = threading.Event()
    for _ in range(50):
        if len(listener.calls) > before:
            break
        deadline.wait(0.05)
    assert len(listener.calls) == before + 1
    del listener.calls[before:]


def _why_not_isolated() -> str | None:
    """What :func:`web.sparql.isolate_network` says in a forked child (None: isolated)."""
    from web.sparql import isolate_network

    if not hasattr(os, "fork"):
        return "no fork on this system"
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        os.write(w, pickle.dumps(isolate_network()))
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        got = pickle.loads(fh.read())  # noqa: S301 - our own child
    os.waitpid(pid, 0)
    return got


def _needs_isolation() -> None:
    why = _why_not_isolated()
    if why is not None:
        pytest.skip(f"no network namespace here ({why}); the server logs a warning then")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0
                    or not os.uname().sysname == "Linux",
                    reason="as root on Linux a new network namespace is always allowed")
def test_network_namespaces_work_here():
    """On this machine (root, as CI) the wall is really up: the child is isolated."""
    assert _why_not_isolated() is None


def test_the_query_child_cannot_connect_even_unchecked(listener):
    """A connection attempt run in the query child, past every check, reaches nothing."""
    from web.sparql import execute

    _needs_isolation()
    with pytest.raises(RuntimeError, match="unreachable|refused|Errno"):
        execute(lambda: _connect(listener.where), timeout=10)
    _no_calls(listener)


def test_oxigraph_service_in_the_child_reaches_nothing_even_unchecked(listener):
    """Oxigraph asked directly for a SERVICE (no check at all) in the query child."""
    import pyoxigraph as ox

    from web.sparql import execute

    _needs_isolation()
    store = ox.Store()
    q = f"SELECT ?leak WHERE {{ SERVICE <http://{listener.where}/ssrf> {{ ?x ?y ?leak }} }}"

    def run():
        return [str(s["leak"]) for s in store.query(q)]

    with pytest.raises(RuntimeError):
        execute(run, timeout=10)
    _no_calls(listener)


def test_without_namespaces_a_warning_is_logged_and_queries_still_run(monkeypatch, caplog):
    """Where the kernel refuses a namespace the endpoint degrades to the check alone, and
    says so once in the log."""
    from web import sparql as web_sparql

    monkeypatch.setattr(web_sparql, "isolate_network", lambda: "refused for the test")
    monkeypatch.setattr(web_sparql, "_isolation_warned", threading.Event())
    client = _viewer(SAMPLE).test_client()
    with caplog.at_level(logging.WARNING, logger="tvb.sparql"):
        for _ in range(2):
            r = client.get("/sparql.json?query=" + quote("ASK { ?s ?p ?o }"))
            assert r.status_code == 200 and r.get_json()["boolean"] is True
    warnings = [r.getMessage() for r in caplog.records if r.name == "tvb.sparql"]
    assert len(warnings) == 1 and "without network isolation (refused for the test)" in \
        warnings[0]


# -- the first wall, fuzzed ---------------------------------------------------------------------
# Pieces that parsers read differently, glued at random around a SERVICE and a FROM: any
# text the check lets through is run by Oxigraph in this process (no namespace), and the
# listener must still hear nothing.  Values in strings and IRIs keep their meaning.
_PIECES = ["#", "\r", "\n", "\r\n", "\u2028", "\x85", "\\u000A", "\\u000D", "\\u0022",
           "\\u003E", "\\U00000023", '"', "'", '"""', "<", ">", "<urn:a#>", "{", "}", " ",
           "\\", "\\\\", "?x", ".", "SERVICE <http://{L}/fuzz> { ?x ?y ?leak }",
           "FROM <http://{L}/fuzz>", "SELECT ?leak", "WHERE", "ASK"]


def test_fuzzed_texts_the_check_passes_never_reach_the_network(listener):
    import pyoxigraph as ox
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from graph.sparql import QueryError
    from graph.store import run_query

    store = ox.Store()
    passed = []

    @settings(max_examples=1000, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
    def run(pieces):
        text = "SELECT ?leak WHERE { " + "".join(pieces).replace("{L}", listener.where) \
            + "\n}"
        try:
            run_query(store, text)
        except QueryError:
            return
        passed.append(text)

    run()
    _no_calls(listener)
    assert passed, "no fuzzed text passed the check: the fuzz tested nothing"


_ALPHABET = list("#\r\n\t \"'<>{}\\uU0123456789ADEFaz?.:") + ["\u2028", "\x85", "é", "\x00"]


def test_the_canonical_text_is_one_line_of_printable_ascii_and_stable():
    """For any text the rewrite takes: one line of printable ASCII, and rewriting it again
    changes nothing (so checking it and running it read the same text)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from graph.sparql import QuerySyntaxError, canonical_query

    taken = []

    @settings(max_examples=2000, deadline=None, database=None)
    @given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
    def run(text):
        try:
            canon = canonical_query(text)
        except QuerySyntaxError:
            return
        taken.append(canon)
        assert all(" " <= c <= "~" for c in canon), canon
        assert canonical_query(canon) == canon

    run()
    assert len(taken) > 100


@pytest.mark.parametrize("text", ["\"\"''", "''\"\"", "\"a\"'b'", "'''x''' \"\"",
                                  "\"\"#c\n''"])
def test_strings_side_by_side_stay_two_strings(text):
    """Two strings written together must not become the start of a long string when both
    are rewritten with double quotes (found by the property above)."""
    from graph.sparql import canonical_query

    canon = canonical_query(text)
    assert '""""' not in canon and canonical_query(canon) == canon


@pytest.mark.parametrize("value", ["plain", 'a"b', "a\\b", "\\u0041", "\\U00000041", "é😀",
                                   "#x\r\ny", "\u2028\x85\x0b\x0c\x00\x7f", "'''", '"""',
                                   "> SERVICE <http://x/> {", "\\\\u0022"])
def test_a_string_means_the_same_to_both_engines(value):
    """A literal written with escapes for every special character reaches rdflib and
    Oxigraph as the same value, through the canonical text."""
    import pyoxigraph as ox
    from rdflib import Graph

    from graph.sparql import run_query as run_rdflib
    from graph.store import run_query

    esc = "".join(c if c.isalnum() else f"\\U{ord(c):08X}" for c in value)
    q = f'SELECT ?v WHERE {{ BIND("{esc}" AS ?v) }}'
    assert [str(r[0]) for r in run_query(ox.Store(), q).rows] == [value]
    assert [str(r[0]) for r in run_rdflib(Graph(), q).rows] == [value]
