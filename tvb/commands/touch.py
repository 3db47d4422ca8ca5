"""``tvb touch``: re-confirm entries."""

from __future__ import annotations

import datetime as dt

import click

from tvb.options import (
    HelpCommand,
    as_date,
    data_option,
    load_or_exit,
    max_bytes_option,
    say,
    words,
)
from tvb.writing import write_errors


@click.command("touch", cls=HelpCommand)
@click.argument("ids", nargs=-1, required=True)
@data_option()
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date to write (YYYY-MM-DD); default: today.")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@max_bytes_option
def command(ids, data, on, dry_run, max_bytes) -> None:
    """Re-confirm entries: set 'reviewed:' to today on each ID, changing nothing else.

    Comments, order, quoting, blank lines and line endings stay byte for byte, so the
    pull request is one line per entry.
    """
    import difflib

    from registry.touch import TouchError, UnknownIdError, apply_touch, plan_touch

    day = as_date(on) or dt.date.today()
    result = load_or_exit([data], day, max_bytes)
    try:
        plans = plan_touch(result.registry, result.sources, ids, day)
    except UnknownIdError as exc:
        raise click.UsageError(words(exc)) from None
    except TouchError as exc:
        raise click.ClickException(words(exc)) from None
    if dry_run:
        for p in plans:
            old = p.old.decode("utf-8").splitlines(keepends=True)
            new = p.new.decode("utf-8").splitlines(keepends=True)
            click.echo("".join(difflib.unified_diff(old, new, p.file, p.file)), nl=False)
        return
    with write_errors():
        apply_touch(plans)
    for p in plans:
        if p.changed:
            click.echo(f"{p.file}: {say('touch.done', date=day, ids=', '.join(p.changed))}")
        if p.already:
            click.echo(f"{p.file}: {say('touch.already', date=day, ids=', '.join(p.already))}")
