"""``tvb import sheet`` and ``tvb import roo``: a register's first day from what the
organisation already has — its old staff list and the government's register of
organisations.

Importers keep the maintainer's edits sacred: they print, or write a NEW file; an
existing register is only ever reported on, unless ``--write`` is given, and then only the
planned values change, through :mod:`registry.atomic`.  The importers' modules are
imported inside the commands, so that other commands do not pay for them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import click

from registry.atomic import check_yaml
from tvb.options import (
    HelpGroup,
    as_date,
    data_option,
    lang,
    load_or_exit,
    max_bytes_option,
    say,
    words,
)
from tvb.writing import write_errors, write_or_exit

__all__ = ["command"]

_import_date = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Import date, written as 'reviewed' (YYYY-MM-DD); default: today.")


def _day(today: dt.datetime | None) -> dt.date:
    return as_date(today) or dt.date.today()


def _fail(exc: Exception, code: int = 2):
    click.echo(f"{say('cli.error').capitalize()}: {words(exc)}", err=True)
    sys.exit(code)


@click.group("import", cls=HelpGroup)
def command() -> None:
    """Import people from a spreadsheet or units from the Register van Overheidsorganisaties."""


@command.command("sheet")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--map", "map_file", required=True, type=click.Path(dir_okay=False),
              help="Mapping file: 'columns:' (field: column header) and 'units:' "
              "(cell value: unit id).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="New YAML file to write (never an existing one); default: standard "
              "output.")
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@data_option("The register the people join (its units and ids).")
@_import_date
@max_bytes_option
def sheet(file, map_file, output, dry_run, data, today, max_bytes) -> None:
    """Read people (and dossiers) from FILE, an .xlsx or .csv staff list.

    Ids are made from names; rows that cannot be placed (empty name, unknown unit,
    duplicate person, a formula) are listed with their row number (the header is row 1).
    The result, placed beside the register's files, validates.
    """
    # Imported here, not above: every `tvb` command would pay for them otherwise.
    from registry.importers import ImportFailed, check_beside
    from registry.importers.sheet import import_sheet, load_map

    day = _day(today)
    result = load_or_exit([data], day, max_bytes)
    try:
        mapping = load_map(map_file)
        imported = import_sheet(file, mapping, result.registry, day)
    except ImportFailed as exc:
        _fail(exc)
    for r in imported.rejected:
        reason = words(r.said) if r.said is not None else r.reason
        click.echo(f"{file}:{r.row}: {say('import.rejected', reason=reason)}", err=True)
    text = imported.yaml(file, day)
    name = output or os.path.join(os.path.dirname(str(data)) or ".", "import.yaml")
    problem = check_beside(result, text, name, day)
    if problem:
        _fail(ImportFailed(say("import.would_not_validate", problem=problem)), 1)
    how = " " + say("import.how", encoding=imported.encoding, delimiter=imported.delimiter) \
        if imported.encoding else ""
    summary = say("import.sheet_summary", people=say("cli.n_people", n=len(imported.people)),
                  dossiers=say("cli.n_dossiers", n=len(imported.dossiers)), file=file, how=how,
                  rows=say("import.rows", n=len(imported.rejected)))
    if imported.rejected:
        summary += " " + say("import.listed_above")
    if imported.blank_rows:
        summary += "; " + say("import.blank_rows", n=imported.blank_rows)
    if dry_run or not output:
        click.echo(text, nl=False)
        click.echo(say("import.would_write", summary=summary, to=output) if output
                   else summary, err=True)
        return
    write_or_exit(output, text, expected=None, check=check_yaml)
    click.echo(say("import.wrote", summary=summary, to=output), err=True)


@command.command("roo")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--root", required=True, help="The organisation to import: its systeemId, "
              "TOOI URI, name or abbreviation.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="A new register file to write; or an existing register (file or "
              "folder) to compare with and, with --write, update.")
@click.option("--write", is_flag=True, help="Update the existing register given with -o "
              "(names, abbreviations and identifiers of matching units only).")
@_import_date
def roo(file, root, output, write, today) -> None:
    """Read the units under ROOT from FILE, the ROO export (exportOO.xml).

    Without -o the register file is printed.  With -o NEW it is written.  With -o
    pointing at an existing register, the differences (names, abbreviations, TOOI
    identifiers of matching units; units new in ROO; units ROO lacks) are printed, and
    applied with --write — people, dossiers and everything added by hand stay as they are.
    """
    from registry.importers import ImportFailed
    from registry.importers.roo import plan_update, read_subtree, to_yaml
    from registry.validate import registry_from_text

    if write and not output:
        raise click.UsageError(say("import.write_needs_output"))
    day = _day(today)
    try:
        tree = read_subtree(file, root)
    except ImportFailed as exc:
        _fail(exc)
    if output is None or not os.path.exists(output):
        if write:
            raise click.UsageError(say("import.absent", path=output))
        text, notes = to_yaml(tree, file, day)
        checked = registry_from_text(text, name=output or "<import>", today=day)
        if checked.errors:
            from render.diagnostics import line

            _fail(ImportFailed(say("import.would_not_validate_roo",
                                   problem=line(checked.errors[0], lang()))), 1)
        for n in notes:
            click.echo(f"{say('cli.note')}: {words(n)}", err=True)
        units = sum(1 for depth, _ in tree.root.walk() if 1 <= depth <= 2)
        summary = say("import.roo_summary", root=tree.root.label(), n=units,
                      read=f"{tree.organisations_read:,}")
        if output is None:
            click.echo(text, nl=False)
            click.echo(summary, err=True)
            return
        write_or_exit(output, text, expected=None, check=check_yaml)
        click.echo(say("import.wrote", summary=summary, to=output), err=True)
        return
    result = load_or_exit([output], day)
    try:
        update = plan_update(result, tree, day)
    except ImportFailed as exc:
        _fail(exc, 1)
    for c in update.changes:
        click.echo(str(c))
    for label in update.new_in_roo:
        click.echo(say("import.new_in_roo", label=label))
    for line in update.tasks_differ:
        click.echo(words(line))
    for label in update.not_in_roo:
        click.echo(say("import.not_in_roo", root=tree.root.label(), label=label))
    if not update.changes:
        click.echo(f"{output}: {say('import.match')}")
        return
    if not write:
        click.echo(say("import.dry", n=len(update.changes)), err=True)
        return
    from registry.atomic import write_atomic

    with write_errors():
        for f in update.files:
            write_atomic(f.file, f.new, expected=f.old, check=check_yaml)
    click.echo(say("import.applied", n=len(update.changes),
                   files=say("cli.n_files", n=len(update.files))), err=True)

