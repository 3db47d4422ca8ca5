"""Recente wijzigingen: the meaningful changes of the data's last commits, newest first,
as a page, its JSON twin and an Atom feed (RFC 4287) for feed readers and chat tools.

The rows come from :func:`graph.recent.recent_changes` over the history that
:mod:`web.history` keeps per HEAD; nothing is computed here beyond turning ids into
links and words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request, url_for

from .data import snapshot
from .history import history
from .i18n import t
from .links import findings_shown, ref
from .render import page, render

__all__ = ["bp"]

bp = Blueprint("recent", __name__)

ATOM = "http://www.w3.org/2005/Atom"


def _finding_subject(f: dict) -> list[str]:
    for key in ("directorate", "person", "dossier", "id"):
        if f.get(key):
            return [f[key]]
    return list(f.get("directorates") or ()) + list(f.get("dossiers") or ())[:3]


def _data() -> dict[str, Any]:
    snap = snapshot()
    reg = snap.registry
    h = history()
    commits = []
    for c in h.recent(snap.today):
        changes = []
        for row in c["changes"]:
            old = ref(reg, row["old"]) if row["kind"] != "renamed" else \
                {"id": row["old"], "kind": None, "label": row["old"], "url": None}
            item = {**row, "subject": ref(reg, row["id"]) or
                    {"id": row["id"], "kind": None, "label": row["label"], "url": None},
                    "old_ref": old, "new_ref": ref(reg, row["new"])}
            changes.append({**item, "text": _line(item)})
        findings = []
        # a reader learns what changed hands, not who became a silo or a weak link
        for f in c["findings"] if findings_shown() else ():
            about = [a for a in (ref(reg, i) for i in _finding_subject(f["finding"])) if a]
            findings.append({"change": f["change"], "category": f["category"], "about": about,
                             "finding": f["finding"],
                             "text": t("recent.finding." + f["change"],
                                       what=t("recent.cat." + f["category"]),
                                       about=", ".join(a["label"] for a in about))})
        commits.append({**c, "changes": changes, "findings": findings})
    return {"kind": "recent", "head": h.head, "commits_read": len(h.steps),
            "commits": commits}


@page(bp, "/recent")
def recent() -> Response:
    """Recente wijzigingen, newest first."""
    return render("recent.html", _data())


def _line(c: dict) -> str:
    """One change as a line of plain text, in the request's language."""
    old = c["old_ref"]["label"] if c["old_ref"] else "—"
    new = c["new_ref"]["label"] if c["new_ref"] else "—"
    return t("recent.change." + c["kind"], label=c["subject"]["label"], old=old, new=new)


@bp.route("/recent.atom")
def feed() -> Response:
    """The same changes as an Atom 1.0 feed (RFC 4287): one entry per commit."""
    data = _data()
    page_url = url_for("recent.recent", _external=True)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", t("lang.code"))

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(root, "id", page_url)
    sub(root, "title", f"{t('recent.heading')} · {t('app.title')}")
    newest = data["commits"][0]["date"] if data["commits"] else \
        dt.datetime.combine(snapshot().today, dt.time(), dt.UTC).isoformat()
    sub(root, "updated", newest)
    sub(root, "link", rel="self", href=request.url, type="application/atom+xml")
    sub(root, "link", rel="alternate", href=page_url, type="text/html")
    sub(sub(root, "author"), "name", t("app.title"))
    for c in data["commits"]:
        entry = sub(root, "entry")
        sub(entry, "id", f"{page_url}#{c['commit']}")
        sub(entry, "title", c["subject"] or c["commit"][:12])
        sub(entry, "updated", c["date"])
        sub(sub(entry, "author"), "name", c["author"])
        sub(entry, "link", rel="alternate", href=f"{page_url}#c-{c['commit'][:12]}",
            type="text/html")
        lines = [x["text"] for x in c["changes"]] + [f["text"] for f in c["findings"]]
        sub(entry, "summary", "\n".join(lines), type="text")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")
