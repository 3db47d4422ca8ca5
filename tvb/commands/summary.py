"""``tvb summary``: counts per kind and per directorate."""

from __future__ import annotations

import click

from tvb.options import as_date, load_or_exit, loading_options


@click.command("summary")
@loading_options
def command(data, today, max_bytes) -> None:
    """Print a short overview of the register: counts per kind and per directorate."""
    result = load_or_exit([data], as_date(today), max_bytes)
    reg = result.registry
    org = reg.organisation
    click.echo(f"{org.name if org else 'Register'} ({', '.join(reg.sources)})")
    click.echo(f"  {len(reg.directorates)} directorates, {len(reg.departments)} departments, "
               f"{len(reg.people)} people, {len(reg.dossiers)} dossiers, "
               f"{len(reg.processes)} processes, {len(reg.collaborations)} collaborations")
    click.echo(f"  {len(result.warnings)} warnings (run 'tvb validate' to see them)")
    click.echo("")
    click.echo(f"  {'directorate':<14}{'axis':<13}{'people':>7}{'dossiers':>10}")
    for d in sorted(reg.directorates, key=lambda u: u.label):
        n_dossiers = len(reg.dossiers_with_penvoerder(d.id))
        click.echo(f"  {d.label:<14}{d.axis or '':<13}{len(reg.people_in(d.id)):>7}"
                   f"{n_dossiers:>10}")
