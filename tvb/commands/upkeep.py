"""``tvb upkeep``: what to re-confirm, grouped by who should confirm it."""

from __future__ import annotations

import datetime as dt

import click

from tvb.options import DEFAULT_DATA, HelpCommand, as_date, lang, load_or_exit, loading_options


@click.command("upkeep", cls=HelpCommand)
@loading_options
@click.option("--by", type=click.Choice(["owner", "unit"]), default="owner", show_default=True,
              help="Group by the person who should confirm, or by their directorate.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "csv"]), default="text",
              show_default=True, help="Plain text, Markdown, or CSV for a spreadsheet.")
def command(data, today, max_bytes, by, fmt) -> None:
    """List what to re-confirm, grouped by who should confirm it.

    A person confirms their own entry, a dossier's owner the dossier, a unit's head the
    unit, a collaboration's lead the collaboration (and its evaluation). Each group ends
    with the 'tvb touch' line to run once the entries are checked.
    """
    from registry import reconfirm
    from render.upkeep import upkeep_csv, upkeep_markdown, upkeep_text

    day = as_date(today) or dt.date.today()
    reg = load_or_exit([data], day, max_bytes).registry
    groups = reconfirm.group_tasks(reg, reconfirm.upkeep_tasks(reg, day), by)
    command = "tvb touch" if data == DEFAULT_DATA else f"tvb touch --data {data}"
    if fmt == "csv":
        click.echo(upkeep_csv(reg, groups), nl=False)
    elif fmt == "md":
        click.echo(upkeep_markdown(reg, groups, by, day, command, lang()), nl=False)
    else:
        click.echo(upkeep_text(reg, groups, by, command, lang()))
