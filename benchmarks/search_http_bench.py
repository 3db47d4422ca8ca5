"""Search over HTTP under concurrent clients (issue 18): requests/s on ``/index.json?q=``.

    python benchmarks/search_http_bench.py REGISTER.yaml [--clients 8] [--duration 10]

Serves REGISTER with the server of ``tvb serve`` (waitress, 8 threads) on 127.0.0.1 and
runs ``--clients`` keep-alive clients for ``--duration`` seconds, twice:

* **repeated**: every client asks ``/index.json?q=QUERY`` (a popular query, answered
  from the per-snapshot response cache after the first time);
* **distinct**: the same search with a unique extra parameter (``&n=…``), so that every
  request misses the response cache and pays for the whole search and its assembly.

Also the in-process search alone (``SearchIndex.search`` and ``as_dict``), for the
share of the request that is the search itself.  Not a test: figures go in the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import statistics
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the project is what PYTHONPATH names,
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # else this checkout


def _load(port: int, paths, clients: int, duration: float) -> dict:
    lock = threading.Lock()
    times: list[float] = []
    bad = [0]
    stop_at = time.monotonic() + duration

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    path = next(paths)
                t0 = time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                with lock:
                    times.append((time.perf_counter() - t0) * 1000)
                    bad[0] += resp.status != 200
        finally:
            conn.close()

    t0 = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(duration + 60)
    elapsed = time.monotonic() - t0
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {"rps": len(times) / elapsed, "p50": q[49], "p99": q[98], "errors": bad[0],
            "requests": len(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("register")
    ap.add_argument("--query", default="cyber")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=10.0)
    args = ap.parse_args()
    from benchmarks.web_bench import serve
    from web import create_app

    app = create_app({"DATA": args.register, "TODAY": dt.date(2026, 11, 29),
                      "WATCH": False, "CACHE": False})
    snap = app.extensions["tvb.snapshots"].current
    t0 = time.perf_counter()
    for _ in range(100):
        snap.search.search(args.query, 20).as_dict()
    alone = (time.perf_counter() - t0) * 10
    port, stop = serve(app)
    try:
        base = f"/index.json?q={args.query}"
        repeated = _load(port, itertools.repeat(base), args.clients, args.duration)
        distinct = _load(port, (f"{base}&n={i}" for i in itertools.count()), args.clients,
                         args.duration)
    finally:
        stop()
        app.extensions["tvb.snapshots"].stop()
    print(f"search alone (in-process, with as_dict): {alone:.2f} ms")
    for name, r in (("repeated", repeated), ("distinct", distinct)):
        print(f"{name}: {r['rps']:.0f} requests/s, p50 {r['p50']:.1f} ms, p99 "
              f"{r['p99']:.1f} ms, {r['requests']} requests, {r['errors']} errors")


if __name__ == "__main__":
    main()
