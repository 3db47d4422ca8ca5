"""Real servers for the tests, on loopback ports chosen by the system, and the browser
that drives them (Debian's Chromium through Playwright, no browser download)."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["serve", "CHROMIUM", "ARGS", "BROWSER_SKIPS", "chromium", "sync_playwright"]

CHROMIUM = next((p for p in (os.environ.get("TVB_CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

#: ``pytestmark`` of a module that needs the browser.
BROWSER_SKIPS = [
    pytest.mark.skipif(sync_playwright is None, reason="Playwright for Python is not "
                       "installed (pip install -e '.[test]')"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found at /usr/bin/chromium: "
                       "install Debian's package (apt-get install chromium) to run the "
                       "browser tests"),
]


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Chromium, closed afterwards."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@contextlib.contextmanager
def serve(app, host: str = "127.0.0.1", threads: int = 4) -> Iterator[str]:
    """Serve *app* with waitress on *host* at a free port; yields the base URL."""
    from waitress import wasyncore
    from waitress.server import create_server

    srv = create_server(app, host=host, port=0, threads=threads)
    thread = threading.Thread(target=srv.run, name="test-waitress", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{srv.effective_port}"
    finally:
        # workers first, then every socket closed from the loop's own thread: a clean stop
        srv.task_dispatcher.shutdown()
        srv.trigger.pull_trigger(lambda: wasyncore.close_all(srv._map))
        thread.join(10)
