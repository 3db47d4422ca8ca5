"""The lessons book: every evaluation's lessons by collaboration and date, searchable, and
the factor profile of :func:`graph.factors.factor_profile` (read from the report, the one
place that builds it) in the thesis's five-level scale (1 low … 5 high)."""

from __future__ import annotations

from flask import Blueprint, Response

from graph.factors import ALL_FACTORS, factor_score
from registry.text import fold

from .data import snapshot
from .links import factor_level, ref, refs
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
            scores = {f: s for f in ALL_FACTORS if (s := factor_score(e, f)) is not None}
            if not e.lessons and not scores:
                continue
            if words:
                text = fold(" ".join((c.name, *e.lessons)))
                if not all(w in text for w in words):
                    continue
            entries.append({
                "collaboration": ref(reg, c.id), "type": c.type, "date": e.date.isoformat(),
                "worthwhile": e.worthwhile, "lessons": list(e.lessons),
                "factors": [{"factor": f, "score": s, "level": factor_level(s)}
                            for f, s in scores.items()],
                "scored_by": refs(reg, e.scored_by),
            })
    entries.sort(key=lambda x: (x["date"], x["collaboration"]["id"]), reverse=True)
    profile = snap.report["factor_profile"]
    data = {"query": q, "evaluations": entries, "factors": profile["factors"],
            "factor_profile": profile}
    return render("lessons.html", data)
