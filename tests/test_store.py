"""SPARQL on the Oxigraph store gives what rdflib's in-memory graph (the reference) gives."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Literal, URIRef

from graph.rdf import compile_registry, prefixes
from graph.sparql import QueryRefused
from graph.sparql import run_query as run_rdflib
from graph.store import build_store, run_query, to_ntriples
from tests.conftest import make_registry
from tests.test_validate import BASE

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


@pytest.fixture(scope="module")
def both(sample):
    graph = compile_registry(sample, with_ontology=True)
    store = build_store(to_ntriples(sample, with_ontology=True))
    return graph, store, prefixes(sample)


def _norm(term):
    if isinstance(term, BNode):
        return "_:b"  # blank node labels are the store's own
    if isinstance(term, Literal):
        dtype = None if term.datatype in (None, XSD_STRING) else str(term.datatype)
        return ("literal", str(term), term.language, dtype)
    return term


def _rows(result):
    if result.kind == "ASK":
        return result.boolean
    return Counter(tuple(_norm(t) for t in row) for row in result.rows)


QUERIES = [
    # one triple pattern: the lookup the benchmark times
    "SELECT ?p WHERE { ?p a foaf:Person }",
    "SELECT ?d ?owner WHERE { ?d tvb:owner ?owner }",
    "SELECT ?d ?title WHERE { ?d a tvb:Dossier ; skos:prefLabel ?title . "
    "FILTER(langMatches(lang(?title), 'nl')) }",
    "SELECT ?unit (COUNT(?p) AS ?n) WHERE { ?p org:memberOf ?unit } GROUP BY ?unit",
    "SELECT ?c ?start WHERE { ?c a org:OrganizationalCollaboration ; "
    "tvb:startDate ?start FILTER(?start >= '2024-01-01'^^xsd:date) }",
    "SELECT DISTINCT ?type WHERE { ?s a ?type }",
    "SELECT ?s ?label WHERE { ?s skos:altLabel ?label FILTER(CONTAINS(LCASE(?label), 'cyber')) }",
    "ASK { ?s tvb:penvoerder ?o }",
    "ASK { ?s tvb:penvoerder <https://example.org/nobody> }",
    "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p a foaf:Person ; foaf:name ?n }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_store_answers_as_rdflib(both, query):
    graph, store, ns = both
    expected = run_rdflib(graph, query, namespaces=ns)
    got = run_query(store, query, namespaces=ns)
    assert got.kind in (expected.kind, "CONSTRUCT")
    assert got.vars == expected.vars
    assert _rows(got) == _rows(expected)


def test_store_holds_the_same_triples_as_the_graph(both):
    graph, store, _ = both
    assert len(store) == len(graph)


def test_rows_are_capped(both):
    _, store, ns = both
    result = run_query(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", namespaces=ns, max_rows=5)
    assert len(result.rows) == 5 and result.truncated


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
])
def test_store_refuses_what_tvb_query_refuses(both, query):
    _, store, ns = both
    with pytest.raises(QueryRefused):
        run_query(store, query, namespaces=ns)


def test_literals_survive_the_round_trip():
    # Quotes, backslashes, tabs and non-ASCII in the data reach the store intact (a name
    # may not hold a line break: the validator refuses it).
    reg = make_registry(BASE.replace("name: A. Jansen", 'name: "A. \\"Jansen\\"\\\\ é\\tx"'))
    store = build_store(to_ntriples(reg, with_ontology=False))
    graph = compile_registry(reg)
    q = "SELECT ?n WHERE { ?p foaf:name ?n }"
    assert _rows(run_query(store, q, namespaces=prefixes(reg))) == \
        _rows(run_rdflib(graph, q, namespaces=prefixes(reg)))
