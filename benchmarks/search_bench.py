"""Benchmark of the search index: build time and query latency on generated registers.

Run ``.venv/bin/python -m benchmarks.search_bench [--sizes 1000,10000,100000]``.  For each
size it generates a register with about one dossier per person
(:func:`registry.generate.generate`) with the sample's synonym sets, builds the
:class:`~registry.search.SearchIndex` (decompounding on, with Debian's Dutch word list when
installed) and times a fixed mixed set of queries (exact, stem, prefix, typo,
abbreviation, name, compound part and whole, synonym, question, hostile), each repeated,
reporting p50/p95/max.  Not a test: the figures go in the README.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import time

from registry.search import SearchIndex

__all__ = ["QUERIES", "main", "make_registry", "run"]

#: (kind of query, text).  The words come from the generator's vocabulary.
QUERIES = [
    ("exact", "vastgoed"),
    ("exact", "gevaarlijke stoffen"),
    ("exact", "Strategie cyber"),
    ("exact", "energietransitie"),
    ("exact", "arbeidsvoorwaarden"),
    ("stem", "verwervingen"),
    ("stem", "missie"),
    ("stem", "evaluaties"),
    ("stem", "veteraan"),
    ("stem", "innovaties duurzaamheid"),
    ("prefix", "vastg"),
    ("prefix", "digitalis"),
    ("prefix", "toekomstverk"),
    ("prefix", "pe"),
    ("prefix", "beleidskader inf"),
    ("typo", "vastgoeed"),
    ("typo", "digitaliserng"),
    ("typo", "enrgietransitie"),
    ("typo", "infrastructur"),
    ("typo", "partnerlandn"),
    ("abbreviation", "DMV"),
    ("abbreviation", "CIO"),
    ("name", "Belkam"),
    ("number", "Programma cyber 42"),
    ("sentence", "wie is eigenaar van het dossier over werving"),
    ("compound part", "transitie"),
    ("compound part", "energie"),
    ("compound whole", "cyberveiligheid"),
    ("compound whole", "vastgoedinnovatie"),
    ("synonym", "salarissen"),
    ("synonym", "procurement"),
    ("synonym", "NATO"),
    ("question", "wie gaat over vastgoed"),
    ("question", "wie weet meer over pfas"),
    ("hostile", '"vastgoed" AND (cyber OR NEAR(x y)) *'),
    ("hostile", "😀 🙈 ∑"),
]


def make_registry(dossiers: int):
    """A generated register with about ``dossiers`` dossiers (one per person)."""
    from registry.generate import generate
    from registry.validate import registry_from_data

    data = generate(dossiers, seed=0)
    data["synonyms"] = _sample_synonyms()
    result = registry_from_data(data)
    assert result.ok, result.errors[:3]
    return result.registry


def _sample_synonyms() -> list[list[str]]:
    """The synonym sets of ``data/tvb.yaml``."""
    from pathlib import Path

    from registry.validate import load_registry

    sample = Path(__file__).resolve().parent.parent / "data" / "tvb.yaml"
    return [list(s) for s in load_registry(sample).registry.synonyms]


def _cpu() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def run(size: int, repeat: int = 20) -> dict:
    """Build an index of a generated register of ``size`` dossiers and time the queries."""
    reg = make_registry(size)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    index = SearchIndex.build(reg)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    # As a server holding the snapshot should: the register and the index never change,
    # so the cyclic collector need not walk them again (a full pass costs ~0.4 s here).
    gc.freeze()
    for _, text in QUERIES:  # warm the stem cache
        index.search(text)
    times: list[float] = []
    cpu: list[float] = []
    by_kind: dict[str, list[float]] = {}
    for _ in range(repeat):
        for kind, text in QUERIES:
            t, c = time.perf_counter(), time.thread_time()
            index.search(text)
            ms = (time.perf_counter() - t) * 1000
            cpu.append((time.thread_time() - c) * 1000)
            times.append(ms)
            by_kind.setdefault(kind, []).append(ms)
    gc.unfreeze()
    return {"size": size, "documents": len(index), "vocabulary": index.vocabulary_size,
            "build_s": build, "build_cpu_s": build_cpu, "p50_ms": statistics.median(times),
            "p95_ms": _percentile(times, 95), "max_ms": max(times),
            "cpu_p50_ms": statistics.median(cpu), "cpu_p95_ms": _percentile(cpu, 95),
            "p95_by_kind": {k: _percentile(v, 95) for k, v in by_kind.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated numbers of dossiers (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=20,
                        help="times each query is run (default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"machine: {_cpu()}, {__import__('os').cpu_count()} cores; "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")
    print(f"{len(QUERIES)} queries x {args.repeat}; wall-clock times, and CPU time of this "
          "process (what other load on the machine does not inflate)")
    print(f"{'dossiers':>9} {'documents':>10} {'words':>8} {'build s':>8} {'(cpu)':>6} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu p50':>8} {'cpu p95':>8}")
    for size in sizes:
        r = run(size, args.repeat)
        print(f"{r['size']:>9,} {r['documents']:>10,} {r['vocabulary']:>8,} "
              f"{r['build_s']:>8.2f} {r['build_cpu_s']:>6.2f} {r['p50_ms']:>7.2f} "
              f"{r['p95_ms']:>7.2f} {r['max_ms']:>7.2f} {r['cpu_p50_ms']:>8.2f} "
              f"{r['cpu_p95_ms']:>8.2f}")
        print("          p95 by kind: " + ", ".join(
            f"{k} {v:.2f}" for k, v in r["p95_by_kind"].items()))


if __name__ == "__main__":
    main()
