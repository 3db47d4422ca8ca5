"""Is the data good?  ``/health`` for monitors, ``/status`` for people, and a banner on
every page while the last change to the data could not be loaded."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, Response, g

from render.diagnostics import as_dict

from .data import holder
from .render import json_response, page, render

__all__ = ["bp", "init_app", "health_data"]

bp = Blueprint("status", __name__)


def _when(ts: float | None) -> str | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")


def health_data() -> dict:
    """What a monitor needs: is a snapshot online, which, and did the last reload fail."""
    h = holder()
    snap = h.current
    watcher = h.watcher_health()
    unwell = bool(h.errors) or watcher["state"] in ("dead", "failed", "stalled")
    return {
        "ok": snap is not None,
        "status": "unavailable" if snap is None else "degraded" if unwell else "ok",
        "data_version": snap.data_version if snap else None,
        "today": snap.today.isoformat() if snap else None,
        "loaded_at": _when(h.loaded_at),
        "last_reload_failed": bool(h.errors),
        # Counted whole: a capped list ends with a line that stands for the rest.
        "errors": sum(d.hidden or 1 for d in h.errors),
        "warnings": sum(d.hidden or 1 for d in snap.warnings) if snap else 0,
        "watcher": watcher["state"],
        "checked_at": _when(watcher["checked_at"]),
        # The findings served may be an earlier version's while the new ones are computed.
        "findings_version": snap.findings_version if snap else None,
        "findings_pending": h.busy,
        # what went wrong the last time the findings were computed in the background
        # (the exception's name), None when they were computed
        "findings_error": h.findings_error,
        # whether the next edit is loaded incrementally (the loader has read the data)
        "incremental_ready": h.incremental_ready,
    }


@bp.route("/health")
@bp.route("/health.json", endpoint="health_json")
def health() -> Response:
    """Always JSON: 200 while a snapshot is online (even if the last reload failed), 503
    when there is none."""
    data = health_data()
    return json_response(data, 200 if data["ok"] else 503)


@page(bp, "/status")
def status() -> Response:
    h = holder()
    snap = h.current
    data = {
        **health_data(),
        "sources": list(snap.registry.sources) if snap else [str(p) for p in h.paths],
        # the messages in the reader's language; the keys are the contract
        "last_errors": [as_dict(d, g.lang) for d in h.errors],
        "warnings_shown": [as_dict(d, g.lang) for d in snap.warnings] if snap else [],
    }
    return render("status.html", data)


def init_app(app: Flask) -> None:
    """Tell every template whether the last reload failed (for the banner)."""

    @app.context_processor
    def _banner() -> dict:
        h = app.extensions.get("tvb.snapshots")
        if h is None:
            return {"reload_errors": 0, "no_data": False, "snapshot_info": None}
        # The snapshot this request read, not whatever is current by now: a reload may
        # have landed while the page was being built.
        snap = g.get("snapshot") or h.current
        info = {"data_version": snap.data_version[:12], "today": snap.today.isoformat()} \
            if snap else None
        return {"reload_errors": len(h.errors), "no_data": snap is None,
                "snapshot_info": info}
