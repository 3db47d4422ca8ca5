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
              help="Refuse files larger than this many bytes (default 50 MiB).")
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


# -- maintainer workflow: diff, touch, upkeep, new (issue 7) --------------------------------
def _load_side(path, rev, today):
    """(LoadResult or None, label) for one side of ``tvb diff``; None: absent at *rev*."""
    from registry.gitrev import GitError, load_at_revision, repo_path
    from registry.load import ReadError
    from registry.validate import load_registry

    try:
        if rev is None:
            return load_registry([path], today=today), str(path)
        return load_at_revision(path, rev, today=today), f"{rev}:{repo_path(path)}"
    except GitError as exc:
        raise click.UsageError(str(exc)) from None
    except ReadError as exc:
        click.echo(str(exc.diagnostic), err=True)
        sys.exit(2)


@main.command("diff")
@click.argument("revisions", nargs=-1, metavar="OLD NEW | --git BASE [HEAD]")
@click.option("--git", "use_git", is_flag=True,
              help="Compare revisions of the data in this git repository (BASE [HEAD]; "
              "HEAD omitted: the working tree).")
@click.option("--data", "data", default=DEFAULT_DATA, show_default=True, type=click.Path(),
              help="With --git: the register file or folder to read at each revision.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text",
              show_default=True, help="Plain text, Markdown (for a pull-request comment) or "
              "JSON.")
@_today_option
def diff_command(revisions, use_git, data, fmt, today) -> None:
    """Show what a change means: people, dossiers, collaborations and findings.

    \b
    tvb diff OLD NEW                  two files or folders
    tvb diff --git origin/main        the base branch against the working tree
    tvb diff --git BASE HEAD          two revisions

    Exit 0 whatever changed; 1 when either side has validation errors (they are printed);
    2 for a usage mistake or an unreadable file.
    """
    from registry.diff import diff as compare
    from registry.validate import build_registry

    today = _date(today) or dt.date.today()
    if use_git:
        if not 1 <= len(revisions) <= 2:
            raise click.UsageError("with --git give BASE and optionally HEAD (revisions)")
        sides = [(data, revisions[0]), (data, revisions[1] if len(revisions) > 1 else None)]
    else:
        if len(revisions) != 2:
            raise click.UsageError("give two files or folders, OLD and NEW (or use --git)")
        for p in revisions:
            if not Path(p).exists():
                raise click.UsageError(f"{p}: no such file or folder")
        sides = [(revisions[0], None), (revisions[1], None)]
    loaded = [_load_side(path, rev, today) for path, rev in sides]
    notes = []
    if loaded[1][0] is None:
        raise click.UsageError(f"{loaded[1][1]} does not exist")
    if loaded[0][0] is None:
        notes.append(f"{loaded[0][1]} does not exist: everything counts as added")
        loaded[0] = (build_registry([], today=today), loaded[0][1])
    errors = [d for result, _ in loaded for d in result.errors]
    if errors:
        from registry.diagnostics import format_text

        click.echo(format_text(errors), err=True)
        sys.exit(1)
    (old, old_label), (new, new_label) = loaded
    changes = compare(old.registry, new.registry)
    try:
        from graph.findings_delta import delta_between

        findings = delta_between(old.registry, new.registry, today)
    except ImportError as exc:
        findings = None
        notes.append(f"findings not compared: the analysis is not available ({exc})")
    click.echo(_render_diff(fmt, old_label, new_label, today, changes, findings, notes))


def _render_diff(fmt, old_label, new_label, today, changes, findings, notes) -> str:
    from registry import diff as rd

    if fmt == "json":
        return json.dumps({"old": old_label, "new": new_label, "today": today.isoformat(),
                           "changes": changes.as_dict(),
                           "findings": findings.as_dict() if findings else None,
                           "notes": notes}, ensure_ascii=False, indent=2)
    from graph import findings_delta as fd

    if fmt == "md":
        parts = [f"<!-- tvb-diff -->\n## TVB-register: `{old_label}` → `{new_label}`",
                 rd.format_markdown(changes)]
        if findings is not None:
            parts.append(fd.format_markdown(findings))
        parts += [f"_{n}_" for n in notes]
        return "\n\n".join(p.strip() for p in parts) + "\n"
    parts = [f"{old_label} → {new_label}", "", rd.format_text(changes)]
    if findings is not None:
        parts += ["", "Findings:", fd.format_text(findings)]
    parts += [f"note: {n}" for n in notes]
    return "\n".join(parts)


@main.command()
@click.argument("ids", nargs=-1, required=True)
@_data_option
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date to write (YYYY-MM-DD); default: today.")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
def touch(ids, data, on, dry_run) -> None:
    """Re-confirm entries: set 'reviewed:' to today on each ID, changing nothing else.

    Comments, order, quoting, blank lines and line endings stay byte for byte, so the
    pull request is one line per entry.
    """
    import difflib

    from registry.touch import TouchError, UnknownIdError, apply_touch, plan_touch

    day = _date(on) or dt.date.today()
    result = load_or_exit([data], day)
    try:
        plans = plan_touch(result.registry, result.sources, ids, day)
    except UnknownIdError as exc:
        raise click.UsageError(str(exc)) from None
    except TouchError as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        for p in plans:
            old = p.old.decode("utf-8").splitlines(keepends=True)
            new = p.new.decode("utf-8").splitlines(keepends=True)
            click.echo("".join(difflib.unified_diff(old, new, p.file, p.file)), nl=False)
        return
    apply_touch(plans)
    for p in plans:
        if p.changed:
            click.echo(f"{p.file}: reviewed: {day} on {', '.join(p.changed)}")
        if p.already:
            click.echo(f"{p.file}: already reviewed on {day}: {', '.join(p.already)}")


@main.command()
@_data_option
@click.option("--by", type=click.Choice(["owner", "unit"]), default="owner", show_default=True,
              help="Group by the person who should confirm, or by their directorate.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "csv"]), default="text",
              show_default=True, help="Plain text, Markdown, or CSV for a spreadsheet.")
@_today_option
def upkeep(data, by, fmt, today) -> None:
    """List what to re-confirm, grouped by who should confirm it.

    A person confirms their own entry, a dossier's owner the dossier, a unit's head the
    unit, a collaboration's lead the collaboration (and its evaluation). Each group ends
    with the 'tvb touch' line to run once the entries are checked.
    """
    from registry import reconfirm

    day = _date(today) or dt.date.today()
    reg = load_or_exit([data], day).registry
    groups = reconfirm.group_tasks(reg, reconfirm.upkeep_tasks(reg, day), by)
    command = "tvb touch" if data == DEFAULT_DATA else f"tvb touch --data {data}"
    if fmt == "csv":
        click.echo(reconfirm.format_csv(reg, groups), nl=False)
    elif fmt == "md":
        click.echo(reconfirm.format_markdown(reg, groups, by, day, command), nl=False)
    else:
        click.echo(reconfirm.format_text(reg, groups, by, command))


@main.command("new")
@click.argument("kind", type=click.Choice(["person", "dossier", "collaboration"]))
@click.option("--id", "entry_id", default=None, help="Id of the new entry (default: a free "
              "placeholder such as nieuwe-persoon).")
@click.option("--write", is_flag=True, help="Add it to the data file instead of printing it.")
@_data_option
@_today_option
def new_entry(kind, entry_id, write, data, today) -> None:
    """Print a valid skeleton for a new person, dossier or collaboration.

    Required fields are filled with values that validate, optional ones are comments.
    With --write it is added to the right list of the data file, keeping the rest of the
    file byte for byte; then edit the placeholders.
    """
    from registry.scaffold import (
        KINDS,
        ScaffoldError,
        default_id,
        plan_append,
        render,
        skeleton_fields,
    )

    day = _date(today) or dt.date.today()
    result = load_or_exit([data], day)
    reg = result.registry
    try:
        fields = skeleton_fields(reg, kind, entry_id or default_id(reg, kind), day)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    if not write:
        click.echo(f"# under '{KINDS[kind]}:' in {data}")
        click.echo("\n".join(render(fields)))
        return
    try:
        plan = plan_append(result, kind, fields, day)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    Path(plan.file).write_bytes(plan.new)
    entity = plan.result.registry.get(fields[0][1])
    click.echo(f"{entity.loc}: added {kind} '{entity.id}'; fill in the placeholders")


@main.command()
@click.option("--format", "fmt", default="turtle", show_default=True,
              type=click.Choice(["turtle", "jsonld", "ntriples", "graphml", "csv"]),
              help="turtle, jsonld or ntriples: the RDF graph (W3C ORG, FOAF, SKOS, DCTERMS, "
              "PROV and the tvb ontology); graphml: the typed network, for Gephi; csv: one "
              "table per kind for spreadsheets.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write here instead of standard output; for csv (required) a folder, or a "
              "file ending in .zip.")
@click.option("--network", type=click.Choice(["typed", "people", "directorates"]),
              default="typed", show_default=True,
              help="For graphml: the typed graph of everything, or the people or directorate "
              "network the findings use.")
@_data_option
def export(fmt, output, data, network) -> None:
    """Export the register as linked data, a network file or spreadsheet tables.

    RDF and GraphML go to standard output unless -o is given.  CSV tables (people,
    units, dossiers, processes, collaborations, memberships) are written into a folder or zip;
    cells that a spreadsheet would run as a formula get a leading apostrophe.
    """
    if network != "typed" and fmt != "graphml":
        raise click.UsageError("--network applies to --format graphml only")
    if fmt == "csv" and not output:
        raise click.UsageError("--format csv writes several tables: give -o FOLDER or "
                               "-o FILE.zip")
    reg = load_or_exit([data]).registry
    target = output or sys.stdout.buffer
    try:
        if fmt == "csv":
            from graph.export import write_csv

            try:
                names = write_csv(reg, output)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None
            click.echo(f"wrote {', '.join(names)} to {output}", err=True)
        elif fmt == "graphml":
            from graph.network import write_graphml

            write_graphml(reg, target, network)
        else:
            from graph.export import write_rdf

            n = write_rdf(reg, fmt, target)
            if output:
                click.echo(f"wrote {n} triples to {output}", err=True)
    except BrokenPipeError:
        # The reader stopped early (`tvb export | head`): nothing to report.  Point stdout
        # at devnull so the interpreter's final flush does not complain either.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for reading; json or csv in the W3C SPARQL 1.1 "
              "result formats.")
@click.option("--max-rows", type=click.IntRange(min=1), default=None,
              help="Keep at most this many rows; the output says when rows were cut off.")
@_data_option
def query(sparql, fmt, max_rows, data) -> None:
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
    reg = load_or_exit([data]).registry
    from graph.rdf import compile_registry

    graph = compile_registry(reg, with_ontology=True)
    namespaces = dict(graph.namespaces())
    try:
        result = run_query(graph, sparql, max_rows=max_rows, namespaces=namespaces)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(format_result(result, fmt, namespaces), nl=False)


@main.command()
@click.argument("words", nargs=-1, required=True)
@_data_option
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=20, show_default=True,
              help="Show at most this many hits.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (hits with owner, contacts, suggestions).")
def search(words, data, limit, as_json) -> None:
    """Who owns a topic: search dossiers, people, units and collaborations.

    Dutch-aware (plurals and other inflections, with or without diacritics),
    typo-tolerant ("Bedoelde u …") and as-you-type (the last word may be unfinished).
    Quotes are not needed: tvb search gevaarlijke stoffen.
    """
    from registry.search import SearchIndex, SearchUnavailable

    reg = load_or_exit([data]).registry
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


_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@main.command()
@_data_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1/localhost/::1 makes the "
              "viewer reachable from other machines (a warning is printed).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port to listen on.")
@click.option("--no-watch", is_flag=True,
              help="Do not reload when the data files change.")
@click.option("--no-sparql", is_flag=True, help="Switch the /sparql endpoint off.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Worker threads of the server.")
@click.option("--get", "get_path", metavar="PATH", default=None,
              help="Answer one request for PATH (e.g. '/integrator.json'), print the body "
              "and exit (1 if the status is 400 or more), without starting a server.")
@_today_option
def serve(data, host, port, no_watch, no_sparql, threads, get_path, today) -> None:
    """Serve the viewer with waitress (no debug server), by default on 127.0.0.1:5000.

    The data file is watched: a valid change is live within a few seconds; a change with
    errors keeps the last good version online and shows the diagnostics on /status.
    """
    if not Path(data).exists():
        click.echo(f"{data}: no such file or folder", err=True)
        sys.exit(2)
    from web import create_app

    config = {"DATA": data, "WATCH": not no_watch and get_path is None}
    if today:
        config["TODAY"] = _date(today)
    if no_sparql:
        config["SPARQL_ENABLED"] = False
    app = create_app(config)
    holder = app.extensions["tvb.snapshots"]
    if holder.current is None:
        from registry.diagnostics import format_text

        holder.stop()
        click.echo(format_text(holder.errors), err=True)
        sys.exit(1)
    if get_path is not None:
        if not get_path.startswith("/"):
            raise click.UsageError("--get takes a path that starts with '/'")
        resp = app.test_client().get(get_path)
        click.echo(resp.get_data(as_text=True), nl=False)
        sys.exit(0 if resp.status_code < 400 else 1)
    if host not in _LOCAL_HOSTS:
        click.echo(f"warning: listening on {host}: the viewer is reachable from other "
                   "machines and has no login; put it behind the intranet's own access "
                   "control", err=True)
    from waitress import serve as waitress_serve

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"TVB viewer on http://{shown}:{port}/ (data: {data}); Ctrl+C stops it",
               err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="tvb",
                   max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
                   clear_untrusted_proxy_headers=True, channel_timeout=60)


@main.command("report")
@_data_option
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="json",
              show_default=True, help="json: the public contract; md: a note for the MT "
              "meeting; html: one self-contained page.")
@_today_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def report_command(data, fmt, today, output) -> None:
    """The integrator's report: silos, isolated dossier holders, missing cross-directorate
    links, brokers, single points of failure, upkeep and the success-factor profile.

    Exit 1 (with the validation errors) when the register has errors, 2 when it cannot be
    read.
    """
    day = _date(today) or dt.date.today()
    reg = load_or_exit([data], day).registry
    from graph.analysis import report
    from graph.report_render import render_html, render_json, render_markdown

    text = {"json": render_json, "md": render_markdown, "html": render_html}[fmt](
        report(reg, day))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


from tvb.commands.publish import publish  # noqa: E402 - a command module of its own

main.add_command(publish)

if __name__ == "__main__":  # pragma: no cover
    main()
