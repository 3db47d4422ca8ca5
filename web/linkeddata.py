"""Linked-data URIs that resolve: entity IRIs, the ontology and a VoID description.

* ``/id/{id}`` negotiates (the "303 See Other" recipe of *Cool URIs for the Semantic
  Web*, W3C Interest Group Note, 2008): a browser is sent to the entity's page, an RDF
  client to ``/id/{id}.ttl``, ``.jsonld``, ``.nt`` or ``.rdf``, which hold the entity's
  concise bounded description (every triple with the entity as subject; no blank nodes
  occur) plus the description of the nodes that hang below its IRI (its membership,
  its evaluations), which have no page of their own.
* ``/def/tvb`` serves the TVB ontology: Turtle (or another RDF syntax) to RDF clients, a
  readable page of its classes, properties and concept schemes to browsers.
* ``/.well-known/void`` describes the dataset in VoID (W3C Interest Group Note, 2011;
  the well-known location is its §7.2): triple and entity counts, the classes with their
  sizes, the vocabularies, the URI space and the SPARQL endpoint.

The triples come from the snapshot's Oxigraph store, which holds the register and the
ontology, so a description is a few index lookups at any size.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import flask
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, SKOS

from graph.rdf import ONTOLOGY_PATH, TVB, TVB_NS, base_uri, ontology_graph, prefixes
from render.sparql_results import GRAPH_FORMATS, serialize_graph

from .data import snapshot
from .links import entity_url
from .render import render

__all__ = ["bp", "EXTENSIONS", "describe"]

bp = Blueprint("linkeddata", __name__)

VOID = Namespace("http://rdfs.org/ns/void#")
#: File extension of an RDF document → the format's name in :data:`GRAPH_FORMATS`.
EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
_EXTENSION_OF = {fmt: ext for ext, fmt in EXTENSIONS.items()}
# What an RDF client may name in Accept, mapped to a document extension.
_RDF_ACCEPT = {"text/turtle": "ttl", "application/ld+json": "jsonld",
               "application/n-triples": "nt", "application/rdf+xml": "rdf"}


def _rdf_choice() -> str | None:
    """The extension of the RDF document the client prefers, or None for the HTML page
    (a browser, a missing Accept, or ``*/*``)."""
    accept = request.accept_mimetypes
    named = [m for m in _RDF_ACCEPT if m in accept.values()]
    if not named:
        return None
    best = accept.best_match([*named, "text/html"])
    return _RDF_ACCEPT.get(best) if best else None


def _document(graph: Graph, fmt: str, *, max_age: int | None = None) -> Response:
    resp = Response(serialize_graph(graph, fmt), mimetype=GRAPH_FORMATS[fmt])
    resp.charset = "utf-8"
    resp.headers["Access-Control-Allow-Origin"] = "*"  # public linked data, read-only
    if max_age is not None:
        resp.cache_control.max_age = max_age
    return resp


# -- /id/{id} ---------------------------------------------------------------------------------
@bp.route("/id/<id>")
def by_id(id: str) -> Response:
    """Any id: 303 to the page of its kind, or to its RDF description for an RDF client."""
    e = snapshot().registry.get(id)
    page_url = entity_url(e.kind, id) if e is not None else None
    if page_url is None:
        abort(404, description=f"no entity with id {id[:100]!r}")
    ext = _rdf_choice()
    target = url_for("linkeddata.entity_document", id=id, ext=ext) if ext else page_url
    resp = redirect(target, code=303)
    resp.vary.add("Accept")
    return resp


def describe(store: Any, iri: str, namespaces: dict[str, str]) -> Graph:
    """The description of ``iri`` in the store: its triples, and those of the nodes whose
    IRI extends it (a person's ``{iri}/membership``, a collaboration's
    ``{iri}/evaluation/…``, the organisation's ``{iri}/roles`` and ``{iri}/dossiers``
    schemes and ``{iri}/role/…``)."""
    import pyoxigraph as ox

    from graph.store import to_rdflib

    g = Graph(bind_namespaces="none")
    for p, n in namespaces.items():
        g.bind(p, n)
    todo = [iri, *(f"{iri}/{leaf}" for leaf in _DERIVED)]
    seen: set[str] = set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for q in store.quads_for_pattern(ox.NamedNode(subject), None, None):
            o = to_rdflib(q.object)
            g.add((URIRef(subject), to_rdflib(q.predicate), o))
            if isinstance(o, URIRef) and str(o).startswith(iri + "/"):
                todo.append(str(o))
            elif isinstance(o, BNode):  # pragma: no cover - the compiler makes none
                raise ValueError("blank nodes are not described")
    return g


# Derived nodes that no triple of their entity points to (graph.rdf's IRI scheme).
_DERIVED = ("membership", "roles", "dossiers")


def _per_extension(rule: str):
    """Register a view under ``rule`` + ``.ttl``, ``.jsonld``, ``.nt`` and ``.rdf``, one
    endpoint whose ``ext`` comes from the rule (so ``url_for(..., ext=...)`` works)."""
    def decorate(view):
        for ext in EXTENSIONS:
            bp.add_url_rule(f"{rule}.{ext}", view.__name__, view, defaults={"ext": ext})
        return view
    return decorate


@_per_extension("/id/<id>")
def entity_document(id: str, ext: str) -> Response:
    """The entity's description as Turtle, JSON-LD, N-Triples or RDF/XML."""
    snap = snapshot()
    reg = snap.registry
    if reg.get(id) is None and not (reg.organisation and reg.organisation.id == id):
        abort(404, description=f"no entity with id {id[:100]!r}")
    graph = describe(snap.store, base_uri(reg) + id, prefixes(reg))
    return _document(graph, EXTENSIONS[ext])


# -- /def/tvb ---------------------------------------------------------------------------------
@bp.route("/def/tvb")
def ontology() -> Response:
    """The TVB ontology: RDF to RDF clients, a readable page to browsers."""
    ext = _rdf_choice()
    if ext is not None:
        return ontology_document(ext)
    return render("ontology.html", ontology_outline())


@bp.route("/def/tvb.json")
def ontology_json() -> Response:
    """The ontology page's JSON twin."""
    flask.g.fmt = "json"
    return render("ontology.html", ontology_outline())


@_per_extension("/def/tvb")
def ontology_document(ext: str) -> Response:
    if ext == "ttl":  # the file as written, comments and all
        resp = Response(ONTOLOGY_PATH.read_bytes(), mimetype="text/turtle")
        resp.charset = "utf-8"
        resp.headers["Access-Control-Allow-Origin"] = "*"
    else:
        resp = _document(_ontology(), EXTENSIONS[ext])
    resp.vary.add("Accept")
    return resp


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    g = ontology_graph()
    for p, n in prefixes().items():
        g.bind(p, n, override=True)
    return g


def _curie(term: Any, nss: list[tuple[str, str]]) -> str:
    s = str(term)
    for prefix, ns in nss:
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


@lru_cache(maxsize=1)
def ontology_outline() -> dict[str, Any]:
    """The ontology as plain data for its page (and its JSON twin): classes, properties
    and concept schemes with their labels, comments and links to the standards."""
    g = _ontology()
    nss = sorted(((p, str(n)) for p, n in prefixes().items()), key=lambda pn: -len(pn[1]))

    def texts(s: URIRef, prop: URIRef) -> dict[str, str]:
        return {o.language or "": str(o) for o in g.objects(s, prop) if isinstance(o, Literal)}

    def term(s: URIRef) -> dict[str, Any]:
        return {
            "iri": str(s), "name": str(s)[len(str(TVB_NS)):], "curie": _curie(s, nss),
            "label": texts(s, RDFS.label) or texts(s, SKOS.prefLabel),
            "comment": texts(s, RDFS.comment) or texts(s, SKOS.definition),
            "types": sorted(_curie(t, nss) for t in g.objects(s, RDF.type)),
            "super": sorted(_curie(o, nss) for p in (RDFS.subClassOf, RDFS.subPropertyOf)
                            for o in g.objects(s, p)),
            "domain": sorted(_curie(o, nss) for o in g.objects(s, RDFS.domain)),
            "range": sorted(_curie(o, nss) for o in g.objects(s, RDFS.range)),
        }

    ours = [s for s in set(g.subjects()) if isinstance(s, URIRef) and str(s).startswith(
        str(TVB_NS))]
    classes = sorted((s for s in ours if (s, RDF.type, OWL.Class) in g), key=str)
    props = sorted((s for s in ours if any((s, RDF.type, k) in g for k in (
        OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty))), key=str)
    schemes = sorted((s for s in ours if (s, RDF.type, SKOS.ConceptScheme) in g), key=str)
    onto = URIRef(str(TVB_NS).rstrip("#"))
    return {
        "iri": str(onto),
        "title": texts(onto, DCTERMS.title),
        "description": texts(onto, DCTERMS.description),
        "version": str(g.value(onto, OWL.versionInfo) or ""),
        "classes": [term(s) for s in classes],
        "properties": [term(s) for s in props],
        "schemes": [{**term(s), "concepts": [term(c) for c in sorted(
            g.objects(s, SKOS.hasTopConcept), key=str)]} for s in schemes],
        "formats": {ext: url_for("linkeddata.ontology_document", ext=ext)
                    for ext in EXTENSIONS},
    }


# -- /.well-known/void ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _ontology_size() -> int:
    return len(ontology_graph())


_VOCABULARIES = (ORG, FOAF, SKOS, DCTERMS, PROV, TVB_NS)
_CLASSES = (ORG.Organization, ORG.OrganizationalUnit, TVB.Directorate, TVB.Department,
            FOAF.Person, ORG.Membership, ORG.Role, TVB.Dossier, TVB.Process,
            ORG.OrganizationalCollaboration, TVB.Evaluation)


@bp.route("/.well-known/void")
def void() -> Response:
    """A VoID description of the register's dataset (Turtle unless another RDF syntax
    is asked for)."""
    import pyoxigraph as ox

    snap = snapshot()
    reg = snap.registry
    store = snap.store
    here = request.url_root
    dataset = URIRef(here + ".well-known/void#register")
    g = Graph(bind_namespaces="none")
    for p, n in {**prefixes(reg), "void": str(VOID)}.items():
        g.bind(p, n)
    total = len(store)
    own = total - _ontology_size()
    title = reg.organisation.name if reg.organisation else "TVB-register"
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal(f"TVB-register: {title}", lang="nl")))
    g.add((dataset, DCTERMS.description, Literal(
        "Taken, verantwoordelijkheden en bevoegdheden (TVB) en samenwerking tussen "
        "directies, als kennisgraaf.", lang="nl")))
    g.add((dataset, VOID.triples, Literal(own)))
    entities = (len(reg.units) + len(reg.people) + len(reg.dossiers) + len(reg.processes)
                + len(reg.collaborations) + (1 if reg.organisation else 0))
    g.add((dataset, VOID.entities, Literal(entities)))
    g.add((dataset, VOID.uriSpace, Literal(base_uri(reg))))
    g.add((dataset, VOID.uriLookupEndpoint, Literal(here + "id/")))
    if current_app.config["SPARQL_ENABLED"]:
        g.add((dataset, VOID.sparqlEndpoint, URIRef(here + "sparql")))
    for ns in _VOCABULARIES:
        g.add((dataset, VOID.vocabulary, URIRef(str(ns))))
    nss = [(p, str(ns)) for p, ns in prefixes().items()]
    for cls in _CLASSES:
        n = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                                   ox.NamedNode(str(cls))))
        if n:
            part = URIRef(f"{dataset}-{_curie(cls, nss).replace(':', '-')}")
            g.add((dataset, VOID.classPartition, part))
            g.add((part, VOID["class"], cls))
            g.add((part, VOID.entities, Literal(n)))
    first = next(iter(reg.people), None)
    if first is not None:
        g.add((dataset, VOID.exampleResource, URIRef(base_uri(reg) + first)))
    # The ontology is served with the data (the SPARQL endpoint holds both): a subset.
    onto = URIRef(here + ".well-known/void#ontology")
    g.add((dataset, VOID.subset, onto))
    g.add((onto, RDF.type, VOID.Dataset))
    g.add((onto, DCTERMS.title, Literal("TVB-ontologie", lang="nl")))
    g.add((onto, VOID.triples, Literal(_ontology_size())))
    g.add((onto, VOID.dataDump, URIRef(here + "def/tvb.ttl")))
    g.add((onto, VOID.rootResource, URIRef(str(TVB_NS).rstrip("#"))))
    ext = _rdf_choice() or "ttl"
    resp = _document(g, EXTENSIONS[ext])
    resp.vary.add("Accept")
    return resp
