"""The lessons book: every evaluation's lessons by collaboration and date, searchable, and
the seven-factor profile in the thesis's five-level scale (1 low … 5 high)."""

from __future__ import annotations

from flask import Blueprint, Response

from registry.schema import FACTORS
from registry.search import fold

from .data import snapshot
from .links import factor_level, ref
from .render import arg_text, page, render

__all__ = ["bp"]

bp = Blueprint("lessons", __name__)


@page(bp, "/lessons", cache=True)
def lessons() -> Response:
    snap = snapshot()
    reg = snap.registry
    q = arg_text("q", max_length=200).strip()
    words = fold(q).split()
    entries = []
    for c in reg.collaborations.values():
        for e in c.evaluations:
            if not e.lessons and not e.factors:
                continue
            if words:
                text = fold(" ".join((c.name, *e.lessons)))
                if not all(w in text for w in words):
                    continue
            entries.append({
                "collaboration": ref(reg, c.id), "type": c.type, "date": e.date.isoformat(),
                "worthwhile": e.worthwhile, "lessons": list(e.lessons),
                "factors": [{"factor": f, "score": e.factors[f],
                             "level": factor_level(e.factors[f])}
                            for f in FACTORS if f in e.factors],
            })
    entries.sort(key=lambda x: (x["date"], x["collaboration"]["id"]), reverse=True)
    profile = [{"factor": f, **snap.report["factors"].get(f, {"mean": None, "n": 0}),
                "level": factor_level(snap.report["factors"].get(f, {}).get("mean"))}
               for f in FACTORS]
    data = {"query": q, "evaluations": entries, "factors": profile}
    return render("lessons.html", data)
