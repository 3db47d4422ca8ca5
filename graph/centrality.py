"""Betweenness centrality of the people network, in process or beside it (issue 14).

The report needs betweenness three times (the whole network, and the networks among
management and among staff), and at 100,000 people the sampled computation of the whole
network is the costliest single step of ``tvb report``.  :func:`start_betweenness` plans
every network at once and, when one of them is large, hands the shortest-path work to a
child process (the same Python, running only igraph) while the caller computes the other
findings; :meth:`PendingBetweenness.result` collects it.  If the child cannot be started
or fails, the same computation runs in process, so the result never depends on it.
"""

from __future__ import annotations

import inspect
import random
import struct
import subprocess
import sys
import threading
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from .network import edge_indices

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_SEED",
    "betweenness",
    "start_betweenness",
    "PendingBetweenness",
]

#: Up to this many people betweenness is exact; beyond it, sampled.
EXACT_BETWEENNESS_LIMIT = 5000
#: Number of sampled source nodes beyond :data:`EXACT_BETWEENNESS_LIMIT`.
BETWEENNESS_SAMPLE = 500
#: Fixed seed of the sample, so that a report is reproducible.
BETWEENNESS_SEED = 20201001  # the day the DGB was formed


@dataclass(frozen=True)
class _Plan:
    """One network's betweenness, ready to run: integer edges and sampled sources."""

    nodes: list[str]
    edges: array  # flat (a0, b0, a1, b1, ...) indices into nodes
    sources: list[int] | None  # None: exact (every node a source)
    method: dict


def _plan(people: nx.Graph, exact_limit: int, k: int, seed: int) -> _Plan:
    nodes = list(people)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    if n <= exact_limit:
        sources, method = None, {"method": "exact", "k": None, "seed": None}
    else:
        sample = random.Random(seed).sample(nodes, min(k, n))
        sources = [index[s] for s in sample]
        method = {"method": "sampled", "k": len(sample), "seed": seed}
    edges = array("i", edge_indices(people))  # people.edges(), as indices into nodes
    return _Plan(nodes, edges, sources, method)


def _raw(n: int, edges: array, sources: list[int] | None) -> list[float]:
    """igraph's (unnormalised, unordered-pair) betweenness, by node index.

    A sampled computation first renumbers the nodes in breadth-first order (each
    component of 1,000 nodes or more from its lowest index, a smaller one as it is,
    components by their lowest index): people a path
    passes through in turn then lie near each other in memory, and the 500 searches at
    100,000 people take 7.3 s of CPU instead of 12.5.  The dependencies are then added
    in another order, which moves a score by at most a few units in the last place
    (relative 4e-15 measured); exact results are computed as given.  This function's
    source is also the child's (:data:`_CHILD`), so both compute alike.
    """
    import igraph

    g = igraph.Graph(n=n, edges=list(zip(edges[0::2], edges[1::2], strict=True)))
    if sources is None:
        return g.betweenness(directed=False)
    order: list[int] = []
    for comp in g.connected_components():  # by lowest index, members in index order
        # igraph's bfs() costs O(n) per call whatever the component's size, and a
        # small component gains nothing: at most n / 1000 searches.
        order += g.bfs(comp[0])[0] if len(comp) >= 1000 else comp
    new = [0] * n
    for i, v in enumerate(order):
        new[v] = i
    g = igraph.Graph(n=n, edges=list(zip(map(new.__getitem__, edges[0::2]),
                                         map(new.__getitem__, edges[1::2]), strict=True)))
    raw = g.betweenness(directed=False, sources=[new[s] for s in sources])
    return [raw[i] for i in new]


def _scale(plan: _Plan, raw: Sequence[float]) -> dict[str, float]:
    """Normalise igraph's counts (see :func:`betweenness`, Notes)."""
    nodes, n = plan.nodes, len(plan.nodes)
    # igraph counts each unordered pair of an undirected graph once; Brandes' sums over
    # ordered pairs (s, t), hence the factor 2.
    if plan.sources is None:
        return {v: 2 * raw[i] / ((n - 1) * (n - 2)) for i, v in enumerate(nodes)}
    k_used = len(plan.sources)
    in_sample = set(plan.sources)
    scores = {}
    for i, v in enumerate(nodes):
        k_other = k_used - (i in in_sample)
        scores[v] = 2 * raw[i] / (k_other * (n - 2)) if k_other else 0.0
    return scores


def _run(plan: _Plan) -> dict[str, float]:
    if len(plan.nodes) < 3:
        return dict.fromkeys(plan.nodes, 0.0)
    return _scale(plan, _raw(len(plan.nodes), plan.edges, plan.sources))


def betweenness(people: nx.Graph, *, exact_limit: int = EXACT_BETWEENNESS_LIMIT,
                k: int = BETWEENNESS_SAMPLE,
                seed: int = BETWEENNESS_SEED) -> tuple[dict[str, float], dict]:
    """Normalised betweenness centrality of every person, exact or sampled.

    Parameters
    ----------
    people : networkx.Graph
        The people network (:func:`graph.network.people_network`).
    exact_limit : int
        Up to this many people every person is a source of shortest paths (exact);
        beyond it ``k`` sources are drawn with ``random.Random(seed).sample``.
    k, seed : int
        Sample size and seed for large networks.

    Returns
    -------
    scores : dict
        Person id → betweenness in [0, 1]: the share of shortest paths between two
        other people that pass through the person, averaged over pairs.
    method : dict
        ``{"method": "exact"|"sampled", "k": None|k, "seed": None|seed}``.

    Notes
    -----
    Ties are unweighted here: a tie's weight counts shared contexts (a strength), which
    a shortest-path algorithm would read as a length.

    Brandes' accumulation [1]_ runs in igraph's C core (networkx's pure-Python version
    needs about a minute per 20 sources at 100,000 people).  Exact:
    :math:`b(v) = \\sum_{s \\ne v} \\delta_s(v) / ((n-1)(n-2))`, equal to
    ``networkx.betweenness_centrality(G, normalized=True)``.  Sampled: the mean
    dependency over the sampled sources other than :math:`v`,
    :math:`b(v) = \\sum_{s \\in S} \\delta_s(v) / ((|S \\setminus \\{v\\}|)(n-2))`, the estimator
    of Brandes & Pich [2]_ (and of networkx 3.5+).  Time :math:`O(nm)` exact and
    :math:`O(km)` sampled, for :math:`n` people and :math:`m` ties.

    References
    ----------
    .. [1] U. Brandes, "A faster algorithm for betweenness centrality", *Journal of
       Mathematical Sociology* 25(2):163–177, 2001. doi:10.1080/0022250X.2001.9990249
    .. [2] U. Brandes and C. Pich, "Centrality estimation in large networks",
       *International Journal of Bifurcation and Chaos* 17(7):2303–2318, 2007.
       doi:10.1142/S0218127407018403
    """
    plan = _plan(people, exact_limit, k, seed)
    return _run(plan), plan.method


# -- beside the caller ----------------------------------------------------------------------
# The child reads the jobs (pickled by its parent, which it trusts) and answers with raw
# frames — a count, then per job a length and doubles — so the parent unpickles nothing.
_CHILD = r"""
import pickle, struct, sys
from array import array
jobs = pickle.load(sys.stdin.buffer)
out = sys.stdout.buffer
out.write(struct.pack("<q", len(jobs)))
for n, flat, sources in jobs:
    e = array("i")
    e.frombytes(flat)
    raw = array("d", _raw(n, e, sources))
    out.write(struct.pack("<q", len(raw)))
    out.write(raw.tobytes())
out.flush()
"""


def _child_source() -> str:
    """The child's program: :func:`_raw` (its own source, so there is one
    implementation) and :data:`_CHILD`."""
    return "from __future__ import annotations\n" + inspect.getsource(_raw) + _CHILD


class PendingBetweenness:
    """Betweenness of several networks, computed in a child process or in process.

    Built by :func:`start_betweenness`; :meth:`result` returns ``{name: (scores,
    method)}`` exactly as :func:`betweenness` would for each network.
    """

    def __init__(self, plans: dict[str, _Plan], background: bool):
        self._plans = plans
        self._proc: subprocess.Popen | None = None
        self._done: dict[str, tuple[dict[str, float], dict]] | None = None
        self._remote = [name for name, p in plans.items() if len(p.nodes) >= 3]
        if background and self._remote:
            self._start()

    @property
    def in_background(self) -> bool:
        """Whether a child process is computing (or computed) the result."""
        return self._proc is not None

    def _start(self) -> None:
        import pickle

        jobs = [(len(self._plans[name].nodes), self._plans[name].edges.tobytes(),
                 self._plans[name].sources) for name in self._remote]
        data = pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            proc = subprocess.Popen([sys.executable, "-c", _child_source()], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:  # no child processes here (a sandbox): compute in process
            return
        self._proc = proc

        def feed() -> None:
            # The pipe holds 64 KiB: a thread hands the rest over as the child reads,
            # so the caller goes on at once.
            try:
                proc.stdin.write(data)
                proc.stdin.close()
            except OSError:  # the child died; result() notices and computes in process
                pass

        self._feeder = threading.Thread(target=feed, name="betweenness-feed", daemon=True)
        self._feeder.start()

    def sent(self) -> None:
        """Wait until the child has been handed its networks (no thread of this object
        runs afterwards, so the caller may fork)."""
        feeder = getattr(self, "_feeder", None)
        if feeder is not None:
            feeder.join()

    def _collect(self) -> dict[str, array] | None:
        if self._proc is None:
            return None
        try:
            out = self._proc.stdout.read()
            self._proc.stdout.close()
            self._proc.wait()
            self._feeder.join()
        except OSError:
            return None
        if self._proc.returncode != 0:
            return None
        raws, pos = {}, 0
        try:
            (count,) = struct.unpack_from("<q", out, pos)
            pos += 8
            if count != len(self._remote):
                return None
            for name in self._remote:
                (length,) = struct.unpack_from("<q", out, pos)
                pos += 8
                raw = array("d")
                raw.frombytes(out[pos:pos + 8 * length])
                pos += 8 * length
                if len(raw) != len(self._plans[name].nodes):
                    return None
                raws[name] = raw
        except struct.error:
            return None
        return raws

    def result(self) -> dict[str, tuple[dict[str, float], dict]]:
        if self._done is None:
            raws = self._collect() or {}
            self._done = {
                name: (_scale(p, raws[name]) if name in raws else _run(p), p.method)
                for name, p in self._plans.items()}
        return self._done


def start_betweenness(networks: Mapping[str, tuple[nx.Graph, int]], *,
                      exact_limit: int = EXACT_BETWEENNESS_LIMIT,
                      seed: int = BETWEENNESS_SEED,
                      background: bool | None = None) -> PendingBetweenness:
    """Start the betweenness of several networks, ``{name: (graph, k)}``.

    With ``background`` (by default: when some network is larger than
    ``exact_limit``, where the work takes seconds) the shortest-path work runs in a child
    process while the caller goes on; the networks are copied to it as integer edge
    lists first, so later changes to them do not matter.  Time and result as
    :func:`betweenness` for each network.
    """
    plans = {name: _plan(g, exact_limit, k, seed) for name, (g, k) in networks.items()}
    if background is None:
        background = any(len(p.nodes) > exact_limit for p in plans.values())
    return PendingBetweenness(plans, background)
