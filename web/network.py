"""The network view: the people network or the directorate network, drawn in the browser
with vis-network (served by the app itself; nothing comes from a CDN).

``/network?view=people|directorates&directorate=ID``: the page holds the filter form, the
legend and accessible lists of what is highlighted; its script fetches the JSON twin
(``/network.json`` with the same query), which holds the nodes and edges.  People who are
brokers, isolated dossier holders or single points of failure, and flagged silos, carry
``flags`` that the script draws differently.  The nodes and edges come from
:func:`graph.views.network_view`; above its ``PHYSICS_LIMIT`` nodes the script stops the
physics once the layout has stabilised.  The page is cached like every other
(``page(cache=True)``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from graph.snapshot import Snapshot
from graph.views import colours, network_view

from .data import snapshot
from .links import entity_url, ref
from .render import arg_choice, page, render

__all__ = ["bp", "network_data"]

bp = Blueprint("network", __name__)

def network_data(snap: Snapshot, view: str, focus: str | None) -> dict[str, Any]:
    """:func:`graph.views.network_view` with the page of each node (``url``)."""
    data = network_view(snap, view, focus)
    kind = "person" if view == "people" else "directorate"
    for node in data["nodes"]:
        node["url"] = entity_url(kind, node["id"])
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
                    for u, c in zip(reg.directorates, colours(snap.registry).values(), strict=True)]
    return render("network.html", data, highlighted=highlighted, directorates=directorates,
                  table=_table(data, {d["id"]: d["label"] for d in directorates}))


def _table(data: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The drawing as rows (its text alternative): each node with its directorate, its
    findings and whom it is tied to, heaviest tie first."""
    names = {n["id"]: n for n in data["nodes"]}
    ties: dict[str, list[tuple[str, int]]] = {n: [] for n in names}
    for e in data["edges"]:
        if e["from"] in ties and e["to"] in ties:
            ties[e["from"]].append((e["to"], e["value"]))
            ties[e["to"]].append((e["from"], e["value"]))
    return [{"node": n, "directorate": labels.get(n["group"], n["group"]), "flags": n["flags"],
             "ties": [{"label": names[o]["label"], "url": names[o]["url"], "weight": w}
                      for o, w in sorted(ties[n["id"]], key=lambda ow: (-ow[1], ow[0]))]}
            for n in sorted(data["nodes"], key=lambda n: n["label"])]
