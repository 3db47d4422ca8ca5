"""``tvb new``: a valid skeleton for a new entry."""

from __future__ import annotations

import datetime as dt

import click

from tvb.options import as_date, load_or_exit, loading_options
from tvb.writing import write_or_exit


@click.command("new")
@click.argument("kind", type=click.Choice(["person", "dossier", "collaboration"]))
@click.option("--id", "entry_id", default=None, help="Id of the new entry (default: a free "
              "placeholder such as nieuwe-persoon).")
@click.option("--write", is_flag=True, help="Add it to the data file instead of printing it.")
@loading_options
def command(kind, entry_id, write, data, today, max_bytes) -> None:
    """Print a valid skeleton for a new person, dossier or collaboration.

    Required fields are filled with values that validate, optional ones are comments.
    With --write it is added to the right list of the data file, keeping the rest of the
    file byte for byte; then edit the placeholders.
    """
    from registry.scaffold import (
        KINDS,
        ScaffoldError,
        default_id,
        plan_append,
        render,
        skeleton_fields,
    )

    day = as_date(today) or dt.date.today()
    result = load_or_exit([data], day, max_bytes)
    reg = result.registry
    try:
        fields = skeleton_fields(reg, kind, entry_id or default_id(reg, kind), day)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    if not write:
        click.echo(f"# under '{KINDS[kind]}:' in {data}")
        click.echo("\n".join(render(fields)))
        return
    try:
        plan = plan_append(result, kind, fields, day)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    from registry.atomic import check_yaml

    write_or_exit(plan.file, plan.new, expected=plan.old, check=check_yaml)
    entity = plan.result.registry.get(fields[0][1])
    click.echo(f"{entity.loc}: added {kind} '{entity.id}'; fill in the placeholders")
