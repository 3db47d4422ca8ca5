"""Reload under load: the viewer keeps answering, whole and correct, while its data file is
rewritten under it.

Run ``.venv/bin/python -m benchmarks.load_bench [--duration 60] [--clients 8]``.  The
viewer is served by waitress on 127.0.0.1 (a free port, in this process) on a copy of the
sample, watched every 50 ms.  For ``--duration`` seconds

* ``--clients`` threads, each on its own keep-alive connection, cycle through JSON and
  HTML pages and check every answer against the versions of the data that were ever
  valid: a page's ``data_version`` must be one of them and its content must be that
  version's (the number of people, the organisation's name, the version in the footer,
  the SPARQL count) — never a mix of two;
* one writer thread rewrites the file in a loop: a valid version (which must go live),
  an invalid one (unknown key, dangling reference, YAML syntax error), an editor's save
  (first half, a pause, the rest), a truncated file left for a while, an atomic
  replace.  While the file is invalid the last good version must stay online, which
  the writer checks each time.

Every valid version is the sample with ``schema: 1`` moved to the very end, so that no
prefix of it (a half-written file) is a valid register, and with its own organisation
name and number of extra people, so that each answer says which version it came from.

It prints the requests, the answers by status, the 5xx and consistency errors, the
latency p50/p95 and how many versions went live.  Traffic goes to 127.0.0.1 only and
every loop is bounded in count and time.  ``tests/test_reload_under_load.py`` runs the
same for a few seconds; this is the long run whose figures ``SECURITY.md`` quotes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import http.client
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

__all__ = ["Version", "versions", "run", "Result", "main"]

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "tvb.yaml"
TODAY = dt.date(2026, 11, 29)
#: How long a valid version may take to go live, or a failure to show, before it counts
#: as a problem (the watcher polls every 50 ms; a build of the sample takes ~0.5 s).
SETTLE_TIMEOUT = 15.0
SPARQL_COUNT = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a foaf:Person }"


@dataclass(frozen=True)
class Version:
    """One content of the data file."""

    label: str
    raw: bytes
    valid: bool
    org_name: str
    people: int = 0
    data_version: str = ""


def _org_name_line(text: str) -> tuple[int, int]:
    """Start and end of the organisation's ``  name:`` line."""
    start = text.index("\n  name: ", text.index("\norganisation:")) + 1
    return start, text.index("\n", start)


def versions(sample: str, n_valid: int = 4) -> tuple[list[Version], list[Version]]:
    """(valid, invalid) versions of *sample*, each checked with the loader."""
    from registry.validate import registry_from_text

    base = sample.replace("\nschema: 1\n", "\n", 1)
    assert "\nschema:" not in base and not base.startswith("schema:"), "schema line not found"
    reg0 = registry_from_text(sample, today=TODAY).registry
    unit = reg0.directorates[0].id
    a, b = _org_name_line(base)

    def build(label: str, org: str, extra: int, tail: str = "") -> str:
        text = base[:a] + f"  name: {org}" + base[b:]
        people = "".join(f"  - id: p-versie-{label}-{j}\n    name: V. Versie {label}.{j}\n"
                         f"    unit: {unit}\n    reviewed: 2026-10-01\n"
                         for j in range(extra))
        text = text.replace("\npeople:\n", "\npeople:\n" + people, 1)
        # schema last, without a line break: no strict prefix of the file is valid
        return text.rstrip("\n") + tail + "\n\nschema: 1"

    valid, invalid = [], []
    for i in range(n_valid):
        org = f"Directoraat-Generaal Beleid (versie {i})"
        raw = build(str(i), org, i + 1).encode("utf-8")
        result = registry_from_text(raw.decode("utf-8"), today=TODAY)
        assert result.ok, [str(d) for d in result.errors][:3]
        valid.append(Version(f"valid-{i}", raw, True, org, len(result.registry.people),
                             result.registry.data_version))
    for label, tail, org in (
            ("unknown-key", "\nbogus_key: 1", "ONGELDIG onbekende sleutel"),
            ("yaml-syntax", "\nextra: [niet gesloten", "ONGELDIG YAML-fout")):
        raw = build(label, org, 1, tail).encode("utf-8")
        invalid.append(Version(label, raw, False, org))
    dangling = build("dangling", "ONGELDIG verwijzing", 1).replace(
        f"    unit: {unit}\n", "    unit: nergens\n", 1).encode("utf-8")
    invalid.append(Version("dangling-reference", dangling, False, "ONGELDIG verwijzing"))
    for v in invalid:
        assert not registry_from_text(v.raw.decode("utf-8"), today=TODAY).ok, v.label
    return valid, invalid


@dataclass
class Result:
    """What a run saw."""

    duration_s: float = 0.0
    clients: int = 0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: int = 0
    connection_errors: int = 0
    inconsistent: int = 0
    problems: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    went_live: int = 0
    last_good_checks: int = 0
    writes: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def problem(self, text: str, *, kind: str = "inconsistent") -> None:
        with self._lock:
            if kind == "inconsistent":
                self.inconsistent += 1
            if len(self.problems) < 50:
                self.problems.append(text)

    def percentile(self, q: int) -> float:
        values = self.latencies_ms
        if len(values) < 2:
            return values[0] if values else float("nan")
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]

    def summary(self) -> dict:
        return {"duration_s": round(self.duration_s, 1), "clients": self.clients,
                "requests": self.requests, "requests_per_s":
                    round(self.requests / self.duration_s, 1) if self.duration_s else 0,
                "statuses": dict(sorted(self.statuses.items())),
                "server_errors": self.server_errors,
                "connection_errors": self.connection_errors,
                "inconsistent": self.inconsistent,
                "p50_ms": round(self.percentile(50), 2), "p95_ms": round(self.percentile(95), 2),
                "versions_live": self.went_live, "last_good_checks": self.last_good_checks,
                "writes": dict(self.writes), "problems": self.problems[:10]}


_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_FOOTER_VERSION = re.compile(r"<footer.*?<code>([0-9a-f]{12})</code>", re.S)


class _Checker:
    """Does an answer belong to exactly one valid version?"""

    def __init__(self, valid: list[Version], invalid: list[Version]):
        self.by_version = {v.data_version: v for v in valid}
        self.by_prefix = {v.data_version[:12]: v for v in valid}
        self.by_name = {v.org_name: v for v in valid}
        self.bad_names = {v.org_name for v in invalid}
        self.people = {v.people for v in valid}

    def check(self, path: str, status: int, body: bytes) -> str | None:
        if status >= 500:
            return f"{path}: {status}"
        if status != 200:
            return None if path.startswith("/person/") and status == 404 else \
                f"{path}: unexpected {status}"
        if path == "/integrator.json":
            data = json.loads(body)
            v = self.by_version.get(data["data_version"])
            if v is None:
                return f"{path}: data_version {data['data_version'][:12]} was never valid"
            if data["summary"]["people"] != v.people:
                return (f"{path}: {data['summary']['people']} people, but version {v.label} "
                        f"has {v.people}")
        elif path == "/organisation.json":
            name = json.loads(body)["name"]
            if name not in self.by_name:
                return f"{path}: organisation {name!r} is not a valid version's"
        elif path == "/organisation":
            text = body.decode("utf-8")
            h1, foot = _H1.search(text), _FOOTER_VERSION.search(text)
            name = html.unescape(h1.group(1)) if h1 else None
            v = self.by_name.get(name)
            if v is None:
                return f"{path}: heading {name!r} is not a valid version's"
            if foot is None or self.by_prefix.get(foot.group(1)) is not v:
                return (f"{path}: content of {v.label}, footer says "
                        f"{foot.group(1) if foot else None}")
        elif path == "/health":
            data = json.loads(body)
            if data["data_version"] not in self.by_version:
                return f"{path}: data_version {data['data_version']} was never valid"
        elif path.startswith("/sparql.json"):
            n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
            if n not in self.people:
                return f"{path}: {n} people is no valid version's count"
        return None


def _paths(valid: list[Version]) -> list[str]:
    return ["/integrator.json", "/organisation.json", "/organisation", "/health",
            "/search.json?q=versie", f"/person/p-versie-{len(valid) - 1}-0.json",
            "/network.json?view=directorates", "/", "/lessons.json"]


def _request(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Language": "nl"})
    resp = conn.getresponse()
    body = resp.read()
    return resp.status, body, (time.perf_counter() - t0) * 1000


def _client(port: int, paths: list[str], checker: _Checker, result: Result,
            stop: threading.Event, budget: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    try:
        while not stop.is_set():
            with result._lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            path = paths[i % len(paths)]
            i += 1
            try:
                status, body, ms = _request(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                result.problem(f"{path}: {type(exc).__name__}: {exc}", kind="connection")
                with result._lock:
                    result.connection_errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with result._lock:
                result.requests += 1
                result.statuses[status] += 1
                result.latencies_ms.append(ms)
                if status >= 500:
                    result.server_errors += 1
            try:
                problem = checker.check(path, status, body)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                problem = f"{path}: unreadable answer ({type(exc).__name__}: {exc})"
            if problem:
                result.problem(problem, kind="server" if status >= 500 else "inconsistent")
    finally:
        conn.close()


class _Writer:
    """Rewrites the data file in a loop and checks that the right version is online."""

    def __init__(self, path: Path, port: int, valid: list[Version], invalid: list[Version],
                 result: Result):
        self.path, self.port, self.valid, self.invalid = path, port, valid, invalid
        self.result = result
        self.live: Version = valid[0]
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def health(self) -> dict:
        status, body, _ = _request(self.conn, "/health")
        if status != 200:
            self.result.problem(f"/health: {status} during the writes", kind="server")
        return json.loads(body)

    def _settle(self, done, what: str) -> dict | None:
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while time.monotonic() < deadline:
            h = self.health()
            if done(h):
                return h
            time.sleep(0.02)
        self.result.problem(f"{what}: not seen within {SETTLE_TIMEOUT:g} s")
        return None

    def goes_live(self, v: Version) -> None:
        if self._settle(lambda h: h["data_version"] == v.data_version and h["status"] == "ok",
                        f"{v.label} going live"):
            self.live = v
            self.result.went_live += 1

    def keeps_last_good(self, what: str) -> None:
        """The file is invalid now: once the failed reload shows, the last good version
        must still be the one online."""
        h = self._settle(lambda h: h["last_reload_failed"], f"failure of {what}")
        if h is None:
            return
        if h["data_version"] != self.live.data_version:
            self.result.problem(f"{what}: {h['data_version'][:12]} online instead of the last "
                                f"good {self.live.label}")
        else:
            self.result.last_good_checks += 1

    # -- ways of writing ------------------------------------------------------------------------
    def write(self, v: Version) -> None:
        with open(self.path, "wb") as fh:  # truncates first: briefly an empty file
            fh.write(v.raw)
        self.result.writes["plain"] += 1

    def editor_save(self, v: Version, pause: float) -> None:
        half = len(v.raw) // 2
        with open(self.path, "wb") as fh:
            fh.write(v.raw[:half])
            fh.flush()
            time.sleep(pause)
            fh.write(v.raw[half:])
        self.result.writes["editor save"] += 1

    def truncated(self, v: Version) -> None:
        with open(self.path, "wb") as fh:
            fh.write(v.raw[: len(v.raw) // 3])
        self.result.writes["truncated"] += 1

    def atomic(self, v: Version) -> None:
        tmp = self.path.with_name(".tvb.yaml.tmp")  # hidden: not data for the watcher
        tmp.write_bytes(v.raw)
        os.replace(tmp, self.path)
        self.result.writes["atomic replace"] += 1

    def cycle(self, n: int) -> None:
        """One round: every way of writing, each valid version once."""
        valid, invalid = self.valid, self.invalid
        v = [valid[(4 * n + k) % len(valid)] for k in range(4)]
        bad = invalid[n % len(invalid)]
        self.write(v[0])
        self.goes_live(v[0])
        self.write(bad)
        self.keeps_last_good(bad.label)
        self.editor_save(v[1], pause=0.2)
        self.goes_live(v[1])
        self.truncated(v[2])
        self.keeps_last_good("a truncated file")
        time.sleep(0.3)  # left for a while: still the last good one
        if self.health()["data_version"] != self.live.data_version:
            self.result.problem("a truncated file: the last good version went offline")
        self.write(v[2])
        self.goes_live(v[2])
        self.atomic(v[3])
        self.goes_live(v[3])

    def close(self) -> None:
        self.conn.close()


def run(duration: float = 5.0, clients: int = 4, *, threads: int = 8,
        max_requests: int = 200_000, sample: Path = SAMPLE, cache: bool = True,
        log=None) -> Result:
    """Serve a copy of *sample* and run the clients and the writer for *duration* s (the
    writer finishes the round it is in; every wait is bounded).  Without *cache* every
    version is rebuilt each time it comes back, instead of read from the disk cache."""
    from benchmarks.web_bench import serve
    from web import create_app

    valid, invalid = versions(sample.read_text(encoding="utf-8"))
    checker = _Checker(valid, invalid)
    # "Task queue depth is N": every worker busy, which is the point of a load test
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    result = Result(clients=clients)
    with tempfile.TemporaryDirectory(prefix="tvb-load-") as tmp:
        path = Path(tmp) / "tvb.yaml"
        path.write_bytes(valid[0].raw)
        app = create_app({"DATA": str(path), "TODAY": TODAY, "WATCH": True,
                          "WATCH_INTERVAL": 0.05, "CACHE": cache})
        holder = app.extensions["tvb.snapshots"]
        port, stop_server = serve(app, threads=threads)
        stop = threading.Event()
        budget = [max_requests]
        paths = _paths(valid)
        workers = [threading.Thread(
            target=_client, args=(port, paths[k % len(paths):] + paths[:k % len(paths)]
                                  + (["/sparql.json?query=" + quote(SPARQL_COUNT)]
                                     if k == 0 else []),
                                  checker, result, stop, budget),
            name=f"load-client-{k}", daemon=True) for k in range(clients)]
        writer = _Writer(path, port, valid, invalid, result)
        started = time.monotonic()
        try:
            for w in workers:
                w.start()
            n = 0
            while time.monotonic() - started < duration:
                writer.cycle(n)
                n += 1
                if log:
                    log(f"  round {n}: {result.requests:,} requests, "
                        f"{result.server_errors} 5xx, {result.inconsistent} inconsistent")
        finally:
            stop.set()
            for w in workers:
                w.join(60)
            result.duration_s = time.monotonic() - started
            writer.close()
            holder.stop()
            stop_server()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_bench",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds of load (default 60; the writer ends its round)")
    parser.add_argument("--clients", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--threads", type=int, default=8,
                        help="waitress worker threads (default 8)")
    parser.add_argument("--max-requests", type=int, default=1_000_000,
                        help="stop after this many requests in all (default 1,000,000)")
    parser.add_argument("--no-cache", action="store_true",
                        help="rebuild every version instead of reading the snapshot cache")
    args = parser.parse_args(argv)
    print(f"reload under load: {args.clients} clients, {args.threads} server threads, "
          f"{args.duration:g} s, on 127.0.0.1", flush=True)
    result = run(args.duration, args.clients, threads=args.threads,
                 max_requests=args.max_requests, cache=not args.no_cache,
                 log=lambda m: print(m, flush=True))
    s = result.summary()
    print(json.dumps(s, indent=2, ensure_ascii=False))
    print(f"{s['requests']:,} requests in {s['duration_s']} s ({s['requests_per_s']}/s); "
          f"5xx: {s['server_errors']}; inconsistent: {s['inconsistent']}; connection errors: "
          f"{s['connection_errors']}; p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms; "
          f"{s['versions_live']} versions went live; {s['last_good_checks']} times the file "
          f"was bad and the last good version stayed online")
    ok = not (s["server_errors"] or s["inconsistent"] or s["connection_errors"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
