"""A WSGI app served by waitress on a free 127.0.0.1 port, in a thread of the test process,
for tests that drive the viewer with real HTTP clients."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Serve *app* on ``127.0.0.1`` and yield its base URL (``http://127.0.0.1:PORT``)."""
    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="loopback-waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown()
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(10)
