"""``/sparql``: the SPARQL 1.1 Protocol over the compiled graph, read-only, time-limited,
row-capped.

* **Protocol**: ``GET ?query=``, ``POST`` form-encoded ``query=``, or ``POST`` with
  ``Content-Type: application/sparql-query``.  Dataset parameters
  (``default-graph-uri``, ``named-graph-uri``) and updates are refused.
* **Formats** by ``Accept`` (or ``?format=``, with SPARQLWrapper's values), chosen and
  written by :mod:`render.sparql_results`: SPARQL results JSON, XML, CSV or TSV for
  SELECT/ASK; Turtle, N-Triples, RDF/XML, JSON-LD or N3 for CONSTRUCT/DESCRIBE; 406 when
  the client accepts none of them; an HTML form with a result table for browsers.
  ``/sparql.json`` always answers JSON (JSON-LD for a graph).
* **Service description**: without a query, a request for RDF (``Accept: text/turtle``
  …) gets the SPARQL 1.1 Service Description of the endpoint.
* **Errors** in the type asked for: the JSON error shape, the HTML form with the
  message, or ``text/plain``.  Two ``query`` parameters are a 400.
* **Refusals**: the checks of :mod:`graph.sparql` (the same as ``tvb query``): updates,
  ``LOAD``, ``SERVICE``, ``FROM``/``FROM NAMED``, over-long text.
* **Engine**: the snapshot's Oxigraph store (:mod:`graph.store`, the same triples and
  ontology as ``tvb query``'s rdflib graph), queried with :func:`graph.store.run_query`.
* **Limits**: each query runs in a forked child process that shares the parent's store
  copy-on-write; after ``SPARQL_TIMEOUT`` seconds it is killed (Oxigraph evaluates in
  Rust and cannot be interrupted otherwise), so no query can block the server.  At most
  ``SPARQL_CONCURRENCY`` queries run at once (more get 503), at most ``SPARQL_MAX_ROWS``
  rows come back, and the child's CPU time and the memory it adds (``SPARQL_MAX_MEMORY``)
  are capped too.
* **No network**: the child first moves into a new, empty network namespace
  (:func:`isolate_network`), so even a query that got past the check could not open a
  connection; where the kernel refuses, a warning is logged once and the query runs
  with the check alone.
* ``SPARQL_ENABLED = False`` switches the endpoint off (404).
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from rdflib import BNode, Literal, URIRef
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, ServiceUnavailable

from graph.sparql import (
    EXAMPLES,
    QueryError,
    QueryFailed,
    QueryRefused,
    QueryResult,
    QuerySyntaxError,
)
from render.sparql_results import (
    MIMETYPES,
    NotAcceptable,
    UnknownFormat,
    negotiate,
    render_result,
    serialize_graph,
)

from .data import slots, snapshot
from .i18n import t
from .render import error_response, render

__all__ = ["bp", "QueryTimeout", "execute", "isolate_network"]

log = logging.getLogger("tvb.sparql")

bp = Blueprint("sparql", __name__)

_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
# Names of the result-format parameter: SPARQLWrapper sends all three.
_FORMAT_PARAMS = ("format", "output", "results")

EXAMPLE = """\
SELECT ?dossier ?titel ?houder WHERE {
  ?dossier a tvb:Dossier ;
           skos:prefLabel ?titel ;
           tvb:owner/foaf:name ?houder .
}
ORDER BY ?titel
LIMIT 25
"""


class QueryTimeout(Exception):
    """The query ran longer than the time limit, or needed more memory than allowed, and
    was stopped."""


# -- running a query in a child process ------------------------------------------------------
def _slots(app: Flask) -> threading.BoundedSemaphore:
    return slots(app, "tvb.sparql_slots", int(app.config["SPARQL_CONCURRENCY"]))


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


_CLONE_NEWNET, _CLONE_NEWUSER = 0x40000000, 0x10000000
_isolation_warned = threading.Event()


def _unshare(flags: int) -> None:
    if hasattr(os, "unshare"):  # Python 3.12+
        os.unshare(flags)
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def isolate_network() -> str | None:
    """Move this process into a new network namespace, which holds only a loopback
    device that is down: no connection can be opened from it, not even to this machine.

    Call it in a single-threaded child (after ``fork``).  Tries ``unshare(CLONE_NEWNET)``
    (needs ``CAP_SYS_ADMIN``, as root), then an unprivileged user namespace with it.
    Returns None when the process is isolated, else why not (a kernel without network
    namespaces, a container that forbids them).
    """
    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux only (this is {sys.platform})"
    reasons = []
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        try:
            _unshare(flags)
            return None
        except (OSError, AttributeError) as exc:
            reasons.append(str(exc))
    return "unshare refused a new network namespace: " + "; ".join(reasons)


def _child(write_fd: int, run: Callable[[], QueryResult], timeout: float,
           memory: int | None = None) -> None:  # pragma: no cover - runs in the forked child
    """Cut the child off the network, cap its CPU time and the memory it may add to what
    it shares with the parent, run the query, pickle the outcome into the pipe and leave
    without running any of the parent's exit handlers."""
    code = 0
    try:
        try:
            not_isolated = isolate_network()
        except BaseException as exc:  # noqa: BLE001 - reported, never fatal
            not_isolated = f"{type(exc).__name__}: {exc}"
        try:
            import resource

            cpu = int(timeout) + 2
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
            size = _address_space() if memory else None
            if size is not None:
                # a string or join that grows without bound fails here, not the machine
                resource.setrlimit(resource.RLIMIT_AS, (size + memory, size + memory))
        except (ImportError, ValueError, OSError):
            pass
        try:
            outcome: tuple = ("ok", run())
        except QueryError as exc:
            outcome = ("query-error", type(exc).__name__, str(exc))
        except MemoryError:
            outcome = ("limit", "the query needed more memory than allowed and was stopped")
        except RecursionError:
            outcome = ("query-error", "QueryRefused", "the query is nested too deeply")
        except Exception as exc:
            outcome = ("error", f"the query failed: {type(exc).__name__}: {exc}"[:500])
        data = pickle.dumps((not_isolated, outcome), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            n = os.write(write_fd, view)
            view = view[n:]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def execute(run: Callable[[], QueryResult], timeout: float,
            memory: int | None = None) -> QueryResult:
    """Call *run* (a checked, read-only query) in a forked child with a hard time limit
    and, with *memory*, at most that many bytes of memory of its own.

    The child shares the parent's compiled store copy-on-write, so nothing is copied
    up front; it can be killed whatever it is doing (Oxigraph evaluates in Rust and
    cannot be interrupted from Python).

    Raises
    ------
    graph.sparql.QueryError
        Syntax errors and refusals, with a message for the user.
    QueryTimeout
        When the child did not finish within *timeout* seconds (it is killed), or ran
        out of its memory.
    RuntimeError
        When the child failed otherwise.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - not a POSIX system: no hard limit
        return run()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        _child(write_fd, run, timeout, memory)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, time.monotonic() + timeout)
    finally:
        os.close(read_fd)
        if data is None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
    if data is None:
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
    if not data:  # killed by a limit: memory (Oxigraph aborts when it cannot allocate) or CPU
        raise QueryTimeout("the query needed more memory or time than allowed and was "
                           "stopped")
    not_isolated, outcome = pickle.loads(data)  # noqa: S301 - written by our own child
    if not_isolated and not _isolation_warned.is_set():
        _isolation_warned.set()
        log.warning("SPARQL queries run without network isolation (%s); only the query "
                    "check keeps them from the network", not_isolated)
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "limit":
        raise QueryTimeout(outcome[1])
    if outcome[0] == "query-error":
        cls = {"QueryRefused": QueryRefused, "QuerySyntaxError": QuerySyntaxError,
               "QueryFailed": QueryFailed}.get(outcome[1], QueryError)
        raise cls(outcome[2])
    raise RuntimeError(outcome[1])


# -- the endpoint -------------------------------------------------------------------------------
def _query_text() -> str | None:
    """The query of a GET or POST, per the SPARQL 1.1 Protocol; None for the bare form."""
    for p in _DATASET_PARAMS:
        if p in request.values:
            raise QueryRefused(f"the {p} parameter is not allowed: the query always runs "
                               "on the register's own graph")
    given = request.args.getlist("query")
    if request.method == "POST":
        if "update" in request.form:
            raise QueryRefused("updates are not allowed: this endpoint is read-only; the "
                               "register changes through its YAML file")
        ctype = request.mimetype
        if ctype == "application/sparql-query":
            if given:
                raise _Ambiguous()
            return request.get_data(as_text=True)
        if ctype == "application/x-www-form-urlencoded" or ctype == "multipart/form-data":
            given = given + request.form.getlist("query")
        else:
            raise _Unsupported(ctype)
    elif "update" in request.args:
        raise QueryRefused("updates are not allowed: this endpoint is read-only")
    if len(given) > 1:
        raise _Ambiguous()
    return given[0] if given else None


class _Ambiguous(BadRequest):
    def __init__(self) -> None:
        super().__init__("the request has more than one query; send exactly one 'query' "
                         "parameter (or the query as the request body)")


class _Unsupported(HTTPException):
    code = 415

    def __init__(self, ctype: str):
        super().__init__(f"unsupported Content-Type {ctype[:60]!r}; send "
                         "application/sparql-query or a form with query=")


def _format_values() -> list[str]:
    try:
        values = request.values
    except HTTPException:  # a body that cannot be read (too large): the URL's only
        values = request.args
    return [v for p in _FORMAT_PARAMS for v in values.getlist(p)]


def _requested_format(kind: str | None) -> str:
    """The format from the ``.json`` URL, a ``format``/``output`` parameter, or
    ``Accept`` (:func:`render.sparql_results.negotiate`)."""
    if g.get("fmt") == "json":
        return "jsonld" if kind in ("CONSTRUCT", "DESCRIBE") else "json"
    try:
        return negotiate(kind, request.accept_mimetypes, _format_values())
    except UnknownFormat as exc:
        raise BadRequest(str(exc)) from None
    except NotAcceptable as exc:
        raise _NotAcceptable(str(exc)) from None


class _NotAcceptable(HTTPException):
    code = 406


def _error_format() -> str:
    """How to send an error: JSON when the client asked for JSON (or named nothing), the
    form for a browser, plain text otherwise (CSV, XML or RDF clients)."""
    if g.get("fmt") == "json":
        return "json"
    try:
        fmt = negotiate(None, request.accept_mimetypes, _format_values())
    except (UnknownFormat, NotAcceptable):
        fmt = "text"
    if fmt == "html":
        return "html"
    accept = request.accept_mimetypes
    if fmt == "json" or accept.best_match(["application/json", "application/ld+json",
                                           "text/plain"]) in ("application/json",
                                                              "application/ld+json"):
        return "json"
    return "text"


def _wants_description() -> bool:
    """Whether a request without a query asks for RDF (the service description)."""
    values = _format_values()
    if values:
        # only a name that means RDF whatever the query (not 'json' or 'xml')
        return negotiate("RDF", None, values[:1]) != "html" if values[0].lower() in (
            "turtle", "ttl", "nt", "ntriples", "n-triples", "rdfxml", "rdf+xml", "rdf",
            "jsonld", "json-ld", "n3", "text/turtle", "application/n-triples",
            "application/rdf+xml", "application/ld+json", "text/n3") else False
    accept = request.accept_mimetypes
    rdf = [m for m in ("text/turtle", "application/rdf+xml", "application/ld+json",
                       "application/n-triples", "text/n3") if m in accept.values()]
    best = accept.best_match(rdf + ["text/html"])
    return best is not None and best != "text/html"


def _explicit_format() -> bool:
    """Whether the client named a result format (a URL, ``format=`` or an ``Accept``
    other than HTML or anything), rather than just opening the page."""
    if g.get("fmt") == "json" or _format_values():
        return True
    named = set(MIMETYPES.values()) | {"application/json", "application/xml", "text/xml"}
    return any(m in named and m != "text/html" for m in request.accept_mimetypes.values())


def _cell(term: Any, namespaces: list[tuple[str, str]], base: str) -> dict[str, Any]:
    """A result term for the HTML table: short text and, for the register's own IRIs,
    a link to the entity page."""
    if term is None:
        return {"text": "", "url": None}
    if isinstance(term, URIRef):
        s = str(term)
        url = None
        if s.startswith(base) and "/" not in s[len(base):] and s[len(base):]:
            from flask import url_for

            url = url_for("linkeddata.by_id", id=s[len(base):])
        for prefix, ns in namespaces:
            if s.startswith(ns) and len(s) > len(ns) and "/" not in s[len(ns):]:
                return {"text": f"{prefix}:{s[len(ns):]}", "url": url}
        return {"text": f"<{s}>", "url": url}
    if isinstance(term, BNode):
        return {"text": f"_:{term}", "url": None}
    if isinstance(term, Literal) and term.language:
        return {"text": f"{term}", "lang": term.language, "url": None}
    return {"text": str(term), "url": None}


def _error(status: int, message: str, fmt: str | None = None) -> Response:
    """An error in the type the client asked for: the JSON error shape, the HTML page,
    or ``text/plain`` for clients of the other formats (CSV, XML, RDF)."""
    fmt = fmt if fmt in ("html", "json", "text") else _error_format()
    if fmt == "text":
        resp = Response(message + "\n", status=status, mimetype="text/plain")
        resp.charset = "utf-8"
        return resp
    if fmt == "json":
        g.fmt = "json"
    return error_response(status, message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error(exc.code or 500, exc.description or exc.name)


def _form(data: dict[str, Any], status: int = 200) -> Response:
    cfg = current_app.config
    examples = [{"name": name, "title": text.splitlines()[0].lstrip("# "), "query": text}
                for name, text in EXAMPLES.items()]
    return render("sparql.html", data, status=status, examples=examples,
                  limits={"rows": cfg["SPARQL_MAX_ROWS"], "timeout": cfg["SPARQL_TIMEOUT"]})


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql.json", methods=["GET", "POST"], endpoint="sparql_json",
          defaults={"_json": True})
def sparql(_json: bool = False) -> Response:
    cfg = current_app.config
    if _json:
        g.fmt = "json"
    if not cfg["SPARQL_ENABLED"]:
        raise NotFound(t("sp.disabled") if not _json else "the SPARQL endpoint is switched off")
    try:
        text = _query_text()
    except QueryRefused as exc:
        return _error(400, str(exc))
    if text is None and not _json and _wants_description():
        return _service_description()
    fmt = _requested_format(None)
    if text is None or not text.strip():
        if fmt == "html" or not _explicit_format():
            return _form({"query": EXAMPLE if text is None else "", "result": None,
                          "error": None, "format": "html"})
        return _error(400, "missing the 'query' parameter")
    max_chars = int(cfg["SPARQL_MAX_QUERY_LENGTH"])
    if len(text) > max_chars:
        return _error(413, f"the query is {len(text):,} characters long; the limit is "
                           f"{max_chars:,}")
    snap = snapshot()
    from graph.rdf import prefixes
    from graph.store import run_query

    store = snap.store  # built once per snapshot, before any child is forked
    namespaces = prefixes(snap.registry)
    max_rows = int(cfg["SPARQL_MAX_ROWS"])
    slots = _slots(current_app)
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable("too many SPARQL queries are running; try again shortly")
    try:
        result = execute(lambda: run_query(store, text, namespaces=namespaces,
                                           max_rows=max_rows, max_chars=max_chars),
                         timeout=float(cfg["SPARQL_TIMEOUT"]),
                         memory=int(cfg["SPARQL_MAX_MEMORY"]) or None)
    except QueryError as exc:
        if fmt == "html":
            return _form({"query": text, "result": None, "error": str(exc), "format": fmt}, 400)
        return _error(400, str(exc))
    except QueryTimeout as exc:
        if fmt == "html":
            return _form({"query": text, "result": None, "error": str(exc), "format": fmt}, 503)
        return _error(503, str(exc))
    except RuntimeError as exc:
        return _error(500, str(exc))
    finally:
        slots.release()
    fmt = _requested_format(result.kind)
    return _respond(result, fmt, text, namespaces, snap)


def _respond(result: QueryResult, fmt: str, text: str, namespaces: dict[str, str],
             snap: Any) -> Response:
    headers = {}
    if result.truncated:
        headers["X-Result-Truncated"] = f"max-rows={result.max_rows}"
    if fmt == "html":
        from graph.rdf import base_uri

        nss = sorted(namespaces.items(), key=lambda pn: -len(pn[1]))
        base = base_uri(snap.registry)
        table = {"kind": result.kind, "vars": result.vars, "boolean": result.boolean,
                 "truncated": result.truncated, "max_rows": result.max_rows,
                 "rows": [[_cell(x, nss, base) for x in row] for row in result.rows]}
        return _form({"query": text, "result": table, "error": None, "format": "html"})
    try:
        body, mimetype = render_result(result, fmt, namespaces)
    except NotAcceptable as exc:
        return _error(406, str(exc))
    resp = Response(body, mimetype=mimetype, headers=headers)
    if mimetype.startswith("text/") or mimetype in ("application/n-triples",):
        resp.charset = "utf-8"
    return resp


# -- the service description ------------------------------------------------------------------
def _service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (W3C Recommendation, 2013):
    what it speaks, which formats it gives, and its one default graph with its size."""
    from rdflib import RDF, Graph
    from rdflib.namespace import DCTERMS, Namespace

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    void = Namespace("http://rdfs.org/ns/void#")
    fmt = negotiate("RDF", request.accept_mimetypes, _format_values(), html=False)
    snap = snapshot()
    endpoint = URIRef(request.base_url)
    g_ = Graph(bind_namespaces="none")
    g_.bind("sd", sd)
    g_.bind("formats", formats)
    g_.bind("void", void)
    g_.bind("dcterms", DCTERMS)
    g_.add((endpoint, RDF.type, sd.Service))
    g_.add((endpoint, sd.endpoint, endpoint))
    g_.add((endpoint, sd.supportedLanguage, sd.SPARQL11Query))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                 "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N3"):
        g_.add((endpoint, sd.resultFormat, formats[name]))
    g_.add((endpoint, DCTERMS.title, Literal("TVB-register SPARQL endpoint", lang="en")))
    dataset, graph_ = BNode(), BNode()
    g_.add((endpoint, sd.defaultDataset, dataset))
    g_.add((dataset, RDF.type, sd.Dataset))
    g_.add((dataset, sd.defaultGraph, graph_))
    g_.add((graph_, RDF.type, sd.Graph))
    g_.add((graph_, void.triples, Literal(len(snap.store))))
    resp = Response(serialize_graph(g_, fmt), mimetype=MIMETYPES[fmt])
    resp.charset = "utf-8"
    return resp
