"""Read-only SPARQL over the compiled graph: the safety check and the run.

The check is separate from the run so that any endpoint can use it: ``tvb query`` runs
the checked query on rdflib's in-memory graph, and a web ``/sparql`` endpoint may run the
same checked text on another store (Oxigraph; prepend :func:`prologue` for the
predeclared prefixes) under its own time limit.

A query is refused, with a message that says why, when it

* is an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP`` …): the register
  is changed through its YAML file, not through SPARQL;
* uses ``SERVICE``, which would make the server fetch from the network;
* has a dataset clause (``FROM`` or ``FROM NAMED``), which names a graph to read —
  on a store that loads it, a file or URL;
* is longer than ``max_chars``.

The check parses the text with rdflib's SPARQL grammar and inspects the parse tree, so
keywords inside strings, IRIs or comments are never mistaken for the real thing.

Rows are capped with ``max_rows``; a capped result says so (``truncated``).  Results
come as :class:`QueryResult`; :mod:`render.sparql_results` turns them into every W3C
result format, RDF syntax and the terminal's text table.  The parser (pyparsing) is not
guaranteed to be thread-safe: a threaded server should serialise :func:`check_query`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice

from pyparsing import ParseBaseException, ParseResults
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "QueryError",
    "QuerySyntaxError",
    "QueryRefused",
    "QueryFailed",
    "QueryResult",
    "MAX_QUERY_CHARS",
    "EXAMPLES",
    "check_query",
    "prepare_query",
    "run_query",
    "capped_result",
    "prologue",
]

#: Three useful queries, shown in the README (with their output on the sample) and fit
#: for an example list on a query page.  They use the predeclared prefixes and the
#: ontology's labels (``tvb query`` adds the ontology to the graph).
EXAMPLES: dict[str, str] = {
    "owners-of-topic": """\
# Who owns the dossiers about "vastgoed" (real estate), in which directorate, how to reach them
SELECT ?dossier ?owner ?directorate ?email WHERE {
  ?d a tvb:Dossier ; tvb:status tvb:status-active ; skos:prefLabel ?dossier ;
     tvb:owner ?o .
  FILTER EXISTS {
    ?d skos:prefLabel|skos:altLabel|skos:definition ?text .
    FILTER(CONTAINS(LCASE(STR(?text)), "vastgoed"))
  }
  ?o foaf:name ?owner ; org:memberOf/org:subOrganizationOf* ?dir .
  ?dir a tvb:Directorate ; skos:notation ?directorate .
  OPTIONAL { ?o foaf:mbox ?email }
} ORDER BY ?dossier
""",
    "reach-of-person": """\
# Which directorates do the collaborations of one person reach?
SELECT ?directorate (COUNT(DISTINCT ?c) AS ?collaborations)
       (GROUP_CONCAT(DISTINCT ?name; separator=" | ") AS ?via) WHERE {
  VALUES ?person { id:h-steenwijker }
  ?c tvb:member|tvb:lead ?person ; skos:prefLabel ?name .
  { ?c tvb:member|tvb:lead ?p . ?p org:memberOf/org:subOrganizationOf* ?dir }
  UNION
  { ?c org:hasMember/org:subOrganizationOf* ?dir }
  ?dir a tvb:Directorate ; skos:notation ?directorate .
} GROUP BY ?directorate ORDER BY DESC(?collaborations) ?directorate
""",
    "dossiers-per-penvoerder": """\
# Active dossiers per penvoerder, with the directorate's place in the integration model
SELECT ?penvoerder ?axis (COUNT(?d) AS ?dossiers) WHERE {
  ?d a tvb:Dossier ; tvb:status tvb:status-active ; tvb:penvoerder ?u .
  ?u skos:notation ?penvoerder ; org:classification ?a .
  ?a skos:prefLabel ?axis . FILTER(LANG(?axis) = "en")
} GROUP BY ?penvoerder ?axis ORDER BY DESC(?dossiers) ?penvoerder
""",
}

#: Longest query text accepted (the parser's time grows with the text).
MAX_QUERY_CHARS = 100_000

_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                 "COPY", "WITH"}
_READ_ONLY = "only read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) are allowed"


class QueryError(ValueError):
    """A query that cannot be run; the message is meant for the person who wrote it."""


class QuerySyntaxError(QueryError):
    """The text is not a SPARQL 1.1 query."""


class QueryRefused(QueryError):
    """A well-formed query this read-only endpoint will not run."""


class QueryFailed(QueryError):
    """The query was accepted but failed while running (rdflib's error, passed on)."""


@dataclass
class QueryResult:
    """The outcome of a query, whatever its form.

    ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.  For ``ASK`` only
    ``boolean`` is set; for ``CONSTRUCT`` and ``DESCRIBE`` the rows are the triples, with
    the variables ``subject``, ``predicate`` and ``object``.  ``truncated`` is true when
    ``max_rows`` cut rows off.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[URIRef | BNode | Literal | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    max_rows: int | None = None


# -- checking -----------------------------------------------------------------------------
def check_query(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> ParseResults:
    """Parse a query and refuse what a read-only endpoint must not run.

    Returns the parse tree (for :func:`prepare_query`).  Raises
    :class:`QuerySyntaxError` or :class:`QueryRefused` with a message for the user.
    """
    if not isinstance(text, str) or not text.strip():
        raise QuerySyntaxError("the query is empty")
    if len(text) > max_chars:
        raise QueryRefused(f"the query is {len(text):,} characters long; the limit is "
                           f"{max_chars:,}")
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        _refuse_update(text, exc)
        raise QuerySyntaxError(_syntax_message(text, exc)) from None
    except RecursionError:
        raise QueryRefused("the query is nested too deeply") from None
    query = parsed[1]
    if _field(query, "datasetClause"):
        clause = query["datasetClause"][0]
        named = _field(clause, "named")
        word = "FROM" if named is None else "FROM NAMED"
        target = _field(clause, "default") if named is None else named
        raise QueryRefused(f"{word} <{target}> is not allowed: a dataset clause could read a "
                           "file or URL; the query always runs on the register's own graph, so "
                           "leave FROM out")
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE <{_field(node, 'term')}> is not allowed: the endpoint "
                               "does not reach out to other servers")
    return parsed


def prepare_query(text: str, namespaces: Mapping[str, str] | None = None, *,
                  max_chars: int = MAX_QUERY_CHARS) -> Query:
    """Check a query and translate it to rdflib's algebra, resolving prefixes from
    ``namespaces`` (the predeclared ones) and the query's own ``PREFIX`` lines."""
    parsed = check_query(text, max_chars=max_chars)
    known = dict(namespaces or {})
    # rdflib would also resolve its own ~30 default prefixes (schema:, dc: …); another
    # store would not, so allow only the predeclared ones and the query's own.
    declared = set(known) | {_field(x, "prefix") or "" for x in parsed[0]
                             if x.name == "PrefixDecl"}
    for node in _walk(parsed[1]):
        if node.name == "pname" and (_field(node, "prefix") or "") not in declared:
            prefix = _field(node, "prefix") or ""
            raise QuerySyntaxError(
                f"unknown prefix '{prefix}:'; declare it with PREFIX {prefix}: <…> "
                f"(predeclared: {', '.join(sorted(known)) or 'none'})")
    try:
        return translateQuery(parsed, initNs=known)
    except QueryError:
        raise
    except Exception as exc:  # rdflib raises bare Exceptions for what its grammar let by
        raise QuerySyntaxError(f"the query cannot be compiled: {exc}") from None


def _refuse_update(text: str, exc: ParseBaseException) -> None:
    try:
        update = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        update = None
    if update is not None:
        ops = [op.name for op in update.request]
        if "Load" in ops:
            raise QueryRefused(f"LOAD is not allowed: it would read a file or URL; "
                               f"{_READ_ONLY}") from None
        raise QueryRefused(f"this is an update ({', '.join(_op_word(o) for o in ops)}); "
                           f"{_READ_ONLY}. The register changes through its YAML file") from None
    word = text[exc.loc:exc.loc + 20].split(maxsplit=1)
    if word and word[0].upper() in _UPDATE_WORDS:
        raise QueryRefused(f"{word[0].upper()} starts an update; {_READ_ONLY}") from None


def _op_word(op: str) -> str:
    # "InsertData" -> "INSERT DATA", "Modify" stays recognisable
    return re.sub(r"(?<!^)(?=[A-Z])", " ", op).upper()


def _syntax_message(text: str, exc: ParseBaseException) -> str:
    line_text = exc.line
    found = str(exc).split("  (at char")[0]
    caret = " " * (exc.col - 1) + "^"
    return (f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {found}\n"
            f"  {line_text}\n  {caret}")


def _field(node: CompValue, key: str):
    # CompValue.get returns the key itself when it is missing, hence this helper.
    return node[key] if key in node else None


def _walk(node) -> Iterable[CompValue]:
    """Every CompValue of a parse tree, iteratively (queries can nest deeply)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            yield n
            stack.extend(n.values())
        elif isinstance(n, list | tuple | ParseResults):
            stack.extend(n)


def prologue(namespaces: Mapping[str, str]) -> str:
    """``PREFIX`` lines for the predeclared prefixes, for stores that do not take them
    separately (a query's own ``PREFIX`` lines come after these and win)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(namespaces.items()))


# -- running ------------------------------------------------------------------------------
def run_query(graph: Graph, text: str, *, max_rows: int | None = None,
              namespaces: Mapping[str, str] | None = None,
              max_chars: int = MAX_QUERY_CHARS) -> QueryResult:
    """Check and run a read-only query on an rdflib graph.

    Parameters
    ----------
    graph : rdflib.Graph
        The compiled graph.  Its bound prefixes are predeclared unless ``namespaces``
        is given.
    text : str
        The SPARQL 1.1 query.
    max_rows : int, optional
        Keep at most this many rows (or triples); the result is then ``truncated``.
    namespaces : mapping, optional
        Predeclared prefixes.

    Raises
    ------
    QuerySyntaxError, QueryRefused, QueryFailed
        With a message for the user (all are :class:`QueryError`).
    """
    if max_rows is not None and max_rows < 0:
        raise ValueError("max_rows must be at least 0")
    ns = dict(graph.namespaces()) if namespaces is None else dict(namespaces)
    prepared = prepare_query(text, ns, max_chars=max_chars)
    try:
        # rdflib evaluates lazily, so its errors can come while reading the rows.
        result = graph.query(prepared)
        kind = result.type
        if kind == "ASK":
            return QueryResult(kind="ASK", boolean=bool(result.askAnswer))
        if kind == "SELECT":
            names = [str(v) for v in result.vars or ()]
            rows: Iterable = (tuple(row) for row in result)
        else:  # CONSTRUCT, DESCRIBE
            names = ["subject", "predicate", "object"]
            rows = iter(result.graph)
        return capped_result(kind, names, rows, max_rows)
    except RecursionError:
        raise QueryFailed("the query is nested too deeply to run") from None
    except Exception as exc:
        raise QueryFailed(f"the query failed while running: {exc}") from None


def capped_result(kind: str, names: list[str], rows: Iterable, max_rows: int | None
                  ) -> QueryResult:
    """Read at most *max_rows* rows (one more, to know whether there were more)."""
    taken = list(rows if max_rows is None else islice(rows, max_rows + 1))
    truncated = max_rows is not None and len(taken) > max_rows
    if truncated:
        del taken[max_rows:]
    return QueryResult(kind=kind, vars=names, rows=taken, truncated=truncated,
                       max_rows=max_rows)
