"""``tvb diff``: what a change to the register means."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from tvb.options import (
    HelpCommand,
    as_date,
    data_option,
    diagnostics_text,
    fast_yaml,
    lang,
    max_bytes_option,
    read_error_line,
    say,
    today_option,
    words,
)


def _load_side(path, rev, today, max_bytes):
    """(LoadResult or None, label) for one side of ``tvb diff``; None: absent at *rev*."""
    from registry.gitrev import GitError, load_at_revision, repo_path
    from registry.load import DEFAULT_MAX_BYTES, ReadError
    from registry.validate import load_registry

    max_bytes = max_bytes or DEFAULT_MAX_BYTES
    try:
        if rev is None:
            return (load_registry([path], today=today, max_bytes=max_bytes, fast=fast_yaml()),
                    str(path))
        return (load_at_revision(path, rev, today=today, max_bytes=max_bytes),
                f"{rev}:{repo_path(path)}")
    except GitError as exc:
        raise click.UsageError(words(exc)) from None
    except ReadError as exc:
        click.echo(read_error_line(exc.diagnostic), err=True)
        sys.exit(2)


@click.command("diff", cls=HelpCommand)
@click.argument("revisions", nargs=-1, metavar="OLD NEW | --git BASE [HEAD]")
@click.option("--git", "use_git", is_flag=True,
              help="Compare revisions of the data in this git repository (BASE [HEAD]; "
              "HEAD omitted: the working tree).")
@data_option("With --git: the register file or folder to read at each revision.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text",
              show_default=True, help="Plain text, Markdown (for a pull-request comment) or "
              "JSON.")
@today_option
@max_bytes_option
def command(revisions, use_git, data, fmt, today, max_bytes) -> None:
    """Show what a change means: people, dossiers, collaborations and findings.

    \b
    tvb diff OLD NEW                  two files or folders
    tvb diff --git origin/main        the base branch against the working tree
    tvb diff --git BASE HEAD          two revisions

    Exit 0 whatever changed; 1 when either side has validation errors (they are printed);
    2 for a usage mistake or an unreadable file.
    """
    from registry.diff import diff as compare
    from registry.validate import build_registry

    today = as_date(today) or dt.date.today()
    if use_git:
        if not 1 <= len(revisions) <= 2:
            raise click.UsageError(say("diff.usage.git"))
        sides = [(data, revisions[0]), (data, revisions[1] if len(revisions) > 1 else None)]
    else:
        if len(revisions) != 2:
            raise click.UsageError(say("diff.usage.two"))
        for p in revisions:
            if not Path(p).exists():
                raise click.UsageError(f"{p}: {say('cli.no_such_path')}")
        sides = [(revisions[0], None), (revisions[1], None)]
    loaded = [_load_side(path, rev, today, max_bytes) for path, rev in sides]
    notes = []
    if loaded[1][0] is None:
        raise click.UsageError(say("diff.absent", side=loaded[1][1]))
    if loaded[0][0] is None:
        notes.append(say("diff.absent_old", side=loaded[0][1]))
        loaded[0] = (build_registry([], today=today), loaded[0][1])
    errors = [d for result, _ in loaded for d in result.errors]
    if errors:
        click.echo(diagnostics_text(errors), err=True)
        if fmt == "md":
            # A pull-request comment step posts stdout: say why there is no comparison.
            from render.diff import errors_markdown

            click.echo(errors_markdown(errors, lang()))
        sys.exit(1)
    (old, old_label), (new, new_label) = loaded
    changes = compare(old.registry, new.registry)
    from graph.findings_delta import delta_between

    findings = delta_between(old.registry, new.registry, today)
    from render.diff import render_diff

    click.echo(render_diff(fmt, old_label, new_label, today, changes, findings, notes, lang()))

