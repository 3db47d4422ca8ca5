"""The viewer's data: one :class:`graph.snapshot.SnapshotHolder` per app.

:func:`init_app` builds the first snapshot and, unless ``WATCH`` is off, polls the data
files so that a change is live within ``WATCH_INTERVAL`` seconds.  A request takes the
current snapshot once (:func:`snapshot`) and reads only that one, so it never sees a mix
of two versions of the data.

An edit goes live in two steps (:meth:`graph.snapshot.SnapshotHolder.refresh`): first the
registry, the entity pages and search of the new version, with the findings (report,
networks, flags) of the version before; then, once computed in the background, the
findings of the new version.  In between every HTML page says so ("bevindingen van
<tijd>, worden bijgewerkt", :func:`findings_state`) and the dashboard's JSON carries the
findings' ``data_version`` beside the registry's: findings are never shown as if they
were of a version they are not.  A start is live first too: until the first findings are
computed, the pages say there are none yet and the dashboard's lists are empty, its
``data_version`` None.
"""

from __future__ import annotations

import datetime as dt
import threading

from flask import Flask, current_app, g
from werkzeug.exceptions import ServiceUnavailable

from graph.snapshot import Snapshot, SnapshotHolder

__all__ = ["init_app", "holder", "snapshot", "findings_state", "slots"]

_KEY = "tvb.snapshots"


def init_app(app: Flask) -> SnapshotHolder:
    """Load the data named by ``DATA`` and register the holder on *app*."""
    data = app.config["DATA"]
    paths = [data] if isinstance(data, str) or not hasattr(data, "__iter__") else list(data)
    h = SnapshotHolder(paths, today=app.config.get("TODAY"), cache=app.config["CACHE"],
                       max_bytes=app.config["MAX_BYTES"], fast=app.config["YAML"] != "pyyaml")
    h.prime_after = float(app.config.get("PRIME_AFTER", h.prime_after))
    h.refresh(force=True)
    if app.config.get("WAIT_FOR_FINDINGS", True) and h.current is not None:
        h.wait_for_findings()
    app.extensions[_KEY] = h
    app.context_processor(lambda: {"findings_state": findings_state(g.get("snapshot"))})
    if app.config.get("WATCH"):
        h.start_watching(float(app.config.get("WATCH_INTERVAL", 0.5)))
    return h


def holder() -> SnapshotHolder:
    """The app's snapshot holder."""
    return current_app.extensions[_KEY]


def snapshot() -> Snapshot:
    """The snapshot this request reads (taken once per request); 503 when no valid data
    has been loaded yet."""
    snap = g.get("snapshot")
    if snap is None:
        snap = holder().current
        if snap is None:
            raise ServiceUnavailable("no valid data loaded; see /status for the diagnostics")
        g.snapshot = snap
    return snap


def findings_state(snap: Snapshot | None) -> dict | None:
    """Which version the findings of *snap* are of (``data_version``, ``built_at`` as
    ISO time, ``pending``: True while they are an earlier version's, being recomputed;
    ``none``: True while there are none yet, after a start — then ``data_version`` and
    the times are None), or None without a snapshot.  Pages show the "worden
    bijgewerkt" or "nog geen bevindingen" notice from it."""
    if snap is None:
        return None
    if snap.findings_none:
        return {"data_version": None, "pending": True, "none": True, "built_at": None,
                "time": None}
    at = dt.datetime.fromtimestamp(snap.findings_built_at, dt.UTC)
    return {"data_version": snap.findings_version, "pending": snap.findings_pending,
            "none": False, "built_at": at.isoformat(timespec="seconds"),
            "time": at.strftime("%H:%M:%S")}


def slots(app: Flask, key: str, count: int) -> threading.BoundedSemaphore:
    """The app's one semaphore *key* of *count* slots (made at its first use): how many
    SPARQL queries, or searches, run at once."""
    sem = app.extensions.get(key)
    if sem is None:
        sem = app.extensions.setdefault(key, threading.BoundedSemaphore(count))
    return sem
