"""Importing a subtree of a large ROO export: time and peak memory.

Run ``python -m benchmarks.import_bench [--organisations 20000] [--keep FILE]``.  It
writes a synthetic export of the Register van Overheidsorganisaties in the format of
``oo-export-2.6.11.xsd`` (ministries → directorates-general → directorates → departments →
bureaus, each with tasks, positions and people, so that an organisation weighs about what
a real one does), then imports the subtree of one directorate-general:

* in this process with :func:`registry.importers.roo.read_subtree`, measuring the peak of
  Python allocations with :mod:`tracemalloc`;
* as ``tvb import roo`` in a child process, measuring its peak resident set size.

Figures are printed, not asserted (the README quotes them with the machine).
:func:`write_export` is also what ``tests/test_import.py`` uses to build its exports.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

NS = "https://organisaties.overheid.nl/static/schema/oo/export/2.6.9"
TOOI = "https://identifier.overheid.nl/tooi/id/"


def org(system_id: int, naam: str, *, afkorting: str | None = None, type_: str = "Directie",
        tooi: str | None = None, taken: str | None = None, functies: int = 0,
        children: list[dict] | None = None) -> dict:
    """One ``organisatie`` for :func:`write_export`."""
    return {"id": system_id, "naam": naam, "afkorting": afkorting, "type": type_,
            "tooi": tooi, "taken": taken, "functies": functies, "children": children or []}


def _write_org(out: IO[str], o: dict, depth: int) -> None:
    pad = "  " * depth
    attrs = f' p:systeemId="{o["id"]}"'
    if o.get("tooi"):
        attrs += f" p:resourceIdentifierTOOI={quoteattr(o['tooi'])}"
    out.write(f"{pad}<p:organisatie{attrs}>\n")
    out.write(f"{pad}  <p:naam>{escape(o['naam'])}</p:naam>\n")
    if o.get("afkorting"):
        out.write(f"{pad}  <p:afkorting>{escape(o['afkorting'])}</p:afkorting>\n")
    out.write(f"{pad}  <p:types><p:type>{escape(o['type'])}</p:type></p:types>\n")
    out.write(f"{pad}  <p:datumMutatie>2026-10-01</p:datumMutatie>\n")
    if o.get("taken"):
        out.write(f"{pad}  <p:takenEnBevoegdheden>{escape(o['taken'])}"
                  "</p:takenEnBevoegdheden>\n")
    if o.get("functies"):
        out.write(f"{pad}  <p:functies>\n")
        for n in range(o["functies"]):
            out.write(f"{pad}    <p:functie><p:naam>Functie {n + 1}</p:naam><p:medewerkers>"
                      f"<p:medewerker><p:naam>Medewerker {o['id']}-{n + 1}</p:naam>"
                      "</p:medewerker></p:medewerkers></p:functie>\n")
        out.write(f"{pad}  </p:functies>\n")
    if o["children"]:
        out.write(f"{pad}  <p:organisaties>\n")
        for c in o["children"]:
            _write_org(out, c, depth + 2)
        out.write(f"{pad}  </p:organisaties>\n")
    out.write(f"{pad}</p:organisatie>\n")


def write_export(path: str | os.PathLike, organisations: list[dict] | Iterator[dict]) -> None:
    """Write an export holding *organisations* (trees made with :func:`org`)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<p:overheidsorganisaties xmlns:p="{NS}" p:timestamp="2026-11-30">\n')
        out.write("  <p:organisaties>\n")
        for o in organisations:
            _write_org(out, o, 2)
        out.write("  </p:organisaties>\n")
        out.write("</p:overheidsorganisaties>\n")


def synthetic(organisations: int, seed: int = 0) -> Iterator[dict]:
    """Ministries of about 1,600 organisations each, until *organisations* are made.

    Each ministry: 4 directorates-general × 8 directorates × 6 departments × 7 bureaus
    (plus the ministry, its DGs and directorates).  The DG of the first ministry with
    systeemId 100001 is the subtree the benchmark imports.
    """
    rng = random.Random(seed)
    next_id = iter(range(100_000, 10**9))
    made = 0
    m = 0
    words = ["beleid", "strategie", "financiën", "personeel", "cyber", "data", "inkoop",
             "juridische zaken", "communicatie", "veiligheid", "internationaal", "kennis"]

    def taken() -> str:
        return "\n".join(f"- {rng.choice(words).capitalize()} en {rng.choice(words)}"
                         for _ in range(rng.randint(1, 4)))

    def node(naam: str, type_: str, afk: str | None, children: list[dict]) -> dict:
        nonlocal made
        made += 1
        sid = next(next_id)
        return org(sid, naam, afkorting=afk, type_=type_, tooi=f"{TOOI}oorg/oorg{sid}",
                   taken=taken(), functies=2, children=children)

    while made < organisations:
        m += 1
        ministry = node(f"Ministerie {m}", "Ministerie", f"M{m}", [])
        for g in range(4):
            dg = node(f"Directoraat-generaal {m}.{g + 1}", "Directoraat-generaal",
                      f"DG{m}{g + 1}", [])
            ministry["children"].append(dg)
            for d in range(8):
                if made >= organisations:
                    break
                directie = node(f"Directie {m}.{g + 1}.{d + 1}", "Directie",
                                f"D{m}{g + 1}{d + 1}", [])
                dg["children"].append(directie)
                for a in range(6):
                    afd = node(f"Afdeling {m}.{g + 1}.{d + 1}.{a + 1}", "Afdeling", None, [])
                    directie["children"].append(afd)
                    for b in range(7):
                        afd["children"].append(node(
                            f"Bureau {m}.{g + 1}.{d + 1}.{a + 1}.{b + 1}", "Bureau", None, []))
        yield ministry


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--organisations", type=int, default=20_000)
    ap.add_argument("--keep", help="Write the export here and keep it.")
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from registry.importers.roo import read_subtree

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "exportOO.xml"
        t0 = time.perf_counter()
        write_export(path, synthetic(args.organisations))
        size = path.stat().st_size
        print(f"export: {args.organisations:,} organisations, {size / 2**20:.1f} MiB, "
              f"written in {time.perf_counter() - t0:.1f} s")
        for root, how in (("100001", "by systeemId: stops after the subtree"),
                          ("Directoraat-generaal 1.1", "by name: reads the whole file")):
            tracemalloc.start()
            t0 = time.perf_counter()
            tree = read_subtree(path, root)
            elapsed = time.perf_counter() - t0
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            kept = sum(1 for _ in tree.root.walk())
            print(f"read_subtree {how}: {kept:,} organisations kept of "
                  f"{tree.organisations_read:,} read, {elapsed:.2f} s, "
                  f"peak Python allocations {peak / 2**20:.1f} MiB")
        out = Path(tmp) / "dg.yaml"
        env = {**os.environ, "PYTHONPATH": str(root)}
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "tvb", "import", "roo", str(path),
                               "--root", "Directoraat-generaal 1.1", "-o", str(out)],
                              env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"tvb import roo --root NAME (whole file read to check the name is unique): "
              f"exit {proc.returncode}, {elapsed:.2f} s, peak RSS {rss:.0f} MiB")
        print(f"  {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}")
        print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
