"""The scale benchmark (`make bench`): every step of the register at 1,000 … 100,000 people.

Run ``.venv/bin/python -m benchmarks.run [--sizes 1000,10000]`` (or ``make bench``;
``make bench SIZES=100000`` for the government size).  For each size it generates a
register (:func:`registry.generate.generate`, seed 0) and measures, each step in its own
child process so that the peak memory (``ru_maxrss`` from ``wait4``) is that step's own:

* ``tvb validate`` wall time and, in the same run, the wall time of a bare
  ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the same file (the reference the issue
  sets: the ratio should be at most 1.0, the aim 0.3); both are whole processes, with
  interpreter start and imports, the best of three alternating runs below 50,000 people
  (one above), and their CPU times too (steadier than the clock on a shared machine);
* RDF: compiling the rdflib graph, writing it as Turtle (``tvb export``'s writer), and
  compiling N-Triples and bulk-loading them into Oxigraph;
* SPARQL one-pattern lookup p50/p95 on the Oxigraph store and on rdflib's graph;
* ``tvb report`` wall time;
* search p50/p95 over the mixed queries of :mod:`benchmarks.search_bench`;
* the viewer: time from starting ``tvb serve`` until ``/health`` answers, without a cache
  entry (cold: it builds the snapshot and writes the cache) and with one (warm); then
  page latency p50/p95 over the main pages on the warm server;
* edit to live (:mod:`benchmarks.edit_live_bench`): one dossier's owner changed in the
  file of a running viewer, the time until its page shows it and until the findings
  follow, and the peak RSS of the server's process tree meanwhile.

Traffic goes to 127.0.0.1 only, every loop is bounded, and every server started is
stopped.  Results go to ``benchmarks/out/results.json`` and ``results.md``.  Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .edit_live_bench import stop_server

__all__ = ["main", "run_size", "machine"]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
TODAY = "2026-11-29"
PY = sys.executable


def machine() -> dict:
    """CPU model, cores and memory of this machine."""
    model = platform.processor() or "?"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": round(mem / 2**30, 1),
            "python": platform.python_version(), "system": platform.platform()}


# subprocess reaps the child itself; keep the rusage by waiting on it with wait4 first.
class _Popen(subprocess.Popen):
    rusage = None

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid:
            self.rusage = ru
        return (pid, sts)



def _child(args: list[str], *, env: dict | None = None, timeout: float = 3600) -> dict:
    """Run a child process; its wall time, peak memory, exit code and output."""
    start = time.perf_counter()
    proc = _Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)
    out, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - start
    ru = proc.rusage
    cpu = ru.ru_utime + ru.ru_stime if ru is not None else float("nan")
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "rss_mb": round(_rss(proc) / 1024, 1), "code": proc.returncode, "stdout": out,
            "stderr": err}


def _rss(proc) -> int:
    ru = getattr(proc, "rusage", None)
    return ru.ru_maxrss if ru is not None else 0


def _script(code: str, *args: str, timeout: float = 3600) -> dict:
    """Run a Python snippet in a child; it prints one JSON object as its last line."""
    r = _child([PY, "-c", code, *args], timeout=timeout)
    if r["code"] != 0:
        raise RuntimeError(f"benchmark step failed:\n{r['stderr'][-3000:]}")
    result = json.loads(r["stdout"].strip().splitlines()[-1])
    result["rss_mb"] = r["rss_mb"]
    result["process_wall_s"] = r["wall_s"]
    return result


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


_BARE_YAML = """
import json, sys, time, yaml
t = time.perf_counter()
with open(sys.argv[1], "rb") as fh:
    yaml.load(fh, Loader=yaml.CSafeLoader)
print(json.dumps({"load_s": time.perf_counter() - t}))
"""

_RDF = """
import datetime as dt, gc, json, sys, time
from registry.validate import load_registry
from graph.rdf import compile_registry
from graph.export import serialize
from graph.store import build_store, to_ntriples
reg = load_registry(sys.argv[1], today=dt.date.fromisoformat(sys.argv[2])).registry
out = {}
t = time.perf_counter(); g = compile_registry(reg); out["compile_s"] = time.perf_counter() - t
out["triples"] = len(g)
t = time.perf_counter(); ttl = serialize(g, "turtle"); out["turtle_s"] = time.perf_counter() - t
out["turtle_mb"] = len(ttl) / 1e6
del g, ttl; gc.collect()
t = time.perf_counter(); nt = to_ntriples(reg); out["ntriples_s"] = time.perf_counter() - t
t = time.perf_counter(); store = build_store(nt); out["store_load_s"] = time.perf_counter() - t
print(json.dumps(out))
"""

_SPARQL = """
import datetime as dt, json, random, sys, time
from registry.validate import load_registry
from graph.rdf import compile_registry, entity_iri, prefixes
from graph.sparql import run_query as run_rdflib
from graph.store import build_store, run_query, to_ntriples
reg = load_registry(sys.argv[1], today=dt.date.fromisoformat(sys.argv[2])).registry
ns = prefixes(reg)
people = sorted(reg.people)
rng = random.Random(0)
def lookup():
    return f"SELECT ?n WHERE {{ <{entity_iri(reg, rng.choice(people))}> foaf:name ?n }}"
out = {}
store = build_store(to_ntriples(reg))
times = []
for _ in range(int(sys.argv[3])):
    q = lookup(); t = time.perf_counter(); r = run_query(store, q, namespaces=ns)
    times.append(time.perf_counter() - t); assert len(r.rows) == 1
times.sort()
out["oxigraph_p50_ms"] = 1000 * times[len(times) // 2]
out["oxigraph_p95_ms"] = 1000 * times[int(len(times) * 0.95)]
graph = compile_registry(reg, with_ontology=True)
times = []
for _ in range(int(sys.argv[4])):
    q = lookup(); t = time.perf_counter(); r = run_rdflib(graph, q, namespaces=ns)
    times.append(time.perf_counter() - t); assert len(r.rows) == 1
times.sort()
out["rdflib_p50_ms"] = 1000 * times[len(times) // 2]
out["rdflib_p95_ms"] = 1000 * times[min(len(times) - 1, int(len(times) * 0.95))]
print(json.dumps(out))
"""

_SEARCH = """
import datetime as dt, json, sys, time
from registry.validate import load_registry
from registry.search import SearchIndex
from benchmarks.search_bench import QUERIES
reg = load_registry(sys.argv[1], today=dt.date.fromisoformat(sys.argv[2])).registry
t = time.perf_counter(); index = SearchIndex.build(reg); build = time.perf_counter() - t
times = []
for _ in range(int(sys.argv[3])):
    for _, q in QUERIES:
        t = time.perf_counter(); index.search(q); times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"build_s": build, "p50_ms": 1000 * times[len(times) // 2],
                  "p95_ms": 1000 * times[int(len(times) * 0.95)], "queries": len(times)}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, float]:
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t
    finally:
        conn.close()


def _findings_ready(port: int, timeout: float) -> bool:
    """Whether ``/integrator.json`` answers with the findings of the data served."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/integrator.json")
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        return False
    findings = json.loads(body).get("findings") or {}
    return not findings.get("pending") and not findings.get("none")


def _integrator_pages(port: int) -> dict:
    """Bytes of every page of ``/integrator.json`` (the issue: at most 5 MB each)."""
    sizes = []
    pages, n = 1, 1
    while n <= pages:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            conn.request("GET", f"/integrator.json?page={n}")
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise RuntimeError(f"/integrator.json?page={n} answered {resp.status}")
        if n == 1:
            pages = json.loads(body)["pagination"]["pages"]
        sizes.append(len(body))
        n += 1
    return {"pages": len(sizes), "largest_mb": round(max(sizes) / 1e6, 2),
            "total_mb": round(sum(sizes) / 1e6, 1)}


def _serve(data: Path, cache: Path, *, pages: list[str] | None = None, reps: int = 0,
           limit: float = 1800, page_sizes: bool = False) -> dict:
    """Start ``tvb serve``, time until /health answers and until ``/integrator.json``
    does (the findings ready), optionally time pages and measure every page of
    ``/integrator.json``, stop it."""
    port = _free_port()
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), TVB_CACHE="1")
    start = time.perf_counter()
    proc = _Popen(
        [PY, "-m", "tvb", "serve", "--data", str(data), "--port", str(port), "--no-watch",
         "--today", TODAY], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        cwd=ROOT)
    out: dict = {}
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"tvb serve exited: {proc.stderr.read()[-2000:]}")
            if time.perf_counter() - start > limit:
                raise RuntimeError("tvb serve did not answer /health in time")
            try:
                status, _ = _get(port, "/health", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        out["health_s"] = round(time.perf_counter() - start, 3)
        # A start without a cache entry goes live first and computes the findings in the
        # background: /integrator.json answers at once, saying they are pending.
        while not _findings_ready(port, limit):
            if time.perf_counter() - start > limit:
                raise RuntimeError("/integrator.json had no findings in time")
            time.sleep(0.2)
        out["integrator_s"] = round(time.perf_counter() - start, 3)
        if page_sizes:
            out["integrator_pages"] = _integrator_pages(port)
        if pages:
            times = []
            for path in pages:
                _get(port, path, timeout=120)  # the first request of a page warms it
                for _ in range(reps):
                    status, took = _get(port, path, timeout=120)
                    if status != 200:
                        raise RuntimeError(f"{path} answered {status}")
                    times.append(took)
            out["page_p50_ms"] = round(1000 * _pct(times, 50), 2)
            out["page_p95_ms"] = round(1000 * _pct(times, 95), 2)
            out["pages"] = len(pages)
    finally:
        stop_server(proc)
    out["rss_mb"] = round(_rss(proc) / 1024, 1)
    return out


def _pages(n: int) -> list[str]:
    return ["/", "/?q=vastgoed", "/?q=cyber%20strategie", "/person/p-000002",
            f"/person/p-{n // 2:06d}", "/dossier/dossier-000001",
            f"/dossier/dossier-{n // 3:06d}", "/directorate/dsk", "/directorate/cio",
            "/integrator", "/network", "/lessons", "/health"]


def run_size(n: int, work: Path, log=print) -> dict:
    """Every measurement at *n* people."""
    data = work / f"tvb-{n}.yaml"
    big = n >= 50_000
    t = time.perf_counter()
    gen = _child([PY, "-m", "tvb", "generate", "--people", str(n), "-o", str(data)])
    if gen["code"]:
        raise RuntimeError(gen["stderr"])
    res: dict = {"people": n, "file_mb": round(data.stat().st_size / 1e6, 2),
                 "generate_s": round(time.perf_counter() - t, 2)}
    log(f"  {n:,} people: {res['file_mb']} MB")

    # On a shared machine the wall clock is noisy: the best of a few alternating runs
    # (one at the government size, where each takes long).
    runs_v, runs_y = [], []
    for _ in range(1 if big else 3):
        runs_v.append(_child([PY, "-m", "tvb", "validate", str(data), "--today", TODAY]))
        if runs_v[-1]["code"] != 0:
            raise RuntimeError(f"validate failed: {runs_v[-1]['stdout'][-2000:]}"
                               f"{runs_v[-1]['stderr'][-2000:]}")
        runs_y.append(_child([PY, "-c", _BARE_YAML, str(data)]))
    v = min(runs_v, key=lambda r: r["wall_s"])
    y = min(runs_y, key=lambda r: r["wall_s"])
    res["validate"] = {"wall_s": v["wall_s"], "cpu_s": v["cpu_s"], "rss_mb": v["rss_mb"]}
    res["yaml_csafe"] = {"wall_s": y["wall_s"], "cpu_s": y["cpu_s"], "rss_mb": y["rss_mb"],
                         "load_s": round(json.loads(y["stdout"])["load_s"], 3)}
    res["validate_ratio"] = round(v["wall_s"] / y["wall_s"], 3)
    # CPU time too: on a shared machine it is steadier than the wall clock.
    res["validate_cpu_ratio"] = round(v["cpu_s"] / y["cpu_s"], 3)
    log(f"    validate {v['wall_s']} s ({v['cpu_s']} s CPU), bare CSafeLoader {y['wall_s']} s "
        f"({y['cpu_s']} s CPU), ratio {res['validate_ratio']} (CPU {res['validate_cpu_ratio']})")

    res["rdf"] = _script(_RDF, str(data), TODAY)
    log(f"    rdf {res['rdf']['triples']:,} triples: compile {res['rdf']['compile_s']:.1f} s, "
        f"turtle {res['rdf']['turtle_s']:.1f} s, oxigraph load {res['rdf']['store_load_s']:.1f} s")
    res["sparql"] = _script(_SPARQL, str(data), TODAY, "300", "10" if big else "40")
    log(f"    sparql p95 oxigraph {res['sparql']['oxigraph_p95_ms']:.2f} ms, "
        f"rdflib {res['sparql']['rdflib_p95_ms']:.1f} ms")

    r = _child([PY, "-m", "tvb", "report", "--data", str(data), "--today", TODAY,
                "-o", os.devnull])
    if r["code"]:
        raise RuntimeError(f"report failed: {r['stderr'][-2000:]}")
    res["report"] = {"wall_s": r["wall_s"], "rss_mb": r["rss_mb"]}
    log(f"    report {r['wall_s']} s")

    res["search"] = _script(_SEARCH, str(data), TODAY, "5")
    log(f"    search p50 {res['search']['p50_ms']:.2f} ms, p95 {res['search']['p95_ms']:.2f} ms")

    cache = work / f"cache-{n}"
    res["viewer_cold"] = _serve(data, cache)
    res["viewer_warm"] = _serve(data, cache, pages=_pages(n), reps=5 if big else 10,
                                page_sizes=True)
    log(f"    viewer cold {res['viewer_cold']['health_s']} s (/integrator.json "
        f"{res['viewer_cold']['integrator_s']} s), warm {res['viewer_warm']['health_s']} s "
        f"(/integrator.json {res['viewer_warm']['integrator_s']} s), page p95 "
        f"{res['viewer_warm']['page_p95_ms']} ms; /integrator.json "
        f"{res['viewer_warm']['integrator_pages']['pages']} pages, largest "
        f"{res['viewer_warm']['integrator_pages']['largest_mb']} MB")
    # Edit-to-live (issue 18): the viewer on a copy with its own cache, one owner changed.
    from .edit_live_bench import measure

    edited = work / f"tvb-{n}-edit.yaml"
    edited.write_bytes(data.read_bytes())
    res["edit_live"] = measure(edited, work / f"cache-{n}-edit", log=log)
    log(f"    edit to live {res['edit_live']['live_s']} s, findings "
        f"{res['edit_live']['findings_s']} s, peak {res['edit_live']['peak_mb']} MB")
    steps = [res["validate"], res["yaml_csafe"], res["rdf"], res["sparql"], res["report"],
             res["search"], res["viewer_cold"], res["viewer_warm"]]
    res["peak_rss_mb"] = max(s["rss_mb"] for s in steps)
    return res


def markdown(results: list[dict], info: dict) -> str:
    """The results as a Markdown table (one column per size)."""
    cols = [f"{r['people']:,} people" for r in results]

    def row(label, fn):
        cells = []
        for r in results:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError):
                cells.append("–")
        return f"| {label} | " + " | ".join(cells) + " |"

    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, "
        f"Python {info['python']}; {info['date']}.",
        "",
        "| step | " + " | ".join(cols) + " |",
        "|---|" + "---:|" * len(cols),
        row("file size", lambda r: f"{r['file_mb']:.1f} MB"),
        row("`tvb validate` (whole process)", lambda r: f"{r['validate']['wall_s']:.2f} s"),
        row("peak memory of `tvb validate`", lambda r: f"{r['validate']['rss_mb']:,.0f} MB"),
        row("bare `yaml.load(CSafeLoader)` (whole process)",
            lambda r: f"{r['yaml_csafe']['wall_s']:.2f} s"),
        row("**ratio validate / bare load** (target ≤ 1.0, aim 0.3)",
            lambda r: f"**{r['validate_ratio']:.2f}**"),
        row("the same ratio in CPU time", lambda r: f"{r['validate_cpu_ratio']:.2f}"),
        row("RDF triples", lambda r: f"{r['rdf']['triples']:,}"),
        row("RDF compile (rdflib graph)", lambda r: f"{r['rdf']['compile_s']:.2f} s"),
        row("Turtle export", lambda r: f"{r['rdf']['turtle_s']:.2f} s"),
        row("N-Triples + Oxigraph bulk load",
            lambda r: f"{r['rdf']['ntriples_s'] + r['rdf']['store_load_s']:.2f} s"),
        row("SPARQL one-pattern lookup p95, Oxigraph",
            lambda r: f"{r['sparql']['oxigraph_p95_ms']:.2f} ms"),
        row("SPARQL one-pattern lookup p95, rdflib",
            lambda r: f"{r['sparql']['rdflib_p95_ms']:.1f} ms"),
        row("`tvb report`", lambda r: f"{r['report']['wall_s']:.2f} s"),
        row("search p50 / p95",
            lambda r: f"{r['search']['p50_ms']:.2f} / {r['search']['p95_ms']:.2f} ms"),
        row("viewer cold start (no cache entry)",
            lambda r: f"{r['viewer_cold']['health_s']:.2f} s"),
        row("viewer cold start until `/integrator.json` answers",
            lambda r: f"{r['viewer_cold']['integrator_s']:.2f} s"),
        row("viewer warm start (cached snapshot)",
            lambda r: f"{r['viewer_warm']['health_s']:.2f} s"),
        row("viewer warm start until `/integrator.json` answers",
            lambda r: f"{r['viewer_warm']['integrator_s']:.2f} s"),
        row("`/integrator.json`: pages, largest page",
            lambda r: f"{r['viewer_warm']['integrator_pages']['pages']}, "
                      f"{r['viewer_warm']['integrator_pages']['largest_mb']:.2f} MB"),
        row("page p50 / p95 (warm server)",
            lambda r: f"{r['viewer_warm']['page_p50_ms']:.1f} / "
                      f"{r['viewer_warm']['page_p95_ms']:.1f} ms"),
        row("edit to live: new owner on `/dossier/ID.json` (target ≤ 5 s)",
            lambda r: f"{r['edit_live']['live_s']:.2f} s"),
        row("edit to live: `/integrator.json` of the new version (target ≤ 30 s)",
            lambda r: f"{r['edit_live']['findings_s']:.2f} s"),
        row("edit to live: peak RSS of the server's process tree (target ≤ 2.5 GB)",
            lambda r: f"{r['edit_live']['peak_mb']:,.0f} MB"),
        row("peak memory of any step", lambda r: f"{r['peak_rss_mb']:,.0f} MB"),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--sizes", default=os.environ.get("SIZES") or "1000,10000",
                        help="comma-separated numbers of people (default: $SIZES or "
                             "1000,10000)")
    parser.add_argument("--out", default=str(OUT), help="folder for results.json and .md")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    info = machine()
    info["date"] = dt.date.today().isoformat()
    print(f"benchmark on {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB",
          flush=True)
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="tvb-bench-") as tmp:
        for n in sizes:
            results.append(run_size(n, Path(tmp), log=lambda m: print(m, flush=True)))
    info["total_s"] = round(time.perf_counter() - started, 1)
    name = "results" if set(sizes) == {1000, 10000} else "results-" + "-".join(map(str, sizes))
    (out / f"{name}.json").write_text(json.dumps({"machine": info, "results": results},
                                                 indent=2) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(markdown(results, info), encoding="utf-8")
    print(markdown(results, info))
    print(f"total {info['total_s']} s; written to {out / name}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
