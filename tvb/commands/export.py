"""``tvb export``: linked data, a network file or spreadsheet tables."""

from __future__ import annotations

import datetime as dt
import sys

import click

from registry.atomic import WriteError
from tvb.options import HelpCommand, as_date, lang, load_or_exit, loading_options, say, words
from tvb.writing import WriteFailed, write_or_exit


@click.command("export", cls=HelpCommand)
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice(["turtle", "jsonld", "ntriples", "graphml", "csv",
                                 "network-html"]),
              help="turtle, jsonld or ntriples: the RDF graph (W3C ORG, FOAF, SKOS, DCTERMS, "
              "PROV and the tvb ontology); graphml: the typed network, for Gephi; csv: one "
              "table per kind for spreadsheets; network-html: the people network as one "
              "standalone page that works offline, highlighted as in the viewer.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write here instead of standard output; for csv (required) a folder, or a "
              "file ending in .zip.")
@click.option("--network", type=click.Choice(["typed", "people", "directorates"]),
              default="typed", show_default=True,
              help="For graphml: the typed graph of everything, or the people or directorate "
              "network the findings use.")
@loading_options
def command(fmt, output, network, data, today, max_bytes) -> None:
    """Export the register as linked data, a network file or spreadsheet tables.

    RDF, GraphML and the network page go to standard output unless -o is given.  CSV
    tables (people, units, dossiers, processes, collaborations, memberships) are written into a
    folder or zip; cells that a spreadsheet would run as a formula get a leading
    apostrophe.
    """
    if network != "typed" and fmt != "graphml":
        raise click.UsageError(say("export.network_graphml"))
    if fmt == "csv" and not output:
        raise click.UsageError(say("export.csv_output"))
    result = load_or_exit([data], as_date(today), max_bytes)
    reg = result.registry
    target = output or sys.stdout.buffer
    try:
        if fmt == "csv":
            from render.tables import write_csv

            try:
                names = write_csv(reg, output)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None
            click.echo(say("export.wrote_tables", names=", ".join(names), to=output), err=True)
        elif fmt == "network-html":
            text = _network_page(result, as_date(today) or dt.date.today())
            if output:
                write_or_exit(output, text)
                click.echo(say("export.wrote_network", to=output), err=True)
            else:
                sys.stdout.buffer.write(text.encode("utf-8"))
        elif fmt == "graphml":
            from graph.network import write_graphml

            # the networks the findings are computed on, as of --today
            write_graphml(reg, target, network, as_date(today) or dt.date.today())
        else:
            from graph.export import write_rdf

            n = write_rdf(reg, fmt, target)
            if output:
                click.echo(say("export.wrote_triples", n=n, to=output), err=True)
    except BrokenPipeError:
        # The reader stopped early (`tvb export | head`): nothing to report.  Point stdout
        # at devnull so the interpreter's final flush does not complain either.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except WriteError as exc:
        raise WriteFailed(words(exc)) from None
    except OSError as exc:
        raise click.ClickException(say("cli.cannot_write", path=output,
                                       reason=exc.strerror or exc)) from None


def _network_page(result, today: dt.date) -> str:
    """The people network of the register as one offline HTML page."""
    from graph.snapshot import Snapshot
    from graph.views import network_view
    from render.network import network_html

    snap = Snapshot(result.registry, result.warnings, today)
    org = result.registry.organisation
    name = org.name if org else say("cli.register")
    return network_html(network_view(snap, "people"), say("export.network_title", name=name),
                        say("rep.summary.intro", today=today,
                            version=snap.data_version[:12]), lang())
