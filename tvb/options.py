"""Options every loading command shares, declared once: ``--data``, ``--today`` and
``--max-bytes``, and :func:`load_or_exit` that applies them."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable

import click

__all__ = ["DEFAULT_DATA", "data_option", "today_option", "max_bytes_option",
           "loading_options", "lang", "say", "as_date", "fast_yaml", "load_or_exit", "data_hint",
           "read_error_line", "diagnostics_text", "words"]

DEFAULT_DATA = "data/tvb.yaml"

today_option = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Date to judge staleness against (YYYY-MM-DD); default: today.")
max_bytes_option = click.option(
    "--max-bytes", type=click.IntRange(min=1), default=None,
    help="Refuse files larger than this many bytes (default 50 MiB).")


def data_option(help: str = "Register file or folder of YAML files.") -> Callable:
    """``--data FILE|FOLDER`` (default ``data/tvb.yaml``); *help* when a command reads it
    in its own way."""
    return click.option("--data", "data", default=DEFAULT_DATA, show_default=True,
                        envvar="TVB_DATA", show_envvar=True, type=click.Path(), help=help)


def data_hint(argument: bool = False) -> str:
    """Added to "file not found" for the register: where else it can be named (for
    ``validate``, which takes the register as an argument, *argument*)."""
    return say("cli.data_hint.argument" if argument else "cli.data_hint")


def read_error_line(diagnostic, argument: bool = False) -> str:
    """One line, in the chosen language, for a file that cannot be read, with the hint
    for a missing one."""
    from render.diagnostics import line

    text = line(diagnostic, lang())
    if diagnostic.key == "diag.not_found":
        text += f" ({data_hint(argument)})"
    return text


def words(said) -> str:
    """*said* in the chosen language: a :class:`registry.diagnostics.Text`, or an error
    that carries one (``TextError``: a write, touch, scaffold or git error), or else its
    ``str()``."""
    from registry.diagnostics import Text
    from render.diagnostics import say as say_text

    if not isinstance(said, Text) and isinstance(getattr(said, "text", None), Text):
        said = said.text
    return say_text(said, lang()) if isinstance(said, Text) else str(said)


def diagnostics_text(diagnostics) -> str:
    """Diagnostics as lines ``FILE:LINE:COL: fout[CODE]: …`` and a closing count, in the
    chosen language (:mod:`render.diagnostics`)."""
    from render.diagnostics import format_text

    return format_text(diagnostics, lang())


def loading_options(f: Callable) -> Callable:
    """``--data``, ``--today`` and ``--max-bytes``: what a command that loads the register
    accepts."""
    return data_option()(today_option(max_bytes_option(f)))


def lang() -> str:
    """The output language chosen with ``tvb --lang`` (or ``TVB_LANG``); Dutch by default."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().params.get("lang") if ctx is not None else None
    return chosen or "nl"


def say(key: str, /, **values: object) -> str:
    """The catalogue's text for *key* in the chosen language (:mod:`render.i18n`)."""
    from render.i18n import translate

    return translate(key, lang(), **values)


def as_date(value: dt.datetime | None) -> dt.date | None:
    """The date of a ``--today``/``--date`` value, or None when it was not given."""
    return value.date() if value else None


def fast_yaml() -> bool:
    """False when ``TVB_YAML=pyyaml`` asks to parse with PyYAML only (no fast path)."""
    return os.environ.get("TVB_YAML", "").lower() != "pyyaml"


def load_or_exit(paths: Iterable, today: dt.date | None = None,
                 max_bytes: int | None = None):
    """Load the register, or print its errors and exit (1 for errors, 2 if unreadable)."""
    from registry.load import DEFAULT_MAX_BYTES, ReadError
    from registry.validate import load_registry

    try:
        result = load_registry(paths, today=today, max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                               fast=fast_yaml())
    except ReadError as exc:
        click.echo(read_error_line(exc.diagnostic), err=True)
        sys.exit(2)
    if not result.ok:
        click.echo(diagnostics_text(result.errors), err=True)
        sys.exit(1)
    return result
