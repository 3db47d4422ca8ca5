"""Benchmark of the viewer: page latency and throughput under concurrent clients.

Run ``.venv/bin/python -m benchmarks.web_bench [--people 10000] [--clients 8]
[--duration 10]``.  For the sample register and for a generated one
(:func:`registry.generate.generate`), it builds the app, serves it with waitress on
127.0.0.1 (a free port, in this process; the server of ``tvb serve``) and measures

* **latency per page**: the first GET (heavy pages are then cached per version of the
  data), then ``--requests`` sequential GETs on one keep-alive connection, p50 and p95;
* **throughput**: ``--clients`` threads, each on its own keep-alive connection, cycling
  through all pages for ``--duration`` seconds (and at most ``--max-requests`` requests
  in all): requests per second, p50/p95 under load, and any non-200 answer;
* **slow clients**: ``/health`` latency while ``--slow-clients`` connections (from
  127.0.0.2 and 127.0.1.x) drip header lines and never finish a request.

Traffic goes to 127.0.0.1 only and every loop is bounded in count and time.  Not a test:
the figures go in the README (section *Viewer*).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

__all__ = ["main", "pages", "latency", "throughput", "serve"]

TODAY = dt.date(2026, 11, 29)
SPARQL = ("SELECT ?name ?title WHERE { ?d a tvb:Dossier ; skos:prefLabel ?title ; "
          "tvb:owner/foaf:name ?name } ORDER BY ?title LIMIT 20")
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "tvb.yaml"


def pages(app) -> list[tuple[str, str]]:
    """(name, path) of the pages measured, with ids taken from the app's data."""
    snap = app.extensions["tvb.snapshots"].current
    reg = snap.registry
    owner = next(d.owner for d in reg.dossiers.values() if d.owner in reg.people)
    dossier = next(iter(reg.dossiers))
    directorate = reg.directorates[0].id
    topic = next(iter(reg.dossiers.values())).title.split()[0]
    return [
        ("home", "/"),
        ("search", "/?q=" + quote(topic.lower())),
        ("suggest (JSON)", "/suggest.json?q=" + quote(topic[:4].lower())),
        ("person", f"/person/{owner}"),
        ("dossier", f"/dossier/{dossier}"),
        ("directorate", f"/directorate/{directorate}"),
        ("integrator", "/integrator"),
        ("integrator (JSON)", "/integrator.json"),
        ("network page", "/network"),
        ("network (JSON, directorate)", f"/network.json?directorate={directorate}"),
        ("lessons", "/lessons"),
        ("sparql (JSON, one child process per query)", "/sparql.json?query=" + quote(SPARQL)),
        ("health", "/health"),
    ]


def serve(app, threads: int = 8):
    """Start the server of ``tvb serve`` (:mod:`web.server`, with the command's options)
    on 127.0.0.1 on a free port in a thread; returns ``(port, stop)``."""
    from waitress import wasyncore

    from web.server import create_server, server_options

    server = create_server(app, "127.0.0.1", 0, **server_options(app, threads))
    thread = threading.Thread(target=server.run, name="bench-waitress", daemon=True)
    thread.start()

    def stop() -> None:
        # Let the workers finish, then close every socket from the loop's own thread, so
        # the loop ends by itself instead of tripping over closed descriptors.
        server.task_dispatcher.shutdown()
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(10)

    return int(server.effective_port), stop


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Language": "nl"})
    resp = conn.getresponse()
    resp.read()
    return resp.status, time.perf_counter() - t0


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def latency(port: int, path: str, requests: int) -> dict:
    """Sequential requests on one connection: the first (before any cache has the page),
    then p50/p95 of the rest, in milliseconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, bad = [], 0
    try:
        _, first = _get(conn, path)
        for _ in range(requests):
            status, took = _get(conn, path)
            bad += status != 200
            times.append(took * 1000)
    finally:
        conn.close()
    return {"first": first * 1000, "p50": _pct(times, 50), "p95": _pct(times, 95),
            "errors": bad}


def throughput(port: int, paths: list[str], clients: int, duration: float,
               max_requests: int) -> dict:
    """*clients* threads cycling through *paths* for *duration* seconds (bounded by
    *max_requests* in all)."""
    lock = threading.Lock()
    times: list[float] = []
    statuses: dict[int, int] = {}
    budget = [max_requests]
    stop_at = time.monotonic() + duration

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        try:
            while time.monotonic() < stop_at:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                status, took = _get(conn, paths[i % len(paths)])
                i += 1
                with lock:
                    times.append(took * 1000)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            conn.close()

    t0 = time.monotonic()
    workers = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(duration + 120)
    elapsed = time.monotonic() - t0
    return {"requests": len(times), "seconds": elapsed, "rps": len(times) / elapsed,
            "p50": _pct(times, 50), "p95": _pct(times, 95), "statuses": statuses}


def slow_clients(port: int, n: int, requests: int = 30, seconds: float = 5.0) -> dict:
    """``/health`` latency (p50/p95, ms, *requests* sequential requests on fresh
    connections) while *n* slow clients each hold a connection open and send one header
    line every half second; half of them from one address (127.0.0.2), half from
    addresses of their own (127.0.1.x), as a slowloris on one host or on many would.
    Bounded: the drip stops after *seconds* plus the measurement."""
    import socket

    socks = []
    sources = ["127.0.0.2"] * (n // 2) + [f"127.0.1.{i % 250 + 1}" for i in range(n - n // 2)]
    for src in sources:
        s = socket.socket()
        s.settimeout(5)
        try:
            s.bind((src, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            socks.append(s)
        except OSError:
            s.close()
    stop = threading.Event()

    def drip() -> None:
        k = 0
        while not stop.wait(0.5) and k < 1000:
            k += 1
            for s in list(socks):
                try:
                    s.sendall(f"X-Drip: {k}\r\n".encode())
                except OSError:
                    socks.remove(s)
                    s.close()

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    time.sleep(seconds)  # the server has closed what it refused: sends to it failed
    held = len(socks)
    times, bad = [], 0
    for _ in range(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            status, took = _get(conn, "/health")
        except OSError:
            status, took = 0, 30.0
        finally:
            conn.close()
        bad += status != 200
        times.append(took * 1000)
    stop.set()
    dripper.join(10)
    for s in socks:
        s.close()
    return {"held": held, "p50": _pct(times, 50), "p95": _pct(times, 95),
            "errors": bad, "requests": requests}


def run(label: str, data: Path, args) -> None:
    from web import create_app

    t0 = time.perf_counter()
    app = create_app({"DATA": str(data), "TODAY": TODAY, "WATCH": False})
    build = time.perf_counter() - t0
    summary = app.extensions["tvb.snapshots"].current.report["summary"]
    port, stop = serve(app, threads=args.threads)
    try:
        print(f"\n### {label}: {summary['people']:,} people, {summary['dossiers']:,} dossiers, "
              f"{summary['collaborations']:,} collaborations (app built in {build:.1f} s)\n")
        print("| page | first ms | p50 ms | p95 ms |")
        print("|---|---:|---:|---:|")
        measured = pages(app)
        for name, path in measured:
            r = latency(port, path, args.requests)
            flag = f" ({r['errors']} errors)" if r["errors"] else ""
            print(f"| {name}{flag} | {r['first']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} |")
        t = throughput(port, [p for _, p in measured], args.clients, args.duration,
                       args.max_requests)
        print(f"\n{args.clients} concurrent clients, all pages in turn, {t['seconds']:.1f} s: "
              f"**{t['rps']:.0f} requests/s**, p50 {t['p50']:.1f} ms, p95 {t['p95']:.1f} ms, "
              f"{t['requests']:,} requests, statuses {t['statuses']}")
        if args.slow_clients:
            r = slow_clients(port, args.slow_clients)
            print(f"\n{args.slow_clients} slow clients ({r['held']} connections held after "
                  f"the per-client bound): /health p50 {r['p50']:.1f} ms, p95 "
                  f"{r['p95']:.1f} ms, {r['errors']} of {r['requests']} failed")
    finally:
        stop()
        app.extensions["tvb.snapshots"].stop()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=10_000,
                    help="size of the generated register (0 to skip it)")
    ap.add_argument("--requests", type=int, default=30, help="sequential requests per page")
    ap.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of load per register")
    ap.add_argument("--max-requests", type=int, default=50_000,
                    help="upper bound on the requests of the load phase")
    ap.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    ap.add_argument("--slow-clients", type=int, default=200,
                    help="slow clients holding connections while /health is measured "
                    "(0 to skip)")
    args = ap.parse_args(argv)
    print(f"# Viewer benchmark — Python {platform.python_version()}, "
          f"{platform.machine()}, waitress with {args.threads} threads on 127.0.0.1")
    run("sample (data/tvb.yaml)", SAMPLE, args)
    if args.people:
        from registry.generate import generate, write

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "tvb.yaml"
            write(generate(args.people, seed=0), path)
            run(f"generated, {args.people:,} people", path, args)


if __name__ == "__main__":
    main()
