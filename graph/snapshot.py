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
import gc
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from registry.diagnostics import Diagnostic, Loc
from registry.gcpause import paused_gc
from registry.incremental import IncrementalLoader
from registry.load import DEFAULT_MAX_BYTES, ReadError, check_paths, expand_paths
from registry.model import Registry
from registry.validate import load_registry

from .lookups import Lookups, build_lookups, updated_lookups

__all__ = ["Snapshot", "SnapshotHolder", "SnapshotError", "Lookups", "build_snapshot",
           "build_live", "complete", "fingerprint", "findings_naming", "NO_FINDINGS"]

#: ``Snapshot.findings_of`` of a snapshot that has no findings yet (a live-first start).
NO_FINDINGS: tuple[str, float] = ("", 0.0)


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
    _findings_lock: threading.RLock = field(default_factory=threading.RLock, repr=False,
                                            compare=False)
    #: (graph.cache.SnapshotCache, key) when the snapshot is cached on disk; the RDF is
    #: added to the cache when it is first built.
    cache: tuple | None = field(default=None, repr=False, compare=False)
    #: True when the snapshot was read from the disk cache rather than built.
    from_cache: bool = False
    #: (data_version, built_at) of the snapshot whose findings this one serves while its
    #: own are computed in the background (:meth:`SnapshotHolder.refresh`); None when the
    #: findings are its own.
    findings_of: tuple[str, float] | None = field(default=None, compare=False)

    @property
    def findings_version(self) -> str:
        """The data version the findings (report, networks, flags) were computed from."""
        return self.findings_of[0] if self.findings_of else self.data_version

    @property
    def findings_built_at(self) -> float:
        """When the findings served were computed (seconds since the epoch)."""
        return self.findings_of[1] if self.findings_of else self.built_at

    @property
    def findings_pending(self) -> bool:
        """True while this snapshot serves an earlier version's findings."""
        return self.findings_of is not None

    @property
    def data_version(self) -> str:
        return self.registry.data_version

    @property
    def findings_none(self) -> bool:
        """True while this snapshot has no findings at all yet (a live-first start):
        its report is an empty one, computed in the background."""
        return self.findings_of == NO_FINDINGS

    @cached_property
    def people_network(self):
        """The people network (networkx).  Not part of what a viewer keeps (its pages
        read :attr:`ties`); built when something asks for it."""
        from .network import people_network

        return people_network(self.registry, self.today)

    @cached_property
    def directorate_network(self):
        return self._findings_part("directorate_network")

    @cached_property
    def report(self) -> dict:
        """The report of :func:`graph.analysis.report` without the per-pair ``process``
        rows of ``missing_links`` (``process_gaps`` has them one row per dossier; the
        entity pages expand them, :func:`findings_naming`)."""
        return self._findings_part("report")

    @cached_property
    def ties(self):
        """Each person's ties with their weights (:class:`graph.findings_proc.Ties`)."""
        return self._findings_part("ties")

    def _findings_part(self, name: str):
        """One of the findings (:data:`graph.findings_proc.FINDINGS`), computing them all
        at once, in process, the first time one is asked for."""
        with self._findings_lock:
            if name not in self.__dict__:
                from .findings_proc import compute

                for part, value in compute(self.registry, self.today).items():
                    self.__dict__.setdefault(part, value)
            return self.__dict__[name]

    @cached_property
    def search(self):
        from registry.search import SearchIndex

        return SearchIndex.build(self.registry)

    @cached_property
    def lookups(self) -> Lookups:
        """Reverse references the entity pages show (who heads what, which dossiers
        involve a directorate, which findings name an entity), built once."""
        return build_lookups(self.registry, self.report)

    @cached_property
    def involvement(self) -> dict:
        """The rows of the issue-13 findings (who should be involved, late involvement,
        whose task) by the ids they name, for the entity pages."""
        return self._findings_part("involvement")

    def ntriples(self) -> bytes:
        """The compiled graph with the ontology as N-Triples (what :attr:`store` holds),
        from the disk cache when it has them, else compiled (and written to the cache).

        Not kept in memory: the Oxigraph store is the one copy of the RDF a running
        viewer holds (the N-Triples are a tenth of a GB at 100,000 people)."""
        with self._lock:
            data = self.cache[0].load_rdf(self.cache[1]) if self.cache else None
            if data is None:
                from .store import to_ntriples

                data = to_ntriples(self.registry, with_ontology=True)
                if self.cache:
                    self.cache[0].save_rdf(self.cache[1], data)
            return data

    @cached_property
    def store(self):
        """An Oxigraph store of the compiled graph (:mod:`graph.store`): SPARQL in
        milliseconds at any size.  Built on first use."""
        from .store import build_store

        return build_store(self.ntriples())

    def warm(self) -> Snapshot:
        """Build the parts every page needs now, so no request pays for them."""
        _ = self.report, self.involvement, self.directorate_network, self.ties, self.search
        _ = self.lookups
        return self


def findings_naming(snap: Snapshot, id: str) -> list[dict]:
    """The rows of ``tvb report``'s ``missing_links`` that name *id*, in their order
    (integration-model, process, overlap), the ``process`` rows expanded from the
    snapshot's ``process_gaps`` (:attr:`Lookups.gaps`): a dossier's gap gives a row per
    directorate it lacks, a lacking directorate's page the one row naming it.

    Notes
    -----
    :math:`O(r)` for the :math:`r` rows shown.
    """
    from .analysis import _process_rows, display_name, with_process_rows

    lk = snap.lookups
    rows = lk.findings.get(id, [])
    names = snap.report.get("names", {})

    def name(i: str) -> str:
        return names.get(i) or display_name(snap.registry, i)

    lacking = []
    for gap in lk.gaps.get(id, ()):
        whole = id in (gap["directorate"], gap["dossier"], *gap["people"])
        lacking.append((gap["dossier"], gap["directorate"], gap["people"], gap["process"],
                        gap["missing"] if whole else [id]))
    return with_process_rows(rows, _process_rows(snap.registry, lacking, name))


def build_snapshot(paths: Sequence[str | os.PathLike], today: dt.date | None = None,
                   *, warm: bool = True, cache: bool | str | os.PathLike = False,
                   max_bytes: int = DEFAULT_MAX_BYTES, fast: bool = True,
                   loader: IncrementalLoader | None = None) -> Snapshot:
    """Load, check and compile the data; raise :class:`SnapshotError` on errors.

    With ``cache`` (True, or a folder) a snapshot of the same files, tool and day is read
    from disk instead of rebuilt, and a new one is written there (:mod:`graph.cache`).
    With a *loader* the data is loaded through it (and it keeps the entries for the
    next version: :mod:`registry.incremental`).
    """
    day = today or dt.date.today()
    snap, store, key, version = _from_cache(paths, day, cache, max_bytes, warm)
    if snap is not None:
        return snap
    snap = Snapshot(*_load(paths, today, max_bytes, fast, loader), day)
    snap = snap.warm() if warm else snap
    # Only what was read is what the key names: a file saved meanwhile is not cached.
    if store is not None and snap.data_version == version:
        store.save_snapshot(key, snap)
        snap.cache = (store, key)
    return snap


def _from_cache(paths: Sequence[str | os.PathLike], day: dt.date,
                cache: bool | str | os.PathLike, max_bytes: int, warm: bool) -> tuple:
    """``(snapshot, cache, key, version)``: the snapshot of *paths* from the disk cache
    (None when it has none; then the cache, key and data version to store the new one
    under, or Nones without a usable cache).  Raises :class:`SnapshotError` for paths
    that must not be read."""
    try:
        # Before anything reads a byte (the cache's digests too): a FIFO would block the
        # reader, a link out of the folder would be read.
        check_paths(paths)
    except ReadError as exc:
        raise SnapshotError([exc.diagnostic]) from None
    # A file over the size limit is refused by the load below, never served from a cache.
    if not cache or not _within(paths, max_bytes):
        return None, None, None, None
    from .cache import SnapshotCache

    store = SnapshotCache.for_paths(paths, cache)
    try:
        digests = store.data_digests(paths)
    except OSError:
        return None, None, None, None  # unreadable: the load says why
    key, version = store.key(digests, day), store.data_version(digests)
    snap = store.load_snapshot(key)
    if snap is not None and snap.data_version == version:
        snap.cache = (store, key)
        if warm:  # parts thaw in the background; a page needing one first waits
            threading.Thread(target=_thaw_later, args=(snap,), name="tvb-snapshot-thaw",
                             daemon=True).start()
        return snap, store, key, version
    return None, store, key, version


def _load(paths: Sequence[str | os.PathLike], today: dt.date | None, max_bytes: int,
          fast: bool, loader: IncrementalLoader | None) -> tuple[Registry, list[Diagnostic]]:
    """The registry and its warnings; :class:`SnapshotError` with the errors."""
    try:
        if loader is not None:
            result = loader.load(paths, today=today, max_bytes=max_bytes, fast=fast)
        else:
            result = load_registry(paths, today=today, max_bytes=max_bytes, fast=fast)
    except ReadError as exc:
        raise SnapshotError([exc.diagnostic]) from None
    if not result.ok:
        raise SnapshotError(result.errors)
    return result.registry, result.warnings


def build_live(paths: Sequence[str | os.PathLike], findings: Snapshot | None,
               today: dt.date | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
               fast: bool = True, loader: IncrementalLoader | None = None) -> Snapshot:
    """A snapshot of the data as it is now whose registry, entity pages and search are
    ready, serving the findings of *findings* (an earlier snapshot with its own: report,
    networks, issue-13 rows) until :func:`complete` has computed its own — or, without
    *findings* (a start), none: an empty report, :data:`NO_FINDINGS`.  Raises
    :class:`SnapshotError` on errors."""
    with paused_gc():
        snap = _build_live(paths, findings, today, max_bytes, fast, loader)
        # What was made here would be walked by the collector's first young pass after
        # the pause, a second at 100,000 people, holding the interpreter just as the
        # first request reads the new version.  Frozen, it is left alone until
        # :func:`complete` thaws it into the old generation (freeze and unfreeze are
        # O(1)); nothing is lost: refcounting frees as ever, cycles wait until then.
        gc.freeze()
    return snap


def _build_live(paths: Sequence[str | os.PathLike], findings: Snapshot | None,
                today: dt.date | None, max_bytes: int, fast: bool,
                loader: IncrementalLoader | None) -> Snapshot:
    day = today or dt.date.today()
    check = _checked_paths(paths)
    registry, warnings = _load(check, today, max_bytes, fast, loader)
    snap = Snapshot(registry, warnings, day, findings_of=_findings_of(findings))
    snap.__dict__.update(_findings_parts(findings, registry, day))
    # The search index of the version before, with the changed documents replaced (or
    # built anew when that cannot give the same index: registry.search).
    search = findings.search.updated(registry) if findings is not None else None
    if search is not None:
        snap.__dict__["search"] = search
    # The lookups of the version before, redone where the edit reaches.
    before = findings.__dict__.get("lookups") if findings is not None else None
    if before is not None:
        lookups = updated_lookups(findings.registry, before, registry, snap.report,
                                  findings.report)
        if lookups is not None:
            snap.__dict__["lookups"] = lookups
    _ = snap.search, snap.lookups
    return snap


def _findings_of(findings: Snapshot | None) -> tuple[str, float]:
    if findings is None:
        return NO_FINDINGS
    return (findings.findings_version, findings.findings_built_at)


def _findings_parts(findings: Snapshot | None, registry: Registry, day: dt.date) -> dict:
    """The findings a live snapshot serves: *findings*'s, or empty ones."""
    from .findings_proc import FINDINGS, empty

    if findings is None:
        return empty(registry, day)
    return {name: getattr(findings, name) for name in FINDINGS}


def complete(live: Snapshot, *, fork: bool = True) -> Snapshot:
    """The snapshot of *live*'s data with its own findings (built here: the slow part,
    run in the background, in a forked child process unless *fork* is False:
    :mod:`graph.findings_proc`); the search index and registry are shared."""
    from .findings_proc import compute, compute_forked

    snap = Snapshot(live.registry, live.warnings, live.today)
    snap.__dict__["search"] = live.search
    gc.unfreeze()  # what build_live froze: collected as ever from now on
    parts = (compute_forked if fork else compute)(live.registry, live.today)
    snap.__dict__.update(parts)
    with paused_gc():
        return snap.warm()


def _checked_paths(paths: Sequence[str | os.PathLike]) -> Sequence[str | os.PathLike]:
    try:
        check_paths(paths)
    except ReadError as exc:
        raise SnapshotError([exc.diagnostic]) from None
    return paths


def _within(paths: Sequence[str | os.PathLike], max_bytes: int) -> bool:
    """True when every data file can be read and is at most *max_bytes* long."""
    try:
        return all(f.stat().st_size <= max_bytes for f in expand_paths(paths))
    except OSError:
        return False


#: Seconds a snapshot read from the cache waits before it thaws its parts in the background:
#: unpickling holds the interpreter, and the server should be answering first.
THAW_DELAY = 1.0


def _thaw_later(snap: Snapshot) -> None:
    time.sleep(THAW_DELAY)
    snap.warm()


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


#: Seconds without a look at the files after which the watcher counts as stalled: longer
#: than the load of the largest register the input limit admits.
STALLED_AFTER = 300.0


#: Seconds after a start from the disk cache before the incremental loader reads the data
#: once (in the background: about 20 s at 100,000 people), so that it slows neither the
#: start nor the first requests; an edit before then is loaded in full, and primes it.
#: (A start without a cache entry loads through the loader: it is primed at once.)
PRIME_AFTER = 20.0


class SnapshotHolder:
    """Keeps the current good snapshot and swaps in a new one when the data changes."""

    def __init__(self, paths: Sequence[str | os.PathLike], today: dt.date | None = None, *,
                 cache: bool | str | os.PathLike = True,
                 max_bytes: int = DEFAULT_MAX_BYTES, fast: bool = True,
                 incremental: bool = True):
        self.paths = [Path(p) for p in paths]
        #: Keeps the entries of the version served, so that the next one reuses them
        #: (:mod:`registry.incremental`); None: every version is built in full.
        self.loader: IncrementalLoader | None = IncrementalLoader() if incremental else None
        #: The live snapshot whose findings the background worker is to compute, and the
        #: worker (see :meth:`refresh`).
        self._pending: Snapshot | None = None
        #: True while the worker completes a snapshot (and writes it to the disk cache).
        self._working = False
        self._worker: threading.Thread | None = None
        self._wake = threading.Condition()
        #: What went wrong in the background worker the last time, if anything.
        self.findings_error: str | None = None
        #: Seconds after a start from the disk cache before the loader is primed.
        self.prime_after = PRIME_AFTER
        #: Compute the findings in a forked child process (:mod:`graph.findings_proc`);
        #: False: in the worker thread.
        self.fork = True
        self.max_bytes = max_bytes
        self.fast = fast
        self.fixed_today = today
        # On disk by default, so a restart on unchanged data is quick (see graph.cache).
        self.cache = cache
        self.current: Snapshot | None = None
        self.errors: list[Diagnostic] = []  # of the last failed attempt; [] when it loaded
        self.loaded_at: float | None = None
        self._fingerprint: tuple | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: When the watcher last looked at the files, and what went wrong in the watcher
        #: itself (not in the data) the last time, if anything: see :meth:`watcher_health`.
        self.checked_at: float | None = None
        self.watcher_error: str | None = None
        self.watcher_interval: float | None = None

    def refresh(self, force: bool = False) -> bool:
        """Rebuild if the files changed since the last attempt.  Returns True when a new
        snapshot went online.  Never raises: whatever goes wrong while loading (bad data,
        or a bug) becomes a diagnostic in :attr:`errors`, and the last good snapshot stays."""
        with self._lock:
            fp = None
            try:
                # A new day can make entries stale, so it counts as a change too.
                fp = (fingerprint(self.paths), self.fixed_today or dt.date.today())
                self.checked_at = time.time()
                if not force and fp == self._fingerprint:
                    return False
                old = self.current
                snap = None
                if self.loader is None:  # every version built in full, here
                    snap = build_snapshot(self.paths, self.fixed_today, cache=self.cache,
                                          max_bytes=self.max_bytes, fast=self.fast)
                elif old is None:
                    # A start: the disk cache's snapshot of this version, when it has one
                    # (the loader reads the data in the background afterwards: _complete).
                    snap = _from_cache(self.paths, fp[1], self.cache, self.max_bytes,
                                       True)[0]
                if snap is None:
                    # Live first: registry, pages and search now (through the loader,
                    # which keeps the entries for the next edit), the findings of the
                    # version served — none at a start — until the worker has computed
                    # the new ones.
                    snap = build_live(self.paths, old, self.fixed_today,
                                      max_bytes=self.max_bytes, fast=self.fast,
                                      loader=self.loader)
                # The files may have changed while we read them (an editor's save): keep
                # the old fingerprint then, so the next refresh reads them again.
                same = fingerprint(self.paths) == fp[0]
            except SnapshotError as exc:
                self.errors = exc.diagnostics
                self._fingerprint = fp
                return False
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive any bug
                where = str(self.paths[0]) if self.paths else "<data>"
                self.errors = [Diagnostic(Loc(where), "error", "E003",
                                          "the data could not be loaded: internal error "
                                          f"({type(exc).__name__}); please report this")]
                self._fingerprint = fp  # tried again when the files change
                return False
            self._fingerprint = fp if same else None
            self.current = snap  # one assignment: readers see the old or the new, whole
            self.errors = []
            self.loaded_at = time.time()
            if snap.findings_pending or (self.loader is not None and not self.loader.primed):
                self._hand_over(snap)
            return True

    # -- the background worker ----------------------------------------------------------------
    def _hand_over(self, snap: Snapshot) -> None:
        """Give the worker the newest snapshot to complete (or, for a snapshot read from
        the disk cache, to prime the incremental loader with); an older job not started
        yet is dropped."""
        with self._wake:
            self._pending = snap
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="tvb-findings",
                                                daemon=True)
                self._worker.start()
            self._wake.notify()

    def _work(self) -> None:
        while not self._stop.is_set():
            with self._wake:
                while self._pending is None:
                    if not self._wake.wait(timeout=60) and self._stop.is_set():
                        return
                snap, self._pending = self._pending, None
                self._working = True
            try:
                full = self._complete(snap)
                # The live snapshot is dropped before the disk cache is written (and not
                # kept while waiting for the next job): it holds the findings served
                # before, a version's worth of memory.
                snap = None
                if full is not None:
                    self._save(full)  # outside the lock: the next edit need not wait
                full = None
                self.findings_error = None
            except BaseException as exc:  # noqa: BLE001 - the worker must outlive any bug
                self.findings_error = type(exc).__name__
            finally:
                snap = full = None
                self._working = False

    def _complete(self, snap: Snapshot) -> Snapshot | None:
        """Compute the findings of *snap* and serve them; the completed snapshot to write
        to the disk cache, or None (a snapshot from the cache: the loader is primed)."""
        if not snap.findings_pending:
            # A start from the disk cache: load the data once more through the loader,
            # so that the next edit reuses the entries (its result is not served) —
            # after a while, so that the first requests after a start are not slowed.
            if self._stop.wait(self.prime_after):
                return None
            with self._lock:
                if self.current is snap and self.loader is not None and not self.loader.primed:
                    try:
                        self.loader.load(self.paths, today=self.fixed_today,
                                         max_bytes=self.max_bytes, fast=self.fast)
                    except ReadError:
                        pass
                    else:
                        # One copy of the objects, shared with the next version: its
                        # search index and lookups then follow only what changed.
                        self.loader.adopt(snap.registry)
            return None
        full = complete(snap, fork=self.fork)
        with self._lock:
            # Only the version still served is completed; a newer one has its own job.
            if self.current is not snap:
                return None
            self.current = full
        return full

    def _save(self, snap: Snapshot) -> None:
        """Write a completed snapshot to the disk cache (when the holder has one)."""
        if not self.cache:
            return
        from .cache import SnapshotCache

        try:
            store = SnapshotCache.for_paths(self.paths, self.cache)
            digests = store.data_digests(self.paths)
        except OSError:
            return
        if store.data_version(digests) == snap.data_version:
            key = store.key(digests, snap.today)
            store.save_snapshot(key, snap)
            snap.cache = (store, key)

    @property
    def busy(self) -> bool:
        """True while findings are being computed: the snapshot served has an earlier
        version's (or none), or the worker has a job waiting, or is still writing the
        completed one to the disk cache."""
        snap = self.current
        return (self._pending is not None and self._pending.findings_pending) or \
            bool(snap and snap.findings_pending) or \
            (self._working and snap is not None and snap.cache is None and bool(self.cache))

    @property
    def incremental_ready(self) -> bool:
        """Whether the next edit reuses the entries of the version served (the loader
        read it; see :data:`PRIME_AFTER`)."""
        return self.loader is not None and self.loader.primed

    def wait_for_findings(self, timeout: float | None = None) -> bool:
        """Block until the snapshot served has its own findings (tests, benchmarks, a
        viewer asked to start with them); False on timeout, or when the worker failed to
        compute them (:attr:`findings_error`) and has nothing left to do."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            if self.current is not None and not self.busy:
                return True
            if self.findings_error and self._pending is None and not self._working:
                return False
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.02)

    def start_watching(self, interval: float = 2.0) -> None:
        """Poll the files every *interval* seconds in a daemon thread that nothing stops
        but :meth:`stop`."""
        if self._thread is not None and self._thread.is_alive():
            return
        self.watcher_interval = interval

        def run() -> None:
            while not self._stop.wait(interval):
                try:
                    self.refresh()
                    self.watcher_error = None
                except BaseException as exc:  # noqa: BLE001 - even MemoryError: try again later
                    self.watcher_error = type(exc).__name__

        self._thread = threading.Thread(target=run, name="tvb-data-watcher", daemon=True)
        self._thread.start()

    def watcher_health(self) -> dict:
        """The watcher's own state: ``off`` (not asked to watch), ``running`` (it looked
        at the files within a few intervals), ``stalled`` (it did not: a load is hanging),
        ``failed`` (its last round raised) or ``dead`` (its thread is gone)."""
        if self.watcher_interval is None or self._stop.is_set():
            state = "off"
        elif self._thread is None or not self._thread.is_alive():
            state = "dead"
        elif self.watcher_error:
            state = "failed"
        elif self.checked_at is not None and \
                time.time() - self.checked_at > max(STALLED_AFTER, 10 * self.watcher_interval):
            state = "stalled"
        else:
            state = "running"
        return {"state": state, "interval": self.watcher_interval,
                "checked_at": self.checked_at, "error": self.watcher_error}

    def stop(self) -> None:
        from .forked import stop_children

        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        stop_children()
