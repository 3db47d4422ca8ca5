"""The networks as a picture draws them: nodes with colour, size and the integrator's
flags, edges with weight, and the integration-model gaps as extra edges.

One source for the viewer's network page (:mod:`web.network`, which adds each node's
page) and the standalone network file of ``tvb export --format network-html``
(:mod:`render.network`), so both highlight the same people and directorates.
"""

from __future__ import annotations

from typing import Any

from registry.model import Registry

from .snapshot import Snapshot

__all__ = ["PALETTE", "PHYSICS_LIMIT", "colours", "network_view"]

#: Above this many nodes, physics is switched off after the first stable layout.
PHYSICS_LIMIT = 500
#: Colours per directorate, in order, all with contrast ≥ 3:1 against white (WCAG 1.4.11).
PALETTE = ("#1f5fa8", "#b3401b", "#2e7d32", "#7b3fa0", "#8a6d00", "#00796b", "#c2185b",
           "#5d4037", "#455a64", "#6a7a00", "#ad1457", "#283593")

def colours(reg: Registry) -> dict[str, str]:
    """A colour of :data:`PALETTE` per directorate, in the register's order."""
    return {u.id: PALETTE[i % len(PALETTE)] for i, u in enumerate(reg.directorates)}


def _people(snap: Snapshot, focus: str | None) -> dict[str, Any]:
    reg = snap.registry
    ties = snap.ties
    flags = snap.lookups.flags
    colour = colours(reg)
    if focus:
        own = {p for p in ties.nodes if reg.directorate_of(p) == focus}
        keep = own | {q for p in own for q, _ in ties.of_person(p)}
        edges = [(a, b, w) for a, b, w in ties.edges() if a in own or b in own]
    else:
        keep = set(ties.nodes)
        edges = list(ties.edges())
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
                      "degree": ties.degree(pid),
                      "faded": bool(focus) and d != focus})
    return {"nodes": nodes,
            "edges": [{"from": a, "to": b, "value": w or 1} for a, b, w in edges]}


def _directorates(snap: Snapshot, focus: str | None) -> dict[str, Any]:
    reg = snap.registry
    g = snap.directorate_network
    flags = snap.lookups.flags
    colour = colours(reg)
    keep = ({focus, *g.adj[focus]} if focus and focus in g else set(g.nodes))
    nodes = [{"id": u.id, "label": u.label, "group": u.id,
              "title": f"{u.name} — {len(reg.people_in(u.id))}",
              "color": colour[u.id], "flags": flags.get(u.id, []), "axis": u.axis,
              "degree": g.degree(u.id), "value": max(1, len(reg.people_in(u.id))),
              "faded": bool(focus) and u.id != focus}
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


def network_view(snap: Snapshot, view: str, focus: str | None = None) -> dict[str, Any]:
    """Nodes and edges of the people (``view="people"``) or directorate network, each
    node with its colour, ``flags`` (broker, isolated, spof, silo) and ``faded`` when
    *focus* (a directorate id) is given and the node lies outside it.

    Notes
    -----
    One pass over the network's nodes and edges: $O(n + m)$.
    """
    body = _people(snap, focus) if view == "people" else _directorates(snap, focus)
    return {"view": view, "directorate": focus, **body,
            "physics_off_after_stabilisation": len(body["nodes"]) > PHYSICS_LIMIT}
