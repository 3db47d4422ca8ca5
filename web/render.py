"""Data first, rendering second (the Datasette habit).

A view computes one plain, JSON-ready value and hands it to :func:`render`, which turns it
into JSON for a ``.json`` URL or ``Accept: application/json`` and into HTML through a
template otherwise.  :func:`page` registers a view under its URL and the URL's ``.json``
twin, so every page has a JSON twin for free.  Errors have one shape in JSON,
``{"ok": false, "error": "...", "status": 404}``, and one HTML page.

Parameters are read through :func:`arg_int`, :func:`arg_choice` and :func:`arg_text`, which
answer a malformed value with 400, never 500.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import BadRequest, HTTPException

__all__ = [
    "JSON_MIMETYPE",
    "wants_json",
    "json_response",
    "json_text",
    "render",
    "error_response",
    "page",
    "ResponseCache",
    "json_url",
    "arg_int",
    "arg_choice",
    "arg_text",
    "page_lists",
    "pagination",
    "init_app",
]

JSON_MIMETYPE = "application/json"
_log = logging.getLogger(__name__)


def wants_json() -> bool:
    """Whether this request asked for JSON: a ``.json`` URL or ``Accept`` preferring it."""
    if g.get("fmt") == "json" or request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", JSON_MIMETYPE])
    return best == JSON_MIMETYPE


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_text(data: Any) -> str:
    """*data* as the JSON text of the viewer's answers (one line, UTF-8 characters as
    they are); a mapping's parts encoded apart and joined as ``{"k": v, …}`` give the
    very same text."""
    return json.dumps(data, ensure_ascii=False, default=_default)


def json_response(data: Any, status: int = 200) -> Response:
    """*data* as UTF-8 JSON, on one line: the standard library encodes that in C, an
    indented body in Python at a third of the speed (browsers and ``jq`` indent it)."""
    return Response(json_text(data) + "\n", status=status, mimetype=JSON_MIMETYPE)


def render(template: str, data: Any, *, status: int = 200, **context: Any) -> Response:
    """JSON of *data*, or *template* rendered with ``data`` and the extra *context*."""
    if wants_json():
        return json_response(data, status)
    return Response(render_template(template, data=data, **context), status=status,
                    mimetype="text/html")


def error_response(status: int, message: str) -> Response:
    """The one error shape, as JSON or as the error page."""
    data = {"ok": False, "error": message, "status": status}
    return render("error.html", data, status=status)


class ResponseCache:
    """Finished responses of heavy pages, per snapshot: a page is a pure function of the
    snapshot, the language, the format, the URL and whether the banner shows, so its
    bytes can be served again until the data changes.  Least recently used entries go
    first once *max_entries* or *max_bytes* is reached."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 128 * 2**20):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: tuple, body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = (body, mimetype)
            self._bytes += len(body)
            while self._items and (len(self._items) > self.max_entries
                                   or self._bytes > self.max_bytes):
                _, (gone, _) = self._items.popitem(last=False)
                self._bytes -= len(gone)

    def __len__(self) -> int:
        return len(self._items)


def _cached(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        from .data import holder

        h = holder()
        snap = h.current
        cache = current_app.extensions.get("tvb.responses")
        if snap is None or cache is None or request.method != "GET":
            return view(**kwargs)
        # Who asks matters too: links and phone numbers depend on the role, the header
        # names the user, and the sign-out form carries the session's CSRF token.
        # (and under which root: the links in the page begin with it)
        key = (snap.data_version, snap.built_at, snap.today, len(h.errors), g.get("lang"),
               wants_json(), request.script_root, request.full_path, g.get("role"),
               (g.get("user") or {}).get("sub"), session.get("csrf"))
        hit = cache.get(key)
        if hit is not None:
            return Response(hit[0], status=200, mimetype=hit[1])
        g.snapshot = snap  # the view reads the very snapshot the key names
        resp = view(**kwargs)
        if isinstance(resp, Response) and resp.status_code == 200 and not resp.is_streamed:
            cache.put(key, resp.get_data(), resp.mimetype)
        return resp

    return wrapper


def page(bp: Blueprint | Flask, rule: str, endpoint: str | None = None, *,
         cache: bool = False, **options: Any) -> Callable[[Callable], Callable]:
    """Register a view under *rule* and under its JSON twin (*rule* + ``.json``; for ``/``
    it is ``/index.json``).  The twin's endpoint is the view's with ``_json`` added.
    ``cache=True`` keeps the finished responses per snapshot (:class:`ResponseCache`)."""

    def decorate(view: Callable) -> Callable:
        name = endpoint or view.__name__
        if cache:
            view = _cached(view)
        bp.add_url_rule(rule, name, view, **options)

        @functools.wraps(view)
        def as_json(**kwargs: Any) -> Any:
            g.fmt = "json"
            return view(**kwargs)

        twin = rule.rstrip("/") + "/index.json" if rule.endswith("/") else rule + ".json"
        bp.add_url_rule(twin, name + "_json", as_json, **options)
        return view

    return decorate


def json_url() -> str | None:
    """The URL of the current page's JSON twin (with the same query)."""
    endpoint = request.endpoint
    if not endpoint or endpoint == "static":
        return None
    if not endpoint.endswith("_json"):
        endpoint += "_json"
    try:
        return url_for(endpoint, **(request.view_args or {}),
                       **{k: v for k, v in request.args.items() if k != "lang"})
    except Exception:  # an endpoint without a twin (e.g. /health)
        return None


# -- parameters -----------------------------------------------------------------------------
def _arg(name: str, default: str | None = None) -> str | None:
    """``request.args.get(name, default)`` without the exception werkzeug raises and
    catches inside ``get`` for a missing key (a few µs, on every request)."""
    args = request.args
    return args[name] if name in args else default


def arg_int(name: str, default: int, *, minimum: int = 0, maximum: int = 10_000) -> int:
    """An integer query parameter within bounds; 400 when it is not one."""
    raw = _arg(name)
    if raw is None or raw == "":
        return default
    # ASCII digits only: int() would also take " 5", "1_0" or "٣", which no form sends
    # and the OpenAPI description does not promise.
    if not (raw.isascii() and raw.isdigit()):
        raise BadRequest(f"parameter {name!r} must be a whole number")
    try:
        value = int(raw, 10)
    except ValueError:  # more digits than int() reads
        raise BadRequest(f"parameter {name!r} must be a whole number") from None
    if not minimum <= value <= maximum:
        raise BadRequest(f"parameter {name!r} must be between {minimum} and {maximum}")
    return value


def arg_choice(name: str, choices: Iterable[str], default: str | None) -> str | None:
    """A query parameter that must be one of *choices*; 400 otherwise."""
    raw = _arg(name)
    if raw is None or raw == "":
        return default
    options = list(choices)
    if raw not in options:
        shown = ", ".join(options[:12]) + (", …" if len(options) > 12 else "")
        raise BadRequest(f"parameter {name!r} must be one of: {shown}")
    return raw


def arg_text(name: str, default: str = "", *, max_length: int = 2000) -> str:
    """A free-text query parameter, cut to *max_length* characters (never an error:
    search must answer whatever is typed or pasted)."""
    raw = _arg(name, default)
    return raw[:max_length]


# -- pages --------------------------------------------------------------------------------
def page_lists(data: Mapping[str, Any], page: int, size: int, *,
               keep: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, int]]:
    """*data* with every list in it, at any depth, cut to its *page* (1-based) of *size*
    rows (Datasette's ``max_returned_rows``), and each list's full length by its dotted
    path (``"upkeep.stale"``).  Lists under the top-level keys in *keep* stay whole (they
    are bounded by the organisation's shape, e.g. the integration matrix); lists inside
    the rows of a list are not cut (a row is shown whole)."""
    keep = set(keep)
    counts: dict[str, int] = {}
    start = (page - 1) * size

    def cut(value: Any, path: str) -> Any:
        if isinstance(value, Mapping):
            return {k: (v if not path and k in keep else cut(v, f"{path}.{k}" if path else k))
                    for k, v in value.items()}
        if isinstance(value, list):
            counts[path] = len(value)
            return value[start:start + size]
        return value

    return cut(data, ""), counts


def pagination(page: int, size: int, counts: Mapping[str, int], **args: Any) -> dict[str, Any]:
    """``{page, pages, max_returned_rows, counts, next, prev}`` for :func:`page_lists`:
    ``pages`` is what the longest list needs (at least 1), ``next``/``prev`` the URLs of
    the neighbouring pages (None at either end): this request's endpoint (so the JSON
    twin links JSON) with *args*."""
    endpoint = request.endpoint or ""
    longest = max(counts.values(), default=0)
    pages = max(1, -(-longest // size))

    def url(n: int) -> str | None:
        return url_for(endpoint, **args, page=n) if 1 <= n <= pages else None

    return {"page": page, "pages": pages, "max_returned_rows": size, "counts": dict(counts),
            "next": url(page + 1), "prev": url(page - 1)}


# -- errors ---------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    """Answer every HTTP error, and every unexpected exception, in the one shape; keep a
    response cache for the heavy pages."""
    app.extensions["tvb.responses"] = ResponseCache()

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        resp = error_response(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return _http_error(exc)
        _log.exception("unexpected error on %s", request.path)
        return error_response(500, "internal error")
