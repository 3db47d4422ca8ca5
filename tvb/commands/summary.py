"""``tvb summary``: counts per kind and per directorate."""

from __future__ import annotations

import click

from tvb.options import HelpCommand, as_date, load_or_exit, loading_options, say


@click.command("summary", cls=HelpCommand)
@loading_options
def command(data, today, max_bytes) -> None:
    """Print a short overview of the register: counts per kind and per directorate."""
    result = load_or_exit([data], as_date(today), max_bytes)
    reg = result.registry
    org = reg.organisation
    click.echo(f"{org.name if org else say('cli.register')} ({', '.join(reg.sources)})")
    counts = [say("cli.n_directorates", n=len(reg.directorates)),
              say("cli.n_departments", n=len(reg.departments)),
              say("cli.n_people", n=len(reg.people)),
              say("cli.n_dossiers", n=len(reg.dossiers)),
              say("cli.n_processes", n=len(reg.processes)),
              say("cli.n_collaborations", n=len(reg.collaborations))]
    click.echo("  " + ", ".join(counts))
    click.echo("  " + say("cli.n_warnings", n=len(result.warnings)))
    click.echo("")
    click.echo(f"  {say('f.directorate'):<14}{say('f.axis'):<13}{say('f.people'):>7}"
               f"{say('f.dossiers'):>10}")
    for d in sorted(reg.directorates, key=lambda u: u.label):
        n_dossiers = len(reg.dossiers_with_penvoerder(d.id))
        axis = say("axis." + d.axis) if d.axis else ""
        click.echo(f"  {d.label:<14}{axis:<13}{len(reg.people_in(d.id)):>7}"
                   f"{n_dossiers:>10}")
