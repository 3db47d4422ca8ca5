"""``/sparql`` with the SPARQL clients people use: SPARQLWrapper and rdflib's SPARQLStore,
against the viewer served on a loopback port.  Each query form in each format the client
offers must come back as the right kind of result with the right content."""

from __future__ import annotations

import io
import warnings
import xml.dom.minidom

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from tests.conftest import SAMPLE, _viewer
from tests.servers import serve

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

PREFIXES = ("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
            "PREFIX tvb: <https://tvb.example.org/def/tvb#>\n")
SELECT = PREFIXES + "SELECT ?p ?name WHERE { ?p a foaf:Person ; foaf:name ?name }"
ASK_YES = PREFIXES + "ASK { ?p a foaf:Person }"
ASK_NO = PREFIXES + "ASK { ?p a tvb:NoSuchClass }"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?p foaf:name ?name } WHERE { ?p foaf:name ?name }"
PERSON = "https://tvb.example.org/id/h-steenwijker"
DESCRIBE = f"DESCRIBE <{PERSON}>"


@pytest.fixture(scope="module")
def endpoint():
    app = _viewer(SAMPLE)
    snap = app.extensions["tvb.snapshots"].current
    snap.store  # noqa: B018 - built before any query child is forked
    with serve(app) as base:
        yield base + "/sparql", snap


@pytest.fixture(scope="module")
def expected(endpoint):
    """What the answers must hold, counted on the compiled graph itself."""
    from graph.rdf import compile_registry

    _, snap = endpoint
    g = compile_registry(snap.registry)
    people = len(snap.registry.people)
    described = len(list(g.triples((__import__("rdflib").URIRef(PERSON), None, None))))
    assert people > 10 and described > 5
    return {"people": people, "described": described}


# -- SPARQLWrapper ----------------------------------------------------------------------------
def _wrapper(url: str, query: str, fmt: str, method: str):
    from SPARQLWrapper import SPARQLWrapper as Wrapper

    w = Wrapper(url)
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    with warnings.catch_warnings():
        # SPARQLWrapper warns when the answer's media type is not the one it asked for, or
        # one it does not know: that would be a failure here.  (It also warns, about
        # itself, when it sends Accept: */* for a format name such as 'rdf'.)
        warnings.filterwarnings("error", message="Format requested was",
                                category=RuntimeWarning)
        warnings.filterwarnings("error", message="unknown response content type",
                                category=RuntimeWarning)
        result = w.query()
        return result._get_responseFormat(), result.convert()


def _rows_of_table(fmt: str, converted) -> int:
    if fmt == "json":
        return len(converted["results"]["bindings"])
    if fmt == "xml":
        assert isinstance(converted, xml.dom.minidom.Document)
        return len(converted.getElementsByTagName("result"))
    lines = converted.decode("utf-8").strip().splitlines()
    return len(lines) - 1  # csv, tsv: a header, then one line per row


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select(endpoint, expected, fmt, method):
    url, _ = endpoint
    got_format, converted = _wrapper(url, SELECT, fmt, method)
    assert got_format == fmt
    assert _rows_of_table(fmt, converted) == expected["people"]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_ask(endpoint, fmt):
    url, _ = endpoint
    for query, answer in ((ASK_YES, True), (ASK_NO, False)):
        got_format, converted = _wrapper(url, query, fmt, "GET")
        assert got_format == fmt
        if fmt == "json":
            assert converted["boolean"] is answer
        elif fmt == "xml":
            (node,) = converted.getElementsByTagName("boolean")
            assert node.firstChild.data == ("true" if answer else "false")
        else:
            assert converted.decode().split()[-1] == ("true" if answer else "false")


# SPARQLWrapper's names for a graph result, with the format each gives and how it comes:
# rdflib graphs for RDF/XML and JSON-LD, the raw text for Turtle and N3.
GRAPH_FORMATS = [
    ("xml", "rdf+xml"), ("rdf", "rdf+xml"), ("rdf+xml", "rdf+xml"),
    ("turtle", "turtle"), ("n3", "n3"), ("json-ld", "json-ld"), ("json", "json-ld"),
]


def _graph_of(converted, fmt: str) -> Graph:
    if isinstance(converted, Graph):
        return converted
    return Graph().parse(data=converted, format="n3" if fmt == "n3" else "turtle")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt, gives", GRAPH_FORMATS)
def test_sparqlwrapper_construct_and_describe(endpoint, expected, fmt, gives, method):
    url, _ = endpoint
    for query, n in ((CONSTRUCT, expected["people"]), (DESCRIBE, expected["described"])):
        got_format, converted = _wrapper(url, query, fmt, method)
        assert got_format == gives, (query, got_format)
        if gives in ("rdf+xml", "json-ld"):
            assert isinstance(converted, Graph)
        else:
            assert isinstance(converted, bytes)
        assert len(_graph_of(converted, fmt)) == n


# -- rdflib's SPARQLStore ----------------------------------------------------------------------
def _store_graph(url: str, fmt: str, method: str = "GET") -> Graph:
    return Graph(store=SPARQLStore(url, returnFormat=fmt, method=method))


@pytest.mark.parametrize("method", ["GET", "POST_FORM", "POST"])
@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
def test_sparqlstore_select(endpoint, expected, fmt, method):
    url, _ = endpoint
    result = _store_graph(url, fmt, method).query(SELECT)
    assert result.type == "SELECT"
    rows = list(result)
    assert len(rows) == expected["people"]
    assert all(str(row.p).startswith("https://tvb.example.org/id/") for row in rows)


# rdflib reads ASK answers only from the JSON and XML formats (the W3C CSV/TSV formats
# define no boolean result), so those are the formats SPARQLStore offers for ASK.
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_sparqlstore_ask(endpoint, fmt):
    url, _ = endpoint
    g = _store_graph(url, fmt)
    assert g.query(ASK_YES).askAnswer is True
    assert g.query(ASK_NO).askAnswer is False


# For a graph result SPARQLStore asks for the RDF syntax of its return format: RDF/XML
# for its default 'xml', and Turtle, N-Triples, N3 or JSON-LD when named.
@pytest.mark.parametrize("fmt", ["xml", "turtle", "nt", "n3", "json-ld"])
def test_sparqlstore_construct_and_describe(endpoint, expected, fmt):
    url, _ = endpoint
    g = _store_graph(url, fmt)
    for query, n in ((CONSTRUCT, expected["people"]), (DESCRIBE, expected["described"])):
        result = g.query(query)
        assert result.type == "CONSTRUCT"
        assert len(result.graph) == n


def test_sparqlstore_json_has_no_graph_format_and_gets_406(endpoint):
    """'json' names only the results format, which cannot hold a graph: the endpoint says
    406 instead of sending a table the client would misread."""
    import urllib.error
    import urllib.parse
    import urllib.request

    url, _ = endpoint
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": CONSTRUCT}),
                                 headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 406
    assert err.value.headers.get_content_type() in ("application/json", "text/plain")


def test_triple_counts_agree_across_formats(endpoint, expected):
    """The same CONSTRUCT in every graph format parses to the same triples."""
    import urllib.parse
    import urllib.request

    url, _ = endpoint
    graphs = {}
    for mime, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                      ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
                      ("text/n3", "n3")]:
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": CONSTRUCT}),
                                     headers={"Accept": mime})
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.headers.get_content_type() == mime
            graphs[mime] = Graph().parse(io.BytesIO(resp.read()), format=fmt)
    first = next(iter(graphs.values()))
    assert len(first) == expected["people"]
    assert all(set(g) == set(first) for g in graphs.values())
