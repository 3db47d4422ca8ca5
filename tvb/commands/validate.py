"""``tvb validate``: check register files or folders."""

from __future__ import annotations

import gc
import os

import click

from tvb.options import (
    DEFAULT_DATA,
    HelpCommand,
    as_date,
    exit_process,
    fast_yaml,
    lang,
    max_bytes_option,
    read_error_line,
    say,
    today_option,
    whole_process,
)


@click.command("validate", cls=HelpCommand)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Output: editor/CI lines, a JSON array, or GitHub "
              "workflow annotations.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@max_bytes_option
@click.option("--skip", multiple=True, metavar="CHECK",
              help="Skip a named check (reviewed, heads, collaboration-dates, owners).")
@today_option
def command(paths, fmt, strict, max_bytes, skip, today) -> None:
    """Check register files or folders (default: $TVB_DATA, else data/tvb.yaml).

    Prints one line per finding, sorted by position, as FILE:LINE:COL: severity[CODE]:
    message. Exit 0 without errors, 1 with errors (or warnings with --strict), 2 when a
    file cannot be read.
    """
    from registry.load import DEFAULT_MAX_BYTES, ReadError
    from registry.validate import CHECKS, load_registry
    from render.diagnostics import format_github, format_json, format_text

    unknown = set(skip) - set(CHECKS)
    if unknown:
        raise click.UsageError(say("cli.unknown_check", check=repr(sorted(unknown)[0]),
                                   choices=", ".join(CHECKS)))
    formats = {"text": format_text, "json": format_json, "github": format_github}

    def render(diagnostics) -> str:
        return formats[fmt](diagnostics, lang())
    if whole_process.get():
        # The process ends after the report and makes no garbage cycles worth collecting:
        # the collector would only walk the loaded register (about a second at 100,000).
        gc.disable()
    try:
        # Only the reported locations are read: the others need not be placed.
        result = load_registry(paths or [os.environ.get("TVB_DATA") or DEFAULT_DATA],
                               today=as_date(today),
                               max_bytes=max_bytes or DEFAULT_MAX_BYTES, skip=skip,
                               fast=fast_yaml(), defer=True)
    except ReadError as exc:
        # text: the one line every command prints for a file it cannot read
        click.echo(read_error_line(exc.diagnostic, argument=True)
                   if fmt == "text" else render([exc.diagnostic]))
        exit_process(2)
    out = render(result.diagnostics)
    if out:
        click.echo(out)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    exit_process(1 if failed else 0)
