"""Writing files from the command line: atomic, checked, and a one-line error (exit 2).

Every command that writes a file (``touch``, ``new --write``, ``schema -o``,
``report -o``, ``export -o``, ``generate -o``, ``import``) writes through
:func:`registry.atomic.write_atomic`; this module turns its :class:`WriteError` into the
command's error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click

from registry.atomic import ANY, WriteError, write_atomic

__all__ = ["WriteFailed", "write_errors", "write_or_exit"]


class WriteFailed(click.ClickException):
    """A file could not be written; nothing was changed.  Exit status 2, like unreadable
    input: the data is fine, the place to put it is not."""

    exit_code = 2


@contextmanager
def write_errors() -> Iterator[None]:
    """Turn a :class:`WriteError` raised inside the block into :class:`WriteFailed`."""
    try:
        yield
    except WriteError as exc:
        from tvb.options import words

        raise WriteFailed(words(exc)) from None


def write_or_exit(path: str | os.PathLike, data: bytes | str, **kwargs) -> None:
    """:func:`registry.atomic.write_atomic` (text as UTF-8), exiting 2 on failure."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    kwargs.setdefault("expected", ANY)
    with write_errors():
        write_atomic(path, data, **kwargs)
