"""Every SPARQL result format, and the choice between them, in one place.

A :class:`graph.sparql.QueryResult` (from rdflib or Oxigraph) is turned into

* for ``SELECT`` and ``ASK``: the W3C SPARQL 1.1 Query Results JSON, XML, CSV and TSV
  formats, or an aligned text table for the terminal;
* for ``CONSTRUCT`` and ``DESCRIBE``: Turtle, N-Triples, RDF/XML, JSON-LD or N3 (served
  as Turtle, which N3 contains).

:func:`negotiate` picks the format of a ``/sparql`` answer from the ``Accept`` header
(SPARQL 1.1 Protocol §2.1) or a ``format``/``output`` parameter, accepting the values
SPARQLWrapper sends (``xml``, ``json``, ``rdf+xml``, ``json-ld``, ``n3``, ``turtle``,
``csv``, ``tsv`` and MIME types), which name different formats for a table and a graph
(``xml`` is RDF/XML for a ``CONSTRUCT``).  ``tvb query`` (``table``, ``json``, ``csv``)
and the viewer's endpoint both format through this module.

References: SPARQL 1.1 Query Results JSON Format, XML Format (second edition), CSV and TSV
Formats (W3C Recommendations, 2013); SPARQL 1.1 Protocol (W3C Recommendation, 2013).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rdflib import BNode, Graph, URIRef

from graph.sparql import QueryResult

from .i18n import DEFAULT_LANGUAGE, translate

__all__ = [
    "TABLE_FORMATS",
    "GRAPH_FORMATS",
    "CLI_FORMATS",
    "MIMETYPES",
    "NotAcceptable",
    "UnknownFormat",
    "is_graph",
    "negotiate",
    "to_json",
    "to_csv",
    "to_tsv",
    "to_xml",
    "to_table",
    "to_graph",
    "serialize_graph",
    "render_result",
    "format_result",
]

#: Result formats of SELECT and ASK → their media type.
TABLE_FORMATS: Mapping[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Result formats of CONSTRUCT and DESCRIBE (and RDF documents) → their media type.
GRAPH_FORMATS: Mapping[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "n3": "text/n3",
}
#: Every format name → media type (``html`` is the viewer's page).
MIMETYPES: Mapping[str, str] = {**TABLE_FORMATS, **GRAPH_FORMATS, "html": "text/html"}
#: Formats of ``tvb query``.
CLI_FORMATS = ("table", "json", "csv")

# What an Accept header may name, in order of preference for */* (the first is the default).
_TABLE_OFFERS: Sequence[tuple[str, str]] = (
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
)
_GRAPH_OFFERS: Sequence[tuple[str, str]] = (
    ("text/turtle", "turtle"), ("application/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"), ("text/plain", "ntriples"),
    ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
    ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
    ("application/x-json+ld", "jsonld"),
    ("text/n3", "n3"), ("text/rdf+n3", "n3"), ("application/n3", "n3"),
)
# format= / output= values (SPARQLWrapper's names, common short names, media types).
_TABLE_NAMES = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    **{mime: name for mime, name in _TABLE_OFFERS},
}
_GRAPH_NAMES = {
    "turtle": "turtle", "ttl": "turtle", "nt": "ntriples", "ntriples": "ntriples",
    "n-triples": "ntriples", "xml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml",
    "rdfxml": "rdfxml", "json": "jsonld", "json-ld": "jsonld", "jsonld": "jsonld", "n3": "n3",
    **{mime: name for mime, name in _GRAPH_OFFERS},
}


class UnknownFormat(ValueError):
    """A ``format`` parameter naming no format this endpoint knows (HTTP 400)."""


class NotAcceptable(ValueError):
    """No format the client accepts fits the result (HTTP 406)."""


def is_graph(kind: str | None) -> bool:
    """Whether a query form answers with a graph (CONSTRUCT, DESCRIBE) or None."""
    return kind in ("CONSTRUCT", "DESCRIBE")


def negotiate(kind: str | None, accept: Any, format_values: Iterable[str] = (), *,
              html: bool = True) -> str:
    """The format of a SPARQL answer: a key of :data:`MIMETYPES`.

    Parameters
    ----------
    kind : str or None
        ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``; ``None`` before the query ran
        (then every format counts, the table formats first).  ``RDF`` asks for a graph
        format with no query at all (a service description).
    accept : werkzeug.datastructures.MIMEAccept
        The request's ``Accept`` header.
    format_values : iterable of str
        The values of ``format`` and ``output`` parameters, first match wins (SPARQLWrapper
        sends a short name and, for some formats, the media type too).
    html : bool
        Whether the viewer's HTML page is an option.

    Raises
    ------
    UnknownFormat
        A format parameter that names nothing known.
    NotAcceptable
        A format parameter or ``Accept`` header that names only formats unfit for the
        result (Turtle for a SELECT, CSV for a CONSTRUCT).
    """
    graph = kind == "RDF" or is_graph(kind)
    names = _GRAPH_NAMES if graph else _TABLE_NAMES
    if kind is None:  # not run yet: anything a query could give will do
        names = {**_GRAPH_NAMES, **_TABLE_NAMES}
    values = [v.strip().lower() for v in format_values if v and v.strip()]
    for v in values:
        if v in names:
            return names[v]
        if v == "html" or v == "text/html":
            if html:
                return "html"
    if values:
        if all(v not in _TABLE_NAMES and v not in _GRAPH_NAMES and v not in ("html", "text/html")
               for v in values):
            raise UnknownFormat(f"parameter 'format' must be one of: {', '.join(MIMETYPES)}")
        raise NotAcceptable(f"format {values[0]!r} does not fit a {kind or 'query'} result; "
                            f"choose from {', '.join(_choices(graph))}")
    offers = _GRAPH_OFFERS if graph else _TABLE_OFFERS
    if kind is None:
        offers = (*_TABLE_OFFERS, *_GRAPH_OFFERS)
    mimes = [m for m, _ in offers]
    if html:
        mimes.append("text/html")
    if not accept or not list(accept.values()):
        return offers[0][1]  # no Accept at all: anything will do
    best = accept.best_match(mimes)
    if best is None:
        raise NotAcceptable("none of the accepted media types fits a "
                            f"{'graph' if graph else 'table'} result; this endpoint gives "
                            + ", ".join(dict.fromkeys(m for m, _ in offers)))
    if best == "text/html":
        # A browser's Accept names text/html and */*: the page, unless a result type is
        # preferred at least as much.
        return "html"
    return dict(offers)[best]


def _choices(graph: bool) -> list[str]:
    return list(GRAPH_FORMATS if graph else TABLE_FORMATS)


# -- SELECT and ASK -----------------------------------------------------------------------
def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> dict:
    """The W3C SPARQL 1.1 Query Results JSON document (plus ``"truncated": true`` and
    the cap when rows were cut off; clients ignore unknown keys)."""
    if result.kind == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    doc: dict = {
        "head": {"vars": list(result.vars)},
        "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(result.vars, row, strict=True) if t is not None}
            for row in result.rows
        ]},
    }
    if result.truncated:
        doc["truncated"] = True
        doc["max_rows"] = result.max_rows
    return doc


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(result: QueryResult) -> str:
    """The W3C SPARQL 1.1 Query Results CSV format (values as plain strings); an ``ASK``
    gives a one-column table ``boolean``."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ASK":
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    w.writerow(result.vars)
    for row in result.rows:
        w.writerow([_plain(t) for t in row])
    return out.getvalue()


def _n3(term: Any) -> str:
    if term is None:
        return ""
    text = term.n3()
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: ``?var`` headers, terms in Turtle syntax."""
    if result.kind == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(_n3(t_) for t_ in row) for row in result.rows]
    return "\n".join(lines) + "\n"


# Characters XML 1.0 cannot hold at all, not even as references (C0 controls but tab and
# line breaks, lone surrogates, U+FFFE/U+FFFF): ElementTree would write them raw.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML Format (second edition).  Characters XML cannot carry
    are shown as U+FFFD, so the document stays well-formed."""
    ns = "http://www.w3.org/2005/sparql-results#"
    root = ET.Element("sparql", xmlns=ns)
    head = ET.SubElement(root, "head")
    if result.kind == "ASK":
        ET.SubElement(root, "boolean").text = "true" if result.boolean else "false"
    else:
        for v in result.vars:
            ET.SubElement(head, "variable", name=v)
        results = ET.SubElement(root, "results")
        for row in result.rows:
            r = ET.SubElement(results, "result")
            for v, term in zip(result.vars, row, strict=True):
                if term is None:
                    continue
                b = ET.SubElement(r, "binding", name=v)
                if isinstance(term, URIRef):
                    ET.SubElement(b, "uri").text = _xml_text(term)
                elif isinstance(term, BNode):
                    ET.SubElement(b, "bnode").text = _xml_text(term)
                else:
                    attrs = {}
                    if term.language:
                        attrs["xml:lang"] = term.language
                    elif term.datatype:
                        attrs["datatype"] = str(term.datatype)
                    ET.SubElement(b, "literal", attrs).text = _xml_text(term)
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue().decode("utf-8") + "\n"


def _short(term, namespaces: list[tuple[str, str]]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        for prefix, ns in namespaces:
            if s.startswith(ns) and len(s) > len(ns) and "/" not in s[len(ns):]:
                return f"{prefix}:{s[len(ns):]}"
        return s
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term).replace("\n", " ")


def to_table(result: QueryResult, namespaces: Mapping[str, str] | None = None,
             lang: str = DEFAULT_LANGUAGE) -> str:
    """An aligned text table for the terminal; IRIs are shortened with ``namespaces``."""
    if result.kind == "ASK":
        return translate("sp.true" if result.boolean else "sp.false", lang) + "\n"
    # Longest namespace first, so id: wins over a shorter prefix of the same base.
    nss = sorted(((p, str(n)) for p, n in (namespaces or {}).items()),
                 key=lambda pn: -len(pn[1]))
    cells = [[_short(t, nss) for t in row] for row in result.rows]
    widths = [len(v) for v in result.vars]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.vars, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in cells]
    n = len(result.rows)
    if result.truncated:
        lines.append(f"({translate('sp.cli.cut', lang, n=n, max=result.max_rows)})")
    else:
        lines.append(f"({translate('sp.rows', lang, n=n)})")
    return "\n".join(lines) + "\n"


# -- CONSTRUCT and DESCRIBE ---------------------------------------------------------------
def to_graph(result: QueryResult, namespaces: Mapping[str, str] | None = None) -> Graph:
    """The triples of a CONSTRUCT or DESCRIBE result as an rdflib graph."""
    g = Graph(bind_namespaces="none")
    for p, n in (namespaces or {}).items():
        g.bind(p, n)
    for s, p, o in result.rows:
        g.add((s, p, o))
    return g


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    """A graph in one of :data:`GRAPH_FORMATS` (UTF-8).  Turtle, N-Triples and JSON-LD
    come sorted (:func:`graph.export.serialize`), so the same graph gives the same bytes;
    N3 is written as Turtle, which every N3 reader reads.  In RDF/XML, characters XML 1.0
    cannot hold (C0 controls but tab and line breaks) are shown as U+FFFD."""
    from graph.export import serialize

    if fmt in ("turtle", "n3"):
        return serialize(graph, "turtle")
    if fmt == "ntriples":
        return serialize(graph, "ntriples")
    if fmt == "jsonld":
        return serialize(graph, "jsonld")
    if fmt == "rdfxml":
        return _xml_safe(graph).serialize(format="xml", encoding="utf-8")
    raise ValueError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}")


def _xml_safe(graph: Graph) -> Graph:
    """The graph with every character XML 1.0 cannot hold shown as U+FFFD (as in
    :func:`to_xml`), so that RDF/XML stays well-formed; the graph itself when it has none."""
    from rdflib import Literal

    from graph.export import rewritten

    def safe(triple: tuple) -> tuple:
        s, p, o = triple
        if isinstance(o, Literal) and _NOT_XML.search(str(o)):
            return s, p, Literal(_xml_text(o), lang=o.language, datatype=o.datatype)
        return triple

    if not any(isinstance(o, Literal) and _NOT_XML.search(str(o)) for o in graph.objects()):
        return graph
    return rewritten(graph, safe)


# -- one entry point ----------------------------------------------------------------------
def render_result(result: QueryResult, fmt: str,
                  namespaces: Mapping[str, str] | None = None) -> tuple[bytes, str]:
    """The result in ``fmt`` (a key of :data:`MIMETYPES` but ``html``): body and media
    type.  Raises :class:`NotAcceptable` for a table format of a graph or the reverse."""
    graph = is_graph(result.kind)
    if fmt in GRAPH_FORMATS:
        if not graph:
            raise NotAcceptable(f"{fmt} needs a CONSTRUCT or DESCRIBE query")
        return serialize_graph(to_graph(result, namespaces), fmt), GRAPH_FORMATS[fmt]
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(MIMETYPES)}")
    if fmt == "json":
        text = json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = to_csv(result)
    elif fmt == "tsv":
        text = to_tsv(result)
    else:
        text = to_xml(result)
    return text.encode("utf-8"), TABLE_FORMATS[fmt]


def format_result(result: QueryResult, fmt: str = "table",
                  namespaces: Mapping[str, str] | None = None,
                  lang: str = DEFAULT_LANGUAGE) -> str:
    """The result as ``table`` (its words in *lang*), ``json`` or ``csv`` text
    (``tvb query``)."""
    if fmt == "table":
        return to_table(result, namespaces, lang)
    if fmt == "json":
        return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(result)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(CLI_FORMATS)}")
