"""The register as networkx graphs: the typed graph of everything, the people network and
the directorate network (DESIGN §6).

Three graphs, each built once per snapshot:

``typed_graph``
    A :class:`networkx.MultiDiGraph` with one node per entity (attribute ``kind``) and one
    edge per reference, keyed and typed by what the reference means (attribute ``type``,
    see :data:`EDGE_TYPES`).  Every attribute is a scalar (str, int, float or bool), so
    the graph can be written as GraphML (:func:`write_graphml`) and opened in Gephi.
``people_network``
    Undirected and weighted: two people are tied when they take part (member or lead) in
    the same *current* collaboration (see :func:`current_collaborations`), or are both
    named on the same *active* dossier as owner, deputy or involved person, or one is the
    owner or deputy of an active dossier that involves a unit the other heads.  Sharing a
    unit is not a tie.
``directorate_network``
    Undirected and weighted: how strongly two directorates are connected through shared
    collaborations, dossier involvement and person ties.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import IO

import networkx as nx

from registry.atomic import write_atomic
from registry.model import Registry

try:  # Counter's own counting loop, in C
    from collections import _count_elements
except ImportError:  # pragma: no cover - other Pythons
    def _count_elements(mapping: dict, iterable: Iterable) -> None:
        for x in iterable:
            mapping[x] = mapping.get(x, 0) + 1

__all__ = [
    "EDGE_TYPES",
    "current_collaborations",
    "typed_graph",
    "NETWORKS",
    "GRAPHML_DEFAULTS",
    "graphml_graph",
    "write_graphml",
    "people_network",
    "graph_from",
    "edge_pairs",
    "edge_indices",
    "directorate_network",
    "involved_directorates",
    "represented_directorates",
    "dossier_directorate",
    "required_directorates",
]

#: Edge types of the typed graph, read "source <type> target".
EDGE_TYPES: Mapping[str, str] = {
    "unit_of": "department → its directorate; directorate → the organisation",
    "head_of": "person → the unit (or the organisation) they head (implies member_of "
               "when they work there)",
    "member_of": "person → the unit they work in, unless they head it (then head_of)",
    "owner": "dossier → its dossier holder (person)",
    "deputy": "dossier → the owner's stand-in (person)",
    "involved": "dossier → a unit or person who must be consulted",
    "penvoerder": "dossier or process → the directorate holding the pen (for a dossier: "
                  "as written, else the owner's directorate; attribute explicit)",
    "authority": "dossier → who decides (person or unit)",
    "process": "dossier → the process it follows",
    "involve": "process → a directorate it requires (attribute via_all for 'involve: all')",
    "member": "collaboration → a member (person or external unit)",
    "lead": "collaboration → its lead (person; implies member)",
    "collaboration_unit": "collaboration → a unit taking part without named members",
    "dossier": "collaboration → a dossier it works on",
}


# -- the typed graph -------------------------------------------------------------------------
def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _joined(values: Iterable[str]) -> str | None:
    text = "; ".join(v for v in values if v)
    return text or None


def _node(g: nx.MultiDiGraph, node_id: str, **attrs: object) -> None:
    """Add a node with only the attributes that have a value (GraphML has no null)."""
    g.add_node(node_id, **{k: v for k, v in attrs.items() if v is not None})


def _edge(g: nx.MultiDiGraph, source: str | None, target: str | None, type_: str,
          **attrs: object) -> None:
    """Add a typed edge when both ends are known nodes (dangling references are skipped)."""
    if source in g and target in g:
        g.add_edge(source, target, key=type_, type=type_, **attrs)


def typed_graph(reg: Registry) -> nx.MultiDiGraph:
    """The typed graph of everything in the register.

    Nodes are keyed by id and carry ``kind`` (organisation, directorate, department,
    person, dossier, process, collaboration, external), ``label`` (for Gephi) and the entity's
    scalar fields; lists are joined with ``'; '`` and absent values are left out.  Edges
    are keyed by their ``type`` (:data:`EDGE_TYPES`), so at most one edge of a type joins
    two nodes, and where one relation implies another (``head_of`` → ``member_of``,
    ``lead`` → ``member``) only the stronger one is drawn.  Dates are ISO strings.
    """
    g = nx.MultiDiGraph()
    g.graph["data_version"] = reg.data_version
    g.graph["base_uri"] = reg.settings.base_uri
    org = reg.organisation
    if org:
        g.graph["organisation"] = org.name
        _node(g, org.id, kind="organisation", label=org.name, name=org.name,
              parent=org.parent, parent_uri=org.parent_uri)
    for u in reg.units.values():
        _node(g, u.id, kind=u.kind, label=u.label, name=u.name, abbreviation=u.abbreviation,
              axis=u.axis, tasks=_joined(u.tasks), reviewed=_iso(u.reviewed),
              directorate=u.directorate)
    for p in reg.people.values():
        _node(g, p.id, kind="person", label=p.name, name=p.name, function=p.function,
              email=p.email, phone=p.phone, reviewed=_iso(p.reviewed),
              directorate=reg.directorate_of(p.id))
    for d in reg.dossiers.values():
        _node(g, d.id, kind="dossier", label=d.title, title=d.title,
              description=d.description, keywords=_joined(d.keywords), status=d.status,
              active=d.active, reviewed=_iso(d.reviewed))
    for pr in reg.processes.values():
        involve = pr.involve if isinstance(pr.involve, str) else _joined(pr.involve)
        _node(g, pr.id, kind="process", label=pr.name, name=pr.name,
              description=pr.description, involve=involve, reviewed=_iso(pr.reviewed))
    for x in reg.externals.values():
        _node(g, x.id, kind="external", label=x.label, name=x.name,
              abbreviation=x.abbreviation, external_kind=x.type)
    for c in reg.collaborations.values():
        latest = c.latest_evaluation
        factors = {f"factor_{k}": v for k, v in (latest.factors if latest else {}).items()}
        _node(g, c.id, kind="collaboration", label=c.name, name=c.name,
              collaboration_kind=c.type, mode=c.mode, purpose=c.purpose, start=_iso(c.start),
              end=_iso(c.end), reviewed=_iso(c.reviewed), evaluations=len(c.evaluations),
              latest_evaluation=_iso(latest.date) if latest else None,
              worthwhile=latest.worthwhile if latest else None,
              lessons=_joined(lesson for e in c.evaluations for lesson in e.lessons),
              **factors)

    if org:
        _edge(g, org.head, org.id, "head_of")
    for u in reg.units.values():
        _edge(g, u.id, u.parent or (org.id if org else None), "unit_of")
        _edge(g, u.head, u.id, "head_of")
    for p in reg.people.values():
        # head_of implies member_of (as org:headOf is a sub-property of org:memberOf):
        # a head who works in the unit they head gets the one edge, not two parallel ones.
        if reg.units.get(p.unit) is None or reg.units[p.unit].head != p.id:
            _edge(g, p.id, p.unit, "member_of")
    for d in reg.dossiers.values():
        _edge(g, d.id, d.owner, "owner")
        _edge(g, d.id, d.deputy, "deputy")
        for ref in d.involved:
            _edge(g, d.id, ref, "involved")
        _edge(g, d.id, reg.penvoerder_of(d.id), "penvoerder",
              explicit=d.penvoerder is not None and d.penvoerder in reg.units)
        _edge(g, d.id, d.authority, "authority")
        _edge(g, d.id, d.process, "process")
    for pr in reg.processes.values():
        _edge(g, pr.id, pr.penvoerder, "penvoerder", explicit=True)
        for ref in required_directorates(reg, pr.involve):
            _edge(g, pr.id, ref, "involve", via_all=pr.involve == "all")
    for c in reg.collaborations.values():
        for pid in c.members:
            if pid != c.lead:  # lead implies member: one edge, not two
                _edge(g, c.id, pid, "member")
        _edge(g, c.id, c.lead, "lead")
        for uid in c.directorates:
            _edge(g, c.id, uid, "collaboration_unit")
        for did in c.dossiers:
            _edge(g, c.id, did, "dossier")
    return g


def required_directorates(reg: Registry, involve: tuple[str, ...] | str) -> tuple[str, ...]:
    """Directorates a process requires: ``all`` means every directorate except staff."""
    if involve == "all":
        return tuple(u.id for u in reg.units.values()
                     if u.kind == "directorate" and u.axis != "staff")
    return tuple(involve)


#: The networks ``tvb export --format graphml --network`` can write.
NETWORKS = ("typed", "people", "directorates")


def graphml_graph(registry: Registry, network: str = "typed",
                  today: dt.date | None = None) -> nx.Graph:
    """The network as written to GraphML: ``typed`` (:func:`typed_graph`), ``people``
    (:func:`people_network`) or ``directorates`` (:func:`directorate_network`).

    Prepared for readers that take GraphML strictly (graphology, Gephi, igraph):

    * every edge of the typed graph has a unique id (``e0``, ``e1`` … in a stable
      order) and its type as the data attribute ``type``; the undirected networks'
      edges have no id (GraphML allows that, and they are simple graphs);
    * every node has a ``label`` (for Gephi) and no attribute is ``None``;
    * ``today`` selects the collaborations that still tie people, as the findings do
      (:func:`current_collaborations`; all of them without it);
    * :data:`GRAPHML_DEFAULTS` gives the keys a ``<default>``, so that a reader fills a
      missing value with what it means (``active`` is false only on closed dossiers;
      an absent text is empty).  Numbers have no default: a node without a score
      simply has none, which igraph reads as NaN.
    """
    if network == "typed":
        src = typed_graph(registry)
        g: nx.Graph = nx.MultiDiGraph()
        g.graph.update(src.graph)
        g.add_nodes_from(src.nodes(data=True))
        # sorted, so the same register gives the same ids
        edges = sorted(src.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1]))
        g.add_edges_from((u, v, f"e{i}", d) for i, (u, v, _, d) in enumerate(edges))
    elif network == "people":
        src = people_network(registry, today)
        g = nx.Graph(src)
        for pid, data in g.nodes(data=True):
            data["label"] = registry.people[pid].name
    elif network == "directorates":
        g = nx.Graph(directorate_network(registry, people_network(registry, today),
                                         today=today))
    else:
        raise ValueError(f"unknown network {network!r}; choose from {', '.join(NETWORKS)}")
    for _, data in (*g.nodes(data=True), *((None, d) for *_, d in g.edges(data=True))):
        for k in [k for k, v in data.items() if v is None]:
            del data[k]
    g.graph["node_default"] = _defaults(d for _, d in g.nodes(data=True))
    g.graph["edge_default"] = _defaults(d for *_, d in g.edges(data=True))
    return g


#: ``<default>`` of the GraphML keys that are not text (every text key defaults to "").
GRAPHML_DEFAULTS: Mapping[str, object] = {
    "active": True,      # only a closed dossier is not active
    "explicit": False,   # a penvoerder edge derived from the owner's directorate
    "via_all": False,    # an involve edge spelt out from 'involve: all'
    "evaluations": 0,    # a collaboration never evaluated
}


def _defaults(attrs: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """The ``<default>`` of each key: :data:`GRAPHML_DEFAULTS`, else ``""`` for a key
    whose values are all text; numbers get none."""
    kinds: dict[str, set[type]] = defaultdict(set)
    for d in attrs:
        for k, v in d.items():
            kinds[k].add(type(v))
    return {k: GRAPHML_DEFAULTS[k] if k in GRAPHML_DEFAULTS else ""
            for k, types in sorted(kinds.items())
            if k in GRAPHML_DEFAULTS or types == {str}}


def write_graphml(registry: Registry, path_or_file: str | os.PathLike | IO[bytes],
                  network: str = "typed", today: dt.date | None = None) -> None:
    """Write a network (:func:`graphml_graph`) as GraphML (UTF-8) with typed attributes
    and key defaults, for Gephi, igraph, graphology, networkx and yEd.

    ``networkx.read_graphml(path, force_multigraph=True)`` gives back the same nodes and
    attributes, and each edge with its ``type``.  The same register gives the same bytes.
    """
    data = graphml_bytes(graphml_graph(registry, network, today))
    if isinstance(path_or_file, str | os.PathLike):
        write_atomic(path_or_file, data)
    else:
        path_or_file.write(data)


_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _graphml_type(types: set[type]) -> str:
    if types <= {bool}:
        return "boolean"
    if types <= {int}:
        return "long"
    if types <= {int, float}:
        return "double"
    return "string"


def _graphml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # xs:boolean; Python's "True" is not one
    return str(value)


def graphml_bytes(g: nx.Graph) -> bytes:
    """A graph as a GraphML document (the GraphML 1.0 schema, UTF-8).

    Written here rather than by :func:`networkx.write_graphml`, which writes booleans as
    ``True``/``False`` (not ``xs:boolean``), and, for a multigraph, the edge key as the
    edge id.  Keys are declared with ``attr.type`` from the values and the ``<default>``
    of ``g.graph["node_default"]``/``["edge_default"]``; a multigraph's edge keys become
    the edge ids (they must be unique in the document), a simple graph's edges get none.
    Nodes and edges keep the graph's order.  $O(n + m)$.
    """
    import xml.etree.ElementTree as ET

    root = ET.Element("graphml", {
        "xmlns": _GRAPHML_NS, "xmlns:xsi": _XSI,
        "xsi:schemaLocation": f"{_GRAPHML_NS} {_GRAPHML_NS}/1.0/graphml.xsd"})
    multi = g.is_multigraph()
    node_items = list(g.nodes(data=True))
    edge_items = list(g.edges(keys=True, data=True)) if multi else \
        [(u, v, None, d) for u, v, d in g.edges(data=True)]
    keys: dict[tuple[str, str], str] = {}
    graph_attrs = {k: v for k, v in g.graph.items()
                   if k not in ("node_default", "edge_default") and v is not None}
    for where, items, defaults in (
            ("graph", [graph_attrs], {}),
            ("node", [d for _, d in node_items], g.graph.get("node_default", {})),
            ("edge", [d for *_, d in edge_items], g.graph.get("edge_default", {}))):
        types: dict[str, set[type]] = defaultdict(set)
        for d in items:
            for k, v in d.items():
                types[k].add(type(v))
        for name in sorted(types):
            key_id = keys[where, name] = f"{where[0]}_{name}"
            key = ET.SubElement(root, "key", {"id": key_id, "for": where, "attr.name": name,
                                              "attr.type": _graphml_type(types[name])})
            if name in defaults:
                ET.SubElement(key, "default").text = _graphml_text(defaults[name])
    graph_el = ET.SubElement(root, "graph", {
        "id": "G", "edgedefault": "directed" if g.is_directed() else "undirected"})

    def data(el, where: str, attrs: Mapping[str, object]) -> None:
        for k, v in attrs.items():
            ET.SubElement(el, "data", {"key": keys[where, k]}).text = _graphml_text(v)

    data(graph_el, "graph", graph_attrs)
    for n, d in node_items:
        data(ET.SubElement(graph_el, "node", {"id": str(n)}), "node", d)
    for u, v, k, d in edge_items:
        attrs = {"source": str(u), "target": str(v)}
        if k is not None:
            attrs["id"] = str(k)
        data(ET.SubElement(graph_el, "edge", attrs), "edge", d)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# -- who takes part in what --------------------------------------------------------------------
def current_collaborations(reg: Registry, today: dt.date | None) -> list:
    """The collaborations that still tie people on ``today``.

    A collaboration that ended more than ``settings.tie_window_days`` (default 730) days
    before ``today`` ties no one any more: the study saw the multidisciplinary teams of
    the new structure fade out (§5.3.6), and a team that stopped two years ago says
    little about who works with whom now.  Running, future and recently ended
    collaborations count.  Without ``today`` every collaboration counts.
    """
    if today is None:
        return list(reg.collaborations.values())
    cutoff = today - dt.timedelta(days=reg.settings.tie_window_days)
    return [c for c in reg.collaborations.values() if c.end is None or c.end >= cutoff]


def represented_directorates(reg: Registry, collaboration_id: str) -> frozenset[str]:
    """Directorates represented in a collaboration: its participants' directorates and the
    directorates of the units it lists without named members."""
    c = reg.collaborations[collaboration_id]
    dirs = {reg.directorate_of(ref) for ref in (*c.participants, *c.directorates)}
    dirs.discard(None)
    return frozenset(dirs)  # type: ignore[arg-type]


def involved_directorates(reg: Registry,
                          today: dt.date | None = None) -> dict[str, frozenset[str]]:
    """For every dossier, the directorates involved in it (the ``process`` kind of missing link).

    A directorate is involved when it is the owner's directorate (for a dossier without
    owner: the penvoerder), is listed in ``involved`` (a department counts for its
    directorate), is the directorate of an involved person, or is represented in a
    current collaboration (:func:`current_collaborations` on ``today``) that lists the
    dossier.  Deputy, penvoerder and authority do not involve a directorate by
    themselves.
    """
    by_dossier: dict[str, set[str]] = defaultdict(set)
    for c in current_collaborations(reg, today):
        if c.dossiers:
            dirs = represented_directorates(reg, c.id)
            for did in c.dossiers:
                by_dossier[did] |= dirs
    out = {}
    for d in reg.dossiers.values():
        dirs = by_dossier.get(d.id, set())
        dirs.add(dossier_directorate(reg, d.id))
        dirs.update(reg.directorate_of(ref) for ref in d.involved)
        dirs.discard(None)  # type: ignore[arg-type]
        out[d.id] = frozenset(dirs)
    return out


def dossier_directorate(reg: Registry, dossier_id: str) -> str | None:
    """The directorate a dossier belongs to: the owner's, else the penvoerder."""
    d = reg.dossiers[dossier_id]
    return reg.directorate_of(d.owner) if d.owner in reg.people else reg.penvoerder_of(d.id)


# -- the people network ----------------------------------------------------------------------
def people_network(reg: Registry, today: dt.date | None = None) -> nx.Graph:
    """The people network: undirected, one node per person, one edge per tie.

    Two people are tied when

    * they are participants (members or lead) of the same collaboration that is current
      on ``today`` (:func:`current_collaborations`: one that ended more than
      ``settings.tie_window_days`` ago ties no one; without ``today`` all count);
    * they are both named on the same active dossier as owner, deputy or involved
      person; or
    * one is the owner or deputy of an active dossier that involves a unit (directorate
      or department) and the other heads that unit.  Involving a unit means consulting
      it, and the register knows one person who answers for a unit: its head.  (The
      alternative, the unit as a node of its own, would put non-people into a network
      whose measures — reach, betweenness, cut points — are about people.)  A unit
      without a head ties no one.

    Working in the same unit is not a tie; closed dossiers and the ``authority`` field do
    not tie.

    Node attributes: ``directorate``, ``unit``, ``level`` (:meth:`Registry.level_of`).
    Edge attributes:

    * ``collaborations`` — the number of current collaborations the two share;
    * ``dossiers`` — the number of active dossiers that tie the two (either way above);
    * ``weight`` — ``collaborations + dossiers``, the number of shared contexts.

    Notes
    -----
    A collaboration or dossier with :math:`k` people adds :math:`k(k-1)/2` ties, so the
    time is :math:`O(n + \\sum k^2)` over collaborations and dossiers.
    """
    directorate_of, level_of = reg.directorate_of, reg.level_of
    g = graph_from([(p.id, {"directorate": directorate_of(p.id), "unit": p.unit,
                            "level": level_of(p.id)}) for p in reg.people.values()], ())
    shared: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for c in current_collaborations(reg, today):
        for a, b in combinations(sorted(pid for pid in c.participants if pid in g), 2):
            shared[a, b][0] += 1
    units = reg.units
    for d in reg.dossiers.values():
        if not d.active:
            continue
        named = {d.owner, d.deputy, *d.involved}
        pairs = set(combinations(sorted(ref for ref in named if ref in g), 2))
        heads = {units[ref].head for ref in d.involved if ref in units}
        for h in heads:
            if h in g:
                for p in (d.owner, d.deputy):
                    if p in g and p != h:
                        pairs.add((min(p, h), max(p, h)))
        for pair in pairs:
            shared[pair][1] += 1
    _add_edges(g, ((a, b, {"collaborations": nc, "dossiers": nd, "weight": nc + nd})
                   for (a, b), (nc, nd) in shared.items()))
    return g


def graph_from(nodes: Iterable[tuple[str, dict]],
               edges: Iterable[tuple[str, str, dict]]) -> nx.Graph:
    """An undirected graph of *nodes* (``(node, attribute dict)``, kept as given) and
    *edges* (``(a, b, attribute dict)``), equal to ``add_nodes_from`` then
    ``add_edges_from`` down to the order of every adjacency.

    The edges must be distinct pairs of distinct nodes among *nodes*.  At 100,000 people
    the networks have up to half a million ties, and ``add_edges_from`` checks, copies
    and merges attribute dicts per tie (about 2 µs each); the dicts are written straight
    into the dict-of-dict-of-dict structure networkx documents for its graph classes
    (``G._node``, ``G._adj``) instead.  Time :math:`O(n + m)`.
    """
    g = nx.Graph()
    node, adj = g._node, g._adj
    for n, attrs in nodes:
        node[n] = attrs
        adj[n] = {}
    _add_edges(g, edges)
    return g


def _add_edges(g: nx.Graph, edges: Iterable[tuple[str, str, dict]]) -> None:
    """New edges between existing nodes of *g*, as :func:`graph_from` adds them."""
    adj = g._adj
    for a, b, attrs in edges:
        adj[a][b] = attrs
        adj[b][a] = attrs


def edge_indices(g: nx.Graph) -> list[int]:
    """``g.edges()`` in the same order as the nodes' positions in ``list(g)``, flat
    (``[a0, b0, a1, b1, …]``), without a view's per-edge cost: each edge once, from the
    end met first in node order.  Time :math:`O(n + m)`."""
    index = {v: i for i, v in enumerate(g)}
    flat: list[int] = []
    add = flat.append
    for i, (_, nbrs) in enumerate(g.adjacency()):
        for j in map(index.__getitem__, nbrs):
            if j >= i:
                add(i)
                add(j)
    return flat


def edge_pairs(g: nx.Graph) -> list[tuple[str, str]]:
    """``list(g.edges())``, in the same order (:func:`edge_indices`)."""
    nodes, flat = list(g), edge_indices(g)
    return list(zip(map(nodes.__getitem__, flat[0::2]), map(nodes.__getitem__, flat[1::2]),
                    strict=True))


# -- the directorate network -----------------------------------------------------------------
def directorate_network(reg: Registry, people: nx.Graph | None = None,
                        involved: Mapping[str, frozenset[str]] | None = None,
                        today: dt.date | None = None) -> nx.Graph:
    """The directorate network: undirected, one node per directorate.

    Edge attributes (each a count; collaborations are those current on ``today``, see
    :func:`current_collaborations`):

    * ``collaborations`` — current collaborations in which both directorates are
      represented (through a participant or the collaboration's ``directorates`` list);
    * ``dossiers`` — active dossiers of one directorate (the owner's) that involve the
      other (see :func:`involved_directorates`);
    * ``person_ties`` — ties of the people network between a person of each;
    * ``weight`` — the sum of the three.

    An edge exists exactly when the two directorates have some link; the integration
    model's gaps are the integrating × functional pairs without an edge.  Node attributes:
    ``label``, ``axis`` and ``people`` (the head count).  ``people`` and ``involved``
    (from :func:`involved_directorates`) may be passed in when already built, for the
    same ``today``.
    """
    people = people if people is not None else people_network(reg, today)
    g = nx.Graph()
    for u in reg.directorates:
        g.add_node(u.id, label=u.label, axis=u.axis, people=len(reg.people_in(u.id)))
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)

    def bump(a: str | None, b: str | None, what: str, n: int = 1) -> None:
        if a and b and a != b and a in g and b in g:
            counts[min(a, b), max(a, b)][what] += n

    # Each pair's collaborations added up first, in first-met order (so the pairs are
    # met in the same order as collaboration by collaboration), then bumped once: at
    # 100,000 people the pairs of the collaborations' sets are counted 200,000 times.
    represented = Counter(represented_directorates(reg, c.id)
                          for c in current_collaborations(reg, today))
    shared: dict[tuple[str, str], int] = {}
    for dirs, n in represented.items():
        for pair in combinations(sorted(dirs), 2):
            shared[pair] = shared.get(pair, 0) + n
    for (a, b), n in shared.items():
        bump(a, b, "collaborations", n)
    involved = involved if involved is not None else involved_directorates(reg, today)
    # A dossier adds one to each (home, involved) pair: count the distinct (home, set)
    # combinations first (a handful, against ~100,000 dossiers), each keeping the first
    # dossier's set, so that the pairs are met in the same order as dossier by dossier.
    combos = Counter((dossier_directorate(reg, d.id), involved[d.id])
                     for d in reg.dossiers.values() if d.active)
    # At scale the sets vary (about as many combinations as dossiers): add up each
    # (home, other) first, in first-met order, which keeps the order of the pairs.
    pairs: dict[tuple[str | None, str], int] = {}
    for (home, others), n in combos.items():
        for other in others:
            pairs[home, other] = pairs.get((home, other), 0) + n
    for (home, other), n in pairs.items():
        bump(home, other, "dossiers", n)
    # Person ties between two directorates: the directorates of each person's neighbours,
    # counted in C (each tie from both ends, so a pair's count is read from one end), by
    # Counter's own loop into plain dicts, without Counter.update's Python-level call
    # per person.
    dir_of = nx.get_node_attributes(people, "directorate")
    near: dict[str | None, dict[str | None, int]] = defaultdict(dict)
    for a, nbrs in people.adjacency():
        _count_elements(near[dir_of.get(a)], map(dir_of.get, nbrs))
    ties = {(a, b): n for a, row in near.items() for b, n in row.items()
            if a and b and a < b and a in g and b in g}
    # The pairs first met here take the order of their first tie, as a pass over the
    # ties would add them; the pass stops once every such pair is placed.
    missing = {pair for pair in ties if pair not in counts}
    if missing:
        for a, b in people.edges():
            da, db = dir_of.get(a), dir_of.get(b)
            if da and db and da != db:
                pair = (min(da, db), max(da, db))
                if pair in missing:
                    counts[pair]  # noqa: B018 - places the pair
                    missing.discard(pair)
                    if not missing:
                        break
    for pair, n in ties.items():
        counts[pair]["person_ties"] = n
    for (a, b), n in counts.items():
        g.add_edge(a, b, collaborations=n["collaborations"], dossiers=n["dossiers"],
                   person_ties=n["person_ties"], weight=sum(n.values()))
    return g
