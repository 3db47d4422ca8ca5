"""``tvb search``: who owns a topic."""

from __future__ import annotations

import json

import click

from tvb.options import as_date, load_or_exit, loading_options


@click.command("search")
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

    reg = load_or_exit([data], as_date(today), max_bytes).registry
    try:
        index = SearchIndex.build(reg)
    except SearchUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    result = index.search(" ".join(words), limit=limit)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(_format_search(result))


_KIND_HEADINGS = {"dossier": "Dossiers", "unit": "Units", "person": "People",
                  "collaboration": "Collaborations"}


def _format_search(result) -> str:
    """Human output of ``tvb search``: for a dossier, whom to call is on the first screen."""

    def contact(c) -> str:
        if not c:
            return "-"
        bits = [c["name"]]
        if c.get("function"):
            bits.append(c["function"])
        if c.get("unit"):
            bits.append(c["unit"]["label"])
        return ", ".join(bits) + "".join(f" · {c[k]}" for k in ("email", "phone") if c.get(k))

    def ref(r) -> str:
        return r["label"] if r else "-"

    lines = []
    if result.suggestions:
        lines.append(f"Bedoelde u: {' / '.join(result.suggestions)}?")
    if not result.hits:
        lines.append(f"No results for {result.query!r}.")
        return "\n".join(lines)
    for kind, hits in result.groups().items():
        lines += ["", f"{_KIND_HEADINGS.get(kind, kind)} ({len(hits)})"]
        for h in hits:
            d = h.detail
            if kind == "dossier":
                closed = "" if d["status"] == "active" else f" ({d['status']})"
                lines.append(f"  {h.title}{closed}  [{h.id}]")
                lines.append(f"    owner:      {contact(d['owner'])}")
                if d["deputy"]:
                    lines.append(f"    deputy:     {contact(d['deputy'])}")
                lines.append(f"    penvoerder: {ref(d['penvoerder'])}")
                if d["involved"]:
                    lines.append(f"    involved:   {', '.join(map(ref, d['involved']))}")
                if d["authority"]:
                    lines.append(f"    authority:  {ref(d['authority'])}")
            elif kind == "person":
                lines.append(f"  {contact(d)}  [{h.id}]")
                if d["dossiers"]:
                    more = d["dossier_count"] - len(d["dossiers"])
                    titles = ", ".join(x["title"] for x in d["dossiers"])
                    lines.append(f"    owns: {titles}" + (f" and {more} more" if more else ""))
            elif kind == "unit":
                abbr = f" ({d['abbreviation']})" if d["abbreviation"] else ""
                part = f", part of {ref(d['directorate'])}" if d["directorate"] else ""
                lines.append(f"  {h.title}{abbr}{part}  [{h.id}]")
                lines.append(f"    head: {contact(d['head'])}")
            else:
                lines.append(f"  {h.title}  [{h.id}]")
                lines.append(f"    lead: {contact(d.get('lead'))}")
    return "\n".join(lines)
