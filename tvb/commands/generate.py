"""``tvb generate``: a synthetic register for benchmarks."""

from __future__ import annotations

import click

from tvb.options import HelpCommand, say
from tvb.writing import write_errors


@click.command("generate", cls=HelpCommand)
@click.option("--people", type=click.IntRange(min=20), required=True,
              help="Number of people (about as many dossiers are made).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed gives the same register.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="File to write (default: standard output); a folder with --split.")
@click.option("--split", is_flag=True, help="Write a folder with one file per directorate.")
def command(people, seed, output, split) -> None:
    """Generate a valid synthetic register with fictional people, for benchmarks."""
    from registry import generate as gen

    data = gen.generate(people, seed)
    if split and not output:
        raise click.UsageError(say("generate.split_output"))
    if output:
        with write_errors():
            files = gen.write(data, output, split=split)
        click.echo(say("generate.wrote", files=say("cli.n_files", n=len(files)), to=output),
                   err=True)
    else:
        click.echo(gen.dump(data), nl=False)
