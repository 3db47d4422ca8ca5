"""Linked data that resolves: ``/id/{id}`` negotiates, ``/def/tvb`` serves the ontology,
``/.well-known/void`` and ``/sparql`` describe the dataset and the endpoint, and the
SPARQL 1.1 Protocol's finer points (406, two queries, errors in the type asked for)."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF

from graph.rdf import ONTOLOGY_PATH, compile_registry, ontology_graph

B = "https://tvb.example.org/id/"
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PERSON = "h-steenwijker"
SELECT = "SELECT ?p WHERE { ?p a foaf:Person }"
CONSTRUCT = "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p foaf:name ?n }"


@pytest.fixture(scope="module")
def compiled(sample):
    return compile_registry(sample)


# -- /id/{id} ---------------------------------------------------------------------------------
@pytest.mark.parametrize("accept, location", [
    (None, "/person/h-steenwijker"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/person/h-steenwijker"),
    ("*/*", "/person/h-steenwijker"),
    ("text/turtle", "/id/h-steenwijker.ttl"),
    ("application/ld+json", "/id/h-steenwijker.jsonld"),
    ("application/n-triples", "/id/h-steenwijker.nt"),
    ("application/rdf+xml", "/id/h-steenwijker.rdf"),
    ("text/html;q=0.5, text/turtle", "/id/h-steenwijker.ttl"),
    ("text/html, text/turtle;q=0.5", "/person/h-steenwijker"),
])
def test_id_negotiates_with_303(client, accept, location):
    r = client.get(f"/id/{PERSON}", headers={"Accept": accept} if accept else {})
    assert r.status_code == 303 and r.headers["Location"] == location
    assert "Accept" in r.headers["Vary"]


def test_unknown_id_is_404_in_every_form(client):
    assert client.get("/id/nobody", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/nobody.ttl").status_code == 404
    assert client.get("/id/nobody").status_code == 404


def _expected_description(compiled, id_: str) -> set:
    iri = URIRef(B + id_)
    below = {s for s in compiled.subjects() if str(s).startswith(str(iri) + "/")}
    return {t for s in (iri, *below) for t in compiled.triples((s, None, None))}


@pytest.mark.parametrize("ext, mimetype, fmt", [
    ("ttl", "text/turtle", "turtle"), ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"), ("rdf", "application/rdf+xml", "xml"),
])
@pytest.mark.parametrize("id_", [PERSON, "cio", "dgb", "gevaarlijke-stoffen"])
def test_entity_documents_hold_the_description(client, compiled, id_, ext, mimetype, fmt):
    r = client.get(f"/id/{id_}.{ext}")
    assert r.status_code == 200 and r.mimetype == mimetype
    got = set(Graph().parse(data=r.data, format=fmt))
    want = _expected_description(compiled, id_)
    assert got == want and len(want) >= 5


def test_person_description_includes_the_membership(client):
    g = Graph().parse(data=client.get(f"/id/{PERSON}.ttl").data, format="turtle")
    membership = URIRef(f"{B}{PERSON}/membership")
    assert (membership, URIRef("http://www.w3.org/ns/org#member"), URIRef(B + PERSON)) in g


# -- /def/tvb ---------------------------------------------------------------------------------
def test_ontology_as_turtle_is_the_file(client):
    r = client.get("/def/tvb", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert r.data == ONTOLOGY_PATH.read_bytes()
    for ext, fmt in (("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")):
        other = client.get(f"/def/tvb.{ext}")
        assert isomorphic(Graph().parse(data=other.data, format=fmt), ontology_graph())


def test_ontology_page_lists_every_term(client):
    r = client.get("/def/tvb")
    assert r.status_code == 200 and r.mimetype == "text/html"
    onto = ontology_graph()
    tvb = "https://tvb.example.org/def/tvb#"
    for s in {s for s in onto.subjects() if str(s).startswith(tvb)}:
        assert f'id="{str(s)[len(tvb):]}"' in r.text, s
    doc = client.get("/def/tvb.json").get_json()
    assert {c["name"] for c in doc["classes"]} >= {"Dossier", "Directorate", "Evaluation"}
    assert "reviewed" in {p["name"] for p in doc["properties"]}
    english = client.get("/def/tvb?lang=en").text
    assert "Dossier holder" not in english and "owner" in english


# -- VoID and the service description ---------------------------------------------------------
def test_void_counts_and_endpoint(client, sample, compiled):
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.data, format="turtle")
    (dataset,) = [s for s in g.subjects(RDF.type, VOID.Dataset) if str(s).endswith("#register")]
    assert g.value(dataset, VOID.triples).toPython() == len(compiled)
    (onto,) = g.objects(dataset, VOID.subset)
    assert g.value(onto, VOID.triples).toPython() == len(ontology_graph())
    assert g.value(dataset, VOID.uriSpace) == Literal(B)
    parts = {g.value(p, VOID["class"]): g.value(p, VOID.entities).toPython()
             for p in g.objects(dataset, VOID.classPartition)}
    assert parts[FOAF.Person] == len(sample.people)
    endpoint = g.value(dataset, VOID.sparqlEndpoint)
    assert str(endpoint) == "http://localhost/sparql"
    # the endpoint it names describes itself, and holds register plus ontology
    sd = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data,
                       format="turtle")
    assert (endpoint, RDF.type, SD.Service) in sd
    assert (endpoint, SD.endpoint, endpoint) in sd
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in sd
    (graph,) = sd.objects(sd.value(endpoint, SD.defaultDataset), SD.defaultGraph)
    assert sd.value(graph, VOID.triples).toPython() == len(compiled) + len(ontology_graph())


@pytest.mark.parametrize("accept, fmt", [("application/ld+json", "json-ld"),
                                          ("application/rdf+xml", "xml"),
                                          ("application/n-triples", "nt")])
def test_service_description_in_other_syntaxes(client, accept, fmt):
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    assert any(True for _ in Graph().parse(data=r.data, format=fmt).subjects(
        RDF.type, SD.Service))


def test_a_browser_without_a_query_still_gets_the_form(client):
    r = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"


# -- the protocol's finer points ----------------------------------------------------------------
@pytest.mark.parametrize("accept, mimetype, fmt", [
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("text/n3", "text/n3", "n3"),
    ("text/turtle;q=0.5, application/n-triples", "application/n-triples", "nt"),
])
def test_construct_by_accept(client, sample, accept, mimetype, fmt):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == mimetype
    assert len(Graph().parse(data=r.data, format=fmt)) == len(sample.people)


@pytest.mark.parametrize("query, accept", [
    (SELECT, "application/rdf+xml"), (SELECT, "text/turtle"), (SELECT, "image/png"),
    (CONSTRUCT, "text/csv"), (CONSTRUCT, "application/sparql-results+json"),
    ("ASK { ?s ?p ?o }", "application/ld+json"),
])
def test_nothing_acceptable_is_406(client, query, accept):
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert r.status_code == 406, r.data[:200]


def test_two_queries_are_400(client):
    from werkzeug.datastructures import MultiDict

    two = MultiDict([("query", SELECT), ("query", "ASK {}")])
    assert client.get("/sparql", query_string=two,
                      headers={"Accept": "application/json"}).status_code == 400
    assert client.post("/sparql", data=two,
                       headers={"Accept": "application/json"}).status_code == 400
    r = client.post("/sparql?query=ASK%7B%7D", data=SELECT.encode(),
                    content_type="application/sparql-query",
                    headers={"Accept": "application/json"})
    assert r.status_code == 400 and "more than one query" in r.get_json()["error"]


@pytest.mark.parametrize("accept, mimetype", [
    ("text/csv", "text/plain"), ("application/sparql-results+xml", "text/plain"),
    ("text/turtle", "text/plain"), ("application/sparql-results+json", "application/json"),
    ("application/json", "application/json"), (None, "application/json"),
    ("text/html", "text/html"),
])
def test_errors_come_in_the_type_asked_for(client, accept, mimetype):
    r = client.get("/sparql", query_string={"query": "SELEC * WHERE {}"},
                   headers={"Accept": accept} if accept else {})
    assert r.status_code == 400 and r.mimetype == mimetype
    assert "syntax" in r.text


@pytest.mark.parametrize("value, kind, mimetype", [
    ("xml", "SELECT", "application/sparql-results+xml"),
    ("xml", "CONSTRUCT", "application/rdf+xml"),
    ("json", "CONSTRUCT", "application/ld+json"),
    ("rdf+xml", "CONSTRUCT", "application/rdf+xml"),
    ("json-ld", "CONSTRUCT", "application/ld+json"),
    ("n3", "CONSTRUCT", "text/n3"),
    ("tsv", "SELECT", "text/tab-separated-values"),
    ("text/tab-separated-values", "SELECT", "text/tab-separated-values"),
])
def test_sparqlwrapper_format_values(client, value, kind, mimetype):
    query = SELECT if kind == "SELECT" else CONSTRUCT
    r = client.get("/sparql", query_string={"query": query, "format": value,
                                            "output": value, "results": value})
    assert r.status_code == 200 and r.mimetype == mimetype


def test_unknown_format_value_is_400(client):
    r = client.get("/sparql", query_string={"query": SELECT, "format": "yaml"})
    assert r.status_code == 400
