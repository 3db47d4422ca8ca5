"""The compiled graph, the TVB ontology and the SHACL shapes against the real standard
vocabularies (``tests/vocabularies/``, with their sources and licences):

* OWL-RL reasoning (``owlrl``) over the export, ``graph/tvb.ttl``, ORG, FOAF, SKOS, PROV
  and DCTERMS finds no inconsistency — and does find the one the ontology used to have;
* pySHACL with RDFS inference, the ontology and the vocabularies conforms, on the sample
  and on a generated register of 5,000 people;
* the shapes themselves validate against SHACL-SHACL.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.namespace import ORG

from graph.rdf import SHAPES_PATH, TVB, compile_registry, ontology_graph, shapes_graph
from tests.conftest import make_registry

VOCABULARIES = Path(__file__).parent / "vocabularies"
REASONED = ("org.ttl", "foaf.ttl", "skos.ttl", "prov-o.ttl", "dublin-core-terms.ttl")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's error messages


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    g = Graph()
    for name in REASONED:
        g.parse(VOCABULARIES / name, format="turtle")
    return g


def _inconsistencies(data: Graph, ontology: Graph, vocabularies: Graph) -> list[str]:
    g = Graph()
    for source in (data, ontology, vocabularies):
        for t in source:
            g.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return sorted(str(o) for s in g.subjects(RDF.type, ERR.ErrorMessage)
                  for o in g.objects(s, ERR.error))


def test_owl_rl_finds_no_inconsistency_in_the_sample(sample, vocabularies):
    assert _inconsistencies(compile_registry(sample), ontology_graph(), vocabularies) == []


SMALL = """\
schema: 1
organisation: {id: dgb, name: DGB}
directorates:
  - id: dsk
    name: DSK
    axis: integrating
    departments: [{id: dsk-a, name: Afdeling A}]
people:
  - {id: p-een, name: P. Een, unit: dsk-a, function: Adviseur}
  - {id: p-twee, name: P. Twee, unit: dsk, function: Directeur}
collaborations:
  - {id: team, name: Team, kind: projectteam, lead: p-een, members: [p-een, p-twee],
     directorates: [dsk], start: 2025-01-01}
"""


def test_owl_rl_would_find_the_old_contradiction(vocabularies):
    """The check can fail: with tvb:member under org:hasMember again, ORG makes the
    collaboration's people organisations, which FOAF declares disjoint with persons."""
    data = compile_registry(make_registry(SMALL))
    old = ontology_graph()
    old.add((TVB.member, RDFS.subPropertyOf, ORG.hasMember))
    errors = _inconsistencies(data, old, vocabularies)
    assert errors and any("disjoint" in e.lower() for e in errors)


def _shacl(data: Graph, vocabularies: Graph) -> tuple[bool, str]:
    ont = ontology_graph()
    for t in vocabularies:
        ont.add(t)
    conforms, _, text = validate(data, shacl_graph=str(SHAPES_PATH), ont_graph=ont,
                                 inference="rdfs", inplace=True)
    return conforms, text


def test_shacl_with_rdfs_inference_conforms_on_the_sample(sample, vocabularies):
    conforms, text = _shacl(compile_registry(sample), vocabularies)
    assert conforms, text[:3000]


def test_shacl_with_rdfs_inference_conforms_on_5000_people(vocabularies):
    from registry.generate import generate
    from registry.validate import registry_from_data

    result = registry_from_data(generate(5000, seed=15))
    assert result.ok and len(result.registry.people) == 5000
    conforms, text = _shacl(compile_registry(result.registry), vocabularies)
    assert conforms, text[:3000]


def test_shacl_with_inference_still_catches_a_broken_graph(vocabularies):
    data = compile_registry(make_registry(SMALL))
    data.remove((None, ORG.subOrganizationOf, None))  # a department of nothing
    conforms, text = _shacl(data, vocabularies)
    assert not conforms and "dsk-a" in text


def test_the_shapes_validate_against_shacl_shacl():
    conforms, _, text = validate(shapes_graph(), shacl_graph=str(VOCABULARIES /
                                                                  "shacl-shacl.ttl"))
    assert conforms, text[:3000]
