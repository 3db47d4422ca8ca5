"""The GraphML exports read by the graph tools people use — networkx, igraph and
graphology (the JavaScript library behind Sigma.js; run by node) — each getting every node
and every edge, the edge types, and the key defaults."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import igraph
import networkx as nx
import pytest
from click.testing import CliRunner

from graph.network import directorate_network, people_network, typed_graph
from tests.conftest import SAMPLE, TODAY
from tvb.cli import main

NODE_DIR = Path(__file__).parent / "node"
# As the export builds them: the people and directorate networks of the collaborations
# current on --today, as the findings use them.
NETWORKS = {
    "typed": typed_graph,
    "people": lambda reg: people_network(reg, TODAY),
    "directorates": lambda reg: directorate_network(reg, people_network(reg, TODAY),
                                                    today=TODAY),
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample):
    """Each network written by ``tvb export --format graphml --network N``, with the
    networkx graph it was made from."""
    out = {}
    folder = tmp_path_factory.mktemp("graphml")
    for name, build in NETWORKS.items():
        path = folder / f"{name}.graphml"
        r = CliRunner().invoke(main, ["export", "--format", "graphml", "--network", name,
                                      "-o", str(path), "--data", str(SAMPLE),
                                      "--today", TODAY.isoformat()])
        assert r.exit_code == 0, r.output
        out[name] = (path, build(sample))
    return out


def _types(g) -> Counter:
    return Counter(d.get("type", "") for *_, d in g.edges(data=True))


@pytest.mark.parametrize("name", NETWORKS)
def test_networkx_reads_every_edge(exported, name):
    path, source = exported[name]
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == source.number_of_nodes()
    assert back.number_of_edges() == source.number_of_edges() > 0
    assert _types(back) == _types(source)


@pytest.mark.parametrize("name", NETWORKS)
def test_igraph_reads_every_edge_and_the_defaults(exported, name, sample):
    path, source = exported[name]
    g = igraph.Graph.Read_GraphML(str(path))
    assert g.vcount() == source.number_of_nodes()
    assert g.ecount() == source.number_of_edges()
    if name == "typed":
        assert Counter(g.es["type"]) == _types(source)
        # 'active' is false only on closed dossiers; everything else reads the default
        inactive = {v["id"] for v in g.vs if not v["active"]}
        closed = {d.id for d in sample.dossiers.values() if not d.active}
        assert inactive == closed and len(closed) < g.vcount() // 2


def test_no_parallel_edges_where_one_relation_implies_another(exported, sample):
    path, _ = exported["typed"]
    back = nx.read_graphml(path, force_multigraph=True)
    pairs = Counter()
    for u, v, d in back.edges(data=True):
        pairs[u, v, d["type"]] += 1
    assert max(pairs.values()) == 1
    for u, v, t in pairs:
        if t == "head_of":
            assert (u, v, "member_of") not in pairs
        if t == "lead":
            assert (u, v, "member") not in pairs
    # a head who works in the unit they head is still there, through head_of
    heads = [u for u in sample.units.values() if u.head in sample.people
             and sample.people[u.head].unit == u.id]
    assert heads and all((u.head, u.id, "head_of") in pairs for u in heads)


@pytest.mark.parametrize("name", NETWORKS)
def test_graphology_reads_every_edge(exported, name):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the graphology reader cannot run")
    if not (NODE_DIR / "node_modules" / "graphology-graphml").is_dir():
        pytest.fail("graphology is not installed: run `npm ci` in tests/node (.ci/run does)")
    path, source = exported[name]
    out = subprocess.run([node, str(NODE_DIR / "read_graphml.js"), str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["order"] == source.number_of_nodes()
    assert got["size"] == source.number_of_edges()
    assert got["type"] == ("directed" if source.is_directed() else "undirected")
    if name == "typed":
        assert Counter(got["types"]) == _types(source)
        # distinct relations may join one pair (a directorate both penvoerder and authority)
        assert got["multi"] is True
