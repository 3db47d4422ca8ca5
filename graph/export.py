"""Exports of the register: RDF serialisations and CSV tables for spreadsheet users.

RDF comes from :func:`graph.rdf.compile_registry` in Turtle, JSON-LD or N-Triples, each
written so that the same register gives the same bytes on every run (subjects, lines and
``@graph`` nodes are sorted), which keeps exports diffable.  Turtle is written here rather
than by rdflib, which is too slow for a register of government size (see :func:`_turtle`).

The CSV export has one table per kind — people, units, dossiers, processes,
collaborations, memberships — given here as plain rows (:func:`tables`).  A list is one
cell holding a JSON array (``["Strategie", "Kennis"]``; ``[]`` when empty): unambiguous
whatever the items contain (a task may hold ``;`` or ``,``), and read back with any JSON
parser.  :mod:`render.tables` writes them, neutralising formulas, into a folder or a zip
file.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from rdflib import RDF, BNode, Graph, URIRef

from registry.atomic import write_atomic
from registry.model import Registry

from .rdf import compile_registry, entity_iri
from .terms import iri_ref, string_literal

__all__ = [
    "RDF_FORMATS",
    "rewritten",
    "TABLES",
    "serialize",
    "write_rdf",
    "tables",
]

#: Export format name → rdflib serializer name.
RDF_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}
#: The CSV tables, in the order they are written.
TABLES = ("people", "units", "dossiers", "processes", "collaborations", "memberships")



# -- RDF --------------------------------------------------------------------------------------
def serialize(graph: Graph, fmt: str) -> bytes:
    """The graph as ``turtle``, ``jsonld`` or ``ntriples`` (UTF-8 bytes, stable order)."""
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose from {', '.join(RDF_FORMATS)}")
    graph = _without_invalid_iris(graph)
    if fmt == "ntriples":
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        # "\n" only: str.splitlines would also cut at U+2028, NEL, VT or FF inside a literal.
        lines = sorted(line for line in text.split("\n") if line)
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    if fmt == "jsonld":
        context = {p: str(ns) for p, ns in graph.namespaces()}
        text = graph.serialize(format="json-ld", context=context, auto_compact=True)
        return (json.dumps(_sorted_jsonld(json.loads(text)), ensure_ascii=False, indent=2)
                + "\n").encode("utf-8")
    return _turtle(graph)


def _without_invalid_iris(graph: Graph) -> Graph:
    """The graph without the triples that hold an IRI no RDF parser would read back (an
    IRI with a line break would even end an N-Triples line early); the graph itself when
    there are none.  One look at each distinct node."""
    from .store import valid_iri

    bad = {n for n in graph.all_nodes() if isinstance(n, URIRef) and not valid_iri(str(n))}
    bad |= {p for p in graph.predicates(unique=True) if not valid_iri(str(p))}
    if not bad:
        return graph
    return rewritten(graph, lambda triple: None if bad.intersection(triple) else triple)


def rewritten(graph: Graph, change: Callable[[tuple], tuple | None]) -> Graph:
    """A copy of *graph* with its prefixes, each triple passed through *change*, which
    returns the triple to keep (itself or a replacement) or None to leave it out."""
    out = Graph(bind_namespaces="none")
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    for triple in graph:
        kept = change(triple)
        if kept is not None:
            out.add(kept)
    return out


_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


def _turtle(graph: Graph) -> bytes:
    """Turtle, one block per subject, subjects and predicates sorted (``rdf:type`` first).

    rdflib's own Turtle writer manages about 4,000 triples/s on a large register (it
    looks for lists and nesting first); this plain writer is an order of magnitude
    faster.  Each IRI's text is worked out once.  The tests read its output back with
    rdflib and with Oxigraph.
    """
    prefix_of = {str(ns): p for p, ns in graph.namespaces()}
    names: dict = {}

    def name(term) -> str:
        text = names.get(term)
        if text is not None:
            return text
        if isinstance(term, URIRef):
            s = str(term)
            cut = max(s.rfind("#"), s.rfind("/")) + 1
            prefix = prefix_of.get(s[:cut]) if cut else None
            if prefix is not None and _LOCAL_NAME.fullmatch(s[cut:]):
                text = f"{prefix}:{s[cut:]}"
            else:
                text = iri_ref(s)
        elif isinstance(term, BNode):
            text = f"_:{term}"
        else:  # Literal
            text = string_literal(str(term))
            if term.language:
                text += "@" + term.language
            elif term.datatype:
                text += "^^" + name(term.datatype)
            return text  # literals are rarely repeated: do not keep them
        names[term] = text
        return text

    out = io.StringIO()
    for prefix, ns in sorted(graph.namespaces()):
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    for subject in sorted(graph.subjects(unique=True)):
        by_predicate: dict = {}
        for p, o in graph.predicate_objects(subject):
            by_predicate.setdefault(p, []).append(o)
        out.write("\n" + name(subject))
        first = True
        for p in sorted(by_predicate, key=lambda p: (p != RDF.type, p)):
            objects = sorted(name(o) for o in by_predicate[p])
            verb = "a" if p == RDF.type else name(p)
            out.write((" " if first else " ;\n    ") + verb + " " + ", ".join(objects))
            first = False
        out.write(" .\n")
    return out.getvalue().encode("utf-8")


def _sorted_jsonld(doc):
    """Sort the node list by ``@id`` and every multi-valued property, for stable output."""
    def key(item) -> str:
        return json.dumps(item, sort_keys=True, ensure_ascii=False)

    def node(n):
        if isinstance(n, dict):
            return {k: node(v) for k, v in n.items()}
        if isinstance(n, list):
            return sorted((node(v) for v in n), key=key)
        return n

    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        doc["@graph"] = sorted((node(n) for n in doc["@graph"]),
                               key=lambda n: str(n.get("@id", "")))
    return doc


def write_rdf(registry: Registry, fmt: str, out: str | os.PathLike | IO[bytes]) -> int:
    """Compile the registry and write it in ``fmt`` to a path or binary file.

    Returns the number of triples.
    """
    graph = compile_registry(registry)
    data = serialize(graph, fmt)
    if isinstance(out, str | os.PathLike):
        write_atomic(out, data)
    else:
        out.write(data)
    return len(graph)


# -- CSV tables -------------------------------------------------------------------------------
def _join(values: Iterable[str]) -> str:
    """A list as one cell: a JSON array (unambiguous, unlike joining with a separator)."""
    return json.dumps(list(values), ensure_ascii=False)


def _name(reg: Registry, id: str | None) -> str:
    e = reg.get(id) if id else None
    if e is None:
        return ""
    return getattr(e, "name", None) or getattr(e, "title", "")


Table = tuple[tuple[str, ...], Iterator[tuple]]


def tables(registry: Registry) -> dict[str, Table]:
    """The CSV tables by name: a header and an iterator of rows (plain values, ``None``
    for empty; :func:`render.tables.write_csv` writes them)."""
    return {
        "people": (
            ("id", "name", "function", "unit", "directorate", "email", "phone", "reviewed",
             "iri"),
            _people_rows(registry)),
        "units": (
            ("id", "kind", "name", "abbreviation", "axis", "directorate", "head", "head_name",
             "people", "tasks", "reviewed", "iri"),
            _unit_rows(registry)),
        "dossiers": (
            ("id", "title", "status", "owner", "owner_name", "deputy", "penvoerder",
             "involved", "authority", "process", "keywords", "description", "reviewed", "iri"),
            _dossier_rows(registry)),
        "processes": (
            ("id", "name", "description", "penvoerder", "penvoerder_name", "involve_all",
             "must_involve", "dossiers", "reviewed", "iri"),
            _process_rows(registry)),
        "collaborations": (
            ("id", "name", "kind", "mode", "lead", "members", "units", "dossiers", "purpose",
             "start", "end", "evaluations", "latest_evaluation", "latest_worthwhile",
             "reviewed", "iri"),
            _collaboration_rows(registry)),
        "memberships": (
            ("person", "person_name", "role", "organisation", "organisation_kind",
             "organisation_name", "function"),
            _membership_rows(registry)),
    }


def _people_rows(reg: Registry) -> Iterator[tuple]:
    for p in reg.people.values():
        yield (p.id, p.name, p.function, p.unit, reg.directorate_of(p.id), p.email, p.phone,
               p.reviewed, entity_iri(reg, p.id))


def _unit_rows(reg: Registry) -> Iterator[tuple]:
    for u in reg.units.values():
        yield (u.id, u.kind, u.name, u.abbreviation, u.axis, u.directorate, u.head,
               _name(reg, u.head), len(reg.people_in(u.id)), _join(u.tasks), u.reviewed,
               entity_iri(reg, u.id))


def _dossier_rows(reg: Registry) -> Iterator[tuple]:
    for d in reg.dossiers.values():
        yield (d.id, d.title, d.status, d.owner, _name(reg, d.owner), d.deputy,
               reg.penvoerder_of(d.id), _join(d.involved), d.authority, d.process,
               _join(d.keywords), d.description, d.reviewed, entity_iri(reg, d.id))


def _process_rows(reg: Registry) -> Iterator[tuple]:
    from .network import required_directorates

    followed: dict[str, list[str]] = {}
    for d in reg.dossiers.values():
        if d.process:
            followed.setdefault(d.process, []).append(d.id)
    for p in reg.processes.values():
        # 'all' spelt out as the analysis reads it (every directorate but staff)
        yield (p.id, p.name, p.description, p.penvoerder, _name(reg, p.penvoerder),
               p.involve == "all", _join(required_directorates(reg, p.involve)),
               _join(followed.get(p.id, ())), p.reviewed, entity_iri(reg, p.id))


def _collaboration_rows(reg: Registry) -> Iterator[tuple]:
    for c in reg.collaborations.values():
        latest = c.latest_evaluation
        yield (c.id, c.name, c.type, c.mode, c.lead, _join(c.members), _join(c.directorates),
               _join(c.dossiers), c.purpose, c.start, c.end, len(c.evaluations),
               latest.date if latest else None, latest.worthwhile if latest else None,
               c.reviewed, entity_iri(reg, c.id))


def _membership_rows(reg: Registry) -> Iterator[tuple]:
    """Who belongs to what, one row per tie: a person's unit (``member``), the units they
    head (``head``), and the collaborations they lead (``lead``) or join (``member``)."""
    def row(pid: str, role: str, org_id: str, function: str | None = None) -> tuple:
        org = reg.get(org_id)
        return (pid, _name(reg, pid), role, org_id, org.kind if org else None,
                _name(reg, org_id), function)

    for p in reg.people.values():
        if p.unit in reg.units:
            yield row(p.id, "member", p.unit, p.function)
    for u in reg.units.values():
        if u.head in reg.people:
            yield row(u.head, "head", u.id)
    for c in reg.collaborations.values():
        if c.lead in reg.people:
            yield row(c.lead, "lead", c.id)
        for pid in c.members:
            if pid in reg.people and pid != c.lead:
                yield row(pid, "member", c.id)
