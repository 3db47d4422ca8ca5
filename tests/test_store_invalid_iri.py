"""One data value that is not a valid IRI never takes SPARQL down (issue 21, break 7, the
store's side; the data check that refuses such values is tested with the validator).

The registers here are built past the data check on purpose, to show the store and the
exports hold on their own: an id and a ``parent_uri`` ending in a line feed, as the red
team's ``id: "b-bakker\\n"`` and ``parent_uri: "https://example.org/x\\n"`` once passed.
"""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import quote

import pytest
from rdflib import Graph

from graph.export import serialize
from graph.rdf import compile_registry
from graph.snapshot import Snapshot
from graph.store import build_store, run_query, to_ntriples, valid_iri
from registry.model import Registry
from tests.conftest import SAMPLE, TODAY, _viewer

BAD_PARENT = "https://example.org/x\n"


@pytest.fixture(scope="module")
def bad_registry() -> Registry:
    from registry.validate import load_registry

    reg = load_registry([SAMPLE], today=TODAY).registry
    person = next(iter(reg.people.values()))
    stray = dataclasses.replace(person, id="b-bakker\n")
    return Registry(dataclasses.replace(reg.organisation, parent_uri=BAD_PARENT),
                    reg.settings, list(reg.units.values()), [*reg.people.values(), stray],
                    list(reg.dossiers.values()), list(reg.processes.values()),
                    list(reg.collaborations.values()), reg.data_version, reg.sources)


def test_valid_iri_is_oxigraphs_rule():
    assert valid_iri("https://example.org/x")
    assert valid_iri("https://example.org/é#frag")
    for bad in (BAD_PARENT, "https://example.org/a b", "https://example.org/<x>", "b-bakker",
                "https://example.org/x\r", ""):
        assert not valid_iri(bad), bad


def test_the_store_builds_and_answers_without_the_bad_triples(bad_registry, caplog):
    with caplog.at_level(logging.WARNING, logger="tvb.store"):
        nt = to_ntriples(bad_registry)
    assert b"\\u000A" not in nt and b"x\n>" not in nt
    assert any("left out of the store" in r.getMessage() for r in caplog.records)
    store = build_store(nt)
    got = run_query(store, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a foaf:Person }",
                    namespaces={"foaf": "http://xmlns.com/foaf/0.1/"})
    # every person of the sample is there; the one with the broken id is left out
    assert int(got.rows[0][0]) == len(bad_registry.people) - 1
    assert run_query(store, "ASK { ?o ?p <https://example.org/x> }").boolean is False


def test_a_bad_line_in_cached_ntriples_costs_that_line_only(caplog):
    nt = (b'<urn:a> <urn:p> "kept" .\n'
          b'<urn:a> <urn:p> <https://example.org/x\\u000A> .\n'
          b'<urn:b> <urn:p> "kept too" .\n')
    with caplog.at_level(logging.WARNING, logger="tvb.store"):
        store = build_store(nt)
    assert len(store) == 2
    assert any("1 line(s)" in r.getMessage() for r in caplog.records)


def test_sparql_answers_200_with_a_bad_value_in_the_data(bad_registry):
    app = _viewer(SAMPLE)
    holder = app.extensions["tvb.snapshots"]
    holder.current = Snapshot(bad_registry, [], TODAY)
    client = app.test_client()
    for q in ("ASK { ?s ?p ?o }", "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n }",
              # the organisation's parent (departments are subOrganizationOf too)
              "SELECT ?o WHERE { ?s a org:FormalOrganization ; org:subOrganizationOf ?o }"):
        r = client.get("/sparql.json?query=" + quote(q))
        assert r.status_code == 200, (q, r.get_data(as_text=True)[:300])
    assert r.get_json()["results"]["bindings"] == []  # the bad parent is not in the store


@pytest.mark.parametrize("fmt,rdflib_format", [("ntriples", "nt"), ("turtle", "turtle"),
                                               ("jsonld", "json-ld")])
def test_exports_leave_the_bad_iris_out_and_parse_back(bad_registry, fmt, rdflib_format):
    data = serialize(compile_registry(bad_registry), fmt)
    back = Graph().parse(data=data, format=rdflib_format)
    assert len(back) > 1000
    iris = {str(n) for t in back for n in t}
    assert BAD_PARENT not in iris and not any(i.endswith("b-bakker\n") for i in iris)
    assert all(valid_iri(str(n)) for t in back for n in t if n.__class__.__name__ == "URIRef")
