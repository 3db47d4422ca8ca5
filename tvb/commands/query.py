"""``tvb query``: a read-only SPARQL query on the register's graph."""

from __future__ import annotations

import sys

import click

from tvb.options import HelpCommand, as_date, lang, load_or_exit, loading_options


@click.command("query", cls=HelpCommand)
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for reading; json or csv in the W3C SPARQL 1.1 "
              "result formats.")
@click.option("--max-rows", type=click.IntRange(min=1), default=None,
              help="Keep at most this many rows; the output says when rows were cut off.")
@loading_options
def command(sparql, fmt, max_rows, data, today, max_bytes) -> None:
    """Run a read-only SPARQL query on the register's graph ('-' reads it from stdin).

    The graph holds the register and the tvb ontology (labels, concept schemes).  The
    prefixes org, foaf, skos, dcterms, prov, tvb, rdf, rdfs, xsd, owl and id (the
    register's base URI) are predeclared.  Updates, LOAD, SERVICE and FROM are refused.

    \b
    Example:
      tvb query 'SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name }'
    """
    if sparql == "-":
        sparql = sys.stdin.read()
    from graph.sparql import QueryError, check_query, run_query
    from render.sparql_results import format_result

    try:
        check_query(sparql)  # refuse before spending time on loading the register
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    reg = load_or_exit([data], as_date(today), max_bytes).registry
    from graph.rdf import compile_registry

    graph = compile_registry(reg, with_ontology=True)
    namespaces = dict(graph.namespaces())
    try:
        result = run_query(graph, sparql, max_rows=max_rows, namespaces=namespaces)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(format_result(result, fmt, namespaces, lang()), nl=False)
