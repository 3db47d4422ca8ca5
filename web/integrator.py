"""The integrator's dashboard: every finding of ``tvb report`` on one page.

The JSON twin is the report itself (the public contract of ``tvb report``).  The HTML page adds
only presentation: display names, the integration-model matrix laid out as functional rows
× integrating columns, and the reasons of the missing links in the page's language.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .data import snapshot
from .links import reason_text, ref
from .render import arg_choice, page, render

__all__ = ["bp", "LIST_LIMIT"]

bp = Blueprint("integrator", __name__)

#: Rows of each long list shown on the HTML page (a register of a whole ministry can
#: have thousands); ``?show=all`` and the JSON twin give every row.
LIST_LIMIT = 100


def _matrix(report: dict) -> dict[str, Any]:
    """Rows = functional directorates, columns = integrating ones; a cell of weight 0 is
    an integration-model gap, a cell listed in ``weak_junctions`` is marked weak."""
    m = report["integration_matrix"]
    weak = {(c["functional"], c["integrating"]) for c in report.get("weak_junctions", ())}
    cell = {(c["functional"], c["integrating"]): c for c in m["cells"]}
    return {
        "columns": m["integrating"],
        "rows": [{"functional": f, "cells": [{**(cell.get((f, i)) or {
            "integrating": i, "functional": f, "person_ties": 0, "collaborations": 0,
            "dossiers": 0, "weight": 0}), "weak": (f, i) in weak}
            for i in m["integrating"]]} for f in m["functional"]],
    }


@page(bp, "/integrator", cache=True)
def dashboard() -> Response:
    """All findings.  The JSON twin is the whole report; the HTML page shows the first
    :data:`LIST_LIMIT` rows of each long list unless ``?show=all``."""
    snap = snapshot()
    reg = snap.registry
    report = snap.report
    limit = None if arg_choice("show", ["all"], None) else LIST_LIMIT
    names = report.get("names", {})
    links: dict[str, list[dict]] = {"integration-model": [], "process": [], "overlap": []}
    totals: dict[str, int] = {k: 0 for k in links}
    for row in report["missing_links"]:
        kind = row["kind"]
        totals[kind] = totals.get(kind, 0) + 1
        shown = links.setdefault(kind, [])
        if limit is not None and len(shown) >= limit:
            continue
        shown.append({
            **row, "reason_shown": reason_text(row, names),
            "directorate_refs": [ref(reg, x) for x in row["directorates"]],
            "dossier_refs": [ref(reg, x) for x in row["dossiers"]],
            "people_refs": [ref(reg, x) for x in row["people"]],
        })
    upkeep = {k: [ref(reg, i) for i in report["upkeep"][k]]
              for k in ("unowned_dossiers", "unevaluated_collaborations")}
    from .involvement import dashboard_data

    return render("integrator.html", report, matrix=_matrix(report), missing=links,
                  totals=totals, profile=report["factor_profile"], upkeep=upkeep,
                  limit=limit, ref=lambda i: ref(reg, i),
                  involvement=dashboard_data(reg, report, limit))
