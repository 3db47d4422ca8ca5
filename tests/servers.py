"""Real servers for the tests, on loopback ports chosen by the system."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

__all__ = ["serve"]


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
