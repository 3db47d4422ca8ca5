"""The register's history from git, computed once per HEAD and shared by the pages.

:func:`history` reads the last ``HISTORY_COMMITS`` commits that touched the data
(:func:`registry.history.steps`), once per commit checked out: the HEAD is looked up at
most once per snapshot and every ``HISTORY_CHECK`` seconds, and a new HEAD computes it
again.  Data outside git, several data paths, or ``HISTORY_COMMITS = 0`` give no history.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import current_app

from graph.recent import recent_changes
from registry.history import Step, earlier, head, steps

from .data import holder, snapshot

__all__ = ["History", "history", "init_app"]

_KEY = "tvb.history"


@dataclass
class History:
    head: str | None = None
    steps: list[Step] = field(default_factory=list)
    earlier: dict[str, list[dict]] = field(default_factory=dict)
    _recent: list[dict] | None = None

    def recent(self, today) -> list[dict]:
        if self._recent is None:
            self._recent = recent_changes(self.steps, today)
        return self._recent


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value = History()
        self.checked: tuple[str, float] | None = None  # (data version, when)


def history() -> History:
    """The history for this request (empty without git)."""
    cache: _Cache = current_app.extensions[_KEY]
    limit = int(current_app.config.get("HISTORY_COMMITS", 0) or 0)
    paths = holder().paths
    if limit <= 0 or len(paths) != 1:
        return History()
    version = snapshot().data_version
    every = float(current_app.config.get("HISTORY_CHECK", 10.0))
    with cache.lock:  # one computation at a time; the others wait and read its result
        now = time.monotonic()
        if cache.checked and cache.checked[0] == version and now - cache.checked[1] < every:
            return cache.value
        sha = head(paths[0])
        if sha != cache.value.head or sha is None:
            found = steps(paths[0], limit=limit, max_bytes=holder().max_bytes,
                          today=snapshot().today) if sha else []
            cache.value = History(sha, found, earlier(found))
        cache.checked = (version, now)
        return cache.value


def init_app(app) -> None:
    app.extensions[_KEY] = _Cache()
