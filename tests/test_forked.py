"""Findings beside the caller in a forked child (issue 18): the child's answer is the
in-process answer, and every failure falls back to computing in process.

A fork happens only in a process without other threads, and a test run may have some
(servers of other tests): the cases that need the fork run in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import graph.forked as forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
ROOT = Path(__file__).resolve().parent.parent


def _fresh(code: str) -> str:
    """Run *code* in a new interpreter (no threads but its own); its standard output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rows(n: int) -> list[dict]:
    return [{"n": i, "pid": os.getpid()} for i in range(n)]


def test_the_child_computes_and_the_parent_reads_it():
    out = _fresh("""
        import os
        from graph.forked import start
        def rows(n):
            return [{"n": i, "pid": os.getpid()} for i in range(n)]
        pending = start(rows, 50_000)  # more than a pipe holds: the child waits for us
        got = pending.result()
        assert [r["n"] for r in got] == list(range(50_000))
        assert pending.result() is got
        print(pending.in_background, got[0]["pid"] != os.getpid())
    """)
    assert out.split() == ["True", "True"]  # forked, and computed in the child


def test_a_child_never_forks_again():
    """A child computes what it would hand on in process (its parent already keeps the
    cores busy, and each fork adds its own pages), and is not left running."""
    out = _fresh("""
        import os
        from graph.forked import start, _children
        def inner():
            return os.getpid()
        def outer():
            nested = start(inner)
            return nested.in_background, nested.result() == os.getpid()
        pending = start(outer)
        print(pending.in_background, *pending.result(), len(_children))
    """)
    assert out.split() == ["True", "False", "True", "0"]


def test_threads_allowed_when_the_caller_says_so():
    out = _fresh("""
        import os, threading
        from graph.forked import start
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
        refused = start(os.getpid)
        allowed = start(os.getpid, threads=True)
        print(refused.in_background, allowed.in_background, allowed.result() != os.getpid())
        stop.set()
    """)
    assert out.split() == ["False", "True", "True"]


def test_a_failing_child_is_replaced_by_the_call_in_process():
    out = _fresh("""
        import os
        from graph.forked import start
        parent = os.getpid()
        def answer():
            if os.getpid() != parent:
                raise RuntimeError("fails in the child only")
            return 7
        pending = start(answer)
        print(pending.in_background, pending.result())
    """)
    assert out.split() == ["True", "7"]


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pending = forked.start(_rows, 3)
        assert not pending.in_background
        assert [r["pid"] for r in pending.result()] == [os.getpid()] * 3
    finally:
        stop.set()
        other.join()


def test_background_false_stays_in_process():
    pending = forked.start(_rows, 2, background=False)
    assert not pending.in_background
    assert pending.result()[0]["pid"] == os.getpid()


def test_the_report_with_children_equals_the_report_in_process():
    """The sample is small enough to stay in process; forcing the children (betweenness,
    the findings by level and the other forked findings) must give the same report,
    byte for byte."""
    out = _fresh("""
        import datetime as dt, functools
        import graph.analysis as analysis, graph.centrality as centrality, graph.forked as forked
        from registry.validate import load_registry
        from render.report import render_json
        today = dt.date(2026, 11, 29)
        reg = load_registry("data/tvb.yaml", today=today).registry
        alone = render_json(analysis.report(reg, today))
        started = []
        def start(fn, *args, background=True):
            pending = forked.start(fn, *args, background=True)
            started.append(pending.in_background)
            return pending
        analysis.start_betweenness = functools.partial(centrality.start_betweenness,
                                                       background=True)
        analysis.start_forked = start
        beside = render_json(analysis.report(reg, today))
        print(started, beside == alone, len(alone) > 10_000)
    """)
    assert out.split() == ["[True,", "True]", "True", "True"]
