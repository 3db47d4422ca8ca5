"""Home and search: "who owns topic X, who else is involved, whom do I call?"

``/`` (and ``/search``) answers ``?q=`` with the ranked hits of
:class:`registry.search.SearchIndex`, grouped by kind, each dossier with its owner's
name and contact on the first screen.  ``/suggest?q=`` gives a few hits as you type (the
page's script asks for ``/suggest.json``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .data import snapshot
from .links import entity_url, phones_shown, ref
from .render import arg_int, arg_text, page, render

__all__ = ["bp", "MAX_QUERY_CHARS"]

bp = Blueprint("search", __name__)

#: Longer input is cut, not refused: a pasted paragraph still gets an answer.
MAX_QUERY_CHARS = 500


def _hit_kind(hit: dict[str, Any]) -> str:
    return hit.get("unit_kind") or hit["kind"] if hit["kind"] == "unit" else hit["kind"]


def _with_urls(value: Any) -> Any:
    """Add ``url`` (and ``label``) to every ``{"id", "kind"}`` mapping of a search result,
    at any depth, and drop phone numbers this user may not see; in place: the result is
    fresh for each request, and copying its thousand small mappings cost more than the
    search itself."""
    hide_phones = not phones_shown()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
            if hide_phones and item.get("phone"):
                item["phone"] = None
            if "id" in item and "kind" in item:
                kind = _hit_kind(item) if "tier" in item else item["kind"]
                item["url"] = entity_url(kind, item["id"])
                item.setdefault("label", item.get("name") or item.get("title") or item["id"])
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
    return value


def _search_data() -> dict[str, Any]:
    snap = snapshot()
    q = arg_text("q", max_length=MAX_QUERY_CHARS).strip()
    limit = arg_int("limit", 20, minimum=1, maximum=100)
    reg = snap.registry
    data: dict[str, Any] = {"query": q, "limit": limit}
    if q:
        result = snap.search.search(q, limit, today=snap.today).as_dict()
        data.update(_with_urls(result))
        # The single best answer first, whatever its kind; the groups hold the rest.
        data["best"] = data["hits"][0] if data["hits"] else None
    else:
        data.update({"words": [], "suggestions": [], "corrections": {}, "splits": {},
                     "hits": [], "groups": {}, "best": None, "help": {}})
    data["directorates"] = [ref(reg, u.id) | {"name": u.name} for u in reg.directorates]
    return data


@page(bp, "/", cache=True)
def home() -> Response:
    return render("search.html", _search_data())


@page(bp, "/search", cache=True)
def search() -> Response:
    return render("search.html", _search_data())


@page(bp, "/suggest")
def suggest() -> Response:
    """A handful of hits for what has been typed so far (as-you-type)."""
    snap = snapshot()
    q = arg_text("q", max_length=MAX_QUERY_CHARS)
    limit = arg_int("limit", 8, minimum=1, maximum=20)
    rows = []
    if q.strip():
        for h in snap.search.search(q, limit, today=snap.today).as_dict()["hits"]:
            kind = _hit_kind(h)
            if kind == "dossier":
                owner = h.get("owner") or {}
                hint = owner.get("name")
            elif kind == "person":
                hint = h.get("function")
            else:
                hint = h.get("abbreviation") or h.get("type")
            rows.append({"id": h["id"], "kind": kind, "label": h["title"], "hint": hint,
                         "url": entity_url(kind, h["id"])})
    return render("suggest.html", {"query": q, "suggestions": rows})
