"""The network as one standalone HTML file to share: ``tvb export --format network-html``.

Built with pyvis, with vis-network and its stylesheet in line (pyvis's ``in_line``
resources) in a page of our own that links nothing: it opens from a file, on a machine
without network, and its Content-Security-Policy forbids any request.  The nodes and edges
are those of the viewer's network page (:func:`graph.views.network_view`), highlighted as
the viewer highlights them (``web/static/network.js``): brokers are stars, isolated
dossier holders triangles, single points of failure diamonds, flagged silos squares, each
with a dark border; integration-model gaps are dashed red edges.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .i18n import DEFAULT_LANGUAGE, translate

__all__ = ["SHAPES", "shape_of", "vis_nodes", "vis_edges", "network_html"]

#: The shape of a node by its most telling flag, as in the viewer.
SHAPES = {"spof": "diamond", "isolated": "triangle", "broker": "star", "silo": "square"}
_ORDER = ("spof", "isolated", "broker", "silo")
_TEMPLATES = Path(__file__).parent / "templates"
#: Above this many nodes labels are left out (the tooltip still names each node).
LABEL_LIMIT = 200


def shape_of(flags: list[str]) -> str:
    """The shape for a node's flags (the first of spof, isolated, broker, silo).

    >>> shape_of(["silo", "broker"]), shape_of([])
    ('star', 'dot')
    """
    return next((SHAPES[f] for f in _ORDER if f in flags), "dot")


def vis_nodes(view: dict[str, Any]) -> list[dict[str, Any]]:
    """vis-network node options for the nodes of a :func:`graph.views.network_view`."""
    many = len(view["nodes"]) > LABEL_LIMIT
    out = []
    for n in view["nodes"]:
        flags, colour = n.get("flags") or [], n["color"]
        node = {"id": n["id"], "title": n.get("title") or n["label"], "shape": shape_of(flags),
                "color": {"background": colour, "border": "#1b1b1b" if flags else colour,
                          "highlight": {"background": colour, "border": "#1b1b1b"}},
                "borderWidth": 2 if flags else 1,
                "size": (14 if flags else 8) + 3 * math.sqrt(n.get("degree") or 0),
                "font": {"color": "#1b1b1b", "size": 14, "strokeWidth": 3,
                         "strokeColor": "#ffffff"},
                "opacity": 0.35 if n.get("faded") else 1}
        if not many:
            node["label"] = n["label"]
        if view["view"] == "directorates" and "value" in n:
            node["value"] = n["value"]
        out.append(node)
    return out


def vis_edges(view: dict[str, Any]) -> list[dict[str, Any]]:
    """vis-network edge options: width by weight, integration-model gaps dashed red."""
    top = max([1, *(e.get("value") or 1 for e in view["edges"])])
    out = []
    for i, e in enumerate(view["edges"]):
        edge = {"id": i, "from": e["from"], "to": e["to"],
                "width": 1 + 6 * ((e.get("value") or 1) - 1) / max(1, top - 1),
                "color": {"color": "#8a8f98", "highlight": "#1b1b1b", "opacity": 0.7}}
        if e.get("title"):
            edge["title"] = e["title"]
        if e.get("gap"):
            edge.update(dashes=[8, 6], color={"color": "#b3401b"}, width=3)
        out.append(edge)
    return out


def _options(view: dict[str, Any], n_nodes: int) -> dict[str, Any]:
    big = view["physics_off_after_stabilisation"]
    dirs = view["view"] == "directorates"
    return {
        "autoResize": True,
        "layout": {"improvedLayout": not big and n_nodes <= 150, "randomSeed": 7},
        "nodes": {"scaling": {"min": 12, "max": 36,
                              "label": {"enabled": True, "min": 14, "max": 22}}},
        "edges": {"smooth": False},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": ({"gravitationalConstant": -400, "springLength": 220,
                                  "avoidOverlap": 0.6} if dirs else
                                 {"gravitationalConstant": -60, "springLength": 90}),
            "stabilization": {"enabled": True, "iterations": 120 if big else 400,
                              "updateInterval": 50}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                        "keyboard": {"enabled": True, "bindToWindow": False},
                        "hideEdgesOnDrag": big},
    }


def network_html(view: dict[str, Any], heading: str, subtitle: str = "",
                 lang: str = DEFAULT_LANGUAGE) -> str:
    """One self-contained HTML page drawing *view* (a :func:`graph.views.network_view`).

    pyvis holds the nodes, edges and options and renders them into
    ``render/templates/network.html``, which takes vis-network from pyvis's own copy,
    in line.  Nodes and edges are added to pyvis's lists directly: its ``add_node`` and
    ``add_edge`` look for duplicates in a list, $O(n^2)$, and a network has none.
    """
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader
    from pyvis.network import Network

    net = Network(height="100%", width="100%", heading=heading, cdn_resources="in_line")
    nodes, edges = vis_nodes(view), vis_edges(view)
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = _options(view, len(nodes))
    net.templateEnv = Environment(
        loader=ChoiceLoader([FileSystemLoader(_TEMPLATES), FileSystemLoader(net.template_dir)]),
        autoescape=True)
    net.templateEnv.globals.update(subtitle=subtitle, view=view["view"], lang=lang,
                                   legend=translate("net.page.legend", lang),
                                   physics_off=view["physics_off_after_stabilisation"])
    net.path = "network.html"
    return net.generate_html()
