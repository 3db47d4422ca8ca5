"""The compiled graph in an Oxigraph store, for SPARQL that answers in milliseconds.

rdflib evaluates SPARQL in Python: a one-pattern lookup on a few hundred thousand triples
takes a quarter of a second, on the few million of a government-size register seconds.
Oxigraph (Rust) answers the same lookup in well under a millisecond.  So the registry is
compiled once to N-Triples (:func:`to_ntriples`, from the same triples as
:func:`graph.rdf.compile_registry`, which stays the reference), bulk-loaded into an
in-memory :class:`pyoxigraph.Store` (:func:`build_store`), and queried with the same
read-only checks as ``tvb query`` (:func:`run_query`, returning the
:class:`graph.sparql.QueryResult` that every formatter of :mod:`graph.sparql` takes).
The N-Triples are what the snapshot cache keeps, so a warm start only reloads them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef

from registry.model import Registry

from .sparql import MAX_QUERY_CHARS, QueryFailed, QueryResult, capped_result, checked_text
from .terms import iri_ref, string_literal

__all__ = ["to_ntriples", "build_store", "run_query", "to_rdflib", "valid_iri"]

log = logging.getLogger("tvb.store")


def valid_iri(value: str) -> bool:
    """Whether *value* is an IRI that Oxigraph (and so N-Triples and SPARQL) accepts: an
    absolute IRI by RFC 3987, without spaces, line breaks or other forbidden code points."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


class _Invalid(ValueError):
    """A term that N-Triples cannot carry."""


def _nt(term: object, memo: dict) -> str:
    got = memo.get(term)
    if got is not None:
        if got is _Invalid:
            raise _Invalid(term)
        return got
    if isinstance(term, URIRef):
        if not valid_iri(str(term)):
            memo[term] = _Invalid
            raise _Invalid(term)
        text = iri_ref(str(term))
    elif isinstance(term, BNode):
        text = f"_:{term}"
    elif isinstance(term, Literal):
        lexical = string_literal(str(term))
        if term.language:
            text = f"{lexical}@{term.language}"
        elif term.datatype is not None and term.datatype != XSD.string:
            text = f"{lexical}^^{iri_ref(str(term.datatype))}"
        else:
            text = lexical
    else:  # pragma: no cover - the compiler makes only the three kinds
        raise TypeError(f"not an RDF term: {term!r}")
    memo[term] = text
    return text


def to_ntriples(registry: Registry, *, with_ontology: bool = True) -> bytes:
    """The compiled graph as N-Triples (UTF-8), as :func:`graph.rdf.compile_registry` would
    build it (with the TVB ontology unless ``with_ontology`` is false).

    Notes
    -----
    One pass over :func:`graph.rdf.iter_triples`; terms repeat a lot (predicates, units,
    people), so each is written once and remembered: $O(t)$ for $t$ triples.

    A triple with an IRI that is not valid (a value the data check let through, such as
    an IRI ending in a line break) is left out, with a warning in the log: one bad value
    must not make the whole store, and so every SPARQL query, fail.
    """
    from .rdf import iter_triples, ontology_graph

    memo: dict = {}
    triples: Iterable = iter_triples(registry)
    if with_ontology:
        from itertools import chain

        triples = chain(triples, ontology_graph())
    lines = []
    left_out: list[str] = []
    for s, p, o in triples:
        try:
            lines.append(f"{_nt(s, memo)} {_nt(p, memo)} {_nt(o, memo)} .\n")
        except _Invalid as exc:
            left_out.append(str(exc.args[0]))
    if left_out:
        log.warning("%d triple(s) left out of the store: not a valid IRI: %.200r",
                    len(left_out), left_out[0])
    return "".join(lines).encode("utf-8")


def build_store(ntriples: bytes) -> ox.Store:
    """An in-memory Oxigraph store holding these N-Triples (bulk-loaded).

    Should a line still not parse (N-Triples written by another version and read from
    the cache), the store is built from the lines that do, and the rest is logged: a
    store that cannot be built would fail every SPARQL query.
    """
    store = ox.Store()
    try:
        store.bulk_load(input=ntriples, format=ox.RdfFormat.N_TRIPLES)
        return store
    except (SyntaxError, ValueError) as exc:
        first_error = exc
    good, bad = [], 0
    for line in ntriples.split(b"\n"):
        try:
            if line.strip():
                list(ox.parse(input=line, format=ox.RdfFormat.N_TRIPLES))
                good.append(line)
        except (SyntaxError, ValueError):
            bad += 1
    log.warning("%d line(s) of the N-Triples left out of the store (%.200r)", bad,
                str(first_error))
    store = ox.Store()
    store.bulk_load(input=b"\n".join(good), format=ox.RdfFormat.N_TRIPLES)
    return store


def to_rdflib(term: object):
    """An Oxigraph term as the rdflib term it stands for (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dtype = term.datatype.value
        if dtype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dtype))
    raise TypeError(f"not an RDF term: {term!r}")  # pragma: no cover - no RDF-star here


def run_query(store: ox.Store, text: str, *, namespaces: Mapping[str, str] | None = None,
              max_rows: int | None = None, max_chars: int = MAX_QUERY_CHARS) -> QueryResult:
    """Check and run a read-only query on the store (the checks of ``tvb query``).

    Parameters
    ----------
    store : pyoxigraph.Store
        From :func:`build_store`.
    text : str
        The SPARQL 1.1 query.
    namespaces : mapping, optional
        Predeclared prefixes (the compiled graph's, :func:`graph.rdf.prefixes`).
    max_rows : int, optional
        Keep at most this many rows (or triples); the result is then ``truncated``.

    Raises
    ------
    QuerySyntaxError, QueryRefused, QueryFailed
        As :func:`graph.sparql.run_query`.

    Notes
    -----
    Oxigraph evaluates in Rust and cannot be interrupted from Python: a server that must
    bound a query's time runs this in a child process, as it does for rdflib.
    """
    if max_rows is not None and max_rows < 0:
        raise ValueError("max_rows must be at least 0")
    # Oxigraph gets the canonical text that was checked, never the text as sent: its
    # parser and rdflib's must not disagree about where a comment ends (issue 21).
    canon = checked_text(text, max_chars=max_chars)
    try:
        # The dataset is set here too, so even a FROM that slipped through names nothing.
        result = store.query(canon, prefixes=dict(namespaces or {}),
                             default_graph=ox.DefaultGraph(), named_graphs=[])
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(kind="ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            kind = "SELECT"
            rows: Iterable = (tuple(to_rdflib(sol[n]) for n in names) for sol in result)
        else:
            names = ["subject", "predicate", "object"]
            kind = "CONSTRUCT"
            rows = ((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
                    for t in result)
        # Oxigraph evaluates lazily too: its errors can come while reading the rows.
        return capped_result(kind, names, rows, max_rows)
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed(f"the query failed while running: {exc}") from None
