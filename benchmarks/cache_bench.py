"""Size of one snapshot cache entry, part by part (issue 18: "each version compact").

    python benchmarks/cache_bench.py REGISTER.yaml [--rdf]

Builds the snapshot of REGISTER (warm: every part the viewer uses), writes it to a fresh
cache folder and prints the size of the entry and of each part, pickled; with ``--rdf``
also the compiled graph's N-Triples entry (written once somebody queries ``/sparql``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("register")
    ap.add_argument("--rdf", action="store_true", help="also store the N-Triples entry")
    args = ap.parse_args()
    from graph.cache import _freeze
    from graph.snapshot import build_snapshot

    today = dt.date(2026, 11, 30)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        snap = build_snapshot([args.register], today, cache=tmp)
        snap.warm()
        built = time.perf_counter() - t0
        key = snap.cache[1]
        t0 = time.perf_counter()
        snap.cache[0].save_snapshot(key, snap)
        saved = time.perf_counter() - t0
        if args.rdf:
            t0 = time.perf_counter()
            snap.ntriples()
            print(f"N-Triples {time.perf_counter() - t0:.1f} s")
        index, blobs = _freeze(snap)
        files = sorted(Path(tmp).iterdir())
        print(f"build {built:.1f} s, save {saved:.1f} s")
        for f in files:
            print(f"{f.name}: {f.stat().st_size / 2**20:.1f} MiB")
        for name, (_, n, _) in sorted(index["parts"].items(), key=lambda kv: -kv[1][1]):
            print(f"  part {name}: {n / 2**20:.1f} MiB")
        t0 = time.perf_counter()
        again = build_snapshot([args.register], today, cache=tmp, warm=False)
        again.warm()
        print(f"warm load of every part: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
