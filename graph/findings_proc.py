"""The findings of a snapshot, computed in a forked child process or in process.

The findings — the integrator's report, the issue-13 rows by entity, the directorate
network and each person's ties — need the whole people network, and at 100,000 people
building it and the report takes tens of seconds and over a gigabyte beside the registry.
A viewer that computes them in its own process holds the networkx graphs, the report's
intermediate tables and the old version's findings at once, and its interpreter is busy
for the pages meanwhile. :func:`compute_forked` forks a child (:mod:`graph.forked`)
after the registry exists (so the child shares it copy-on-write), lets it call
:func:`compute` — the one way into the findings, :func:`graph.analysis.report` — and
sends back, pickled through a pipe, only what the server keeps: the report (without the
per-pair ``process`` rows: ``process_gaps`` holds them one row per dossier), the
issue-13 index, the directorate network (a node per directorate) and :class:`Ties`, the
people network's adjacency in a few flat arrays. Where ``fork`` is unavailable, or the
child does not deliver, the same :func:`compute` runs in process, with the same result.
"""

from __future__ import annotations

import datetime as dt
import os
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from registry.gcpause import paused_gc
from registry.model import Registry

from .forked import start

__all__ = ["FINDINGS", "Ties", "compute", "compute_forked", "empty"]

#: The parts of a snapshot that need the whole network (what :func:`compute` returns).
FINDINGS = ("report", "involvement", "directorate_network", "ties")


@dataclass(frozen=True)
class Ties:
    """The people network as the pages read it: each person's ties in the network's own
    order, with their weights, in flat arrays (compressed sparse rows) instead of
    networkx's dict of dicts of attribute dicts — a few MB instead of about a GB at
    100,000 people.

    ``nodes`` are the people in the network's order; the ties of ``nodes[i]`` are
    ``other[start[i]:start[i + 1]]`` (indices into ``nodes``) with ``weight`` beside them.
    """

    nodes: tuple[str, ...]
    start: array
    other: array
    weight: array
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {v: i for i, v in enumerate(self.nodes)})

    def __reduce__(self) -> tuple:
        # the index is rebuilt, not pickled
        return Ties, (self.nodes, self.start, self.other, self.weight)

    @classmethod
    def of(cls, g: nx.Graph) -> Ties:
        """The ties of *g* (an undirected graph whose edges have a ``weight``).

        Notes
        -----
        One pass over the adjacency: $O(n + m)$.
        """
        nodes = tuple(g)
        index = {v: i for i, v in enumerate(nodes)}
        start, other, weight = array("q", [0]), array("i"), array("q")
        for v in nodes:
            for u, e in g.adj[v].items():
                other.append(index[u])
                weight.append(e.get("weight") or 0)
            start.append(len(other))
        return cls(nodes, start, other, weight)

    def __contains__(self, person: object) -> bool:
        return person in self.index

    def __len__(self) -> int:
        return len(self.nodes)

    def of_person(self, person: str) -> list[tuple[str, int]]:
        """``(other, weight)`` for every tie of *person*, in the network's order; [] for
        someone not in it."""
        i = self.index.get(person)
        if i is None:
            return []
        lo, hi = self.start[i], self.start[i + 1]
        nodes = self.nodes
        return [(nodes[j], w) for j, w in zip(self.other[lo:hi], self.weight[lo:hi],
                                                strict=True)]

    def degree(self, person: str) -> int:
        i = self.index.get(person)
        return 0 if i is None else self.start[i + 1] - self.start[i]

    def edges(self) -> Iterator[tuple[str, str, int]]:
        """``(a, b, weight)`` once per tie, in the order of networkx's ``edges()``: by
        the first end's place, then the second's within its ties."""
        nodes, start, other, weight = self.nodes, self.start, self.other, self.weight
        for i, a in enumerate(nodes):
            for k in range(start[i], start[i + 1]):
                j = other[k]
                if j >= i:
                    yield a, nodes[j], weight[k]


def compute(reg: Registry, today: dt.date) -> dict:
    """The findings of *reg* on *today*, by the names of :data:`FINDINGS`.

    The report is :func:`graph.analysis.report` with ``process_rows=False``; the ties and
    the directorate network are those the report was computed on (the people network
    itself is not kept).
    """
    from .analysis import report
    from .involvement import by_entity

    networks: dict = {}
    rep = report(reg, today, process_rows=False, networks=networks)
    with paused_gc():
        ties = Ties.of(networks.pop("people"))
        involvement = by_entity(rep)
    return {"report": rep, "involvement": involvement,
            "directorate_network": networks["directorates"], "ties": ties}


def empty(reg: Registry, today: dt.date) -> dict:
    """The findings of a snapshot that has none yet (a live-first start): the report of
    an empty register — every list empty, ``data_version`` None — and no ties."""
    from registry.validate import registry_from_data

    from .analysis import report

    blank = registry_from_data({"schema": 1, "organisation": {"id": "x", "name": "x"}},
                               today=today).registry
    rep = report(blank, today, process_rows=False)
    rep["data_version"] = None
    return {"report": rep, "involvement": {}, "directorate_network": nx.Graph(),
            "ties": Ties((), array("q", [0]), array("i"), array("q"))}


def compute_forked(reg: Registry, today: dt.date) -> dict:
    """:func:`compute` in a forked child process, the result sent back pickled; in
    process when ``fork`` is unavailable or the child fails (killed, out of memory)."""
    if hasattr(os, "fork"):
        # Everything the child imports is imported here first: another thread of the
        # server may hold the import lock at the moment of the fork, and the child would
        # wait for it.
        from registry import validate  # noqa: F401

        from . import analysis, involvement, network  # noqa: F401
    return start(compute, reg, today, threads=True).result()
