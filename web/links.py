"""Helpers every blueprint shares: references to entities with their page's URL, a
person's contact details, the thesis's five-level scale, the reason of a finding in the
page's language.

Blueprints import these from here and never from one another, so no blueprint depends
on another (``tests/test_layers.py`` checks it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from flask import current_app, g, request, url_for

from graph.factors import scale_level
from graph.reasons import missing_link_reason
from registry.model import Registry
from render.correction import correction_fields, correction_link

__all__ = ["entity_url", "ref", "refs", "contact", "factor_level", "reason_text",
           "correction"]
__all__ = ["entity_url", "ref", "refs", "contact", "phones_shown", "findings_shown",
           "without_findings", "factor_level", "reason_text"]

#: What an entity page shows only to those who may see the integrator's pages.
FINDING_KEYS = {"findings": [], "flags": [], "silo": None, "broker": None, "separates": []}

_ENDPOINT = {"directorate": "entities.directorate", "department": "entities.department",
             "person": "entities.person", "dossier": "entities.dossier",
             "process": "entities.process", "collaboration": "entities.collaboration",
             "organisation": "entities.organisation"}


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_MARK = "tvb-id-placeholder"


def entity_url(kind: str | None, id: str) -> str | None:
    """The page of an entity, or None for a kind without one."""
    endpoint = _ENDPOINT.get(kind or "")
    if endpoint is None:
        return None
    if endpoint == "entities.organisation":
        return url_for(endpoint)  # there is one organisation
    if not _SLUG.fullmatch(id):  # not an id of the register: let url_for quote it
        return url_for(endpoint, id=id)
    # url_for costs about 80 µs, and a search answer links a hundred entities: build each
    # kind's URL once per request (it depends on the request's script root) and fill in
    # the id, which as a slug needs no quoting.
    templates = g.setdefault("tvb_url_templates", {})
    template = templates.get(endpoint)
    if template is None:
        template = templates[endpoint] = url_for(endpoint, id=_MARK)
    return template.replace(_MARK, id)


def ref(reg: Registry, id: str | None) -> dict[str, Any] | None:
    """``{"id", "kind", "label", "url"}`` for a reference (``kind`` None if unknown)."""
    if not id:
        return None
    e = reg.get(id)
    if e is None:
        return {"id": id, "kind": None, "label": id, "url": None}
    label = (getattr(e, "label", None) if e.kind in ("directorate", "department") else None) \
        or getattr(e, "title", None) or getattr(e, "name", None) or id
    return {"id": id, "kind": e.kind, "label": label, "url": entity_url(e.kind, id)}


def refs(reg: Registry, ids: Any) -> list[dict[str, Any]]:
    """:func:`ref` of each id, skipping empty ones."""
    return [r for r in (ref(reg, i) for i in ids) if r]


def phones_shown() -> bool:
    """Whether this user sees phone numbers (``HIDE_PHONES`` hides them from ``lezer``)."""
    return not (current_app.config.get("HIDE_PHONES") and g.get("role") == "lezer")


def findings_shown() -> bool:
    """Whether this user sees the integrator's findings (``integrator`` and up; everyone
    in open mode): a reader learns who owns what, not who is a silo or a weak link."""
    return g.get("role", "beheerder") in ("integrator", "beheerder")


def without_findings(data: dict[str, Any]) -> dict[str, Any]:
    """*data* of an entity page, its findings emptied for a user below ``integrator``."""
    if findings_shown():
        return data
    return {**data, **{k: v for k, v in FINDING_KEYS.items() if k in data}}


def contact(reg: Registry, pid: str | None) -> dict[str, Any] | None:
    """A person's reference with what it takes to reach them."""
    r = ref(reg, pid)
    p = reg.people.get(pid) if pid else None
    if r is None or p is None:
        return r
    return {**r, "function": p.function, "email": p.email,
            "phone": p.phone if phones_shown() else None,
            "unit": ref(reg, p.unit), "directorate": ref(reg, reg.directorate_of(p.id))}


def factor_level(value: float | None) -> int | None:
    """The thesis's five-level scale (Table 9, 1 low … 5 high) for a score or a median:
    :func:`graph.factors.scale_level`, the one definition."""
    return scale_level(value)


def reason_text(row: dict, names: dict[str, str]) -> str:
    """The reason of a missing link in the request's language (see
    :func:`graph.reasons.missing_link_reason`).  Every name and word from the data stands
    between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the sentence is plain text
    (no ``<bdi>`` possible), and a right-to-left override in a title must not reverse
    the rest of it."""
    return missing_link_reason(row, lambda i: _isolate(names.get(i, i)), g.get("lang", "nl"),
                               _isolate) + "."


def _isolate(text: str) -> str:
    return f"\u2068{text}\u2069"


def _shown_file(path: str) -> str:
    """The data file as the maintainers know it: relative to the working folder when it
    lies inside it, else its last two parts (no server paths in a public issue)."""
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    if rel.startswith(".."):
        rel = "/".join(Path(path).parts[-2:])
    return Path(rel).as_posix()


def correction(reg: Registry, e: Any) -> str | None:
    """The "Meld een correctie" link of entity *e* on this page (see
    :mod:`render.correction`), or None when the register sets no ``correction_url``."""
    template = reg.settings.correction_url
    if not template:
        return None
    name = getattr(e, "title", None) or getattr(e, "name", None) or e.id
    reviewed = getattr(e, "reviewed", None)
    # the HTML page (also from its JSON twin), without the query
    url = request.host_url.rstrip("/") + (entity_url(e.kind, e.id) or request.path)
    fields = correction_fields(id=e.id, name=name, file=_shown_file(e.loc.file),
                               line=e.loc.line, url=url,
                               reviewed=reviewed.isoformat() if reviewed else None,
                               lang=g.get("lang", "nl"))
    return correction_link(template, fields)
