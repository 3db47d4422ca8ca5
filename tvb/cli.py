"""The ``tvb`` command: one group, one function per verb.

Heavy modules (rdflib, networkx, Flask) are imported inside the commands that need them,
so that ``tvb validate`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

DEFAULT_DATA = "data/tvb.yaml"

_today_option = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Date to judge staleness against (YYYY-MM-DD); default: today.")
_data_option = click.option(
    "--data", "data", default=DEFAULT_DATA, show_default=True, type=click.Path(),
    help="Register file or folder of YAML files.")


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def load_or_exit(paths, today=None, *, max_bytes=None, show_warnings=False):
    """Load the register, or print its errors and exit (1 for errors, 2 if unreadable)."""
    from registry.diagnostics import format_text
    from registry.load import DEFAULT_MAX_BYTES, ReadError
    from registry.validate import load_registry

    try:
        result = load_registry(paths, today=today, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    except ReadError as exc:
        click.echo(str(exc.diagnostic), err=True)
        sys.exit(2)
    if not result.ok:
        click.echo(format_text(result.errors), err=True)
        sys.exit(1)
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tvb-registry")
def main() -> None:
    """TVB-register: who is who — tasks, responsibilities and authorities as a knowledge graph."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Output: editor/CI lines, a JSON array, or GitHub "
              "workflow annotations.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Refuse files larger than this (default 50 MB).")
@click.option("--skip", multiple=True, metavar="CHECK",
              help="Skip a named check (reviewed, heads, collaboration-dates, owners).")
@_today_option
def validate(paths, fmt, strict, max_bytes, skip, today) -> None:
    """Check register files or folders (default: data/tvb.yaml).

    Prints one line per finding, sorted by position, as FILE:LINE:COL: severity[CODE]:
    message. Exit 0 without errors, 1 with errors (or warnings with --strict), 2 when a
    file cannot be read.
    """
    from registry.diagnostics import format_github, format_json, format_text
    from registry.load import DEFAULT_MAX_BYTES, ReadError
    from registry.validate import CHECKS, load_registry

    unknown = set(skip) - set(CHECKS)
    if unknown:
        raise click.UsageError(f"unknown check {sorted(unknown)[0]!r}; choose from "
                               f"{', '.join(CHECKS)}")
    try:
        result = load_registry(paths or [DEFAULT_DATA], today=_date(today),
                               max_bytes=max_bytes or DEFAULT_MAX_BYTES, skip=skip)
    except ReadError as exc:
        diags = [exc.diagnostic]
        click.echo({"text": format_text, "json": format_json, "github": format_github}[fmt](diags))
        sys.exit(2)
    diags = result.diagnostics
    out = {"text": format_text, "json": format_json, "github": format_github}[fmt](diags)
    if out:
        click.echo(out)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def schema(output) -> None:
    """Print the JSON Schema (draft 2020-12) of data format 1, for editors.

    Save it next to the data and add '# yaml-language-server: $schema=tvb.schema.json'
    at the top of the YAML file.
    """
    from registry.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@_data_option
@_today_option
def summary(data, today) -> None:
    """Print a short overview of the register: counts per kind and per directorate."""
    result = load_or_exit([data], _date(today))
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


@main.command()
@click.option("--people", type=click.IntRange(min=20), required=True,
              help="Number of people (about as many dossiers are made).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed gives the same register.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="File to write (default: standard output); a folder with --split.")
@click.option("--split", is_flag=True, help="Write a folder with one file per directorate.")
def generate(people, seed, output, split) -> None:
    """Generate a valid synthetic register with fictional people, for benchmarks."""
    from registry import generate as gen

    data = gen.generate(people, seed)
    if split and not output:
        raise click.UsageError("--split needs -o FOLDER")
    if output:
        files = gen.write(data, output, split=split)
        click.echo(f"wrote {len(files)} file{'s' if len(files) != 1 else ''} to {output}",
                   err=True)
    else:
        click.echo(gen.dump(data), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
