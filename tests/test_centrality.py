"""Betweenness in a child process beside the report (issue 14): the same numbers as in
process, and the in-process fallback when the child fails."""

from __future__ import annotations

import networkx as nx
import pytest

import graph.centrality as centrality
from graph.centrality import betweenness, start_betweenness


def _graphs():
    return {"path": (nx.path_graph([f"p{i}" for i in range(6)]), 3),
            "star": (nx.star_graph(5), 3),
            "pair": (nx.path_graph(["a", "b"]), 3),
            "random": (nx.gnm_random_graph(60, 150, seed=7), 10)}


@pytest.mark.parametrize("exact_limit", [1000, 20])  # exact, and sampled for "random"
def test_child_process_gives_the_in_process_numbers(exact_limit):
    pending = start_betweenness(_graphs(), exact_limit=exact_limit, background=True)
    assert pending.in_background
    got = pending.result()
    for name, (g, k) in _graphs().items():
        scores, method = betweenness(g, exact_limit=exact_limit, k=k)
        assert got[name][1] == method
        assert got[name][0] == pytest.approx(scores, abs=1e-12), name
    # Path p0 .. p5, exact: p2 lies on 2 * 3 = 6 of the 10 pairs' shortest paths.
    if exact_limit == 1000:
        assert got["path"][0]["p2"] == pytest.approx(0.6)
        assert got["star"][0][0] == pytest.approx(1.0)


def test_a_failing_child_falls_back_to_in_process(monkeypatch):
    monkeypatch.setattr(centrality, "_CHILD", "import sys; sys.exit(3)")
    pending = start_betweenness(_graphs(), exact_limit=1000, background=True)
    assert pending.in_background
    g, _ = _graphs()["path"]
    assert pending.result()["path"][0] == pytest.approx(betweenness(g)[0])


def test_small_networks_stay_in_process():
    assert not start_betweenness(_graphs(), exact_limit=1000).in_background
    assert start_betweenness(_graphs(), exact_limit=20).in_background


def test_sampled_betweenness_renumbered_equals_igraph_as_given():
    """The sampled computation renumbers the nodes in breadth-first order (for memory
    locality); mapped back, every score is igraph's on the nodes as given, in a network
    whose components are interleaved in node order, with isolated people and sources
    outside the largest component."""
    import igraph

    parts = nx.disjoint_union_all([nx.gnm_random_graph(1200, 3000, seed=3),
                                   nx.gnm_random_graph(30, 45, seed=4),
                                   nx.path_graph(5), nx.empty_graph(4)])
    g = nx.Graph()
    g.add_nodes_from(sorted(parts, key=lambda v: (v * 37) % len(parts)))
    g.add_edges_from(parts.edges())
    plan = centrality._plan(g, 10, 40, 11)
    assert plan.sources is not None
    assert any(plan.nodes[s] >= 1200 for s in plan.sources)  # a source in a small part
    n = len(plan.nodes)
    plain = igraph.Graph(n=n, edges=list(zip(plan.edges[0::2], plan.edges[1::2], strict=True)))
    want = plain.betweenness(directed=False, sources=plan.sources)
    got = centrality._raw(n, plan.edges, plan.sources)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert sum(x > 0 for x in want) > 500  # the comparison covers real paths
