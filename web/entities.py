"""One page per entity — directorate, department, person, dossier, process, collaboration —
with everything the register knows about it and links both ways.

Each view gathers a plain dict from the request's snapshot (the registry, its networks,
the report and :attr:`graph.snapshot.Snapshot.lookups`) and hands it to
:func:`web.render.render`; nothing is computed here that the snapshot does not already
hold.  An unknown id, or an id of another kind, is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, url_for

from graph.factors import ALL_FACTORS, factor_score
from graph.snapshot import findings_naming
from registry.model import Registry

from .data import snapshot
from .history import history
from .links import (
    contact,
    correction,
    factor_level,
    reason_text,
    ref,
    refs,
    without_findings,
)
from .render import page, render

__all__ = ["bp"]

bp = Blueprint("entities", __name__)


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def _stale(value: Any) -> bool:
    """Whether a ``reviewed`` date is past ``settings.stale_after_days`` (searchers see it)."""
    snap = snapshot()
    return bool(value) and (snap.today - value).days > snap.registry.settings.stale_after_days


def _get(kind: str | tuple[str, ...], id: str) -> Any:
    """The entity *id* of *kind*, or 404."""
    reg = snapshot().registry
    e = reg.get(id)
    kinds = (kind,) if isinstance(kind, str) else kind
    if e is None or e.kind not in kinds:
        abort(404, description=f"no {' or '.join(kinds)} with id {id[:100]!r}")
    return e


def _findings(reg: Registry, id: str) -> list[dict[str, Any]]:
    snap = snapshot()
    rows = findings_naming(snap, id)
    names = snap.report.get("names", {})
    return [{"kind": r["kind"], "reason": r["reason"],
             "reason_shown": reason_text(r, names),
             "directorates": refs(reg, r["directorates"]),
             "dossiers": refs(reg, r["dossiers"]), "people": refs(reg, r["people"])}
            for r in rows]


def _unit_common(reg: Registry, u: Any) -> dict[str, Any]:
    snap = snapshot()
    return {
        "id": u.id, "kind": u.kind, "name": u.name, "abbreviation": u.abbreviation,
        "label": u.label, "head": contact(reg, u.head), "tasks": list(u.tasks),
        "reviewed": _date(u.reviewed), "stale": _stale(u.reviewed),
        "people": [contact(reg, p) for p in reg.people_in(u.id)],
        "flags": snap.lookups.flags.get(u.id, []),
        "correction": correction(reg, u),
        "earlier": _earlier(reg, u.id),
    }


def _earlier(reg: Registry, id: str) -> list[dict[str, Any]]:
    """The "eerder" rows of *id* from the data's git history (none outside git)."""
    out = []
    for row in history().earlier.get(id, []):
        other = row["other"]
        out.append({"role": row["role"], "subject": ref(reg, row["subject"]),
                    "other": {"id": other, "kind": None, "label": other, "url": None}
                    if row["role"] == "id" else ref(reg, other),
                    "from": _date(row["from"]), "until": _date(row["until"]),
                    "author": row["author"], "commit": row["commit"]})
    return out


# -- pages --------------------------------------------------------------------------------------
def _members(reg: Registry, unit: Any) -> list[dict[str, Any]]:
    """The people of one unit (not its departments), the head first, each marked."""
    people = [contact(reg, p) for p in reg.people_in(unit.id) if reg.people[p].unit == unit.id]
    people = [{**p, "is_head": p["id"] == unit.head} for p in people if p]
    return sorted(people, key=lambda p: (not p["is_head"], p["label"]))


def _branch(reg: Registry, unit: Any) -> dict[str, Any]:
    return {**ref(reg, unit.id), "name": unit.name, "head": contact(reg, unit.head),
            "fte": unit.fte, "vacancies": unit.vacancies or 0,
            "head_vacant": unit.head is None, "members": _members(reg, unit)}


@page(bp, "/organisation", cache=True)
def organisation() -> Response:
    """The organisation as a tree: directorates → departments → people, heads marked,
    vacancies shown (``<details>``, so it folds without script)."""
    snap = snapshot()
    reg = snap.registry
    org = reg.organisation
    silo = {row["directorate"]: row for row in snap.report["silos"]}
    data = {
        "id": org.id if org else None, "kind": "organisation",
        "name": org.name if org else None, "parent": org.parent if org else None,
        "parent_uri": org.parent_uri if org else None,
        "head": contact(reg, org.head) if org else None,
        "directorates": [{
            **_branch(reg, u), "axis": u.axis,
            "people": len(reg.people_in(u.id)),
            "departments": refs(reg, u.departments),
            "tree": [_branch(reg, reg.units[d]) for d in u.departments],
            "dossiers": len(snap.lookups.dossiers_owned_in.get(u.id, [])),
            "ei_index": silo.get(u.id, {}).get("ei_index"),
            "flags": snap.lookups.flags.get(u.id, []),
        } for u in reg.directorates],
    }
    return render("organisation.html", without_findings(data))


@bp.route("/organisation/<id>")
def organisation_by_id(id: str) -> Response:
    org = snapshot().registry.organisation
    if org is None or org.id != id:
        abort(404, description=f"no organisation with id {id[:100]!r}")
    return redirect(url_for("entities.organisation"), code=303)


@page(bp, "/directorate/<id>", cache=True)
def directorate(id: str) -> Response:
    from .involvement import directorate_data

    snap = snapshot()
    reg = snap.registry
    u = _get("directorate", id)
    lk = snap.lookups
    ties = []
    net = snap.directorate_network
    if id in net:
        for other, e in sorted(net.adj[id].items(), key=lambda kv: (-kv[1]["weight"], kv[0])):
            ties.append({"directorate": ref(reg, other), "weight": e["weight"],
                         "person_ties": e["person_ties"], "collaborations": e["collaborations"],
                         "dossiers": e["dossiers"]})
    silo = next((r for r in snap.report["silos"] if r["directorate"] == id), None)
    data = {
        **_unit_common(reg, u),
        "axis": u.axis,
        "departments": [{**ref(reg, d), "head": ref(reg, reg.units[d].head),
                         "people": len(reg.people_in(d))} for d in u.departments],
        "dossiers_owned": refs(reg, lk.dossiers_owned_in.get(id, [])),
        "dossiers_penvoerder": refs(reg, reg.dossiers_with_penvoerder(id)),
        "dossiers_involving": refs(reg, lk.dossiers_involving.get(id, [])),
        "collaborations": refs(reg, lk.collaborations_in.get(id, [])),
        "processes_penvoerder": refs(reg, lk.processes_pen.get(id, [])),
        "processes_requiring": refs(reg, lk.processes_requiring.get(id, [])),
        "directorate_ties": ties,
        "silo": silo,
        "findings": _findings(reg, id),
        **directorate_data(snap, id),  # issue 13: capacity, involvement, tasks
    }
    return render("directorate.html", without_findings(data))


@page(bp, "/department/<id>")
def department(id: str) -> Response:
    snap = snapshot()
    reg = snap.registry
    u = _get("department", id)
    data = {
        **_unit_common(reg, u),
        "directorate": ref(reg, u.parent),
        "collaborations": refs(reg, reg.collaborations_of(id)),
    }
    return render("department.html", without_findings(data))


@page(bp, "/person/<id>")
def person(id: str) -> Response:
    from .involvement import person_data

    snap = snapshot()
    reg = snap.registry
    p = _get("person", id)
    named = [reg.dossiers[d] for d in reg.dossiers_naming(id)]
    collaborations = []
    for cid in reg.collaborations_of(id):
        c = reg.collaborations[cid]
        collaborations.append({**ref(reg, cid), "role": "lead" if c.lead == id else "member",
                               "ended": c.ended(snap.today)})
    ties = [{"person": ref(reg, other), "directorate": ref(reg, reg.directorate_of(other)),
             "weight": w}
            for other, w in sorted(snap.ties.of_person(id), key=lambda ow: (-ow[1], ow[0]))]
    broker = next((r for r in snap.report["brokers"] if r["person"] == id), None)
    spof = next((r for r in snap.report["single_points_of_failure"] if r["person"] == id), None)
    data = {
        **contact(reg, id),
        "name": p.name,
        "reviewed": _date(p.reviewed), "stale": _stale(p.reviewed),
        "level": reg.level_of(id),
        "head_of": refs(reg, snap.lookups.heads.get(id, [])),
        "owns": refs(reg, reg.dossiers_owned_by(id)),
        "deputy_for": refs(reg, [d.id for d in named if d.deputy == id]),
        "involved_in": refs(reg, [d.id for d in named if id in d.involved]),
        "authority_for": refs(reg, [d.id for d in named if d.authority == id]),
        "collaborations": collaborations,
        "ties": ties,
        "flags": snap.lookups.flags.get(id, []),
        "broker": broker,
        "separates": [refs(reg, pair) for pair in spof["separates"]] if spof else [],
        "findings": _findings(reg, id),
        "load": person_data(snap, id),  # issue 13
        "correction": correction(reg, p),
        "earlier": _earlier(reg, id),
    }
    return render("person.html", without_findings(data))


@page(bp, "/dossier/<id>")
def dossier(id: str) -> Response:
    from .involvement import dossier_data

    snap = snapshot()
    reg = snap.registry
    d = _get("dossier", id)
    data = {
        "id": d.id, "kind": "dossier", "title": d.title, "label": d.title,
        "description": d.description, "keywords": list(d.keywords), "status": d.status,
        "owner": contact(reg, d.owner), "deputy": contact(reg, d.deputy),
        "penvoerder": ref(reg, reg.penvoerder_of(id)),
        "penvoerder_explicit": d.penvoerder is not None,
        "involved": refs(reg, d.involved), "authority": ref(reg, d.authority),
        "process": ref(reg, d.process), "reviewed": _date(d.reviewed),
        "stale": _stale(d.reviewed),
        "involved_directorates": refs(reg, sorted(snap.lookups.involved.get(id, ()))),
        "collaborations": refs(reg, snap.lookups.collaborations_on.get(id, [])),
        "findings": _findings(reg, id),
        **dossier_data(snap, id),  # issue 13: should_involve, late, cover, whose task
        "correction": correction(reg, d),
        "earlier": _earlier(reg, id),
    }
    return render("dossier.html", without_findings(data))


@page(bp, "/process/<id>")
def process(id: str) -> Response:
    snap = snapshot()
    reg = snap.registry
    pr = _get("process", id)
    from graph.network import required_directorates

    data = {
        "id": pr.id, "kind": "process", "name": pr.name, "label": pr.name,
        "description": pr.description, "penvoerder": ref(reg, pr.penvoerder),
        "involve_all": pr.involve == "all",
        "involve": refs(reg, required_directorates(reg, pr.involve)),
        "reviewed": _date(pr.reviewed),
        "dossiers": refs(reg, snap.lookups.dossiers_following.get(id, [])),
        "correction": correction(reg, pr),
    }
    return render("process.html", without_findings(data))


@page(bp, "/collaboration/<id>")
def collaboration(id: str) -> Response:
    snap = snapshot()
    reg = snap.registry
    c = _get("collaboration", id)
    from graph.network import represented_directorates

    evaluations = []
    for e in sorted(c.evaluations, key=lambda e: e.date, reverse=True):
        evaluations.append({
            "date": e.date.isoformat(), "worthwhile": e.worthwhile, "lessons": list(e.lessons),
            "factors": [{"factor": f, "score": x, "level": factor_level(x)}
                        for f in ALL_FACTORS if (x := factor_score(e, f)) is not None],
            "subfactors": dict(e.subfactors), "scored_by": refs(reg, e.scored_by),
        })
    data = {
        "id": c.id, "kind": "collaboration", "name": c.name, "label": c.name, "type": c.type,
        "mode": c.mode, "lead": contact(reg, c.lead),
        "members": [contact(reg, m) for m in c.members],
        "units": refs(reg, c.directorates), "dossiers": refs(reg, c.dossiers),
        "purpose": c.purpose, "start": _date(c.start), "end": _date(c.end),
        "ended": c.ended(snap.today), "reviewed": _date(c.reviewed),
        "stale": _stale(c.reviewed),
        "represented": refs(reg, sorted(represented_directorates(reg, id))),
        "evaluations": evaluations,
        "unevaluated": id in snap.report["upkeep"]["unevaluated_collaborations"],
        "correction": correction(reg, c),
    }
    return render("collaboration.html", without_findings(data))
