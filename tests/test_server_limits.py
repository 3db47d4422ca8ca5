"""The server of ``tvb serve`` against slow and malformed clients (issue 21, breaks 8 and 9):
slow clients cannot starve ``/health``, waitress's own error answers carry the security
headers, and ambiguous framing is refused with a closed connection.

Every server here is :func:`web.server.create_server` with the options ``tvb serve``
passes (taken from the command itself), on 127.0.0.1; the slow clients connect from other
loopback addresses (127.0.0.2, 127.0.1.x), as other hosts would.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time

import pytest

from tests.conftest import SAMPLE, _viewer
from tests.test_sparql_abuse import Served, command_kwargs


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
           "Referrer-Policy")


@pytest.fixture(scope="module")
def app():
    return _viewer(SAMPLE)


@pytest.fixture(scope="module")
def serve_kwargs():
    return command_kwargs()


@contextlib.contextmanager
def _served(app, serve_kwargs, **overrides):
    s = Served(app, {**serve_kwargs, **overrides})
    s.port = int(s.port)  # waitress reports it as text
    try:
        yield s
    finally:
        s.stop()


def _health(port: int, timeout: float = 15) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/health", headers={"Accept": "application/json"})
        return conn.getresponse().status
    finally:
        conn.close()


class SlowClients:
    """*n* connections that each send a request line and then one header line every
    *interval* seconds, never finishing (a slowloris), until stopped; from *sources*."""

    def __init__(self, port: int, sources: list[str], interval: float = 0.5):
        self.socks: list[socket.socket] = []
        self.closed_by_server = 0
        for src in sources:
            s = socket.socket()
            s.settimeout(5)
            s.bind((src, 0))
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                self.closed_by_server += 1
                s.close()
                continue
            self.socks.append(s)
        self.interval = interval
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True, name="slowloris")
        self.thread.start()

    def _drip(self) -> None:
        k = 0
        while not self._stop.wait(self.interval) and k < 600:  # bounded: at most 600 rounds
            k += 1
            for s in list(self.socks):
                try:
                    s.sendall(f"X-Drip-{k}: {k}\r\n".encode())
                except OSError:
                    self.socks.remove(s)
                    self.closed_by_server += 1
                    s.close()

    def alive(self) -> int:
        return len(self.socks)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(10)
        for s in self.socks:
            s.close()


def test_the_command_configures_the_limits(app, serve_kwargs):
    assert serve_kwargs["header_timeout"] == app.config["SERVER_HEADER_TIMEOUT"] == 10
    assert serve_kwargs["max_per_client"] == app.config["SERVER_MAX_PER_CLIENT"] == 64
    assert serve_kwargs["connection_limit"] >= 1000
    assert serve_kwargs["asyncore_use_poll"] is True


def test_200_slow_connections_from_one_client_leave_health_answering(app, serve_kwargs):
    with _served(app, serve_kwargs) as server:
        slow = SlowClients(server.port, ["127.0.0.2"] * 200)
        try:
            assert _health(server.port) == 200
            # the client keeps its share of connections, not all 200 of them (the others
            # were closed at once; its drips find them closed)
            deadline = time.monotonic() + 20
            while slow.alive() > serve_kwargs["max_per_client"] and time.monotonic() < deadline:
                time.sleep(0.1)
            assert slow.alive() <= serve_kwargs["max_per_client"]
            assert _health(server.port) == 200  # a few drips later: still answering
        finally:
            slow.stop()


def test_200_slow_clients_leave_health_answering_and_are_cut_off(app, serve_kwargs):
    """200 slow clients from 200 addresses: within every per-client bound, but each must
    finish its headers in time; meanwhile /health answers."""
    sources = [f"127.0.1.{i}" for i in range(1, 201)]
    with _served(app, serve_kwargs, header_timeout=2.0) as server:
        slow = SlowClients(server.port, sources, interval=0.5)
        try:
            assert slow.alive() == 200
            assert _health(server.port) == 200
            deadline = time.monotonic() + 30  # bounded wait; the timeout itself is 2 s
            while slow.alive() and time.monotonic() < deadline:
                time.sleep(0.25)
            assert slow.alive() == 0, f"{slow.alive()} slow clients are still connected"
            assert _health(server.port) == 200
        finally:
            slow.stop()


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(app, serve_kwargs):
    with _served(app, serve_kwargs, header_timeout=1.0) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
            assert s.recv(100) == b""  # closed by the server, not by the 20 s timeout


def test_a_keep_alive_connection_may_rest_between_requests(app, serve_kwargs):
    """The header timeout runs from a request's first byte: an idle keep-alive connection
    is governed by channel_timeout (60 s), as browsers expect."""
    with _served(app, serve_kwargs, header_timeout=1.0) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            for _ in range(2):
                conn.request("GET", "/health")
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 200
                time.sleep(2.0)  # longer than the header timeout
            conn.request("GET", "/health")
            assert conn.getresponse().status == 200
        finally:
            conn.close()


@pytest.mark.parametrize("chunks", [1, 24], ids=["one-write", "many-writes"])
def test_a_large_answer_reaches_a_client_that_reads_late_whole(serve_kwargs, chunks):
    """The event loop leaves a running task's output to its worker (``_Channel.writable``)
    and sends what is left once the task is done, or while the worker waits for it: an
    answer of 24 MiB, in one write or in 24 (past waitress's 16 MiB high watermark, where
    the worker waits for the loop), reaches a client that reads only after a pause,
    whole, while the server answers others."""
    from flask import Response

    app = _viewer(SAMPLE)
    piece = bytes(range(256)) * 4096  # 1 MiB
    app.add_url_rule("/big", "big", lambda: Response(
        [piece * (24 // chunks)] * chunks, mimetype="application/octet-stream"))
    with _served(app, serve_kwargs) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
            s.sendall(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            time.sleep(1.0)  # not reading: the socket fills, the rest waits in the server
            assert _health(server.port) == 200
            got = bytearray()
            while b"\r\n\r\n" not in got:
                got += s.recv(65536)
            head, _, body = bytes(got).partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200")
            body = bytearray(body)
            while len(body) < 24 * len(piece):
                data = s.recv(1 << 20)
                assert data, "the server closed the connection before the end"
                body += data
    assert len(body) == 24 * len(piece) and bytes(body) == piece * 24


# -- waitress's own answers ----------------------------------------------------------------------
def _exchange(port: int, raw: bytes) -> tuple[bytes, bool]:
    """Send *raw*, read until the server closes (bounded); returns what came back and
    whether the server closed the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(raw)
        except OSError:
            pass
        got = b""
        closed = False
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            got += chunk
    return got, closed


def _head(response: bytes) -> tuple[int, dict[str, str]]:
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return status, fields


@pytest.mark.parametrize("name,raw,status", [
    ("a malformed request line", b"GET\r\n\r\n", 400),
    ("a header without a colon", b"GET / HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n", 400),
    ("a body over the limit", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
     b"application/sparql-query\r\nContent-Length: 9999999\r\n\r\n", 413),
    ("headers over the limit", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000
     + b"\r\n\r\n", 431),
    ("an unknown transfer coding", b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
     b"Transfer-Encoding: gzip\r\n\r\n", 501),
])
def test_waitress_errors_carry_the_security_headers(app, serve_kwargs, name, raw, status):
    with _served(app, serve_kwargs) as server:
        got, closed = _exchange(server.port, raw)
    code, fields = _head(got)
    assert code == status, got[:200]
    for h in HEADERS:
        assert h in fields, (h, fields)
    assert fields["Content-Security-Policy"].startswith("default-src 'self'")
    assert closed


@pytest.mark.parametrize("version", ["1.1", "1.0"])
def test_content_length_with_transfer_encoding_is_refused_and_closed(app, serve_kwargs,
                                                                      version):
    """A smuggling attempt: the chunked body is empty, and what follows it would be a
    second request to a server that believes the Transfer-Encoding."""
    raw = (f"POST /sparql HTTP/{version}\r\nHost: x\r\nContent-Type: application/"
           f"sparql-query\r\nContent-Length: 48\r\nTransfer-Encoding: chunked\r\n\r\n"
           f"0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n").encode()
    with _served(app, serve_kwargs) as server:
        got, closed = _exchange(server.port, raw)
        assert _health(server.port) == 200
    code, fields = _head(got)
    assert code == 400
    assert b"Content-Length and Transfer-Encoding" in got
    assert got.count(b"HTTP/1.") == 1, got  # the smuggled request got no answer
    assert fields.get("Connection") == "close" and closed
    assert "Content-Security-Policy" in fields
