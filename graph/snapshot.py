"""One compiled snapshot of the register per version of the data, swapped atomically.

A :class:`Snapshot` holds everything a page or command reads: the registry, its
warnings, the networks, the integrator's report and the search index, all built once.
The RDF graph is built only when first asked for (export, SPARQL), since it is the
costliest part and most users never need it.

A :class:`SnapshotHolder` owns the current snapshot for a long-running process (the
viewer).  :meth:`SnapshotHolder.refresh` rebuilds when the files changed; if the new
data has errors, or is half-written, the last good snapshot stays online and the
diagnostics are kept for the status page.  Readers take ``holder.current`` once per
request, so a request never sees a mix of two versions.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from registry.diagnostics import Diagnostic
from registry.load import ReadError, expand_paths
from registry.model import Registry
from registry.validate import load_registry

__all__ = ["Snapshot", "SnapshotHolder", "SnapshotError", "build_snapshot", "fingerprint"]


class SnapshotError(Exception):
    """The data could not be compiled; ``diagnostics`` say why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s) in the data")
        self.diagnostics = list(diagnostics)


@dataclass
class Snapshot:
    """Everything derived from one version of the data.  Treat it as read-only."""

    registry: Registry
    warnings: list[Diagnostic]
    today: dt.date
    built_at: float = field(default_factory=time.time)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def data_version(self) -> str:
        return self.registry.data_version

    @cached_property
    def people_network(self):
        from .network import people_network

        return people_network(self.registry)

    @cached_property
    def directorate_network(self):
        from .network import directorate_network

        return directorate_network(self.registry)

    @cached_property
    def report(self) -> dict:
        from .analysis import report

        return report(self.registry, self.today)

    @cached_property
    def search(self):
        from registry.search import SearchIndex

        return SearchIndex.build(self.registry)

    def rdf(self):
        """The rdflib graph, compiled on first use and kept."""
        with self._lock:
            if "_rdf" not in self.__dict__:
                from .rdf import compile_registry

                self.__dict__["_rdf"] = compile_registry(self.registry)
            return self.__dict__["_rdf"]

    def warm(self) -> Snapshot:
        """Build the parts every page needs now, so no request pays for them."""
        _ = self.people_network, self.directorate_network, self.report, self.search
        return self


def build_snapshot(paths: Sequence[str | os.PathLike], today: dt.date | None = None,
                   *, warm: bool = True) -> Snapshot:
    """Load, check and compile the data; raise :class:`SnapshotError` on errors."""
    try:
        result = load_registry(paths, today=today)
    except ReadError as exc:
        raise SnapshotError([exc.diagnostic]) from None
    if not result.ok:
        raise SnapshotError(result.errors)
    snap = Snapshot(result.registry, result.warnings, today or dt.date.today())
    return snap.warm() if warm else snap


def fingerprint(paths: Sequence[str | os.PathLike]) -> tuple:
    """A cheap token that changes when any data file is added, removed or rewritten."""
    out = []
    for f in expand_paths(paths):
        try:
            st = f.stat()
            out.append((str(f), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(f), None, None))
    return tuple(out)


class SnapshotHolder:
    """Keeps the current good snapshot and swaps in a new one when the data changes."""

    def __init__(self, paths: Sequence[str | os.PathLike], today: dt.date | None = None):
        self.paths = [Path(p) for p in paths]
        self.fixed_today = today
        self.current: Snapshot | None = None
        self.errors: list[Diagnostic] = []  # of the last failed attempt; [] when it loaded
        self.loaded_at: float | None = None
        self._fingerprint: tuple | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self, force: bool = False) -> bool:
        """Rebuild if the files changed since the last attempt.  Returns True when a new
        snapshot went online.  Never raises for bad data."""
        with self._lock:
            # A new day can make entries stale, so it counts as a change too.
            fp = (fingerprint(self.paths), self.fixed_today or dt.date.today())
            if not force and fp == self._fingerprint:
                return False
            try:
                snap = build_snapshot(self.paths, self.fixed_today)
            except SnapshotError as exc:
                self.errors = exc.diagnostics
                self._fingerprint = fp
                return False
            # The files may have changed while we read them (an editor's save): keep the
            # old fingerprint then, so the next refresh reads them again.
            self._fingerprint = fp if fingerprint(self.paths) == fp[0] else None
            self.current = snap  # one assignment: readers see the old or the new, whole
            self.errors = []
            self.loaded_at = time.time()
            return True

    def start_watching(self, interval: float = 2.0) -> None:
        """Poll the files every *interval* seconds in a daemon thread."""
        if self._thread is not None:
            return

        def run() -> None:
            while not self._stop.wait(interval):
                self.refresh()

        self._thread = threading.Thread(target=run, name="tvb-data-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
