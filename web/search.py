"""Home and search: "who owns topic X, who else is involved, whom do I call?"

``/`` (and ``/search``) answers ``?q=`` with the ranked hits of
:class:`registry.search.SearchIndex`, grouped by kind, each dossier with its owner's
name and contact on the first screen.  ``/suggest?q=`` gives a few hits as you type (the
page's script asks for ``/suggest.json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, request

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


class _Answers:
    """Per search index: each entity's hit as JSON-ready data (URLs in, phones out) and
    the directorates' list, so that a request only fills in a hit's tier and score.

    A hit's data is a pure function of the entity, the index, the day (``stale``), the
    URL root and whether phones show; building it (a deep copy, an ``url_for`` per
    reference) cost more than the search itself at 100,000 people.  Shared between
    requests: read it, never change it.  Bounded like the index's own caches."""

    MAX_ENTRIES = 50_000

    def __init__(self, index: Any) -> None:
        self.index = index
        self.hits: dict[tuple, dict[str, Any]] = {}
        self.directorates: dict[str, list[dict[str, Any]]] = {}

    @classmethod
    def of(cls, index: Any) -> _Answers:
        """The answers of *index* (a new set when the snapshot's index changed)."""
        answers = current_app.extensions.get("tvb.search_answers")
        if answers is None or answers.index is not index:
            answers = current_app.extensions["tvb.search_answers"] = cls(index)
        return answers

    def hit(self, hit: Any, today: dt.date, hide_phones: bool) -> dict[str, Any]:
        key = (hit.id, today, request.script_root, hide_phones)
        done = self.hits.get(key)
        if done is None:
            if len(self.hits) >= self.MAX_ENTRIES:
                self.hits.clear()
            done = self.hits[key] = _with_urls(hit.as_dict())
        out = dict(done)  # the same keys in the same order: tier and score in place
        out["tier"] = hit.tier
        out["score"] = round(hit.score, 4)
        return out

    def directorates_of(self, reg: Any) -> list[dict[str, Any]]:
        root = request.script_root
        done = self.directorates.get(root)
        if done is None:
            done = self.directorates[root] = [ref(reg, u.id) | {"name": u.name}
                                              for u in reg.directorates]
        return done


def _search_data() -> dict[str, Any]:
    snap = snapshot()
    q = arg_text("q", max_length=MAX_QUERY_CHARS).strip()
    limit = arg_int("limit", 20, minimum=1, maximum=100)
    reg = snap.registry
    answers = _Answers.of(snap.search)
    data: dict[str, Any] = {"query": q, "limit": limit}
    if q:
        today = snap.today or dt.date.today()
        hide = not phones_shown()
        result = snap.search.search(q, limit, today=today)
        data.update(result.as_dict(hit=lambda h: answers.hit(h, today, hide)))
        if data["help"]:
            _with_urls(data["help"])
        # The single best answer first, whatever its kind; the groups hold the rest.
        data["best"] = data["hits"][0] if data["hits"] else None
    else:
        data.update({"words": [], "suggestions": [], "corrections": {}, "splits": {},
                     "hits": [], "groups": {}, "best": None, "help": {}})
    data["directorates"] = answers.directorates_of(reg)
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
