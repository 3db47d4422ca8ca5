"""``tvb publish``: the register into a real triple store (Oxigraph server, started by the
test on a loopback port) through the SPARQL 1.1 Graph Store Protocol, and a one-line
error with exit 2 when the store cannot be reached or refuses."""

from __future__ import annotations

import base64
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.rdf import compile_registry, ontology_graph
from tests.conftest import SAMPLE, make_registry
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


# The test extra installs the server's console script beside this Python (`make test` runs
# .venv/bin/python without .venv/bin on PATH), so look there first.
OXIGRAPH = (shutil.which("oxigraph", path=str(Path(sys.executable).parent))
            or shutil.which("oxigraph"))
GRAPH = "https://tvb.example.org/graph/dgb"

OTHER = """\
schema: 1
organisation: {id: dgo, name: Directoraat-Generaal Overig}
settings: {base_uri: "https://other.example.org/id/"}
directorates:
  - {id: dir-a, name: Directie A, axis: integrating}
people:
  - {id: p-een, name: P. Een, unit: dir-a, reviewed: 2026-10-01}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server on a free loopback port, storing in a temporary folder."""
    if OXIGRAPH is None:
        if os.environ.get("CI"):  # CI installs the test extra: a skip would hide a gap
            pytest.fail("the oxigraph server (pip install oxigraph, in the test extra) is missing")
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    port = _free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(folder), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph did not start: "
                                       + proc.stderr.read().decode()[-500:]) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _count(base: str, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    req = urllib.request.Request(base + "/query?" + urllib.parse.urlencode({"query": q}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        doc = json.load(resp)
    return int(doc["results"]["bindings"][0]["n"]["value"])


def _publish(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["publish", *args], env=env or {})


def test_publish_twice_replaces_and_registers_meet_in_one_store(oxigraph, sample, tmp_path):
    expected = len(compile_registry(sample))
    for _ in range(2):
        r = _publish(oxigraph + "/store", "--graph", GRAPH, "--data", str(SAMPLE))
        assert r.exit_code == 0, r.output
        assert f"published {expected} triples" in r.output
        assert _count(oxigraph, GRAPH) == expected  # the second run replaced the first
    # A second organisation's register, in its own graph (by default its organisation IRI)
    other = tmp_path / "other.yaml"
    other.write_text(OTHER, encoding="utf-8")
    r = _publish(oxigraph + "/store", "--data", str(other), "--with-ontology")
    assert r.exit_code == 0, r.output
    other_expected = len(compile_registry(make_registry(OTHER))) + len(ontology_graph())
    assert _count(oxigraph, "https://other.example.org/id/dgo") == other_expected
    assert _count(oxigraph, GRAPH) == expected


def test_wrong_port_is_one_line_and_exit_2(tmp_path):
    r = _publish(f"http://127.0.0.1:{_free_port()}/store", "--data", str(SAMPLE),
                 "--timeout", "5")
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the store" in lines[0], r.output
    assert "Traceback" not in r.output


class _Store(http.server.BaseHTTPRequestHandler):
    """A graph store that answers 500 always, or 401 unless the request carries the
    expected Basic credentials (then 204)."""

    status = 500
    expect_auth: str | None = None
    seen: list = []

    def do_PUT(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append((self.path, self.headers.get("Authorization"),
                                self.headers.get("Content-Type"), len(body)))
        if self.expect_auth and self.headers.get("Authorization") == self.expect_auth:
            self.send_response(204)
            self.end_headers()
            return
        self.send_response(self.status)
        if self.status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
        msg = b"store exploded\nsecond line\n" if self.status == 500 else b"who are you?\n"
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_store():
    def start(status: int, expect_auth: str | None = None):
        handler = type("Handler", (_Store,), {"status": status, "expect_auth": expect_auth,
                                              "seen": []})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/store", handler

    servers: list = []
    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.mark.parametrize("status, words", [
    (500, "HTTP 500 Internal Server Error: store exploded"),
    (401, "HTTP 401 Unauthorized: who are you?; set TVB_PUBLISH_USER"),
])
def test_a_refusing_store_is_one_line_and_exit_2(fake_store, status, words):
    url, handler = fake_store(status)
    r = _publish(url, "--data", str(SAMPLE))
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], r.output
    ((path, auth, ctype, size),) = handler.seen
    assert path.startswith("/store?graph=") and auth is None
    assert ctype == "application/n-triples" and size > 1000


def test_credentials_come_from_the_environment_only(fake_store):
    expected = "Basic " + base64.b64encode(b"tvb:geheim").decode()
    url, handler = fake_store(401, expect_auth=expected)
    r = _publish(url, "--data", str(SAMPLE),
                 env={"TVB_PUBLISH_USER": "tvb", "TVB_PUBLISH_PASSWORD": "geheim"})
    assert r.exit_code == 0, r.output
    assert handler.seen[0][1] == expected
    r = _publish(url, "--data", str(SAMPLE), env={"TVB_PUBLISH_TOKEN": "abc"})
    assert r.exit_code == 2 and "check the credentials" in r.output
    assert handler.seen[1][1] == "Bearer abc"
    # credentials in the URL are refused before anything is sent
    r = _publish(url.replace("http://", "http://tvb:geheim@"), "--data", str(SAMPLE))
    assert r.exit_code == 2 and "do not put credentials in the URL" in r.output
    assert len(handler.seen) == 2


@pytest.mark.parametrize("args, words", [
    (["ftp://127.0.0.1/store"], "http(s) address"),
    (["http://127.0.0.1:1/store", "--graph", "not an iri"], "absolute IRI"),
])
def test_usage_errors(args, words):
    r = _publish(*args, "--data", str(SAMPLE))
    assert r.exit_code == 2 and words in r.output
