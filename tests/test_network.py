"""The networkx graphs: the typed graph, the people network, the directorate network and
the GraphML export.  Expected answers are worked out by hand from the YAML below."""

from __future__ import annotations

import io
import random
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph.network import (
    EDGE_TYPES,
    directorate_network,
    involved_directorates,
    people_network,
    typed_graph,
    write_graphml,
)
from tests.conftest import make_registry, register

# Six directorates (cio has nobody), twelve people, five collaborations, nine dossiers.
# The same register is used by tests/test_analysis.py.
REGISTER = """
schema: 1
organisation: {id: dgb, name: Directoraat-Generaal Beleid}
directorates:
  - {id: kabinet-dgb, name: Kabinet DGB, abbreviation: KAB, axis: staff}
  - id: dsk
    name: Directie Strategie en Kennis
    abbreviation: DSK
    axis: integrating
    departments:
      - {id: dsk-a, name: Afdeling Strategie}
  - {id: dobp, name: Directie Operationeel Beleid en Plannen, abbreviation: DOBP,
     axis: integrating}
  - {id: hdp, name: Hoofddirectie Personeel, abbreviation: HDP, axis: functional}
  - {id: dv, name: Directie Veiligheid, abbreviation: DV, axis: functional}
  - {id: cio, name: Chief Information Office, abbreviation: CIO, axis: functional}
people:
  - {id: k1, name: K. Een, unit: kabinet-dgb}
  - {id: a1, name: A. Een, unit: dsk-a}
  - {id: a2, name: A. Twee, unit: dsk}
  - {id: a3, name: A. Drie, unit: dsk}
  - {id: b1, name: B. Een, unit: dobp}
  - {id: b2, name: B. Twee, unit: dobp}
  - {id: h1, name: H. Een, unit: hdp}
  - {id: h2, name: H. Twee, unit: hdp}
  - {id: lonely, name: L. Alleen, unit: hdp}
  - {id: v1, name: V. Een, unit: dv}
  - {id: v2, name: V. Twee, unit: dv}
  - {id: v3, name: V. Drie, unit: dv}
processes:
  - {id: strat, name: Strategisch beleid, penvoerder: dsk, involve: all}
  - {id: p-pers, name: Personeelsbeleid, penvoerder: hdp, involve: [hdp, dobp]}
  - {id: p-veil, name: Beveiligingsbeleid, penvoerder: dv, involve: [dv, hdp]}
dossiers:
  - {id: d-strat, title: Defensiestrategie herijken, keywords: [strategie], owner: a3,
     deputy: a2, involved: [dobp], process: strat}
  - {id: d-cyber, title: Digitale weerbaarheid, keywords: [cyber, strategie], owner: a1,
     involved: [a2]}
  - {id: d-cyber2, title: Cyberweerbaarheid krijgsmacht, keywords: [Cyber], owner: b1,
     involved: [a1]}
  - {id: d-pers, title: Personeelsbeleid, keywords: [personeel], owner: h1,
     involved: [hdp], process: p-pers}
  - {id: d-veil, title: Beveiliging objecten, keywords: [beveiliging], owner: v2,
     involved: [v1, v3], process: p-veil}
  - {id: d-kab, title: Kamerbrieven, owner: k1}
  - {id: d-closed, title: Oude Kazernes, owner: k1, involved: [a1], status: closed}
  - {id: d-vast1, title: Kazernes op orde, keywords: [Vastgoed], owner: b2}
  - {id: d-vast2, title: Onderhoud kazerne, keywords: [vastgoed, onderhoud], owner: h2,
     involved: [cio]}
collaborations:
  - {id: c-team, name: Projectteam, kind: projectteam, lead: a1, members: [a1, b1],
     start: 2021-01-01, end: 2022-06-30,
     evaluations: [{date: 2022-07-01, worthwhile: 4}]}
  - {id: c-hdp, name: Overleg HDP, kind: overleg, lead: h1, members: [h2],
     start: 2026-01-01}
  - {id: c-bridge, name: Werkverband, kind: werkverband, members: [b2, v1],
     start: 2026-01-01}
  - {id: c-veil, name: Eenling, kind: netwerk, members: [v2], directorates: [hdp],
     dossiers: [d-veil], start: 2026-01-01}
"""


@pytest.fixture(scope="module")
def reg():
    return make_registry(REGISTER)


def _ties(g: nx.Graph) -> set[frozenset[str]]:
    return {frozenset(e) for e in g.edges()}


def test_people_network_ties_by_hand(reg):
    g = people_network(reg)
    # Every person is a node, tied or not (lonely, k1 have no tie).
    assert set(g) == set(reg.people)
    # c-team (ended, still counts): a1-b1.  c-hdp: h1 (lead)-h2.  c-bridge: b2-v1.
    # c-veil has one member: no tie.  d-strat: a3 (owner)-a2 (deputy); d-cyber: a1-a2;
    # d-cyber2: b1-a1; d-veil: v2-v1, v2-v3, v1-v3.  d-closed is closed: no k1-a1.
    # d-pers, d-kab, d-vast1 name one person each; d-vast2 involves a unit only.
    assert _ties(g) == {frozenset(p) for p in [
        ("a1", "b1"), ("h1", "h2"), ("b2", "v1"), ("a2", "a3"), ("a1", "a2"),
        ("v1", "v2"), ("v2", "v3"), ("v1", "v3")]}
    # a1-b1 share c-team and d-cyber2: weight 2.
    assert g.edges["a1", "b1"] == {"collaborations": 1, "dossiers": 1, "weight": 2}
    assert g.edges["a2", "a3"] == {"collaborations": 0, "dossiers": 1, "weight": 1}
    assert g.nodes["a1"]["directorate"] == "dsk"  # through department dsk-a
    assert g.degree("lonely") == 0


def test_org_chart_is_not_a_tie():
    reg = make_registry(register(
        directorates=["{id: dsk, name: DSK, axis: integrating, head: p1}"],
        people=["{id: p1, name: P. Een, unit: dsk}", "{id: p2, name: P. Twee, unit: dsk}"],
        dossiers=["{id: d1, title: Iets, owner: p1, authority: p2}"]))
    # Same unit, p1 heads it, p2 is authority on p1's dossier: none of this is a tie.
    assert people_network(reg).number_of_edges() == 0


def test_involved_directorates_by_hand(reg):
    inv = involved_directorates(reg)
    assert inv["d-strat"] == {"dsk", "dobp"}  # owner's + involved unit
    assert inv["d-cyber"] == {"dsk"}  # involved a2 is a colleague
    assert inv["d-cyber2"] == {"dobp", "dsk"}  # involved person a1 from DSK
    assert inv["d-pers"] == {"hdp"}  # involves its owner's own directorate
    assert inv["d-veil"] == {"dv", "hdp"}  # hdp through collaboration c-veil
    assert inv["d-vast2"] == {"hdp", "cio"}  # a directorate with no people still counts


def test_directorate_network_weights_by_hand(reg):
    g = directorate_network(reg)
    assert {n: g.nodes[n]["people"] for n in g} == {
        "kabinet-dgb": 1, "dsk": 3, "dobp": 2, "hdp": 3, "dv": 3, "cio": 0}
    edges = {frozenset((a, b)): d for a, b, d in g.edges(data=True)}
    assert edges == {
        # c-team; d-strat (DSK involves DOBP) and d-cyber2 (DOBP involves a1); tie a1-b1
        frozenset(("dsk", "dobp")): {"collaborations": 1, "dossiers": 2, "person_ties": 1,
                                     "weight": 4},
        # c-bridge; tie b2-v1
        frozenset(("dobp", "dv")): {"collaborations": 1, "dossiers": 0, "person_ties": 1,
                                    "weight": 2},
        # c-veil lists hdp; d-veil involves hdp through c-veil
        frozenset(("dv", "hdp")): {"collaborations": 1, "dossiers": 1, "person_ties": 0,
                                   "weight": 2},
        # d-vast2 involves cio, which has nobody
        frozenset(("hdp", "cio")): {"collaborations": 0, "dossiers": 1, "person_ties": 0,
                                    "weight": 1},
    }


def test_typed_graph_nodes_and_edges(reg):
    g = typed_graph(reg)
    assert g.nodes["dsk"]["kind"] == "directorate"
    assert g.nodes["dsk-a"]["kind"] == "department"
    assert g.nodes["a1"] == {"kind": "person", "label": "A. Een", "name": "A. Een",
                             "directorate": "dsk"}
    assert g.nodes["d-vast2"]["keywords"] == "vastgoed; onderhoud"
    assert g.nodes["d-closed"]["active"] is False
    assert g.nodes["strat"]["involve"] == "all"
    assert g.nodes["c-team"]["evaluations"] == 1
    assert g.nodes["c-team"]["end"] == "2022-06-30"
    keyed = {(u, v, k) for u, v, k in g.edges(keys=True)}
    for edge in [("dsk-a", "dsk", "unit_of"), ("dsk", "dgb", "unit_of"),
                 ("a1", "dsk-a", "member_of"), ("d-strat", "a3", "owner"),
                 ("d-strat", "a2", "deputy"), ("d-strat", "dobp", "involved"),
                 ("d-strat", "dsk", "penvoerder"), ("d-strat", "strat", "process"),
                 ("strat", "cio", "involve"), ("c-hdp", "h1", "lead"),
                 ("c-hdp", "h2", "member"), ("c-veil", "hdp", "collaboration_unit"),
                 ("c-veil", "d-veil", "dossier")]:
        assert edge in keyed, edge
    # 'involve: all' leaves out staff; the derived penvoerder is marked as such.
    assert ("strat", "kabinet-dgb", "involve") not in keyed
    assert g.edges["d-strat", "dsk", "penvoerder"]["explicit"] is False
    assert {d["type"] for *_, d in g.edges(data=True)} <= set(EDGE_TYPES)
    # GraphML needs scalars: no None, no lists anywhere.
    for _, data in [*g.nodes(data=True), *((None, d) for *_, d in g.edges(data=True))]:
        assert all(isinstance(v, str | int | float | bool) for v in data.values()), data


GML = "http://graphml.graphdrawing.org/xmlns"


def _round_trip(reg) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    buf = io.BytesIO()
    write_graphml(reg, buf)
    buf.seek(0)
    return typed_graph(reg), nx.read_graphml(buf, force_multigraph=True)


def _typed_edges(g: nx.MultiDiGraph) -> list:
    """Edges without their keys (GraphML edge ids are e0, e1 …, not the types)."""
    return sorted((u, v, sorted(d.items())) for u, v, d in g.edges(data=True))


def test_graphml_round_trip(reg, tmp_path):
    g, back = _round_trip(reg)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert _typed_edges(back) == _typed_edges(g)
    graph_attrs = {k: v for k, v in back.graph.items() if k not in ("node_default",
                                                                     "edge_default")}
    assert graph_attrs == g.graph
    # A path works too, and the file declares typed keys with defaults for Gephi.
    path = tmp_path / "tvb.graphml"
    write_graphml(reg, path)
    text = path.read_text(encoding="utf-8")
    assert 'attr.name="active" attr.type="boolean">\n    <default>true</default>' in text
    assert 'attr.name="evaluations" attr.type="long"' in text
    # every edge id is unique
    ids = [e.attrib["id"] for e in ET.fromstring(path.read_bytes()).iter(f"{{{GML}}}edge")]
    assert len(ids) == len(set(ids)) == g.number_of_edges()


def test_graphml_round_trip_on_sample(sample):
    g, back = _round_trip(sample)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert _typed_edges(back) == _typed_edges(g)


def _adjacency(g: nx.Graph) -> list:
    """Every node with its attributes and its neighbours in order, with their edge data."""
    return [(v, g.nodes[v], list(nbrs.items())) for v, nbrs in g.adjacency()]


def test_graph_from_equals_add_edges_from_down_to_the_order():
    from graph.network import graph_from

    rng = random.Random(5)
    nodes = [f"p{i}" for i in rng.sample(range(200), 60)]
    seen: set[frozenset[str]] = set()
    pairs = []  # distinct ties, either end first
    for _ in range(300):
        a, b = rng.sample(nodes, 2)
        if frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            pairs.append((a, b))
    ref = nx.Graph()
    ref.add_nodes_from((v, {"k": i}) for i, v in enumerate(nodes))
    ref.add_edges_from((a, b, {"w": i}) for i, (a, b) in enumerate(pairs))
    got = graph_from([(v, {"k": i}) for i, v in enumerate(nodes)],
                     [(a, b, {"w": i}) for i, (a, b) in enumerate(pairs)])
    assert _adjacency(got) == _adjacency(ref)
    assert got.number_of_edges() == ref.number_of_edges() == len(pairs)
    assert nx.utils.graphs_equal(got, ref)


def test_edge_pairs_and_level_networks_keep_networkx_order():
    from graph.network import edge_pairs
    from graph.silo import level_networks

    g = nx.gnm_random_graph(80, 300, seed=2)
    g = nx.relabel_nodes(g, {v: f"p{(v * 7) % 80:02d}" for v in g})  # ids out of order
    for v in g:
        g.nodes[v].update(directorate="d", unit="u", level="staff" if v < "p50" else
                          "management")
    assert edge_pairs(g) == list(g.edges())
    nets = level_networks(g, ("management", "staff"))
    for lv, sub in nets.items():
        ref = nx.Graph()
        ref.add_nodes_from((v, g.nodes[v]) for v in g if g.nodes[v]["level"] == lv)
        ref.add_edges_from((a, b) for a, b in g.edges()
                           if g.nodes[a]["level"] == lv == g.nodes[b]["level"])
        assert _adjacency(sub) == _adjacency(ref), lv
        assert sub.number_of_edges() > 10
        sub.nodes[next(iter(sub))]["level"] = "changed"  # a copy, not the people network's
    assert "changed" not in {lv for _, lv in g.nodes(data="level")}
