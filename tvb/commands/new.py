"""``tvb new``: a valid skeleton for a new entry."""

from __future__ import annotations

import datetime as dt

import click

from tvb.options import HelpCommand, as_date, load_or_exit, loading_options, say, words
from tvb.writing import write_or_exit


@click.command("new", cls=HelpCommand)
@click.argument("kind", type=click.Choice(["person", "dossier", "collaboration"]))
@click.option("--id", "entry_id", default=None, help="Id of the new entry (default: a free "
              "placeholder such as nieuwe-persoon).")
@click.option("--name", default=None, help="Name of the person or collaboration, title of "
              "the dossier (required with --write).")
@click.option("--unit", default=None, help="Unit (directorate or department id) of a new "
              "person (required with --write).")
@click.option("--owner", default=None, help="Owner of a new dossier, lead of a new "
              "collaboration: a person id (required with --write).")
@click.option("--write", is_flag=True, help="Add it to the data file instead of printing it.")
@loading_options
def command(kind, entry_id, name, unit, owner, write, data, today, max_bytes) -> None:
    """Print a valid skeleton for a new person, dossier or collaboration.

    Required fields are filled with values that validate, optional ones are comments.
    With --write it is added to the right list of the data file, keeping the rest of the
    file byte for byte; --write needs the values the register cannot guess (--name, and
    --unit for a person, --owner for a dossier or collaboration).  A printed skeleton
    without them holds placeholders that tvb validate flags until they are replaced.
    """
    from registry.scaffold import (
        KINDS,
        REQUIRED_OPTIONS,
        ScaffoldError,
        default_id,
        plan_append,
        render,
        skeleton_fields,
    )

    given = {"name": name, "unit": unit, "owner": owner}
    if write:
        missing = [f"--{opt}" for opt, _ in REQUIRED_OPTIONS[kind] if not given[opt]]
        if missing:
            example = {"person": "--name 'A. de Vries' --unit dsk",
                       "dossier": "--name 'Cyberstrategie' --owner a-de-vries",
                       "collaboration": "--name 'Werkgroep cyber' --owner a-de-vries"}[kind]
            raise click.UsageError(say("new.needs", kind=kind,
                                       options=say("diag.summary.and").join(missing),
                                       example=example))
    day = as_date(today) or dt.date.today()
    result = load_or_exit([data], day, max_bytes)
    reg = result.registry
    try:
        fields = skeleton_fields(reg, kind, entry_id or default_id(reg, kind), day,
                                 name=name, unit=unit, owner=owner)
    except ScaffoldError as exc:
        raise click.UsageError(words(exc)) from None
    if not write:
        click.echo(f"# {say('new.under', section=KINDS[kind], file=data)}")
        click.echo("\n".join(render(fields)))
        return
    try:
        plan = plan_append(result, kind, fields, day)
    except ScaffoldError as exc:
        raise click.ClickException(words(exc)) from None
    from registry.atomic import check_yaml

    write_or_exit(plan.file, plan.new, expected=plan.old, check=check_yaml)
    entity = plan.result.registry.get(fields[0][1])
    click.echo(f"{entity.loc}: {say('new.added', kind=say('kind.' + kind), id=entity.id)}")
