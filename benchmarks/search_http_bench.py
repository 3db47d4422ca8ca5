"""Search over HTTP under concurrent clients (issue 18): requests/s on ``/index.json?q=``.

    python benchmarks/search_http_bench.py REGISTER.yaml [--clients 8] [--duration 10]

Serves REGISTER with ``tvb serve`` (waitress, 8 threads) on 127.0.0.1 in its own process,
as a browser elsewhere would reach it (run in the benchmark's process, the clients'
Python competed for the server's interpreter lock and halved what it served), and runs
``--clients`` keep-alive clients for ``--duration`` seconds, three times:

* **repeated**: every client asks ``/index.json?q=QUERY`` (a popular query, answered
  from the per-snapshot response cache after the first time);
* **distinct**: the same search with a unique extra parameter (``&n=…``), so that every
  request misses the response cache and pays for the whole search and its assembly;
* **unseen**: a query never asked before on every request (a title word of the register
  and a surname, in turn), so that no cached answer helps: each request pays for the
  whole search (the viewer keeps only each entity's part of an answer, see
  ``web/search.py``).

The clients are lean by default (``--client lean``): a keep-alive socket that sends the
request line and reads each answer whole by its length, checking the status; the
standard library's ``http.client`` (``--client http.client``) takes about three times
the CPU per request, which on two cores is taken from the server.

The server is measured once its background work is done (``/health``) and after
``--warm-up`` seconds of untimed requests (reported apart), unseen queries that the timed
runs never ask: after loading a large register, the collector's first full pass walks
every object once (1.2 s of holding the interpreter at 100,000 people, measured with
``gc.callbacks`` in the server), and it comes only once enough new objects have
survived — a repeated, cached query makes too few.  Each run also reports the CPU time
per request of the server process and of the clients (this process): they share the
machine's cores.

Also the in-process search alone (``SearchIndex.search`` and ``as_dict``) for QUERY and
the unseen queries, for the share of the request that is the search itself (``--no-alone``
skips it: it loads the register in this process).  Not a test: figures go in the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import http.client
import itertools
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):  # run as a script: the project is what PYTHONPATH names,
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # else this checkout


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _LeanClient:
    """A keep-alive HTTP/1.1 client on a plain socket that reads each answer whole (its
    ``Content-Length`` bytes, or its chunks) and returns the status: what
    ``http.client`` does for these answers at a third of its CPU time, which the clients
    otherwise take from the server on a machine with two cores."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _more(self) -> None:
        data = self.sock.recv(262144)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buf += data

    def _line(self) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            self._more()
        line, self.buf = self.buf[:end], self.buf[end + 2:]
        return line

    def _take(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._more()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def get(self, path: str) -> tuple[int, bytes]:
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self._more()
        head, self.buf = self.buf[:end].decode("latin-1"), self.buf[end + 4:]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in
                  (line.partition(":") for line in lines[1:])}
        if "content-length" in fields:
            return status, self._take(int(fields["content-length"]))
        if fields.get("transfer-encoding", "").lower() != "chunked":
            raise ValueError(f"an answer without a length: {lines[0]}")
        body = []
        while size := int(self._line().split(b";")[0], 16):
            body.append(self._take(size))
            self._take(2)
        while self._line():  # trailers, then the empty line
            pass
        return status, b"".join(body)

    def close(self) -> None:
        self.sock.close()


class _HttpLibClient:
    """The same with the standard library's ``http.client``."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path)
        resp = self.conn.getresponse()
        return resp.status, resp.read()

    def close(self) -> None:
        self.conn.close()


CLIENTS = {"lean": _LeanClient, "http.client": _HttpLibClient}


def _load(port: int, paths, clients: int, duration: float, server_pid: int | None = None,
          kind: str = "lean") -> dict:
    """*clients* keep-alive clients asking for *paths* for *duration* seconds; each reads
    the whole body and checks the status.  Also the CPU time per request of the server
    and of this (the clients') process: the two share the machine's cores."""
    lock = threading.Lock()
    times: list[float] = []
    bad = [0]
    stop_at = time.monotonic() + duration

    def client() -> None:
        conn = CLIENTS[kind](port)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    path = next(paths)
                t0 = time.perf_counter()
                status, _body = conn.get(path)
                with lock:
                    times.append((time.perf_counter() - t0) * 1000)
                    bad[0] += status != 200
        finally:
            conn.close()

    t0 = time.monotonic()
    own0 = resource.getrusage(resource.RUSAGE_SELF)
    server0 = _cpu_of(server_pid) if server_pid else 0.0
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(duration + 60)
    elapsed = time.monotonic() - t0
    own1 = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = _cpu_of(server_pid) - server0 if server_pid else None
    client_cpu = (own1.ru_utime - own0.ru_utime) + (own1.ru_stime - own0.ru_stime)
    q = statistics.quantiles(times, n=100, method="inclusive")
    n = len(times)
    return {"rps": n / elapsed, "p50": q[49], "p95": q[94], "p99": q[98], "errors": bad[0],
            "requests": n,
            "server_cpu_ms": server_cpu * 1000 / n if server_cpu is not None else None,
            "client_cpu_ms": client_cpu * 1000 / n, "load": os.getloadavg()[0]}


def unseen_queries(register: str, count: int = 200_000) -> list[str]:
    """Queries no one asked yet: a title word of the register and a surname, in turn
    (read from the YAML text, so the register need not be loaded here)."""
    text = Path(register).read_text(encoding="utf-8")
    words = sorted({w.lower() for line in re.findall(r"^\s*-?\s*title:\s*(.+)$", text, re.M)
                    for w in re.findall(r"[^\W\d_]{4,}", line)})
    names = sorted({n.split()[-1] for n in re.findall(r"^\s*-?\s*name:\s*(.+)$", text, re.M)
                    if n.split() and n.split()[-1].isalpha()})
    pairs = zip(itertools.cycle(words), itertools.cycle(names))
    out = list(dict.fromkeys(f"{a} {b}" for a, b in itertools.islice(pairs, count)))
    if len(out) < count // 10:  # a small register (792 at 1,000 people): any word and name
        more = (f"{a} {b}" for a, b in itertools.product(words, names))
        out = list(dict.fromkeys(itertools.chain(out, itertools.islice(more, count))))
    return out


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _serve(register: str, threads: int, cache: str) -> tuple[subprocess.Popen, int]:
    """``tvb serve`` in a child process on a free loopback port; waits until it answers
    and its background work is done (the findings, and the incremental loader's one read
    of the data, started at once here rather than after ``PRIME_AFTER``), so that the
    measurement is of the searches alone."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, XDG_CACHE_HOME=cache, TVB_CACHE="1", TVB_PRIME_AFTER="0",
               PYTHONPATH=os.pathsep.join(filter(None, [str(root),
                                                         os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvb", "serve", "--data", register, "--port", str(port),
         "--no-watch", "--today", "2026-11-29", "--threads", str(threads)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("tvb serve exited")
        try:
            status, body = _get(port, "/health")
            health = json.loads(body) if status == 200 else {}
            if health and not health.get("findings_pending") and \
                    health.get("incremental_ready", True) and \
                    _get(port, "/index.json?q=warm")[0] == 200:
                return proc, port
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("tvb serve did not settle in time")


def _alone(register: str, query: str, unseen: list[str], cache: str | None) -> dict:
    """The search in process: mean ms for *query*, p50/p95 ms over unseen queries."""
    from web import create_app

    app = create_app({"DATA": register, "TODAY": dt.date(2026, 11, 29), "WATCH": False,
                      "CACHE": str(Path(cache) / "tvb") if cache else False,
                      "PRIME_AFTER": 1e9})
    snap = app.extensions["tvb.snapshots"].current
    try:
        snap.search.search(query, 20)  # the first search thaws the index (disk cache)
        # The register was loaded with the cyclic collector paused: its first passes
        # would walk every object (seconds at 100,000 people) inside the timings.
        gc.collect()
        gc.freeze()
        t0 = time.perf_counter()
        for _ in range(100):
            snap.search.search(query, 20).as_dict()
        popular = (time.perf_counter() - t0) * 10
        times = []
        for q in unseen[-1000:]:  # the HTTP runs take theirs from the front
            t0 = time.perf_counter()
            snap.search.search(q, 20).as_dict()
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        gc.unfreeze()
        app.extensions["tvb.snapshots"].stop()
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {"query_ms": popular, "unseen_p50_ms": q[49], "unseen_p95_ms": q[94]}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("register")
    ap.add_argument("--query", default="cyber")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8, help="the server's worker threads")
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--warm-up", type=float, default=15.0,
                    help="seconds of requests before the timed runs (reported apart)")
    ap.add_argument("--client", choices=sorted(CLIENTS), default="lean",
                    help="the clients: a lean one on a plain socket (default) or the "
                    "standard library's http.client, which takes about three times the CPU")
    ap.add_argument("--no-alone", action="store_true", help="skip the in-process search")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--cache", help="the server's cache folder (XDG_CACHE_HOME), kept "
                    "between runs so that a start is warm; default: a new temporary one")
    args = ap.parse_args(argv)
    unseen = unseen_queries(args.register)
    results: dict = {"register": args.register, "clients": args.clients,
                     "client": args.client, "threads": args.threads}
    with tempfile.TemporaryDirectory() as temporary:
        proc, port = _serve(args.register, args.threads, args.cache or temporary)
        try:
            base = f"/index.json?q={quote(args.query)}"
            # Untimed: a large register was loaded with the cyclic collector paused, so
            # its first full collection walks every object once (seconds at 100,000
            # people); what follows is the server as it runs from then on.  Queries from
            # the middle of the list: the unseen run takes from the front, the in-process
            # one from the end.
            load = functools.partial(_load, port, clients=args.clients,
                                     server_pid=proc.pid, kind=args.client)
            warm = unseen[len(unseen) // 2:-1000]
            results["warm_up"] = load((f"/index.json?q={quote(q)}" for q in warm),
                                      duration=args.warm_up)
            results["repeated"] = load(itertools.repeat(base), duration=args.duration)
            results["distinct"] = load((f"{base}&n={i}" for i in itertools.count()),
                                       duration=args.duration)
            results["unseen"] = load((f"/index.json?q={quote(q)}" for q in unseen),
                                     duration=args.duration)
        finally:
            proc.terminate()
            proc.wait(30)
    if not args.no_alone:
        results["alone"] = _alone(args.register, args.query, unseen, args.cache)
        a = results["alone"]
        print(f"search alone (in-process, with as_dict): {args.query!r} {a['query_ms']:.2f} ms;"
              f" unseen queries p50 {a['unseen_p50_ms']:.2f} ms, p95 {a['unseen_p95_ms']:.2f} ms")
    for name in ("warm_up", "repeated", "distinct", "unseen"):
        r = results[name]
        print(f"{name}: {r['rps']:.0f} requests/s, p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms,"
              f" p99 {r['p99']:.1f} ms, {r['requests']} requests, {r['errors']} errors; CPU"
              f" per request: server {r['server_cpu_ms']:.2f} ms, clients"
              f" {r['client_cpu_ms']:.2f} ms; load average {r['load']:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
