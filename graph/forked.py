"""Findings computed beside the caller, in a forked child process (issue 18).

At 100,000 people ``tvb report`` keeps two cores busy: the parent computes the findings
while a child computes betweenness (:mod:`graph.centrality`).  The parent's share was
the longer, so :func:`start` hands some independent findings to a forked child: it
inherits the registry and the networks as they are (no copying, no pickling of the
inputs), computes, and sends the result back pickled through a pipe.  Whatever goes
wrong with the child — no ``fork`` on this platform, other threads running (a fork
would copy their locks held), the child failing — the same function runs in process, so
the result never depends on it.

The viewer computes a snapshot's findings the same way (:mod:`graph.findings_proc`),
from a process that has threads: it passes ``threads=True`` after importing what the
child needs.  A child never forks again — its parent already keeps the cores busy, and
every fork adds its own copy-on-write pages — and dies with its parent; the viewer's
:meth:`~graph.snapshot.SnapshotHolder.stop` kills the children still running
(:func:`stop_children`).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any

from registry.gcpause import paused_gc

__all__ = ["start", "Pending", "stop_children"]

#: True in a forked child: it computes in process from then on.
_in_child = False
#: Pids of the children running now (:func:`stop_children`).
_children: set[int] = set()
_children_lock = threading.Lock()


class Pending:
    """A call running in a forked child, or to be made in process by :meth:`result`."""

    def __init__(self, fn: Callable[..., Any], args: tuple):
        self._fn, self._args = fn, args
        self._pid: int | None = None
        self._fd: int | None = None
        self._done = False
        self._value: Any = None

    @property
    def in_background(self) -> bool:
        """Whether a child process is computing the result."""
        return self._pid is not None

    def _fork(self) -> None:
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:  # no processes left: compute in process
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid == 0:  # the child: compute, send, and leave without any cleanup
            status = 1
            try:
                os.close(read_fd)
                _become_child()
                data = memoryview(pickle.dumps(self._fn(*self._args),
                                               protocol=pickle.HIGHEST_PROTOCOL))
                while data:
                    data = data[os.write(write_fd, data):]
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd
        with _children_lock:
            _children.add(pid)

    def _collect(self) -> tuple[bool, Any]:
        """The child's result, read once it is done (its writes wait for this read)."""
        chunks = []
        try:
            with open(self._fd, "rb", buffering=0) as pipe:
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
        except OSError:
            chunks = []
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:
            status = -1
        finally:
            with _children_lock:
                _children.discard(self._pid)
        if status != 0:
            return False, None
        try:
            # Our own child's bytes, written by the same code a moment ago.
            with paused_gc():  # millions of new objects and no cycles among them
                return True, pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a truncated answer: compute in process
            return False, None

    def result(self) -> Any:
        if not self._done:
            ok = False
            if self._pid is not None:
                ok, self._value = self._collect()
            if not ok:
                self._value = self._fn(*self._args)
            self._done = True
            self._fn = self._args = None
        return self._value


def start(fn: Callable[..., Any], *args: Any, background: bool = True,
          threads: bool = False) -> Pending:
    """``fn(*args)`` in a forked child when *background* and this process runs no other
    thread (or *threads*: the caller has made sure that the child needs no lock another
    thread may hold, by importing what it uses first); :meth:`Pending.result` returns its
    value (computed in process otherwise, and always in a child of this module).

    The child sees the caller's objects as they are at this call; *fn* must not depend
    on later changes to them, and its value must be picklable.
    """
    pending = Pending(fn, args)
    if background and not _in_child and hasattr(os, "fork") and \
            (threads or threading.active_count() == 1):
        pending._fork()
    return pending


def stop_children() -> None:
    """Kill every child still computing (the viewer is stopping)."""
    with _children_lock:
        for pid in list(_children):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _become_child() -> None:
    global _in_child
    _in_child = True
    # The collector would touch every shared object's header (copying its page); a child
    # is short-lived and its tables make no cycles.
    gc.disable()
    gc.freeze()
    try:  # Linux: die with the parent (PR_SET_PDEATHSIG, 1), never outlive a killed server
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
