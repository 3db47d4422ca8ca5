"""The HTTP server of ``tvb serve``: waitress, with a thin layer that it lacks.

waitress alone lets slow clients starve everyone else: a connection that sends one header
line every few seconds is never idle, so ``channel_timeout`` never closes it, and a few
hundred of them fill ``connection_limit`` — after which nobody, ``/health`` included, is
let in.  This module adds, without patching waitress:

* **a request-header timeout**: a connection must finish its request line and headers
  within ``header_timeout`` seconds of opening (or of the first byte of its next
  request), and the whole request within ``request_timeout``; otherwise it is closed;
* **a bound on connections per client** (by address): the ``max_per_client + 1``-th
  connection from one address is closed at once, so one host cannot take every slot;
* **the security headers on waitress's own answers** (400, 413, 431, 501 …), which
  never reach the Flask app and so missed its ``after_request`` headers;
* **no ambiguous framing**: a request with both ``Content-Length`` and
  ``Transfer-Encoding`` is answered 400 and the connection closed (RFC 9112 §6.1: a
  proxy in front might have read the body the other way: request smuggling).

It also raises ``connection_limit`` (an open connection without a complete request holds
no worker thread, only a socket) and uses ``poll`` instead of ``select`` (no limit of
1,024 descriptors).  Tested in ``tests/test_server_limits.py``.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

__all__ = ["server_options", "create_server", "serve", "HEADER_TIMEOUT", "REQUEST_TIMEOUT",
           "MAX_PER_CLIENT"]

log = logging.getLogger("tvb.server")

HEADER_TIMEOUT = 10.0  # seconds to send the request line and headers
REQUEST_TIMEOUT = 60.0  # seconds to send a whole request, body included
MAX_PER_CLIENT = 64  # open connections from one address (0: no bound)
CONNECTION_LIMIT = 1000


def server_options(app: Any, threads: int = 8) -> dict[str, Any]:
    """The options ``tvb serve`` uses for *app*: waitress's adjustments and this module's
    limits (from the app's ``SERVER_*`` configuration)."""
    cfg = app.config
    return {"threads": threads, "ident": "tvb",
            "max_request_body_size": cfg["MAX_CONTENT_LENGTH"],
            "clear_untrusted_proxy_headers": True, "channel_timeout": 60,
            "connection_limit": CONNECTION_LIMIT, "asyncore_use_poll": True,
            "header_timeout": float(cfg.get("SERVER_HEADER_TIMEOUT", HEADER_TIMEOUT)),
            "request_timeout": float(cfg.get("SERVER_REQUEST_TIMEOUT", REQUEST_TIMEOUT)),
            "max_per_client": int(cfg.get("SERVER_MAX_PER_CLIENT", MAX_PER_CLIENT))}


def _security_headers() -> list[tuple[str, str]]:
    from . import SECURITY_HEADERS, content_security_policy

    return [("Content-Security-Policy", content_security_policy()),
            *SECURITY_HEADERS.items()]


class _ErrorTask(ErrorTask):
    """waitress's own error answer, with the headers every answer of the app carries."""

    def execute(self) -> None:
        self.response_headers.extend(_security_headers())
        super().execute()


class _Parser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        names = {line.split(b":", 1)[0].strip().lower()
                 for line in header_plus.split(b"\n")[1:] if b":" in line}
        if b"content-length" in names and b"transfer-encoding" in names:
            # checked before waitress reads either, for HTTP/1.0 as well as 1.1
            raise ParsingError("a request may not carry both Content-Length and "
                               "Transfer-Encoding")
        super().parse_header(header_plus)


class _Channel(HTTPChannel):
    error_task_class = _ErrorTask
    parser_class = _Parser

    def __init__(self, server: _Server, sock: socket.socket, addr: Any, adj: Adjustments,
                 map: dict | None = None):
        super().__init__(server, sock, addr, adj, map=map)
        now = time.monotonic()
        # the headers of the first request are due from the moment of connecting
        self._header_due: float | None = now + server.header_timeout
        self._request_due: float | None = now + server.request_timeout

    def received(self, data: bytes) -> bool:
        if data and self.request is None and self._header_due is None:
            now = time.monotonic()  # the first byte of a new request
            self._header_due = now + self.server.header_timeout
            self._request_due = now + self.server.request_timeout
        result = super().received(data)
        if self.request is None:  # complete (or none begun): back to idle
            self._header_due = self._request_due = None
        elif self.request.headers_finished:
            self._header_due = None
        return result

    def readable(self) -> bool:
        # called by the event loop for every channel on every turn (at least once a
        # second, asyncore_loop_timeout), so the common case — no request under way —
        # costs two attribute reads
        header_due, request_due = self._header_due, self._request_due
        if header_due is None:
            due = request_due
        else:
            due = header_due if request_due is None else min(header_due, request_due)
        # (as waitress's own maintenance: never while a request of it is being answered)
        if due is not None and time.monotonic() > due and not self.will_close \
                and not self.requests:
            log.info("closing a connection from %s: its request took too long to arrive",
                     self.addr[0] if self.addr else "?")
            self.will_close = True
        return super().readable()

    def writable(self) -> bool:
        # While a task of this channel runs, its worker thread sends what it writes
        # itself (waitress's send_bytes is 1) under the output buffer's lock; an event
        # loop asking to help meanwhile found the lock taken and turned again — about
        # 40 turns per search request, each taking the interpreter lock from the
        # worker.  The loop still sends what is left once the task is done, and helps
        # at once when the buffer is over its high watermark (the worker then waits for
        # it) or the channel is closing.
        if self.requests and not (self.will_close or self.close_when_flushed) and \
                self.total_outbufs_len <= self.adj.outbuf_high_watermark:
            return False
        return super().writable()


class _Server(TcpWSGIServer):
    channel_class = _Channel
    header_timeout = HEADER_TIMEOUT
    request_timeout = REQUEST_TIMEOUT
    max_per_client = MAX_PER_CLIENT
    _refusals_logged = float("-inf")

    def handle_accept(self) -> None:
        try:
            got = self.accept()
            if got is None:
                return
            conn, addr = got
            self.set_socket_options(conn)
        except OSError:
            return
        addr = self.fix_addr(addr)
        host = addr[0] if isinstance(addr, tuple) and addr else None
        if host is not None and self.max_per_client > 0:
            open_ = sum(1 for ch in self.active_channels.values()
                        if ch.addr and ch.addr[0] == host)
            if open_ >= self.max_per_client:
                now = time.monotonic()
                if now - self._refusals_logged > 60:  # a flood must not flood the log
                    self._refusals_logged = now
                    log.warning("refusing connections from %s: it has %d open already "
                                "(more refusals in the next minute are not logged)",
                                host, open_)
                try:
                    conn.close()
                except OSError:
                    pass
                return
        self.channel_class(self, conn, addr, self.adj, map=self._map)


def create_server(app: Any, host: str = "127.0.0.1", port: int = 5000, *,
                  header_timeout: float = HEADER_TIMEOUT,
                  request_timeout: float = REQUEST_TIMEOUT,
                  max_per_client: int = MAX_PER_CLIENT, **adjustments: Any
                  ) -> _Server | MultiSocketServer:
    """A waitress server for *app* on *host*:*port* (``port=0``: any free port, see
    ``effective_port``), with the limits of this module; *adjustments* are waitress's
    (:func:`server_options`).  ``run()`` serves until interrupted."""
    adj = Adjustments(host=host, port=port, **adjustments)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    sock_map: dict = {}
    servers = []
    for sockinfo in adj.listen:
        server = _Server(app, sock_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)
        server.header_timeout = header_timeout
        server.request_timeout = request_timeout
        server.max_per_client = max_per_client
        servers.append(server)
    if len(servers) == 1:
        return servers[0]
    return MultiSocketServer(sock_map, adj, [(s.effective_host, s.effective_port)
                                             for s in servers], dispatcher,
                             servers[-1].log_info)


def serve(app: Any, host: str = "127.0.0.1", port: int = 5000, **options: Any) -> None:
    """Serve *app* until interrupted (:func:`create_server` and ``run()``)."""
    server = create_server(app, host, port, **options)
    server.print_listen("Serving on http://{}:{}")
    server.run()
