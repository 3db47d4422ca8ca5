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
keywords inside strings, IRIs or comments are never mistaken for the real thing.  Two
parsers must never disagree about what a text means, so the text that is checked, and
that any store runs, is a canonical rewrite of the query (:func:`canonical_query`): no
comments, no line breaks, every string and IRI rewritten with escapes both parsers read
alike, no escape or non-ASCII character anywhere else.  A comment that one parser ends at
a carriage return and the other does not, a ``\\u000D`` escape, a U+2028 or a ``#`` in an
IRI can then never hide a ``SERVICE`` from the check.

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
    "canonical_query",
    "check_query",
    "checked_text",
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


# -- canonical text ----------------------------------------------------------------------
_WS = " \t\r\n"  # SPARQL's whitespace (grammar rule WS); nothing else separates tokens
# Characters an IRI cannot hold (grammar rule IRIREF).
_NOT_IN_IRI = frozenset('<>"{}|^`\\') | frozenset(map(chr, range(0x21)))
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
          "\\": "\\"}
_OUT_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HEX = frozenset("0123456789abcdefABCDEF")


def _uchar(text: str, i: int) -> tuple[str, int] | None:
    """The character of a ``\\uXXXX`` or ``\\UXXXXXXXX`` escape at *i*, and where it ends."""
    width = {"u": 4, "U": 8}.get(text[i + 1:i + 2])
    digits = text[i + 2:i + 2 + width] if width else ""
    if not width or len(digits) != width or not set(digits) <= _HEX:
        return None
    code = int(digits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), i + 2 + width


def _out_escape(c: str) -> str:
    # Always eight digits: rdflib expands \u escapes before it parses and would take up
    # to eight hex digits after a \u, eating the text that follows a four-digit one.
    return f"\\U{ord(c):08X}"


# In a string: what is not printable ASCII, a quote or a backslash, and a 'u' or 'U'
# right after a backslash (so that "\\u0041" cannot read as an escape anywhere).
_STRING_SPECIAL = re.compile(r'[^\x20-\x7e]|["\\]|(?<=\\)[uU]')
_IRI_SPECIAL = re.compile(r'[^\x21-\x7e]|[<>"{}|^`\\#]')


def _string_out(value: str) -> str:
    return '"' + _STRING_SPECIAL.sub(
        lambda m: _OUT_ECHAR.get(m.group()) or _out_escape(m.group()), value) + '"'


def _iri_out(value: str) -> str:
    # '#' escaped too: the canonical text then has no '#' outside strings at all, so no
    # parser can ever see a comment in it.
    if not _NOT_IN_IRI.isdisjoint(value):  # _read_iri never lets one by; never escape one
        raise QuerySyntaxError("an IRI holds a character IRIs cannot hold")
    return "<" + _IRI_SPECIAL.sub(lambda m: _out_escape(m.group()), value) + ">"


def _where(text: str, i: int) -> str:
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return f"line {line}, column {col}"


_PLAIN_SHORT = {q: re.compile(f"[^{q}\\\\\\r\\n]+") for q in "\"'"}
_PLAIN_LONG = {q: re.compile(f"[^{q}\\\\]+") for q in "\"'"}


def _read_string(text: str, i: int) -> tuple[str, int]:
    quote = text[i]
    long_ = text.startswith(quote * 3, i)
    end_mark = quote * 3 if long_ else quote
    j = i + len(end_mark)
    value = []
    plain = _PLAIN_LONG[quote] if long_ else _PLAIN_SHORT[quote]
    while True:
        run = plain.match(text, j)
        if run:  # the characters that need no thought, at once
            value.append(run.group())
            j = run.end()
        if j >= len(text):
            raise QuerySyntaxError(f"SPARQL syntax error at {_where(text, i)}: a string "
                                   "that is never closed")
        c = text[j]
        if text.startswith(end_mark, j):  # the first unescaped one, as in the grammar
            return "".join(value), j + len(end_mark)
        if c == "\\":
            got = _uchar(text, j)
            if got is not None:
                value.append(got[0])
                j = got[1]
                continue
            esc = _ECHAR.get(text[j + 1:j + 2])
            if esc is None:
                raise QuerySyntaxError(f"SPARQL syntax error at {_where(text, j)}: an "
                                       "unknown escape in a string")
            value.append(esc)
            j += 2
            continue
        if not long_ and c in "\r\n":
            raise QuerySyntaxError(f"SPARQL syntax error at {_where(text, j)}: a line break "
                                   "in a one-line string (use \\n or a triple-quoted string)")
        value.append(c)
        j += 1


def _read_iri(text: str, i: int) -> tuple[str, int] | None:
    """The IRI that starts at *i* (a ``<``), or None when ``<`` is an operator here."""
    j = i + 1
    value = []
    while j < len(text):
        c = text[j]
        if c == ">":
            return "".join(value), j + 1
        if c == "\\":
            got = _uchar(text, j)
            if got is None or got[0] in _NOT_IN_IRI:
                return None
            value.append(got[0])
            j = got[1]
            continue
        if c in _NOT_IN_IRI:
            return None
        value.append(c)
        j += 1
    return None


def canonical_query(text: str) -> str:
    """The query rewritten so that every SPARQL parser reads it the same way.

    Comments and runs of whitespace become one space (a comment ends at a line feed or a
    carriage return, as the SPARQL grammar says); strings become ``"…"`` and IRIs
    ``<…>``, with their escapes decoded and written again in one form (printable ASCII
    as is, ``\\" \\\\ \\n \\r \\t``, anything else as ``\\UXXXXXXXX``); everything else is
    kept as it is.  The result is printable ASCII without ``#``, line breaks or escapes
    outside strings and IRIs.  Outside strings, IRIs and comments a backslash, a control
    character or a non-ASCII character is refused (:class:`QuerySyntaxError`): there
    the SPARQL grammar and the parsers part ways.  One pass: $O(n)$ for $n$ characters.

    Why rdflib (which checks) and Oxigraph (which runs) then read the same tokens:

    * no comment: a ``#`` stands only inside a string (an IRI's is written ``\\U00000023``),
      and there is no line break to end one anyway;
    * no escape outside strings and IRIs, so rdflib's expansion of ``\\u`` escapes before
      it parses (which Oxigraph does not do) changes only the inside of those; inside,
      the quote, backslash, carriage return and line feed are never written as ``\\U``
      escapes (rdflib would expand them into the delimiters), a ``u`` after a backslash
      is, and every ``\\U`` has all eight digits (rdflib takes up to eight after any
      ``\\u``);
    * so a string or IRI starts and ends at the same place for both, and everything
      between them is printable ASCII that both tokenise by the same grammar.
    """
    out: list[str] = []
    i, n = 0, len(text)
    pending_space = False
    while i < n:
        c = text[i]
        if c in _WS or c == "#":
            if c == "#":
                while i < n and text[i] not in "\r\n":
                    i += 1
            else:
                i += 1
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            pending_space = False
        if c in "\"'":
            value, i = _read_string(text, i)
            if out and out[-1].endswith('"'):
                # Two strings side by side ("" '') would be written """" and read again
                # as the start of a long string.
                out.append(" ")
            out.append(_string_out(value))
        elif c == "<" and (iri := _read_iri(text, i)) is not None:
            value, i = iri
            out.append(_iri_out(value))
        elif " " < c < "\x7f" and c != "\\":
            out.append(c)
            i += 1
        else:
            what = ("a backslash" if c == "\\" else
                    f"the character U+{ord(c):04X}")
            raise QuerySyntaxError(
                f"SPARQL syntax error at {_where(text, i)}: {what} is allowed only inside "
                "strings, IRIs and comments")
    return "".join(out)


# -- checking -----------------------------------------------------------------------------
def check_query(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> ParseResults:
    """Parse a query and refuse what a read-only endpoint must not run.

    Returns the parse tree of :func:`canonical_query` of *text* (for
    :func:`prepare_query`).  Raises :class:`QuerySyntaxError` or :class:`QueryRefused`
    with a message for the user.
    """
    return _checked(text, max_chars)[1]


def checked_text(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The canonical text of a query that passed :func:`check_query`: hand exactly this
    text, and nothing else, to the store that runs it."""
    return _checked(text, max_chars)[0]


def _checked(text: str, max_chars: int) -> tuple[str, ParseResults]:
    if not isinstance(text, str) or not text.strip():
        raise QuerySyntaxError("the query is empty")
    if len(text) > max_chars:
        raise QueryRefused(f"the query is {len(text):,} characters long; the limit is "
                           f"{max_chars:,}")
    canon = canonical_query(text)
    if not canon:
        raise QuerySyntaxError("the query is empty")
    try:
        parsed = parseQuery(canon)
    except ParseBaseException as exc:
        _refuse_update(canon, exc)
        raise QuerySyntaxError(_syntax_message(text, canon, exc)) from None
    except RecursionError:
        raise QueryRefused("the query is nested too deeply") from None
    except ValueError as exc:  # an escape rdflib cannot expand; the rewrite makes none
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
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
    return canon, parsed


def prepare_query(text: str, namespaces: Mapping[str, str] | None = None, *,
                  max_chars: int = MAX_QUERY_CHARS) -> Query:
    """Check a query and translate it to rdflib's algebra, resolving prefixes from
    ``namespaces`` (the predeclared ones) and the query's own ``PREFIX`` lines."""
    parsed = check_query(text, max_chars=max_chars)  # the parse of the canonical text
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


def _syntax_message(text: str, canon: str, exc: ParseBaseException) -> str:
    """Where the error is, in the text as written when rdflib also fails on that (the
    canonical text is one line without comments: a poor place to point at)."""
    try:
        parseQuery(text)
    except ParseBaseException as own:
        exc = own
    except (RecursionError, ValueError):
        pass
    found = str(exc).split("  (at char")[0]
    caret = " " * (exc.col - 1) + "^"
    # control characters (a carriage return, a terminal escape) are not echoed
    line_text = "".join(c if c.isprintable() else "\ufffd" for c in exc.line)
    if len(line_text) > 200:  # one long line: show the part around the error
        start = max(0, exc.col - 100)
        line_text, caret = line_text[start:start + 200], caret[start:]
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
