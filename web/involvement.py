"""Issue 13 on the viewer's pages: who should be involved and when, who covers, whose task
it is — the dashboard's sections, the dossier page and the person page.

The findings are computed once per snapshot (:mod:`graph.involvement`, in the report and
:attr:`graph.snapshot.Snapshot.involvement`); these helpers only pick the rows for a page
and word them in the request's language.
"""

from __future__ import annotations

from typing import Any

from graph.involvement import person_load

from .i18n import t
from .links import ref, refs

__all__ = ["should_text", "late_text", "dashboard_data", "dossier_data", "person_data",
           "directorate_data"]


def _name(names: dict[str, str], id: str | None) -> str:
    return names.get(id, id) if id else "—"


def should_text(row: dict, names: dict[str, str]) -> str:
    """"HDP zou betrokken moeten zijn: Materieel", or who was absent at the table."""
    if row["kind"] == "theme":
        return t("inv.should.theme", unit=_name(names, row["missing"]),
                 theme=_name(names, row["theme"]))
    return t("inv.should.absent", unit=_name(names, row["missing"]),
             collaboration=_name(names, row["collaboration"]), date=row["date"])


def late_text(row: dict, names: dict[str, str]) -> str:
    """Who was brought in late, and how late."""
    parts = []
    n = row["days_after_start"]
    if n is not None and n > row["late_after_days"]:
        parts.append(t("inv.late.days", n=n, start=row["start"]))
    if row["stage"] in ("besluitvorming", "uitvoering", "evaluatie"):
        parts.append(t("inv.late.stage", stage=row["stage"]))
    head = t("inv.late.row", unit=_name(names, row["missing"]),
             dossier=_name(names, row["dossiers"][0]))
    return head + (": " + "; ".join(parts) if parts else "")


def _rows(reg: Any, rows: list[dict], text: Any, names: dict[str, str],
          limit: int | None) -> list[dict]:
    return [{**r, "text": text(r, names), "dossier_refs": refs(reg, r["dossiers"]),
             "directorate_refs": refs(reg, r["directorates"])}
            for r in rows[:limit]]


def dashboard_data(reg: Any, report: dict, limit: int | None,
                   counts: dict[str, int] | None = None) -> dict[str, Any]:
    """The dashboard's four sections, each list cut at *limit* rows (None: all); the
    totals come from *counts* (full lengths by dotted path, for a paged *report*) when
    given."""
    names = report.get("names", {})

    def total(path: str, rows: list) -> int:
        return counts.get(path, len(rows)) if counts is not None else len(rows)

    c = report["cover"]
    tc = report["task_clarity"]
    unclear = [{**r, "text": t("inv.task.unclear.row", dossier=_name(names, r["dossiers"][0]),
                                unit=_name(names, r["units"][0]), task=r["tasks"][0]),
                "dossier_refs": refs(reg, r["dossiers"])} for r in tc["unclear_owner"][:limit]]
    overlap = [{**r, "text": t("inv.task.overlap.row", a=_name(names, r["units"][0]),
                                ta=r["tasks"][0], b=_name(names, r["units"][1]),
                                tb=r["tasks"][1]),
                "unit_refs": refs(reg, r["units"])} for r in tc["overlapping_tasks"][:limit]]
    return {
        "should": _rows(reg, report["should_involve"], should_text, names, limit),
        "should_total": total("should_involve", report["should_involve"]),
        "late": _rows(reg, report["late_involvement"], late_text, names, limit),
        "late_total": total("late_involvement", report["late_involvement"]),
        "late_after_days": report["settings"].get("late_after_days"),
        "cover": {
            "directorates": [{**r, "ref": ref(reg, r["directorate"])} for r in c["directorates"]],
            "overloaded": [{**r, "ref": ref(reg, r["person"])} for r in c["overloaded"][:limit]],
            "problems": [{**r, "dossier_ref": ref(reg, r["dossier"]),
                          "text": t("inv.cover.problem." + r["problem"],
                                    deputy=_name(names, r["deputy"]))}
                         for r in c["deputy_problems"][:limit]],
            "without_deputy": refs(reg, [r["dossier"] for r in c["without_deputy"][:limit]]),
            "overloaded_total": total("cover.overloaded", c["overloaded"]),
            "problems_total": total("cover.deputy_problems", c["deputy_problems"]),
            "without_deputy_total": total("cover.without_deputy", c["without_deputy"]),
            "max": c["max_active_dossiers"],
        },
        "uncovered": [{**r, "unit_ref": ref(reg, r["unit"])}
                      for r in tc["uncovered_tasks"][:limit]],
        "uncovered_total": total("task_clarity.uncovered_tasks", tc["uncovered_tasks"]),
        "unclear": unclear, "unclear_total": total("task_clarity.unclear_owner",
                                                    tc["unclear_owner"]),
        "overlap": overlap, "overlap_total": total("task_clarity.overlapping_tasks",
                                                      tc["overlapping_tasks"]),
    }


def dossier_data(snap: Any, dossier_id: str) -> dict[str, Any]:
    """What the dossier holder must see: who should be involved (by theme), who came in
    late, whether anyone can stand in, and whose task the dossier may be."""
    reg = snap.registry
    names = snap.report.get("names", {})
    rows = snap.involvement.get(dossier_id, {})
    d = reg.dossiers[dossier_id]
    own = [r for r in rows.get("should_involve", ()) if r["kind"] == "theme"]
    entries = [{**ref(reg, e.id), "since": e.since.isoformat() if e.since else None,
                "stage": e.stage} for e in d.involvement_entries if ref(reg, e.id)]
    return {
        "start": d.start.isoformat() if d.start else None, "stage": d.stage,
        "involved_entries": entries,
        "should_involve": [{**r, "text": should_text(r, names)} for r in own],
        "late_involvement": [{**r, "text": late_text(r, names)}
                             for r in rows.get("late_involvement", ())],
        "unclear_owner": [{**r, "text": t("inv.task.unclear.row", dossier=d.title,
                                          unit=_name(names, r["units"][0]), task=r["tasks"][0])}
                          for r in rows.get("unclear_owner", ())],
        "no_deputy": d.active and not d.deputy,
    }


def person_data(snap: Any, person_id: str) -> dict[str, Any]:
    """A person's load and the active dossiers they own without a deputy."""
    reg = snap.registry
    load = person_load(reg, person_id)
    return {**load, "without_deputy": refs(reg, load["without_deputy"]),
            "deputy_for": refs(reg, load["deputy_for"]),
            "text": t("inv.load.text", n=load["active_dossiers"],
                      max=load["max_active_dossiers"], d=len(load["deputy_for"]))}


def directorate_data(snap: Any, directorate_id: str) -> dict[str, Any]:
    """For a directorate's page: its capacity row, the dossiers that should involve it or
    brought it in late, and its units' tasks without a dossier or overlapping another
    directorate's."""
    reg = snap.registry
    names = snap.report.get("names", {})
    index = snap.involvement
    cap = next((r for r in snap.report["cover"]["directorates"]
                if r["directorate"] == directorate_id), None)
    units = [directorate_id, *reg.units[directorate_id].departments]
    rows = {key: [r for u in units for r in index.get(u, {}).get(key, ())]
            for key in ("uncovered_tasks", "overlapping_tasks")}
    mine = index.get(directorate_id, {})
    should = [r for r in mine.get("should_involve", ()) if r["missing"] == directorate_id]
    late = [r for r in mine.get("late_involvement", ()) if r["missing"] == directorate_id]
    return {
        "capacity": cap,
        "should_involve_it": [{**r, "text": should_text(r, names),
                               "dossier_refs": refs(reg, r["dossiers"])} for r in should],
        "late_involvement_of_it": [{**r, "text": late_text(r, names)} for r in late],
        "uncovered_tasks": [{**r, "unit_ref": ref(reg, r["unit"])}
                            for r in rows["uncovered_tasks"]],
        "overlapping_tasks": [{**r, "text": t(
            "inv.task.overlap.row", a=_name(names, r["units"][0]), ta=r["tasks"][0],
            b=_name(names, r["units"][1]), tb=r["tasks"][1])}
            for r in {id(r): r for r in rows["overlapping_tasks"]}.values()],
    }
