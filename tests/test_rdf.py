"""The compiled RDF graph: IRIs, mapping, vocabularies, ontology and SHACL shapes."""

from __future__ import annotations

import pytest
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SKOS

from graph.rdf import (
    TVB,
    TVB_NS,
    compile_registry,
    entity_iri,
    iter_triples,
    ontology_graph,
    shapes_graph,
)
from tests.conftest import make_registry, register

B = "https://tvb.example.org/id/"
# Not rdflib's XSD: it is an open namespace, and pytest's look at module attributes
# would make it warn.
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
TOOI = URIRef("https://identifier.overheid.nl/tooi/id/ministerie/mnre1018")

SMALL = """\
    schema: 1
    organisation:
      id: dgb
      name: Directoraat-Generaal Beleid
      parent: Ministerie van Defensie
      parent_uri: https://identifier.overheid.nl/tooi/id/ministerie/mnre1018
    settings:
      base_uri: https://tvb.example.org/id/
    directorates:
      - id: cio
        name: Chief Information Office
        abbreviation: CIO
        axis: functional
        head: a-jansen
        tasks: [IT-beleid]
        reviewed: 2026-10-01
        departments:
          - id: cio-cyber
            name: Afdeling Cyber
            head: b-bakker
            tasks: [Digitale weerbaarheid]
            reviewed: 2026-10-01
      - id: dsk
        name: Directie Strategie en Kennis
        abbreviation: DSK
        axis: integrating
        head: d-smit
        reviewed: 2026-10-01
      - id: kabinet-dgb
        name: Kabinet DGB
        axis: staff
        reviewed: 2026-10-01
    people:
      - id: a-jansen
        name: A. Jansen
        unit: cio
        function: Directeur CIO
        email: a.jansen@example.org
        phone: "+31 70 000 0001"
        reviewed: 2026-10-01
      - id: b-bakker
        name: B. Bakker
        unit: cio-cyber
        function: Hoofd afdeling Cyber
        reviewed: 2026-10-01
      - id: c-visser
        name: C. Visser
        unit: cio-cyber
        function: Senior beleidsmedewerker cyber
        email: c.visser@example.org
        phone: "+31 70 000 0003"
        reviewed: 2026-10-01
      - id: d-smit
        name: D. Smit
        unit: dsk
        function: senior beleidsmedewerker Cyber
        reviewed: 2026-10-01
    dossiers:
      - id: cyberstrategie
        title: Defensie Cyber Strategie
        description: Strategie voor digitale weerbaarheid.
        keywords: [cyber, digitale weerbaarheid]
        owner: c-visser
        deputy: b-bakker
        involved: [dsk, d-smit]
        authority: a-jansen
        process: strategisch-beleid
        reviewed: 2026-10-01
      - id: kennisagenda
        title: Kennisagenda Defensie
        owner: d-smit
        reviewed: 2026-10-01
      - id: oud-dossier
        title: Oud dossier
        status: closed
    processes:
      - id: strategisch-beleid
        name: Opstellen strategisch beleid
        penvoerder: dsk
        involve: all
    collaborations:
      - id: gevaarlijke-stoffen
        name: Projectteam Gevaarlijke Stoffen
        kind: projectteam
        mode: voluntary
        lead: c-visser
        members: [c-visser, d-smit]
        directorates: [kabinet-dgb]
        dossiers: [cyberstrategie]
        purpose: Eén beleidslijn.
        start: 2021-03-01
        end: 2022-06-30
        evaluations:
          - date: 2022-07-05
            worthwhile: 4
            lessons: [Vroeg betrekken scheelt dubbel werk.]
            factors: {urgentie: 5, middelen: 1}
          - date: 2022-07-05
            worthwhile: 3
"""


def iri(id: str) -> URIRef:
    return URIRef(B + id)


@pytest.fixture(scope="module")
def small():
    return make_registry(SMALL)


@pytest.fixture(scope="module")
def small_graph(small) -> Graph:
    return compile_registry(small)


@pytest.fixture(scope="module")
def sample_graph(sample) -> Graph:
    return compile_registry(sample)


def conforms(g: Graph) -> tuple[bool, Graph, str]:
    return shacl_validate(g, shacl_graph=shapes_graph())


def focus_nodes(report: Graph) -> set:
    sh = "http://www.w3.org/ns/shacl#"
    return set(report.objects(None, URIRef(sh + "focusNode")))


# -- IRIs ---------------------------------------------------------------------------------
def test_entity_iri_is_base_plus_id(small):
    assert entity_iri(small, "c-visser") == iri("c-visser")


def test_base_uri_without_separator_gets_a_slash():
    reg = make_registry(register(settings={"base_uri": "https://data.example.org/tvb"},
                                 directorates=["{id: dsk, name: DSK, axis: integrating}"]))
    assert entity_iri(reg, "dsk") == URIRef("https://data.example.org/tvb/dsk")


def test_iris_are_stable_whatever_the_order_of_the_file(small):
    # Same register with the dossiers and people listed in reverse: the same triples.
    lines = SMALL.splitlines()
    start, end = lines.index("    dossiers:"), lines.index("    processes:")
    dossier_blocks = "\n".join(lines[start + 1:end]).split("\n      - ")
    dossier_blocks = [b if b.startswith("      - ") else "      - " + b for b in dossier_blocks]
    reordered = "\n".join(lines[:start + 1] + dossier_blocks[::-1] + lines[end:]) + "\n"
    other = make_registry(reordered)
    assert list(other.dossiers) == ["oud-dossier", "kennisagenda", "cyberstrategie"]
    assert set(compile_registry(other)) == set(compile_registry(small))


def test_derived_iris(small_graph):
    g = small_graph
    # The membership of c-visser hangs under the person's IRI.
    m = URIRef(B + "c-visser/membership")
    assert (m, RDF.type, ORG.Membership) in g
    assert (m, ORG.member, iri("c-visser")) in g
    assert (m, ORG.organization, iri("cio-cyber")) in g
    # Two evaluations on 2022-07-05: the second gets "-2".
    evs = set(g.objects(iri("gevaarlijke-stoffen"), TVB.evaluation))
    assert evs == {URIRef(B + "gevaarlijke-stoffen/evaluation/2022-07-05"),
                   URIRef(B + "gevaarlijke-stoffen/evaluation/2022-07-05-2")}
    assert (URIRef(B + "dgb/dossiers"), RDF.type, SKOS.ConceptScheme) in g


# -- the mapping ---------------------------------------------------------------------------
def test_organisation_and_units(small_graph):
    g = small_graph
    assert (iri("dgb"), RDF.type, ORG.Organization) in g
    assert (iri("dgb"), ORG.subOrganizationOf, TOOI) in g
    assert (TOOI, SKOS.prefLabel, Literal("Ministerie van Defensie", lang="nl")) in g
    # Directorates are units of the organisation, departments of their directorate.
    assert set(g.subjects(ORG.unitOf, iri("dgb"))) == {iri("cio"), iri("dsk"), iri("kabinet-dgb")}
    # A department is not org:unitOf (range FormalOrganization) but subOrganizationOf.
    assert (iri("cio-cyber"), ORG.subOrganizationOf, iri("cio")) in g
    assert (iri("cio"), ORG.hasSubOrganization, iri("cio-cyber")) in g
    assert not set(g.objects(iri("cio-cyber"), ORG.unitOf))
    assert (iri("dgb"), RDF.type, ORG.FormalOrganization) in g
    assert (iri("cio"), RDF.type, TVB.Directorate) in g
    assert (iri("cio-cyber"), RDF.type, TVB.Department) in g
    assert (iri("cio"), ORG.classification, TVB["axis-functional"]) in g
    assert (iri("dsk"), ORG.classification, TVB["axis-integrating"]) in g
    assert (iri("cio"), SKOS.notation, Literal("CIO")) in g
    assert (iri("cio-cyber"), ORG.purpose, Literal("Digitale weerbaarheid", lang="nl")) in g
    assert (iri("a-jansen"), ORG.headOf, iri("cio")) in g
    assert (iri("b-bakker"), ORG.headOf, iri("cio-cyber")) in g
    # reviewed is when it was confirmed, not modified: a tvb: property
    assert (iri("cio"), TVB.reviewed, Literal("2026-10-01", datatype=XSD_DATE)) in g
    assert not set(g.triples((None, DCTERMS.modified, None)))


def test_people(small_graph):
    g = small_graph
    p = iri("c-visser")
    assert (p, RDF.type, FOAF.Person) in g
    assert (p, FOAF.name, Literal("C. Visser")) in g
    assert (p, FOAF.mbox, URIRef("mailto:c.visser@example.org")) in g
    assert (p, FOAF.phone, URIRef("tel:+31700000003")) in g  # spaces are not allowed in tel:
    assert (p, ORG.memberOf, iri("cio-cyber")) in g
    assert (p, DCTERMS.identifier, Literal("c-visser")) in g
    # b-bakker has no e-mail or phone: no triple rather than an empty one.
    assert not set(g.objects(iri("b-bakker"), FOAF.mbox))


def test_roles_are_shared_by_function_title(small_graph):
    g = small_graph
    # "Senior beleidsmedewerker cyber" (c-visser) and "senior beleidsmedewerker Cyber"
    # (d-smit) have the same slug: one role, labelled as first written.  With "Directeur
    # CIO" and "Hoofd afdeling Cyber" that makes three roles.
    roles = set(g.subjects(RDF.type, ORG.Role))
    assert len(roles) == 3
    role = URIRef(B + "dgb/role/senior-beleidsmedewerker-cyber-92f3dc2d")
    assert role in roles
    assert list(g.objects(role, SKOS.prefLabel)) == [
        Literal("Senior beleidsmedewerker cyber", lang="nl")]
    assert (URIRef(B + "d-smit/membership"), ORG.role, role) in g
    # the roles are the top concepts of one scheme
    scheme = URIRef(B + "dgb/roles")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == roles
    assert all((r, SKOS.topConceptOf, scheme) in g for r in roles)


def test_role_iris_never_collide():
    titles = ["Beleid & plannen", "beleid-plannen", "Беседа", "会议", "Συντονιστής",
              "BELEID  &  Plannen"]
    reg = make_registry(
        "schema: 1\norganisation: {id: dgb, name: DGB}\n"
        "directorates: [{id: dsk, name: DSK, axis: integrating}]\npeople:\n"
        + "".join(f"  - {{id: p{i}, name: P{i}, unit: dsk, function: '{t}'}}\n"
                  for i, t in enumerate(titles)))
    g = compile_registry(reg)
    roles = {g.value(URIRef(f"{B}p{i}/membership"), ORG.role) for i in range(len(titles))}
    # the first and the last differ only in case and spacing: one role; all others differ
    assert len(roles) == len(titles) - 1
    assert all(str(r).rsplit("/", 1)[1].strip("-") for r in roles)


def test_dossiers(small_graph):
    g = small_graph
    d = iri("cyberstrategie")
    assert {(d, RDF.type, SKOS.Concept), (d, RDF.type, TVB.Dossier)} <= set(g)
    assert (d, SKOS.inScheme, URIRef(B + "dgb/dossiers")) in g
    assert (d, SKOS.prefLabel, Literal("Defensie Cyber Strategie", lang="nl")) in g
    assert set(g.objects(d, SKOS.altLabel)) == {Literal("cyber", lang="nl"),
                                               Literal("digitale weerbaarheid", lang="nl")}
    assert (d, SKOS.definition, Literal("Strategie voor digitale weerbaarheid.", lang="nl")) in g
    assert (d, TVB.owner, iri("c-visser")) in g
    assert (d, TVB.deputy, iri("b-bakker")) in g
    assert set(g.objects(d, TVB.involved)) == {iri("dsk"), iri("d-smit")}
    assert (d, TVB.authority, iri("a-jansen")) in g
    assert (d, TVB.process, iri("strategisch-beleid")) in g
    assert (d, TVB.status, TVB["status-active"]) in g
    # No penvoerder written: the owner's directorate. c-visser works in cio-cyber, so CIO;
    # d-smit works in dsk, so DSK.
    assert (d, TVB.penvoerder, iri("cio")) in g
    assert (iri("kennisagenda"), TVB.penvoerder, iri("dsk")) in g
    assert (iri("oud-dossier"), TVB.status, TVB["status-closed"]) in g
    assert not set(g.objects(iri("oud-dossier"), TVB.owner))


def test_process_involve_all_means_every_directorate_but_staff(small_graph):
    g = small_graph
    p = iri("strategisch-beleid")
    assert {(p, RDF.type, TVB.Process), (p, RDF.type, PROV.Plan)} <= set(g)
    assert (p, TVB.penvoerder, iri("dsk")) in g
    assert (p, TVB.involvesAll, Literal(True)) in g
    # cio (functional) and dsk (integrating); kabinet-dgb is staff.
    assert set(g.objects(p, TVB.mustInvolve)) == {iri("cio"), iri("dsk")}


def test_collaborations_and_evaluations(small_graph):
    g = small_graph
    c = iri("gevaarlijke-stoffen")
    assert (c, RDF.type, ORG.OrganizationalCollaboration) in g
    assert (c, ORG.classification, TVB["kind-projectteam"]) in g
    assert (c, TVB.mode, TVB["mode-voluntary"]) in g
    assert (c, TVB.lead, iri("c-visser")) in g
    assert set(g.objects(c, TVB.member)) == {iri("c-visser"), iri("d-smit")}
    assert set(g.objects(c, ORG.hasMember)) == {iri("kabinet-dgb")}
    assert set(g.objects(c, DCTERMS.subject)) == {iri("cyberstrategie")}
    assert (c, ORG.purpose, Literal("Eén beleidslijn.", lang="nl")) in g
    assert (c, TVB.startDate, Literal("2021-03-01", datatype=XSD_DATE)) in g
    assert (c, TVB.endDate, Literal("2022-06-30", datatype=XSD_DATE)) in g
    e = URIRef(B + "gevaarlijke-stoffen/evaluation/2022-07-05")
    assert (e, RDF.type, TVB.Evaluation) in g
    assert (e, DCTERMS.date, Literal("2022-07-05", datatype=XSD_DATE)) in g
    assert (e, TVB.worthwhile, Literal(4)) in g
    assert (e, TVB.lesson, Literal("Vroeg betrekken scheelt dubbel werk.", lang="nl")) in g
    assert (e, TVB.urgentie, Literal(5)) in g
    assert (e, TVB.middelen, Literal(1)) in g
    assert not set(g.objects(e, TVB.steun))  # not scored, so absent


def test_register_without_organisation_gets_one():
    reg = make_registry(register(directorates=[
        "{id: dsk, name: DSK, axis: integrating}",
        "{id: organisation, name: Een directie die zo heet, axis: staff}"]))
    g = compile_registry(reg)
    # "organisation" is taken by a directorate, so the stand-in is "organisation-2".
    stand_in = iri("organisation-2")
    assert (stand_in, RDF.type, ORG.Organization) in g
    assert (iri("dsk"), ORG.unitOf, stand_in) in g
    assert conforms(g)[0]


def test_iter_triples_has_no_duplicates(small, small_graph):
    triples = list(iter_triples(small))
    assert len(triples) == len(set(triples)) == len(small_graph)


def test_graph_binds_the_prefixes(small_graph):
    bound = dict(small_graph.namespaces())
    assert bound["id"] == URIRef(B)
    assert bound["tvb"] == URIRef(str(TVB_NS))
    assert bound["org"] == URIRef(str(ORG))


def test_with_ontology_adds_the_ontology(small):
    g = compile_registry(small, with_ontology=True)
    assert len(g) == len(compile_registry(small)) + len(ontology_graph())


# -- vocabularies and ontology -------------------------------------------------------------
def test_closed_namespaces_raise_on_typos():
    with pytest.raises(AttributeError):
        ORG.unitof  # noqa: B018
    with pytest.raises(AttributeError):
        FOAF.nmae  # noqa: B018
    with pytest.raises(AttributeError):
        TVB.penvoeder  # noqa: B018


def test_every_standard_term_used_exists_in_its_vocabulary(sample_graph, small_graph):
    closed = (ORG, FOAF, SKOS, DCTERMS, PROV)
    used = 0
    for g in (sample_graph, small_graph):
        for triple in g:
            for term in triple:
                for ns in closed:
                    if isinstance(term, URIRef) and str(term).startswith(str(ns)):
                        used += 1
                        assert term in ns, f"{term} is not a term of {ns}"
    assert used > 1000


def test_every_tvb_term_used_is_declared_in_the_ontology(sample_graph, small_graph):
    onto = ontology_graph()
    declared = {s for s in onto.subjects() if str(s).startswith(str(TVB_NS))}
    used = {t for g in (sample_graph, small_graph) for triple in g for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(TVB_NS))}
    assert used and used <= declared, used - declared


def test_the_closed_tvb_namespace_matches_the_ontology():
    onto = ontology_graph()
    declared = {str(s)[len(str(TVB_NS)):] for s in onto.subjects()
                if str(s).startswith(str(TVB_NS))}
    in_python = {str(t)[len(str(TVB_NS)):] for t in dir(TVB)} | set(TVB._extras)
    assert declared == in_python


def test_ontology_terms_are_labelled_in_dutch_and_english():
    onto = ontology_graph()
    for s in set(onto.subjects()):
        if not str(s).startswith(str(TVB_NS)):
            continue
        labels = set(onto.objects(s, RDFS.label)) | set(onto.objects(s, SKOS.prefLabel))
        assert {lit.language for lit in labels} >= {"nl", "en"}, s
        if (s, RDF.type, SKOS.Concept) not in onto and (s, RDF.type,
                                                         SKOS.ConceptScheme) not in onto:
            comments = set(onto.objects(s, RDFS.comment))
            assert {lit.language for lit in comments} >= {"nl", "en"}, s


def test_ontology_links_to_standard_terms():
    onto = ontology_graph()
    assert (TVB.Directorate, RDFS.subClassOf, ORG.OrganizationalUnit) in onto
    assert (TVB.Dossier, RDFS.subClassOf, SKOS.Concept) in onto
    assert (TVB.owner, RDFS.subPropertyOf, PROV.wasAttributedTo) in onto
    # not org:hasMember: ORG wants a collaboration's members to be organisations
    assert not set(onto.objects(TVB.member, RDFS.subPropertyOf))
    assert (TVB.reviewed, RDFS.subPropertyOf, DCTERMS.date) in onto
    factors = set(onto.subjects(RDFS.subPropertyOf, TVB.factorScore))
    assert len(factors) == 7


# -- SHACL ---------------------------------------------------------------------------------
def test_sample_conforms_to_the_shapes(sample_graph):
    ok, _, text = conforms(sample_graph)
    assert ok, text


def test_small_register_conforms_to_the_shapes(small_graph):
    ok, _, text = conforms(small_graph)
    assert ok, text


def test_broken_graph_does_not_conform_and_names_the_focus_nodes(small):
    g = compile_registry(small)
    g.remove((iri("cyberstrategie"), TVB.owner, None))  # an active dossier without owner
    g.remove((iri("c-visser"), ORG.memberOf, None))  # a person without a unit
    ok, report, text = conforms(g)
    assert not ok
    assert focus_nodes(report) == {iri("cyberstrategie"), iri("c-visser")}
    assert "cyberstrategie" in text and "c-visser" in text
    assert "active dossier has exactly one owner" in text
    assert "works in a unit" in text


def test_an_ownerless_active_dossier_from_the_data_does_not_conform():
    # Valid data (the validator only warns, W105), but the graph breaks the shape.
    reg = make_registry(register(organisation={"id": "dgb", "name": "DGB"},
                                 directorates=["{id: dsk, name: DSK, axis: integrating}"],
                                 dossiers=["{id: wees, title: Weesdossier}"]))
    ok, report, _ = conforms(compile_registry(reg))
    assert not ok
    assert focus_nodes(report) == {iri("wees")}


def test_a_department_of_a_person_does_not_conform(small):
    g = compile_registry(small)
    g.remove((iri("cio-cyber"), ORG.subOrganizationOf, None))
    g.add((iri("cio-cyber"), ORG.subOrganizationOf, iri("a-jansen")))
    ok, report, _ = conforms(g)
    assert not ok
    assert iri("cio-cyber") in focus_nodes(report)
