"""The live step of an edit, in process (issue 18): what :func:`graph.snapshot.build_live`
costs for each kind of small edit, without the poll, HTTP or the findings.

``python -m benchmarks.live_step_bench FILE [--edit owner,add,remove,rename] [--repeat 3]``
builds the first version of a copy of *FILE* (in full, as the viewer does), primes an
incremental loader with it and lets it adopt the served objects (as the viewer's
background worker does), then for each edit applies it to the file (written to a
temporary file and renamed), times ``build_live`` (wall and CPU of this process) and
takes the edit back, *repeat* times.  It prints one JSON object per edit: the times, the
loader's reuse counts, and whether the search index and the lookups were updated in
place or built anew.

The edits: ``owner`` hands the middle dossier to another person (the edit-to-live
step's); ``add`` adds a person after the first one; ``remove`` removes the last dossier
nothing refers to; ``rename`` gives that dossier another id.  Not a test: figures for the
README (measure CPU on a shared machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.edit_live_bench import TODAY, _handover, _write_atomically

__all__ = ["EDITS", "edited", "main"]

EDITS = ("owner", "add", "remove", "rename")


def _lone_dossier(text: str) -> re.Match:
    """The last dossier whose id occurs nowhere else in *text* (so removing or renaming
    it leaves no dangling reference)."""
    start = text.index("\ndossiers:")
    end = re.compile(r"^[a-z_]+:", re.MULTILINE).search(text, start + 2)
    ids = list(re.finditer(r"^(?P<ind> *)- id: (?P<id>\S+)\n(?:(?P=ind)  [^\n]*\n)*",
                           text[start:end.start() if end else len(text)], re.MULTILINE))
    for m in reversed(ids):
        if len(re.findall(rf"\b{re.escape(m.group('id'))}\b", text)) == 1:
            return m
    raise RuntimeError("no dossier without references found")


def edited(kind: str, text: str) -> str:
    """*text* with one edit of *kind* (see the module's docstring)."""
    if kind == "owner":
        return _handover(text)[3]
    if kind == "add":
        m = re.search(r"^people:\n(?: *#[^\n]*\n)*( *)- id: \S+\n(?:\1  [^\n]*\n)*", text,
                      re.MULTILINE)
        if m is None:
            raise RuntimeError("no people found")
        ind = m.group(1)
        unit = re.search(r"^ *unit: (\S+)$", text, re.MULTILINE).group(1)
        person = (f"{ind}- id: zz-nieuw\n{ind}  name: Z. Nieuwkomer\n{ind}  unit: {unit}\n"
                  f"{ind}  reviewed: 2026-11-01\n")
        return text[:m.end()] + person + text[m.end():]
    start = text.index("\ndossiers:")
    m = _lone_dossier(text)
    a, b = start + m.start(), start + m.end()
    if kind == "remove":
        return text[:a] + text[b:]
    if kind == "rename":
        return text[:a] + m.group(0).replace(f"id: {m.group('id')}", f"id: {m.group('id')}-x",
                                             1) + text[b:]
    raise ValueError(f"unknown edit {kind!r}")


def main(argv: list[str] | None = None) -> int:
    from graph.snapshot import build_live, build_snapshot
    from registry.incremental import IncrementalLoader

    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_step_bench",
                                     description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--edit", default=",".join(EDITS),
                        help=f"comma-separated edits among {', '.join(EDITS)}")
    parser.add_argument("--repeat", type=int, default=3, help="times per edit")
    args = parser.parse_args(argv)
    kinds = [k for k in args.edit.split(",") if k]
    if any(k not in EDITS for k in kinds):
        parser.error(f"--edit: choose among {', '.join(EDITS)}")
    today = dt.date.fromisoformat(TODAY)
    with tempfile.TemporaryDirectory(prefix="tvb-live-") as tmp:
        work = Path(tmp) / args.data.name
        shutil.copyfile(args.data, work)  # the original is never touched
        text = work.read_text(encoding="utf-8")
        served = build_snapshot([work], today)
        loader = IncrementalLoader()
        loader.load([work], today=today)
        loader.adopt(served.registry)
        for kind in kinds:
            changed = edited(kind, text)
            runs = []
            for _ in range(args.repeat):
                _write_atomically(work, changed)
                wall, cpu = time.perf_counter(), time.process_time()
                live = build_live([work], served, today, loader=loader)
                runs.append((time.perf_counter() - wall, time.process_time() - cpu))
                stats = dict(loader.stats)
                # In place: the index made from the one before (its decompounder kept),
                # the lookups redone where the edit reaches (the heads' table kept).
                search_in_place = live.search._decompounder is served.search._decompounder
                lookups_in_place = live.lookups.heads is served.lookups.heads
                _write_atomically(work, text)
                served = build_live([work], served, today, loader=loader)  # back, as served
            print(json.dumps({
                "edit": kind, "wall_s": [round(w, 3) for w, _ in runs],
                "cpu_s": [round(c, 3) for _, c in runs], "loader": stats,
                "search_in_place": search_in_place, "lookups_in_place": lookups_in_place}),
                flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
