"""Home and search: "who owns topic X, who else is involved, whom do I call?"

``/`` (and ``/search``) answers ``?q=`` with the ranked hits of
:class:`registry.search.SearchIndex`, grouped by kind, each dossier with its owner's
name and contact on the first screen.  ``/suggest?q=`` gives a few hits as you type (the
page's script asks for ``/suggest.json``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from .data import slots, snapshot
from .links import entity_url, phones_shown, ref
from .render import JSON_MIMETYPE, arg_int, arg_text, json_text, page, render, wants_json

__all__ = ["bp", "MAX_QUERY_CHARS"]

bp = Blueprint("search", __name__)

#: Longer input is cut, not refused: a pasted paragraph still gets an answer.
MAX_QUERY_CHARS = 500


def _hit_kind(hit: dict[str, Any]) -> str:
    return hit.get("unit_kind") or hit["kind"] if hit["kind"] == "unit" else hit["kind"]


def _link(item: dict[str, Any], hide_phones: bool,
          url: Callable[[str | None, str], str | None] = entity_url) -> None:
    """Add ``url`` (and ``label``) to one ``{"id", "kind"}`` mapping, in place, and drop
    its phone number when this user may not see it; *url* is :func:`entity_url` or a
    memo of it."""
    if hide_phones and item.get("phone"):
        item["phone"] = None
    if "id" in item and "kind" in item:
        kind = _hit_kind(item) if "tier" in item else item["kind"]
        item["url"] = url(kind, item["id"])
        item.setdefault("label", item.get("name") or item.get("title") or item["id"])


def _with_urls(value: Any) -> Any:
    """:func:`_link` every mapping of a search result, at any depth, in place."""
    hide_phones = not phones_shown()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
            _link(item, hide_phones)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
    return value


_NESTED = (dict, MappingProxyType, list, tuple)


def _linked(value: Any, hide_phones: bool,
            url: Callable[[str | None, str], str | None] = entity_url) -> Any:
    """A plain copy of part of a hit's detail with every mapping :func:`_link`-ed: what
    ``_with_urls(hit.as_dict())`` makes of it, in one pass."""
    if isinstance(value, dict | MappingProxyType):
        # (a scalar, most values, is taken as it is without a call)
        item = {k: _linked(v, hide_phones, url) if isinstance(v, _NESTED) else v
                for k, v in value.items()}
        _link(item, hide_phones, url)
        return item
    if isinstance(value, list | tuple):
        return [_linked(v, hide_phones, url) if isinstance(v, _NESTED) else v
                for v in value]
    return value


def _linked_hit(hit: Any, hide_phones: bool,
                url: Callable[[str | None, str], str | None] = entity_url) -> dict[str, Any]:
    """``_with_urls(hit.as_dict())`` (the same keys in the same order), made in one pass
    from the hit's detail, which is not changed."""
    item = {k: _linked(v, hide_phones, url) if isinstance(v, _NESTED) else v
            for k, v in hit.detail.items()}
    item["kind"], item["id"], item["title"] = hit.kind, hit.id, hit.title
    item["tier"], item["score"] = hit.tier, round(hit.score, 4)
    _link(item, hide_phones, url)
    return item


class _Answers:
    """Per search index: each entity's hit as JSON text with URLs in and phones out, and
    the directorates' list, so that a request only fills in a hit's tier and score.

    A hit's data is a pure function of the entity, the index, the day (``stale``), the
    URL root and whether phones show; building and encoding it (a copy, an ``url_for``
    per reference) cost more than the search itself at 100,000 people.  About 1 KB per
    entity, bounded; the HTML page (which renders far more slowly anyway) makes its data
    afresh."""

    MAX_ENTRIES = 20_000
    # Stand-ins for a hit's tier and score while its JSON text is made once: control
    # characters are escaped in JSON, so the quoted pair below can only be these keys.
    _TIER, _SCORE = "\0tier\0", "\0score\0"
    _SPLIT = json_text({"tier": _TIER, "score": _SCORE})[1:-1]

    def __init__(self, index: Any) -> None:
        self.index = index
        self.hits: dict[tuple, tuple[str, str]] = {}
        self.directorates: dict[tuple, tuple[list[dict[str, Any]], str]] = {}
        self.tiers: dict[str, str] = {}
        self.urls: dict[tuple, dict[tuple[str | None, str], str | None]] = {}

    @classmethod
    def of(cls, index: Any) -> _Answers:
        """The answers of *index* (a new set when the snapshot's index changed)."""
        answers = current_app.extensions.get("tvb.search_answers")
        if answers is None or answers.index is not index:
            answers = current_app.extensions["tvb.search_answers"] = cls(index)
        return answers

    @staticmethod
    def where() -> tuple[str, str | None]:
        """What this request's links depend on besides the entity: the URL root, and the
        language when the request names one (``?lang=`` is kept on every link)."""
        return request.script_root, g.get("lang") if "lang" in request.args else None

    def hit_json(self, hit: Any, today: dt.date, hide_phones: bool,
                 where: tuple[str, str | None]) -> str:
        """``json_text(_linked_hit(hit, hide_phones))``, from the entity's kept text;
        *where* is :meth:`where`."""
        key = (hit.id, today, where, hide_phones)
        done = self.hits.get(key)
        if done is None:
            if len(self.hits) >= self.MAX_ENTRIES:
                self.hits.clear()
            data = _linked_hit(hit, hide_phones, self._url(where))
            data["tier"], data["score"] = self._TIER, self._SCORE
            before, after = json_text(data).split(self._SPLIT)
            done = self.hits[key] = (before, after)
        return done[0] + self._tier_score(hit.tier, round(hit.score, 4)) + done[1]

    def _tier_score(self, tier: str, score: float) -> str:
        """``json_text({"tier": tier, "score": score})[1:-1]``, the tier's part kept."""
        begun = self.tiers.get(tier)
        if begun is None:
            begun = self.tiers[tier] = json_text({"tier": tier, "score": 0})[1:-2]
        # the encoder writes a finite float as its repr
        return begun + float.__repr__(score) if math.isfinite(score) else \
            json_text({"tier": tier, "score": score})[1:-1]

    def _url(self, where: tuple[str, str | None]) -> Callable[[str | None, str], str | None]:
        """:func:`entity_url` remembered per entity (a hit links its owner's unit, its
        directorate …, which many hits share), for requests with these links (*where*)."""
        urls = self.urls.get(where)
        if urls is None:
            urls = self.urls[where] = {}

        def url(kind: str | None, id: str) -> str | None:
            key = (kind, id)
            done = urls.get(key, self)
            if done is self:
                if len(urls) >= self.MAX_ENTRIES:
                    urls.clear()
                done = urls[key] = entity_url(kind, id)
            return done

        return url

    def directorates_of(self, reg: Any, where: tuple[str, str | None]
                        ) -> tuple[list[dict[str, Any]], str]:
        """The directorates as data and as JSON text (*where*: see :meth:`where`)."""
        done = self.directorates.get(where)
        if done is None:
            rows = [ref(reg, u.id) | {"name": u.name} for u in reg.directorates]
            done = self.directorates[where] = (rows, json_text(rows))
        return done


def _search_data(as_json: bool = False) -> dict[str, Any]:
    """The search page's data; with *as_json*, the values of ``hits``, ``best`` and
    ``directorates`` are their JSON text (see :func:`_json_body`)."""
    snap = snapshot()
    q = arg_text("q", max_length=MAX_QUERY_CHARS).strip()
    limit = arg_int("limit", 20, minimum=1, maximum=100)
    reg = snap.registry
    answers = _Answers.of(snap.search)
    where = answers.where()
    data: dict[str, Any] = {"query": q, "limit": limit}
    if q:
        today = snap.today or dt.date.today()
        hide = not phones_shown()
        result = snap.search.search(q, limit, today=today)
        if as_json:
            data.update(result.as_dict(hit=lambda h: answers.hit_json(h, today, hide, where)))
        else:
            data.update(result.as_dict(hit=lambda h: _linked_hit(h, hide)))
        if data["help"]:
            _with_urls(data["help"])
        # The single best answer first, whatever its kind; the groups hold the rest.
        data["best"] = data["hits"][0] if data["hits"] else None
        if as_json:
            data["hits"] = _Json("[" + ", ".join(data["hits"]) + "]")
            data["best"] = _Json(data["best"] or "null")
    else:
        data.update({"words": [], "suggestions": [], "corrections": {}, "splits": {},
                     "hits": [], "groups": {}, "best": None, "help": {}})
    rows, text = answers.directorates_of(reg, where)
    data["directorates"] = _Json(text) if as_json else rows
    return data


class _Json(str):
    """A value that is JSON text already."""


def _json_body(data: dict[str, Any]) -> str:
    """``json_text(data)`` for :func:`_search_data` with *as_json*: each part encoded
    apart (its JSON text where it has one already) and joined as the encoder would."""
    return "{" + ", ".join(
        f"{json_text(k)}: {v if isinstance(v, _Json) else json_text(v)}"
        for k, v in data.items()) + "}"


def _searching() -> Any:
    """The lock that bounds how many searches run at once (``SEARCH_CONCURRENCY``)."""
    # More threads computing searches than cores only contend for the interpreter lock
    # (measured: a third more context switches and CPU per search with 8)
    return slots(current_app, "tvb.searching",
                 max(1, int(current_app.config["SEARCH_CONCURRENCY"])))


def _search_page() -> Response:
    with _searching():
        if wants_json():
            return Response(_json_body(_search_data(as_json=True)) + "\n",
                            mimetype=JSON_MIMETYPE)
        data = _search_data()
    return render("search.html", data)


@page(bp, "/", cache=True)
def home() -> Response:
    return _search_page()


@page(bp, "/search", cache=True)
def search() -> Response:
    return _search_page()


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
