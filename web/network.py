"""The network view: the people network or the directorate network, drawn in the browser
with vis-network (served by the app itself; nothing comes from a CDN).

``/network?view=people|directorates&directorate=ID``: the page holds the filter form, the
legend and accessible lists of what is highlighted; its script fetches the JSON twin
(``/network.json`` with the same query), which holds the nodes and edges.  People who are
brokers, isolated dossier holders or single points of failure, and flagged silos, carry
``flags`` that the script draws differently.  Above :data:`PHYSICS_LIMIT` nodes the
script stops the physics once the layout has stabilised.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response

from graph.snapshot import Snapshot

from .data import snapshot
from .links import entity_url, ref
from .render import arg_choice, page, render

__all__ = ["bp", "PHYSICS_LIMIT", "network_data"]

bp = Blueprint("network", __name__)

#: Above this many nodes, physics is switched off after the first stable layout.
PHYSICS_LIMIT = 500
#: Colours per directorate, in order, all with contrast ≥ 3:1 against white (WCAG 1.4.11).
PALETTE = ("#1f5fa8", "#b3401b", "#2e7d32", "#7b3fa0", "#8a6d00", "#00796b", "#c2185b",
           "#5d4037", "#455a64", "#6a7a00", "#ad1457", "#283593")

_cache: OrderedDict[tuple, dict] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 32


def _colours(snap: Snapshot) -> dict[str, str]:
    return {u.id: PALETTE[i % len(PALETTE)] for i, u in enumerate(snap.registry.directorates)}


def _people(snap: Snapshot, focus: str | None) -> dict[str, Any]:
    reg = snap.registry
    g = snap.people_network
    flags = snap.lookups.flags
    colour = _colours(snap)
    if focus:
        own = {p for p, d in g.nodes(data="directorate") if d == focus}
        keep = own | {q for p in own for q in g.adj[p]}
        edges = [(a, b, w) for a, b, w in g.edges(data="weight") if a in own or b in own]
    else:
        keep = set(g.nodes)
        edges = list(g.edges(data="weight"))
    nodes = []
    for pid in reg.people:
        if pid not in keep:
            continue
        p = reg.people[pid]
        d = reg.directorate_of(pid)
        label_d = reg.units[d].label if d in reg.units else ""
        nodes.append({"id": pid, "label": p.name, "group": d,
                      "title": " — ".join(x for x in (p.name, p.function, label_d) if x),
                      "color": colour.get(d, "#555555"), "flags": flags.get(pid, []),
                      "degree": g.degree(pid) if pid in g else 0, "url": entity_url("person", pid),
                      "faded": bool(focus) and d != focus})
    return {"nodes": nodes,
            "edges": [{"from": a, "to": b, "value": w or 1} for a, b, w in edges]}


def _directorates(snap: Snapshot, focus: str | None) -> dict[str, Any]:
    reg = snap.registry
    g = snap.directorate_network
    flags = snap.lookups.flags
    colour = _colours(snap)
    keep = ({focus, *g.adj[focus]} if focus and focus in g else set(g.nodes))
    nodes = [{"id": u.id, "label": u.label, "group": u.id,
              "title": f"{u.name} — {len(reg.people_in(u.id))}",
              "color": colour[u.id], "flags": flags.get(u.id, []), "axis": u.axis,
              "degree": g.degree(u.id), "value": max(1, len(reg.people_in(u.id))),
              "url": entity_url("directorate", u.id), "faded": bool(focus) and u.id != focus}
             for u in reg.directorates if u.id in keep]
    edges = [{"from": a, "to": b, "value": e["weight"],
              "title": f"{e['person_ties']} / {e['collaborations']} / {e['dossiers']}"}
             for a, b, e in g.edges(data=True) if a in keep and b in keep
             and (not focus or focus in (a, b))]
    for cell in snap.report["integration_matrix"]["cells"]:
        a, b = cell["integrating"], cell["functional"]
        if cell["weight"] == 0 and a in keep and b in keep and (not focus or focus in (a, b)):
            edges.append({"from": a, "to": b, "value": 1, "gap": True,
                          "title": "integration-model gap"})
    return {"nodes": nodes, "edges": edges}


def network_data(snap: Snapshot, view: str, focus: str | None) -> dict[str, Any]:
    """Nodes and edges of one view, cached per snapshot (several views are few)."""
    key = (snap.data_version, snap.built_at, snap.today, view, focus)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    body = _people(snap, focus) if view == "people" else _directorates(snap, focus)
    data = {"view": view, "directorate": focus, **body,
            "physics_off_after_stabilisation": len(body["nodes"]) > PHYSICS_LIMIT}
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


@page(bp, "/network", cache=True)
def network() -> Response:
    snap = snapshot()
    reg = snap.registry
    view = arg_choice("view", ("people", "directorates"), "people")
    focus = arg_choice("directorate", [u.id for u in reg.directorates], None)
    data = network_data(snap, view, focus)
    report = snap.report
    highlighted = {
        "brokers": [ref(reg, r["person"]) for r in report["brokers"]
                    if "broker" in snap.lookups.flags.get(r["person"], ())],
        "isolated": [ref(reg, r["person"]) for r in report["isolated_dossier_holders"]],
        "spof": [ref(reg, r["person"]) for r in report["single_points_of_failure"]],
        "silos": [ref(reg, r["directorate"]) for r in report["silos"] if r["flagged"]],
    }
    directorates = [{"id": u.id, "label": u.label, "name": u.name, "color": c}
                    for u, c in zip(reg.directorates, _colours(snap).values(), strict=True)]
    return render("network.html", data, highlighted=highlighted, directorates=directorates)
