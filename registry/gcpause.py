"""Pausing Python's cyclic garbage collector while a large structure is built.

Loading, indexing and reporting at 100,000 people make millions of small objects and no
garbage cycles; each generation-2 pass of the cyclic collector walks the whole heap
again, which cost three quarters of ``missing_links``' time at that size.  Reference
counting still frees everything; only cycles wait until the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the ``with`` block, then restore its state (so
    nesting is harmless)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
