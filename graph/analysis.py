"""The integrator's findings (DESIGN §6): brokers, silos, isolated dossier holders, missing
cross-directorate links, single points of failure, upkeep and the factor profile.

Every finding is a function of the registry (and the people network, which callers may
pass in so it is built once); :func:`report` gathers them in the public JSON contract of
``tvb report``.  Definitions follow DESIGN §6.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from itertools import combinations

import networkx as nx
import snowballstemmer

from registry.model import Registry
from registry.schema import FACTORS
from registry.upkeep import stale_entries, unevaluated_collaborations, unowned_dossiers

from .involvement import add_to_report
from .network import (
    directorate_network,
    dossier_directorate,
    involved_directorates,
    people_network,
    required_directorates,
)
from .reasons import missing_link_reason

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_SEED",
    "MAX_OVERLAP_GROUP",
    "betweenness",
    "brokers",
    "ei_index",
    "silos",
    "isolated_dossier_holders",
    "integration_matrix",
    "missing_links",
    "process_gaps",
    "overlap_keys",
    "single_points_of_failure",
    "upkeep",
    "factor_profile",
    "report",
    "display_name",
]

#: Up to this many people betweenness is exact; beyond it, sampled.
EXACT_BETWEENNESS_LIMIT = 5000
#: Number of sampled source nodes beyond :data:`EXACT_BETWEENNESS_LIMIT`.
BETWEENNESS_SAMPLE = 500
#: Fixed seed of the sample, so that a report is reproducible.
BETWEENNESS_SEED = 20201001  # the day the DGB was formed
#: A keyword or title stem shared by more active dossiers than this is too common to
#: signal a duplicate (and would make overlap detection quadratic).
MAX_OVERLAP_GROUP = 25
#: Words that never make two titles overlap: Dutch function words and words that every
#: DGB title could carry.
_STOPWORDS = frozenset("""
    aan af al als bij dan dat de der des deze die dit door een en er het in is met na naar
    niet nog of om onder op over te ten ter tot tussen uit van voor zijn zonder ook wordt
    worden
    beleid defensie dgb directie ministerie nota
""".split())


# -- brokers ----------------------------------------------------------------------------------
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
    nodes = list(people)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    if n <= exact_limit:
        sources, method = None, {"method": "exact", "k": None, "seed": None}
    else:
        sample = random.Random(seed).sample(nodes, min(k, n))
        sources, method = sample, {"method": "sampled", "k": len(sample), "seed": seed}
    if n < 3:
        return dict.fromkeys(nodes, 0.0), method
    import igraph

    g = igraph.Graph(n=n, edges=[(index[a], index[b]) for a, b in people.edges()])
    # igraph counts each unordered pair of an undirected graph once; Brandes' sums over
    # ordered pairs (s, t), hence the factor 2.
    raw = g.betweenness(directed=False,
                        sources=None if sources is None else [index[s] for s in sources])
    if sources is None:
        return {v: 2 * raw[i] / ((n - 1) * (n - 2)) for i, v in enumerate(nodes)}, method
    k_used = len(sources)
    in_sample = set(sources)
    scores = {}
    for i, v in enumerate(nodes):
        k_other = k_used - (v in in_sample)
        scores[v] = 2 * raw[i] / (k_other * (n - 2)) if k_other else 0.0
    return scores, method


def brokers(reg: Registry, people: nx.Graph | None = None, *, top: int | None = None,
            scores: dict[str, float] | None = None) -> list[dict]:
    """People who connect others: betweenness, degree and directorates reached.

    ``directorates_reached`` counts the directorates, other than the person's own, of the
    people they are tied to.  Sorted by betweenness (highest first), then degree, then id;
    ``top`` keeps the first rows only.  See :func:`betweenness` for the method.
    """
    people = people if people is not None else people_network(reg)
    if scores is None:
        scores, _ = betweenness(people)
    order = sorted(people, key=lambda p: (-scores.get(p, 0.0), -people.degree(p), p))
    dir_of = nx.get_node_attributes(people, "directorate")
    rows = []
    for pid in order[:top] if top is not None else order:
        own = dir_of.get(pid)
        reached = {dir_of.get(q) for q in people.adj[pid]} - {own, None}
        rows.append({"person": pid, "directorate": own, "betweenness": scores.get(pid, 0.0),
                     "degree": people.degree(pid), "directorates_reached": len(reached)})
    return rows


# -- silos ------------------------------------------------------------------------------------
def ei_index(internal: int, external: int) -> float | None:
    """Krackhardt's E-I index, ``(E - I) / (E + I)``; ``None`` without any tie.

    Parameters
    ----------
    internal, external : int
        Ties within the group, and ties from the group to outsiders.

    Returns
    -------
    float or None
        From -1 (all ties internal: a silo) to +1 (all ties external).

    Examples
    --------
    >>> ei_index(3, 1)
    -0.5
    >>> ei_index(0, 0) is None
    True

    References
    ----------
    .. [1] D. Krackhardt and R. N. Stern, "Informal networks and organizational crises:
       an experimental simulation", *Social Psychology Quarterly* 51(2):123–140, 1988.
       doi:10.2307/2786835
    """
    total = internal + external
    return (external - internal) / total if total else None


def silos(reg: Registry, people: nx.Graph | None = None) -> list[dict]:
    """The E-I index of every directorate in the people network.

    A tie is *internal* to a directorate when both people work there and *external* to
    each directorate of its two ends when they work in different ones.  A directorate is
    flagged when its index is at or below ``settings.silo_threshold``, when it has no
    external tie, or when it has no tie at all (index ``None``).

    Returns one row per directorate, those without ties first, then by index (lowest
    first) and id.

    Notes
    -----
    One pass over the ties: :math:`O(n + m)`.  See :func:`ei_index` for the reference
    (Krackhardt & Stern, 1988).
    """
    people = people if people is not None else people_network(reg)
    dir_of = nx.get_node_attributes(people, "directorate")
    internal: Counter[str] = Counter()
    external: Counter[str] = Counter()
    for a, b in people.edges():
        da, db = dir_of.get(a), dir_of.get(b)
        if da == db:
            internal[da] += 1
        else:
            external[da] += 1
            external[db] += 1
    threshold = reg.settings.silo_threshold
    rows = []
    for u in reg.directorates:
        i, e = internal[u.id], external[u.id]
        ei = ei_index(i, e)
        rows.append({"directorate": u.id, "ei_index": ei, "internal_ties": i,
                     "external_ties": e, "flagged": ei is None or e == 0 or ei <= threshold})
    rows.sort(key=lambda r: (r["ei_index"] is not None, r["ei_index"] or 0.0, r["directorate"]))
    return rows


# -- isolated dossier holders -----------------------------------------------------------------
def isolated_dossier_holders(reg: Registry, people: nx.Graph | None = None,
                             involved: dict[str, frozenset[str]] | None = None) -> list[dict]:
    """Owners of an active dossier who reach no other directorate.

    A holder is isolated when they have no tie to anyone outside their own directorate
    and none of their active dossiers involves another directorate (through ``involved``,
    an involved person from elsewhere, or a collaboration listing the dossier with
    members or units elsewhere; see :func:`graph.network.involved_directorates`).

    Returns rows ``{"person", "directorate", "dossiers"}`` (the active dossiers owned),
    sorted by directorate and person.  Time :math:`O(n + m + d)`.
    """
    people = people if people is not None else people_network(reg)
    involved = involved if involved is not None else involved_directorates(reg)
    rows = []
    for pid in reg.people:
        owned = [d for d in reg.dossiers_owned_by(pid) if reg.dossiers[d].active]
        if not owned:
            continue
        own = reg.directorate_of(pid)
        if any(reg.directorate_of(q) != own for q in people.adj[pid]):
            continue
        if any(involved[d] - {own} for d in owned):
            continue
        rows.append({"person": pid, "directorate": own, "dossiers": owned})
    rows.sort(key=lambda r: (r["directorate"] or "", r["person"]))
    return rows


# -- missing links ----------------------------------------------------------------------------
def integration_matrix(reg: Registry, directorates: nx.Graph | None = None) -> dict:
    """The integration model as a matrix: every integrating × functional pair and how
    strongly it is linked (see :func:`graph.network.directorate_network` for the counts).

    Returns ``{"integrating": [ids], "functional": [ids], "cells": [{"integrating",
    "functional", "person_ties", "collaborations", "dossiers", "weight"}]}``; a cell with
    weight 0 is an ``integration-model`` gap.
    """
    directorates = directorates if directorates is not None else directorate_network(reg)
    integrating = [u.id for u in reg.directorates if u.axis == "integrating"]
    functional = [u.id for u in reg.directorates if u.axis == "functional"]
    cells = []
    for a in integrating:
        for b in functional:
            e = directorates.get_edge_data(a, b, default={})
            cells.append({"integrating": a, "functional": b,
                          "person_ties": e.get("person_ties", 0),
                          "collaborations": e.get("collaborations", 0),
                          "dossiers": e.get("dossiers", 0), "weight": e.get("weight", 0)})
    return {"integrating": integrating, "functional": functional, "cells": cells}


def _fold(text: str) -> str:
    """Lower case without diacritics: 'Strategieën' → 'strategieen'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(_fold(text)) if w not in _STOPWORDS]


class _Stems:
    """The Dutch Snowball stemmer with a memo: a register repeats its words, and stemming
    is the costly step of overlap detection.  One per call (the stemmer is not
    thread-safe)."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("dutch")
        self._memo: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._memo.get(word)
        if stem is None:
            stem = self._memo[word] = self._stemmer.stemWord(word)
        return stem


def overlap_keys(title: str, keywords: tuple[str, ...] | list[str],
                 stem: Callable[[str], str] | None = None) -> dict[str, str]:
    """The keys on which two dossiers overlap, each mapped to a readable form.

    Keys are ``kw:<stemmed keyword>`` for each keyword (every word stemmed, so
    'Gevaarlijke stoffen' matches 'gevaarlijke stof') and ``title:<stem>`` for each
    title word of three letters or more that is not a stop word.  Text is case- and
    diacritics-folded before the Dutch Snowball stemmer runs.

    >>> sorted(overlap_keys("Huisvesting kazernes", ["Vastgoed"]))
    ['kw:vastgoed', 'title:huisvest', 'title:kazerne']
    """
    stem = stem or _Stems()
    keys: dict[str, str] = {}
    for kw in keywords:
        words = _words(kw)
        if words:
            keys.setdefault("kw:" + " ".join(map(stem, words)), kw)
    for word in _words(title):
        if len(word) >= 3 and not word.isdigit():
            keys.setdefault("title:" + stem(word), word)
    return keys


def _overlaps(reg: Registry, people: nx.Graph) -> list[dict]:
    """Possible duplicates: active dossiers owned in different directorates that share a
    keyword or title stem, whose owners are not tied.  An inverted index key → dossiers
    keeps this near-linear; keys shared by more than :data:`MAX_OVERLAP_GROUP` dossiers
    are skipped."""
    stem = _Stems()
    index: dict[str, list[str]] = defaultdict(list)
    shown: dict[tuple[str, str], str] = {}
    for d in reg.dossiers.values():
        if d.active and d.owner in reg.people:
            for key, text in overlap_keys(d.title, d.keywords, stem).items():
                index[key].append(d.id)
                shown[d.id, key] = text
    dir_of = {did: reg.directorate_of(reg.dossiers[did].owner)
              for ids in index.values() for did in ids}
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, ids in index.items():
        if len(ids) > MAX_OVERLAP_GROUP:
            continue
        for a, b in combinations(sorted(ids), 2):
            if dir_of[a] != dir_of[b]:
                shared[a, b].append(key)
    rows = []
    for (a, b), keys in shared.items():
        da, db = reg.dossiers[a], reg.dossiers[b]
        if people.has_edge(da.owner, db.owner):
            continue
        row = {"kind": "overlap", "directorates": [dir_of[a], dir_of[b]],
               "dossiers": [a, b], "people": [da.owner, db.owner],
               "shared": sorted({shown[a, k] for k in keys})}
        row["reason"] = missing_link_reason(row, lambda i: display_name(reg, i))
        rows.append(row)
    return rows


def missing_links(reg: Registry, people: nx.Graph | None = None,
                  directorates: nx.Graph | None = None,
                  involved: dict[str, frozenset[str]] | None = None) -> list[dict]:
    """Missing cross-directorate links, of three kinds.

    ``integration-model``
        An (integrating, functional) pair with no link at all: no person tie, no shared
        collaboration, no dossier of one involving the other (no edge in the directorate
        network).  ``directorates`` is ``[integrating, functional]``.
    ``process``
        An active dossier whose process requires a directorate (``involve: all`` = every
        directorate except staff) that is not involved in it (see
        :func:`graph.network.involved_directorates`).  One row per missing directorate;
        ``directorates`` is ``[the dossier's directorate, the missing one]``.
    ``overlap``
        Two active dossiers owned in different directorates sharing a keyword or a title
        stem (:func:`overlap_keys`), whose owners have no tie: a possible duplicate.

    Every row has ``kind``, ``directorates``, ``dossiers``, ``people`` and ``reason``
    (English); ``process`` rows add the process id and ``overlap`` rows the ``shared``
    words (as written in the first dossier).  Rows are ordered by kind, then directorates
    and dossiers.

    Notes
    -----
    Integration model: :math:`O(I \\cdot F)` pairs; process: :math:`O(d \\cdot r)` for
    :math:`r` required directorates; overlap: one pass building an inverted index, then
    pairs within each key's (capped) group.
    """
    people = people if people is not None else people_network(reg)
    involved = involved if involved is not None else involved_directorates(reg)
    directorates = (directorates if directorates is not None
                    else directorate_network(reg, people, involved))
    rows: list[dict] = []

    def name(i: str) -> str:
        return display_name(reg, i)

    for cell in integration_matrix(reg, directorates)["cells"]:
        if cell["weight"] == 0:
            a, b = cell["integrating"], cell["functional"]
            row = {"kind": "integration-model", "directorates": [a, b], "dossiers": [],
                   "people": []}
            row["reason"] = missing_link_reason(row, name)
            rows.append(row)
    # Dossiers by id and required directorates by id, so the rows come out sorted.
    required = {p.id: sorted(required_directorates(reg, p.involve))
                for p in reg.processes.values()}
    for did in sorted(reg.dossiers):
        d = reg.dossiers[did]
        proc = reg.processes.get(d.process) if d.process else None
        if not d.active or proc is None:
            continue
        home = dossier_directorate(reg, did)
        owner = [d.owner] if d.owner in reg.people else []
        for need in required[proc.id]:
            if need not in involved[did] and need not in d.involved:  # d.involved: externals
                row = {"kind": "process", "directorates": [home, need] if home else [need],
                       "dossiers": [did], "people": [*owner], "process": proc.id}
                row["reason"] = missing_link_reason(row, name)
                rows.append(row)
    overlap_rows = _overlaps(reg, people)
    overlap_rows.sort(key=lambda r: (r["directorates"], r["dossiers"]))
    return rows + overlap_rows


def process_gaps(reg: Registry, links: list[dict]) -> list[dict]:
    """The ``process`` rows of :func:`missing_links`, one row per dossier.

    A process with ``involve: all`` makes one row per (dossier, missing directorate):
    at a government's size that is almost a million rows, far more than anyone reads.
    This compact form keeps one row per dossier, ``{kind: "process-gap", dossier,
    directorate, people, process, missing, reason}``, where ``missing`` lists every
    directorate it lacks in the order of the rows and ``directorate`` is the dossier's
    own (None when it has none).  Nothing is lost: expanding each row over ``missing``
    gives the ``process`` rows back.

    Notes
    -----
    One pass over *links*: :math:`O(n)` for :math:`n` rows.
    """
    out: dict[str, dict] = {}
    for row in links:
        if row["kind"] != "process":
            continue
        did = row["dossiers"][0]
        gap = out.get(did)
        if gap is None:
            dirs = row["directorates"]
            gap = out[did] = {"kind": "process-gap", "dossier": did,
                              "directorate": dirs[0] if len(dirs) == 2 else None,
                              "people": list(row["people"]), "process": row["process"],
                              "missing": []}
        gap["missing"].append(row["directorates"][-1])
    for gap in out.values():
        gap["reason"] = missing_link_reason(gap, lambda i: display_name(reg, i))
    return list(out.values())


# -- single points of failure -----------------------------------------------------------------
def single_points_of_failure(reg: Registry, people: nx.Graph | None = None) -> list[dict]:
    """People whose departure disconnects two directorates.

    Two directorates are *connected* when some member of one has a path in the people
    network to some member of the other.  A person is a single point of failure when,
    with them removed, two directorates that were connected have no path between any of
    their remaining members.

    Returns
    -------
    list of dict
        ``{"person", "directorate", "separates": [[a, b], ...]}``, most pairs first.

    Notes
    -----
    Only two kinds of people can be one.  (1) An articulation point [1]_ of the people
    network: removing it splits its component into pieces.  (2) Anyone who is the only
    member of their directorate in their component: the component stays connected but
    loses that directorate (an articulation point alone would miss a lone liaison
    hanging off the network).  Everyone else leaves their component connected with the
    same directorates, so nothing changes.

    Connectivity of directorate pairs is labelled once per component (how many
    components contain both).  One iterative depth-first search per component computes
    Hopcroft–Tarjan low points and, bottom-up, the directorates in each DFS subtree
    (merging the smaller count into the larger).  When a person is removed, each child
    subtree whose low point does not reach above the person is a separate piece; the
    rest of the component, if any, is one more.  A pair is lost when it was connected
    only in this component and no piece holds both.

    The search takes :math:`O(n + m)` time for :math:`n` people and :math:`m` ties;
    merging subtree counts smaller-into-larger adds :math:`O(n \\min(\\delta, \\log n))`
    updates for :math:`\\delta` directorates per component; each of the :math:`c`
    candidates costs at most :math:`O(\\delta^2)`.  Removing every person in turn would
    take :math:`O(n(n + m))`.

    References
    ----------
    .. [1] J. Hopcroft and R. Tarjan, "Algorithm 447: efficient algorithms for graph
       manipulation", *Communications of the ACM* 16(6):372–378, 1973.
       doi:10.1145/362248.362272
    """
    people = people if people is not None else people_network(reg)
    dir_of = {p: reg.directorate_of(p) for p in people}
    components = []
    cover: Counter[tuple[str, str]] = Counter()
    for comp in nx.connected_components(people):
        counts = Counter(dir_of[p] for p in comp if dir_of[p])
        if len(counts) >= 2:
            cover.update(combinations(sorted(counts), 2))
            components.append((comp, counts))
    rows = []
    for comp, total in components:
        present = set(total)
        for person, pieces in _pieces_without(people, next(iter(comp)), dir_of, total):
            lost = _lost_pairs(present, pieces, cover)
            if lost:
                rows.append({"person": person, "directorate": dir_of[person],
                             "separates": [list(pair) for pair in sorted(lost)]})
    rows.sort(key=lambda r: (-len(r["separates"]), r["person"]))
    return rows


def _lost_pairs(present: set[str], pieces: list[frozenset[str]],
                cover: Counter[tuple[str, str]]) -> set[tuple[str, str]]:
    """Directorate pairs of a component that no piece holds together any more, and that
    no other component connects."""
    biggest = max(pieces, key=len, default=frozenset())
    lost = set()
    for x in present - biggest:  # every lost pair has an end outside the biggest piece
        partners = set().union(*(p for p in pieces if x in p))
        for y in present - partners:
            if y != x:
                pair = (min(x, y), max(x, y))
                if cover[pair] == 1:
                    lost.add(pair)
    return lost


def _pieces_without(g: nx.Graph, root: str, dir_of: dict[str, str | None],
                    total: Counter[str]) -> Iterator[tuple[str, list[frozenset[str]]]]:
    """For each person of ``root``'s component whose removal could change which
    directorates are connected, the directorate sets of the pieces left without them."""
    def own(v: str) -> Counter[str]:
        return Counter({dir_of[v]: 1}) if dir_of[v] else Counter()

    disc = {root: 0}
    low = {root: 0}
    sub = {root: own(root)}  # directorate counts of the DFS subtree, merged bottom-up
    separated: dict[str, list[frozenset[str]]] = defaultdict(list)
    separated_sum: dict[str, Counter[str]] = defaultdict(Counter)
    stack = [(root, None, iter(g.adj[root]))]
    clock = 1
    while stack:
        v, parent, neighbours = stack[-1]
        for w in neighbours:
            if w == parent:
                continue
            if w in disc:
                low[v] = min(low[v], disc[w])
            else:
                disc[w] = low[w] = clock
                clock += 1
                sub[w] = own(w)
                stack.append((w, v, iter(g.adj[w])))
                break
        else:
            stack.pop()
            pieces = separated.pop(v, [])
            below = separated_sum.pop(v, Counter())
            mine = dir_of[v]
            # Without separated subtrees (not a cut vertex) and with colleagues in the
            # component, removing v changes nothing: skip it without any set work.
            if pieces or (mine and total[mine] == 1):
                gone = {x for x in (*below, mine)
                        if x and total[x] - below[x] - (x == mine) <= 0}
                rest = frozenset(total.keys() - gone)
                if rest:
                    pieces.append(rest)
                if len(pieces) > 1 or (mine and total[mine] == 1):
                    yield v, pieces
            if parent is not None:
                low[parent] = min(low[parent], low[v])
                child = sub.pop(v)
                if low[v] >= disc[parent]:
                    separated[parent].append(frozenset(child))
                    separated_sum[parent].update(child)
                big, small = sub[parent], child
                if len(small) > len(big):
                    big, small = small, big
                big.update(small)
                sub[parent] = big


# -- upkeep and evaluations -------------------------------------------------------------------
def upkeep(reg: Registry, today: dt.date) -> dict:
    """Stale or unconfirmed entries, unowned active dossiers and collaborations that need
    an evaluation, as defined once in :mod:`registry.upkeep`."""
    return {
        "stale": [{"id": e.id, "kind": e.kind,
                   "reviewed": e.reviewed.isoformat() if e.reviewed else None,
                   "age_days": e.age_days} for e in stale_entries(reg, today)],
        "unowned_dossiers": unowned_dossiers(reg),
        "unevaluated_collaborations": unevaluated_collaborations(reg, today),
    }


def factor_profile(reg: Registry) -> dict[str, dict]:
    """Per success factor: the mean score and the number of collaborations scored.

    Each collaboration counts once per factor, with the score of its latest evaluation
    that scores that factor.  ``mean`` is ``None`` when no collaboration scored it.
    """
    scores: dict[str, list[int]] = {f: [] for f in FACTORS}
    for c in reg.collaborations.values():
        for f in FACTORS:
            scored = [e for e in c.evaluations if f in e.factors]
            if scored:
                scores[f].append(max(scored, key=lambda e: e.date).factors[f])
    return {f: {"mean": round(sum(v) / len(v), 2) if v else None, "n": len(v)}
            for f, v in scores.items()}


# -- the report -------------------------------------------------------------------------------
def _round(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def _names(reg: Registry, report: dict) -> dict[str, str]:
    """Display names of every id the report mentions: labels of units, names of people,
    collaborations and processes, titles of dossiers."""
    ids: set[str] = set()
    for key in ("brokers", "silos", "isolated_dossier_holders", "single_points_of_failure"):
        for row in report[key]:
            ids.update((row.get("person"), row["directorate"]))
            ids.update(row.get("dossiers", ()))
            for pair in row.get("separates", ()):
                ids.update(pair)
    for row in report["missing_links"]:
        ids.update(row["directorates"])
        ids.update(row["dossiers"])
        ids.update(row["people"])
        if "process" in row:
            ids.add(row["process"])
    up = report["upkeep"]
    ids.update(e["id"] for e in up["stale"])
    ids.update(up["unowned_dossiers"])
    ids.update(up["unevaluated_collaborations"])
    ids.update(u.id for u in reg.directorates)  # the integration matrix
    return {ref: display_name(reg, ref) for ref in sorted(i for i in ids if i)
            if reg.get(ref) is not None}


def display_name(reg: Registry, id: str) -> str:
    """How an id is shown: a unit's label, a dossier's title, the name of anything else
    (the id itself when it is unknown)."""
    e = reg.get(id)
    if e is None:
        return id
    return getattr(e, "label", None) or getattr(e, "title", None) or e.name


def report(registry: Registry, today: dt.date, *, top_brokers: int = 25) -> dict:
    """Every finding, in the JSON contract of ``tvb report``.

    Keys of the contract: ``data_version``, ``today``, ``summary``, ``betweenness``,
    ``brokers`` (the ``top_brokers`` highest), ``silos``, ``isolated_dossier_holders``,
    ``missing_links``, ``single_points_of_failure``, ``upkeep``, ``factors``.  Extras:
    ``process_gaps`` (:func:`process_gaps`, the ``process`` links one row per dossier),
    ``settings`` (the silo threshold), ``people_network`` (size), ``integration_matrix``
    (:func:`integration_matrix`) and ``names`` (id → display name for every id used).
    """
    reg = registry
    people = people_network(reg)
    involved = involved_directorates(reg)
    directorates = directorate_network(reg, people, involved)
    scores, method = betweenness(people)
    broker_rows = brokers(reg, people, top=top_brokers, scores=scores)
    for row in broker_rows:
        row["betweenness"] = round(row["betweenness"], 6)
    silo_rows = silos(reg, people)
    links = missing_links(reg, people, directorates, involved)
    for row in silo_rows:
        row["ei_index"] = _round(row["ei_index"], 4)
    out = {
        "data_version": reg.data_version,
        "today": today.isoformat(),
        "summary": {"directorates": len(reg.directorates),
                    "departments": len(reg.departments), "people": len(reg.people),
                    "dossiers": len(reg.dossiers),
                    "collaborations": len(reg.collaborations),
                    "processes": len(reg.processes),
                    "active_dossiers": sum(d.active for d in reg.dossiers.values())},
        "betweenness": method,
        "brokers": broker_rows,
        "silos": silo_rows,
        "isolated_dossier_holders": isolated_dossier_holders(reg, people, involved),
        "missing_links": links,
        "process_gaps": process_gaps(reg, links),
        "single_points_of_failure": single_points_of_failure(reg, people),
        "upkeep": upkeep(reg, today),
        "factors": factor_profile(reg),
        "settings": {"silo_threshold": reg.settings.silo_threshold,
                     "stale_after_days": reg.settings.stale_after_days},
        "people_network": {"people": people.number_of_nodes(),
                           "ties": people.number_of_edges(),
                           "components": nx.number_connected_components(people)},
        "integration_matrix": integration_matrix(reg, directorates),
    }
    out["names"] = _names(reg, out)
    add_to_report(out, reg, involved)  # issue 13: should_involve, late, cover, task_clarity
    return out
