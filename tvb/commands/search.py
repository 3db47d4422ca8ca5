"""``tvb search``: who owns a topic."""

from __future__ import annotations

import json

import click

from tvb.options import HelpCommand, as_date, lang, load_or_exit, loading_options


@click.command("search", cls=HelpCommand)
@click.argument("words", nargs=-1, required=True)
@loading_options
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=20, show_default=True,
              help="Show at most this many hits.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (hits with owner, contacts, suggestions).")
def command(words, data, today, max_bytes, limit, as_json) -> None:
    """Who owns a topic: search dossiers, people, units and collaborations.

    Dutch-aware (plurals and other inflections, with or without diacritics),
    typo-tolerant ("Bedoelde u …") and as-you-type (the last word may be unfinished).
    Quotes are not needed: tvb search gevaarlijke stoffen.
    """
    from registry.search import SearchIndex, SearchUnavailable

    day = as_date(today)
    reg = load_or_exit([data], day, max_bytes).registry
    try:
        index = SearchIndex.build(reg)
    except SearchUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    result = index.search(" ".join(words), limit=limit, today=day)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    from registry.diagnostics import printable
    from render.search import search_text

    # Line by line, so that only what the data holds is escaped (no terminal control).
    click.echo("\n".join(map(printable, search_text(result, lang()).split("\n"))))
