"""``tvb schema``: the JSON Schema of data format 1."""

from __future__ import annotations

import json

import click

from tvb.options import HelpCommand
from tvb.writing import write_or_exit


@click.command("schema", cls=HelpCommand)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def command(output) -> None:
    """Print the JSON Schema (draft 2020-12) of data format 1, for editors.

    Save it next to the data and add '# yaml-language-server: $schema=tvb.schema.json'
    at the top of the YAML file.
    """
    from registry.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        write_or_exit(output, text)
    else:
        click.echo(text, nl=False)
