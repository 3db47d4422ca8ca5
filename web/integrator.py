"""The integrator's dashboard: every finding of ``tvb report``, a page at a time.

The JSON twin is the report (the public contract of ``tvb report``) paged the Datasette way:
every list holds at most ``MAX_RETURNED_ROWS`` rows, ``?page=N`` gives the next ones and
``pagination`` says how many rows each list has and where the neighbouring pages are.  The
``process`` rows of ``missing_links`` (one per dossier and missing directorate; almost a
million for a whole government) are left out of it: ``process_gaps`` holds them one row per
dossier.  ``names`` covers the ids on the page.  The HTML page adds only presentation:
display names, the integration-model matrix laid out as functional rows × integrating
columns, and the reasons of the missing links in the page's language.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, current_app, url_for
from werkzeug.exceptions import NotFound

from graph.analysis import display_name

from .data import findings_state, snapshot
from .links import reason_text, ref
from .render import (
    arg_choice,
    arg_int,
    json_response,
    page,
    page_lists,
    pagination,
    render,
    wants_json,
)

__all__ = ["bp", "paged_report"]

bp = Blueprint("integrator", __name__)

#: Top-level keys whose lists stay whole: bounded by the number of directorates.
_WHOLE = ("integration_matrix", "names", "settings", "summary", "factors", "betweenness",
          "people_network", "factor_profile", "weak_junctions")


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


def _ids(value: Any, names: dict[str, str], out: set[str]) -> None:
    """Every string in *value* (at any depth) that is a named id."""
    if isinstance(value, str):
        if value in names:
            out.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _ids(v, names, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _ids(v, names, out)


def paged_report(report: dict, page_no: int, size: int, *,
                 all_names: bool = False) -> tuple[dict, dict[str, int]]:
    """Page *page_no* of the report as the dashboard's JSON twin shows it (see the module
    docstring), and every list's full length by dotted path.  ``all_names`` keeps every
    name (for the HTML page, which looks names up and never shows the table)."""
    view = {k: v for k, v in report.items() if k != "names"}
    view["missing_links"] = [r for r in report["missing_links"] if r["kind"] != "process"]
    view.setdefault("process_gaps", [])
    paged, counts = page_lists(view, page_no, size, keep=_WHOLE)
    names = report.get("names", {})
    if all_names:
        paged["names"] = names
        return paged, counts
    paged["silos"] = _cut_sectoral(paged["silos"], size, None)
    for lv, part in paged.get("levels", {}).items():
        part["silos"] = _cut_sectoral(part["silos"], size, lv)
    on_page: set[str] = set()
    _ids(paged, names, on_page)
    paged["names"] = {i: names[i] for i in sorted(on_page)}
    return paged, counts


def _cut_sectoral(rows: list[dict], size: int, level: str | None) -> list[dict]:
    """Silo rows with at most *size* ids of ``sectoral_dossiers`` each (a directorate
    of a whole government holds thousands); a row cut gets ``sectoral_dossiers_count``
    and ``sectoral_dossiers_url`` (:func:`sectoral`, every id a page at a time) beside
    them, a row that fits stays as in ``tvb report``, which keeps every id."""
    out = []
    for row in rows:
        ids = row.get("sectoral_dossiers") or []
        if len(ids) <= size:
            out.append(row)
            continue
        out.append({**row, "sectoral_dossiers": ids[:size],
                    "sectoral_dossiers_count": len(ids),
                    "sectoral_dossiers_url": url_for("integrator.sectoral",
                                                     id=row["directorate"], level=level)})
    return out


def _silo_row(report: dict, id: str, level: str | None) -> dict:
    rows = report["silos"] if level is None else report["levels"][level]["silos"]
    row = next((r for r in rows if r["directorate"] == id), None)
    if row is None:
        raise NotFound(f"no silo row for {id!r}")
    return row


@bp.route("/integrator/sectoral/<id>.json")
def sectoral(id: str) -> Response:
    """Every sectoral dossier of one directorate's silo row (``?level=`` management or
    staff for a level's row), ``MAX_RETURNED_ROWS`` ids per page (``?page=``), with
    their names: the list the dashboard's JSON twin cuts."""
    from registry.schema import LEVELS

    snap = snapshot()
    report = snap.report
    level = arg_choice("level", list(LEVELS), None)
    size = int(current_app.config.get("MAX_RETURNED_ROWS", 100))
    page_no = arg_int("page", 1, minimum=1, maximum=10**9)
    ids = _silo_row(report, id, level)["sectoral_dossiers"]
    shown = ids[(page_no - 1) * size:page_no * size]
    pager = pagination(page_no, size, {"sectoral_dossiers": len(ids)}, id=id, level=level)
    if page_no > pager["pages"]:
        raise NotFound(f"page {page_no} does not exist ({pager['pages']} pages)")
    return json_response({"directorate": id, "level": level, "sectoral_dossiers": shown,
                          "names": {i: display_name(snap.registry, i) for i in shown},
                          "pagination": pager})


@page(bp, "/integrator", cache=True)
def dashboard() -> Response:
    """All findings, ``MAX_RETURNED_ROWS`` rows of each list per page (``?page=``)."""
    snap = snapshot()
    reg = snap.registry
    report = snap.report
    arg_choice("show", ["all"], None)  # the old "show all" link: pages replaced it
    size = int(current_app.config.get("MAX_RETURNED_ROWS", 100))
    page_no = arg_int("page", 1, minimum=1, maximum=10**9)
    as_json = wants_json()
    data, counts = paged_report(report, page_no, size, all_names=not as_json)
    data["pagination"] = pagination(page_no, size, counts)
    # The report's own data_version is the findings' version; the registry's beside it.
    data["registry_version"] = snap.data_version
    data["findings"] = findings_state(snap)
    if page_no > data["pagination"]["pages"]:
        raise NotFound(f"page {page_no} does not exist "
                       f"({data['pagination']['pages']} pages)")
    if as_json:  # the rest is presentation
        return json_response(data)
    names = data["names"]
    links: dict[str, list[dict]] = {"integration-model": [], "process": [], "overlap": []}
    # Rows of each kind after this page: the kinds share one paged list.
    end = page_no * size
    others = [row for row in report["missing_links"] if row["kind"] != "process"]
    after = Counter(row["kind"] for row in others[end:])
    left = {k: after.get(k, 0) for k in links}
    kinds = Counter(row["kind"] for row in others)
    totals: dict[str, int] = {k: kinds.get(k, 0) for k in links}
    totals["process"] = counts["process_gaps"]
    left["process"] = max(0, counts["process_gaps"] - end)
    for row in data["missing_links"]:
        links.setdefault(row["kind"], []).append({
            **row, "reason_shown": reason_text(row, names),
            "directorate_refs": [ref(reg, x) for x in row["directorates"]],
            "dossier_refs": [ref(reg, x) for x in row["dossiers"]],
            "people_refs": [ref(reg, x) for x in row["people"]],
        })
    for row in data["process_gaps"]:
        links["process"].append({
            **row, "reason_shown": reason_text(row, names),
            "directorate_refs": [ref(reg, x) for x in [row["directorate"], *row["missing"]]
                                 if x],
            "dossier_refs": [ref(reg, row["dossier"])],
            "people_refs": [ref(reg, x) for x in row["people"]],
        })
    upkeep = {k: [ref(reg, i) for i in data["upkeep"][k]]
              for k in ("unowned_dossiers", "unevaluated_collaborations")}
    from .involvement import dashboard_data

    return render("integrator.html", data, matrix=_matrix(report), missing=links,
                  totals=totals, left=left, profile=report["factor_profile"], upkeep=upkeep,
                  counts=counts,
                  offset=(page_no - 1) * size, pager=data["pagination"],
                  ref=lambda i: ref(reg, i),
                  involvement=dashboard_data(reg, data, None, counts))
