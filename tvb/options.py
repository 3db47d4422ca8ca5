"""Options every loading command shares, declared once: ``--data``, ``--today`` and
``--max-bytes``, and :func:`load_or_exit` that applies them."""

from __future__ import annotations

import contextvars
import copy
import datetime as dt
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from typing import NoReturn

import click

__all__ = ["DEFAULT_DATA", "data_option", "today_option", "max_bytes_option",
           "loading_options", "lang", "say", "as_date", "fast_yaml", "load_or_exit", "data_hint",
           "read_error_line", "diagnostics_text", "words", "HelpCommand", "HelpGroup",
           "CatalogueHelp", "scanned_lang", "whole_process", "exit_process"]

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


#: ``--lang`` as found in the arguments of this invocation (set by ``tvb.cli``): for what is
#: said before ``--lang`` is processed (``tvb --help --lang en``) or after the context
#: closed (click's usage errors).
scanned_lang: contextvars.ContextVar[str | None] = contextvars.ContextVar("tvb_lang",
                                                                          default=None)


#: Whether this invocation is the whole process (``tvb …``, ``python -m tvb``) rather than a
#: call from Python (a test's ``CliRunner``): set by ``tvb.cli`` (see :func:`exit_process`).
whole_process: contextvars.ContextVar[bool] = contextvars.ContextVar("tvb_whole_process",
                                                                     default=False)


def exit_process(code: int) -> NoReturn:
    """End the command with exit status *code*.  When it is the whole process, its output
    is flushed and the process ends at once: freeing a registry of 100,000 people object
    by object at exit costs seconds (a fifth of ``tvb validate``) and frees nothing the
    system would not take back anyway.  Called from Python, it raises ``SystemExit``."""
    # Not under a profiler or tracer (cProfile, coverage): they write their results at exit.
    if whole_process.get() and sys.getprofile() is None and sys.gettrace() is None:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - a closed pipe: Python's own exit reports it
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def lang() -> str:
    """The output language chosen with ``tvb --lang`` (or ``TVB_LANG``); Dutch by default."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().params.get("lang") if ctx is not None else None
    from render.i18n import DEFAULT_LANGUAGE, LANGUAGES

    for candidate in (chosen, scanned_lang.get(), os.environ.get("TVB_LANG")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


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


# -- help texts from the catalogue -------------------------------------------------------------
class CatalogueHelp:
    """Help of a click command in the chosen language: its text from the catalogue key
    ``help.<command path>`` (``help.validate``, ``help.import.sheet``; the ``tvb`` group
    itself ``help.tvb``) and each option's from ``help.<command path>.<--option>``
    (``help.validate.--format``), falling back to the docstring and ``help=`` text in
    the code, which are the English source.  The help option is ``help.--help``.

    A command learns its path when a :class:`HelpGroup` adds it; one that is not (yet) in
    the ``tvb`` tree shows its source texts.
    """

    help_root = False  # the ``tvb`` group
    help_parent: CatalogueHelp | None = None
    help_name = ""

    def help_key(self) -> str | None:
        """``help.<path>`` of this command, or None when it is not under the root."""
        names, cmd = [], self
        while cmd.help_parent is not None:
            names.append(cmd.help_name)
            cmd = cmd.help_parent
        if not cmd.help_root:
            return None
        return "help." + (".".join(reversed(names)) or "tvb")

    def help_text(self) -> str:
        """The command's help (up to a form feed) in the chosen language."""
        source = inspect.cleandoc(self.help or "").partition("\f")[0]  # type: ignore[attr-defined]
        return _help_words(self.help_key(), source)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = self.help_text()
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        from click.utils import _make_default_short_help

        if self.short_help:  # type: ignore[attr-defined]
            return super().get_short_help_str(limit)  # type: ignore[misc]
        return _make_default_short_help(self.help_text(), limit).strip()

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click formats self.get_params(ctx); show copies carrying the chosen language's
        # words for the time of formatting (one command line, one thread).
        key = self.help_key()
        original = self.params  # type: ignore[attr-defined]
        self.params = [_with_help(p, key) for p in original]
        helper = self.get_help_option(ctx)  # type: ignore[attr-defined]
        saved = helper.help if helper is not None else None
        if helper is not None:
            helper.help = _help_words("help.--help", "Show this message and exit.")
        try:
            super().format_options(ctx, formatter)  # type: ignore[misc]
        finally:
            self.params = original
            if helper is not None:
                helper.help = saved


def _option_name(param: click.Parameter) -> str:
    """``--format``: the option's first long name (else its first name)."""
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def _with_help(param: click.Parameter, key: str | None) -> click.Parameter:
    if not isinstance(param, click.Option) or not param.help:
        return param
    shown = copy.copy(param)
    shown.help = _help_words(f"{key}.{_option_name(param)}" if key else None, param.help)
    return shown


def _help_words(key: str | None, source: str) -> str:
    """The catalogue's text for help *key* in the chosen language, else *source*.  A line
    ``\\b`` in the catalogue is click's no-rewrap mark (a backspace cannot be written in
    a ``.po`` file)."""
    from render.i18n import catalogue

    text = catalogue(lang()).get(key) if key else None
    if not text:
        return source
    return "\n".join("\b" if line == "\\b" else line for line in text.split("\n"))


class HelpCommand(CatalogueHelp, click.Command):
    """A ``tvb`` command whose help comes from the catalogue (:class:`CatalogueHelp`)."""


class HelpGroup(CatalogueHelp, click.Group):
    """A ``tvb`` group whose help, and its commands' help, come from the catalogue."""

    command_class = HelpCommand
    group_class = type  # subgroups are HelpGroups too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if isinstance(cmd, CatalogueHelp):
            cmd.help_parent = self
            cmd.help_name = name or cmd.name or ""
