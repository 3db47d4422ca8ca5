"""The integrator's findings (DESIGN §6): brokers, silos, isolated dossier holders, missing
cross-directorate links, single points of failure, upkeep and the factor profile.

Every finding is a function of the registry (and the people network, which callers may
pass in so it is built once); :func:`report` gathers them in the public JSON contract of
``tvb report``.  Definitions follow DESIGN §6.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from itertools import combinations

import networkx as nx

from registry.gcpause import paused_gc
from registry.model import Registry
from registry.schema import LEVELS
from registry.text import content_words
from registry.text import stem as text_stem
from registry.upkeep import stale_entries, unevaluated_collaborations, unowned_dossiers

from .centrality import (
    BETWEENNESS_SAMPLE,
    BETWEENNESS_SEED,
    EXACT_BETWEENNESS_LIMIT,
    betweenness,
    start_betweenness,
)
from .factors import factor_profile, latest_means
from .forked import start as start_forked
from .involvement import add_to_report
from .involvement import findings as involvement_findings
from .levels import by_level
from .network import (
    directorate_network,
    dossier_directorate,
    involved_directorates,
    people_network,
    required_directorates,
)
from .reasons import MISSING_LINK_REASONS, missing_link_reason
from .silo import (
    SILO_DEFINITION,
    ei_index,
    level_networks,
    rule_directorates,
    silo_rows,
    theme_directorates,
    weak_junctions,
)

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_SEED",
    "LEVEL_BETWEENNESS_SAMPLE",
    "MAX_OVERLAP_GROUP",
    "betweenness",
    "brokers",
    "ei_index",
    "silos",
    "SILO_DEFINITION",
    "isolated_dossier_holders",
    "integration_matrix",
    "missing_links",
    "with_process_rows",
    "process_gaps",
    "overlap_keys",
    "single_points_of_failure",
    "upkeep",
    "report",
    "display_name",
]

#: Sampled sources for a level's network beyond :data:`EXACT_BETWEENNESS_LIMIT`: the
#: level split repeats betweenness twice, so it samples fewer sources (the report says
#: so in each level's ``betweenness``).
LEVEL_BETWEENNESS_SAMPLE = 100
#: A keyword or title stem shared by more active dossiers than this is too common to
#: signal a duplicate (and would make overlap detection quadratic).
MAX_OVERLAP_GROUP = 25
#: Words that never make two titles overlap besides the stop words of registry.text:
#: words that every DGB title could carry.
_COMMON_WORDS = frozenset("beleid defensie dgb directie ministerie nota".split())


# -- brokers ----------------------------------------------------------------------------------
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
    degree = {p: len(nbrs) for p, nbrs in people.adjacency()}

    def key(p: str) -> tuple[float, int, str]:
        return -scores.get(p, 0.0), -degree[p], p
    # The key ends with the id, so the order is total: the first `top` of a heap are
    # those of a full sort, without sorting 100,000 people for 25.
    order = sorted(people, key=key) if top is None else heapq.nsmallest(top, people, key=key)
    dir_of = nx.get_node_attributes(people, "directorate")
    rows = []
    for pid in order:
        own = dir_of.get(pid)
        reached = {dir_of.get(q) for q in people.adj[pid]} - {own, None}
        rows.append({"person": pid, "directorate": own, "betweenness": scores.get(pid, 0.0),
                     "degree": degree[pid], "directorates_reached": len(reached)})
    return rows


# -- silos ------------------------------------------------------------------------------------
def silos(reg: Registry, people: nx.Graph | None = None, *, today: dt.date | None = None,
          involved: dict[str, frozenset[str]] | None = None,
          rules: dict[str, frozenset[str]] | None = None) -> list[dict]:
    """Silo measures per directorate: reach, sectoral share, ties against the integration
    model's expectation, and Krackhardt's E-I index beside them (never a flag alone).

    See :func:`graph.silo.silo_rows` for the row and :mod:`graph.silo` for the definition
    (the study's §2.5).  ``people`` and ``involved`` are built for ``today`` (current
    ties only) unless passed in; ``rules`` defaults to the process rules
    (:func:`graph.silo.rule_directorates`).
    """
    people = people if people is not None else people_network(reg, today)
    involved = involved if involved is not None else involved_directorates(reg, today)
    rules = rules if rules is not None else rule_directorates(reg, theme_directorates(reg))
    return silo_rows(reg, people, involved, rules=rules)


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
    adj = dict(people.adjacency())  # a level's network holds only that level's people
    dossiers, directorate_of = reg.dossiers, reg.directorate_of
    for pid in reg.people:
        owned = [d for d in reg.dossiers_owned_by(pid) if dossiers[d].active]
        if not owned or pid not in adj:
            continue
        own = directorate_of(pid)
        if any(directorate_of(q) != own for q in adj[pid]):
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


def _words(text: str) -> list[str]:
    return content_words(text, _COMMON_WORDS)


def overlap_keys(title: str, keywords: tuple[str, ...] | list[str],
                 stem: Callable[[str], str] | None = None) -> dict[str, str]:
    """The keys on which two dossiers overlap, each mapped to a readable form.

    Keys are ``kw:<stemmed keyword>`` for each keyword (every word stemmed, so
    'Gevaarlijke stoffen' matches 'gevaarlijke stof') and ``title:<stem>`` for each
    title word of three letters or more that is not a stop word.  Folding, stop words and
    stems are those of :mod:`registry.text`, the ones search uses.

    >>> sorted(overlap_keys("Huisvesting kazernes", ["Vastgoed"]))
    ['kw:vastgoed', 'title:huisvest', 'title:kazerne']
    """
    stem = stem or text_stem
    keys: dict[str, str] = {}
    for kw in keywords:
        words = _words(kw)
        if words:
            keys.setdefault("kw:" + " ".join(map(stem, words)), kw)
    for word in _words(title):
        if len(word) >= 3 and not word.isdigit():
            keys.setdefault("title:" + stem(word), word)
    return keys


def _overlaps(reg: Registry, people: nx.Graph,
              name: Callable[[str], str] | None = None) -> list[dict]:
    """Possible duplicates: active dossiers owned in different directorates that share a
    keyword or title stem, whose owners are not tied.  An inverted index key → dossiers
    keeps this near-linear; keys shared by more than :data:`MAX_OVERLAP_GROUP` dossiers
    are skipped."""
    stem = text_stem
    name = name or _namer(reg)
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
        row["reason"] = missing_link_reason(row, name)
        rows.append(row)
    return rows


def missing_links(reg: Registry, people: nx.Graph | None = None,
                  directorates: nx.Graph | None = None,
                  involved: dict[str, frozenset[str]] | None = None, *,
                  process_rows: bool = True) -> list[dict]:
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
    and dossiers.  Without ``process_rows`` the ``process`` rows are left out (a viewer
    that shows :func:`process_gaps` instead need not hold a million of them).

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
    name = _namer(reg)
    for cell in integration_matrix(reg, directorates)["cells"]:
        if cell["weight"] == 0:
            a, b = cell["integrating"], cell["functional"]
            row = {"kind": "integration-model", "directorates": [a, b], "dossiers": [],
                   "people": []}
            row["reason"] = missing_link_reason(row, name)
            rows.append(row)
    if process_rows:
        rows += _process_rows(reg, _lacking(reg, involved), name)
    overlap_rows = _overlaps(reg, people, name)
    overlap_rows.sort(key=lambda r: (r["directorates"], r["dossiers"]))
    return rows + overlap_rows


def _lacking(reg: Registry, involved: dict[str, frozenset[str]]
             ) -> list[tuple[str, str | None, list[str], str, list[str]]]:
    """``(dossier, its directorate, [owner], process, [directorates it lacks])`` for
    every active dossier whose process requires a directorate that is not involved,
    by dossier id; the lacking in the process's required order (sorted)."""
    # Dossiers by id and required directorates by id, so the rows come out sorted.
    required = {p.id: sorted(required_directorates(reg, p.involve))
                for p in reg.processes.values()}
    out = []
    for did in sorted(reg.dossiers):
        d = reg.dossiers[did]
        proc = reg.processes.get(d.process) if d.process else None
        if not d.active or proc is None:
            continue
        has = involved[did]
        lacking = [need for need in required[proc.id]
                   if need not in has and need not in d.involved]  # d.involved: externals
        if lacking:
            owner = [d.owner] if d.owner in reg.people else []
            out.append((did, dossier_directorate(reg, did), owner, proc.id, lacking))
    return out


def with_process_rows(rows: list[dict], process: list[dict]) -> list[dict]:
    """*rows* of ``missing_links`` without their ``process`` rows, with *process* in their
    place: after the integration-model rows, before the overlaps."""
    if not process:
        return rows
    cut = next((i for i, r in enumerate(rows) if r["kind"] != "integration-model"), len(rows))
    return [*rows[:cut], *process, *rows[cut:]]


def _process_rows(reg: Registry, lacking: list, name: Callable[[str], str]) -> list[dict]:
    """The ``process`` rows of :func:`missing_links`, one per dossier and directorate it
    lacks; missing_link_reason's template filled in directly: at 100,000 people these
    are nearly a million rows, and the names repeat per dossier."""
    template = MISSING_LINK_REASONS["en"]["process"]
    # The template filled in per dossier around "{need}", the need's name joined in per
    # row: str.format with keywords per row took most of the time.
    parts = None if "{{" in template else template.split("{need}")
    rows = []
    for did, home, owner, proc, needs in lacking:
        dossier, process = name(did), name(proc)
        if parts is not None:
            around = [part.format(dossier=dossier, process=process) for part in parts]
        for need in needs:
            reason = name(need).join(around) if parts is not None else \
                template.format(dossier=dossier, process=process, need=name(need))
            rows.append({"kind": "process", "directorates": [home, need] if home else [need],
                         "dossiers": [did], "people": [*owner], "process": proc,
                         "reason": reason})
    return rows


def _gaps(reg: Registry, lacking: list, name: Callable[[str], str]) -> list[dict]:
    """:func:`process_gaps` straight from :func:`_lacking`, without the per-pair rows."""
    out = []
    for did, home, owner, proc, needs in lacking:
        gap = {"kind": "process-gap", "dossier": did, "directorate": home,
               "people": list(owner), "process": proc, "missing": list(needs)}
        gap["reason"] = missing_link_reason(gap, name)
        out.append(gap)
    return out


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
    name = _namer(reg)
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
        gap["reason"] = missing_link_reason(gap, name)
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


# -- the report -------------------------------------------------------------------------------
def _round(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def _round_silos(rows: list[dict]) -> list[dict]:
    for row in rows:
        for key in ("ei_index", "reach", "external_per_person", "sectoral_share"):
            row[key] = _round(row[key], 4)
    return rows


def _broker_rows(reg: Registry, g: nx.Graph, top: int, scores: dict) -> list[dict]:
    rows = brokers(reg, g, top=top, scores=scores)
    for row in rows:
        row["betweenness"] = round(row["betweenness"], 6)
    return rows


def _names(reg: Registry, report: dict) -> dict[str, str]:
    """Display names of every id the report mentions: labels of units, names of people,
    collaborations and processes, titles of dossiers."""
    ids: set[str] = set()
    level_rows = [row for lv in report.get("levels", {}).values()
                  for key in ("brokers", "isolated_dossier_holders") for row in lv[key]]
    for key in ("brokers", "silos", "isolated_dossier_holders", "single_points_of_failure"):
        for row in (*report[key], *(level_rows if key == "brokers" else ())):
            ids.update((row.get("person"), row["directorate"]))
            ids.update(row.get("dossiers", ()))
            for pair in row.get("separates", ()):
                ids.update(pair)
    for row in report["missing_links"]:
        if row["kind"] == "process":  # its ids are its dossier's process gap's, below
            continue
        ids.update(row["directorates"])
        ids.update(row["dossiers"])
        ids.update(row["people"])
    for gap in report["process_gaps"]:  # the same ids as the process rows, if kept
        ids.update((gap["dossier"], gap["directorate"], gap["process"]))
        ids.update(gap["missing"])
        ids.update(gap["people"])
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


def _namer(reg: Registry) -> Callable[[str], str]:
    """:func:`display_name` for *reg*, remembered: a report names the same few thousand
    ids in up to a million reasons, and each lookup by ``getattr`` with a default costs
    a raised AttributeError."""
    known: dict[str, str] = {}

    def name(i: str) -> str:
        text = known.get(i)
        if text is None:
            text = known[i] = display_name(reg, i)
        return text
    return name


def report(registry: Registry, today: dt.date, *, top_brokers: int = 25,
           process_rows: bool = True, networks: dict | None = None) -> dict:
    """Every finding, in the JSON contract of ``tvb report``.

    Keys of the contract: ``data_version``, ``today``, ``summary``, ``betweenness``,
    ``brokers`` (the ``top_brokers`` highest), ``silos``, ``isolated_dossier_holders``,
    ``missing_links``, ``single_points_of_failure``, ``upkeep``, ``factors``; since
    issue 14 also ``weak_junctions`` (:func:`graph.silo.weak_junctions`), ``levels``
    (:func:`graph.levels.by_level`) and ``factor_profile``
    (:func:`graph.factors.factor_profile`).  Every tie is a current one
    (``settings.tie_window_days``).  Extras: ``settings`` (the thresholds in force),
    ``process_gaps`` (:func:`process_gaps`, the ``process`` links one row per dossier),
    ``people_network`` (size), ``integration_matrix`` (:func:`integration_matrix`) and
    ``names`` (id → display name for every id used).

    ``process_rows=False`` leaves the ``process`` rows out of ``missing_links`` (nearly
    a million at 100,000 people): ``process_gaps`` holds the same facts one row per
    dossier, and everything else is unchanged.  ``tvb report`` keeps them.

    A *networks* dict receives the networks the findings were computed on (``people``,
    ``directorates``), for a caller that needs them too (:mod:`graph.findings_proc`).
    """
    with paused_gc():  # millions of rows and no cycles (see registry.gcpause)
        return _report(registry, today, top_brokers, process_rows,
                       {} if networks is None else networks)


def _beside(reg: Registry, people: nx.Graph, directorates: nx.Graph,
            involved: dict[str, frozenset[str]]) -> tuple[list, list, dict]:
    """The findings a forked child computes beside the parent (see :func:`_report`)."""
    with paused_gc():
        return (missing_links(reg, people, directorates, involved, process_rows=False),
                single_points_of_failure(reg, people), involvement_findings(reg, involved))


def _levels(reg: Registry, people: nx.Graph, involved: dict[str, frozenset[str]],
            rules: dict[str, frozenset[str]], top_brokers: int,
            nets: dict[str, nx.Graph] | None = None, pending=None) -> dict:
    """The findings by level (:func:`graph.levels.by_level`) with each level's
    betweenness, as the report shows them; a forked child computes them beside the
    parent at scale (see :func:`_report`).  *nets* and *pending* (their betweenness
    started) are passed when the caller cut them out already."""
    with paused_gc():
        if nets is None:
            nets = level_networks(people, LEVELS)
            # In this process: a forked child of the report never starts another one.
            pending = start_betweenness({lv: (g, LEVEL_BETWEENNESS_SAMPLE)
                                         for lv, g in nets.items()}, background=False)
        scores = pending.result()
        levels = by_level(reg, nets, involved, rules=rules,
                          brokers=lambda lv, g: (_broker_rows(reg, g, top_brokers,
                                                              scores[lv][0]), scores[lv][1]),
                          isolated=lambda g: isolated_dossier_holders(reg, g, involved))
        for lv in levels.values():
            _round_silos(lv["silos"])
            lv["summary"]["reach"] = _round(lv["summary"]["reach"], 4)
        return levels


def _report(reg: Registry, today: dt.date, top_brokers: int, process_rows: bool,
            networks: dict) -> dict:
    people = networks["people"] = people_network(reg, today)
    # Betweenness (the costliest step at scale) runs beside the other findings as soon
    # as the network exists, so that the longest job starts first.
    pending_all = start_betweenness({"all": (people, BETWEENNESS_SAMPLE)})
    involved = involved_directorates(reg, today)
    rules = rule_directorates(reg, theme_directorates(reg))
    # At scale two forked children share the rest with the parent: the findings by
    # level, then the overlaps, cut points and involvement findings.  Each needs nothing
    # computed after its start; they fork once no thread of ours runs.
    pending_all.sent()
    background = pending_all.in_background
    by_levels = start_forked(_levels, reg, people, involved, rules, top_brokers,
                             background=background)
    if not by_levels.in_background:
        # No fork here (a small register, or a child already, as in the viewer): the
        # levels' betweenness still starts now, in its own process when large.
        nets = level_networks(people, LEVELS)
        pending_levels = start_betweenness({lv: (g, LEVEL_BETWEENNESS_SAMPLE)
                                            for lv, g in nets.items()})
        pending_levels.sent()
        by_levels = start_forked(_levels, reg, people, involved, rules, top_brokers, nets,
                                 pending_levels, background=False)
    directorates = networks["directorates"] = directorate_network(reg, people, involved,
                                                                  today)
    beside = start_forked(_beside, reg, people, directorates, involved,
                          background=background)
    matrix = integration_matrix(reg, directorates)
    silo_all = _round_silos(silo_rows(reg, people, involved, rules=rules))
    isolated = isolated_dossier_holders(reg, people, involved)
    name = _namer(reg)
    lacking = _lacking(reg, involved)
    process = _process_rows(reg, lacking, name) if process_rows else []
    levels = by_levels.result()
    missing, spof, involvement = beside.result()
    missing = with_process_rows(missing, process)
    scores, method = pending_all.result()["all"]
    broker_rows = _broker_rows(reg, people, top_brokers, scores)
    s = reg.settings
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
        "silos": silo_all,
        "isolated_dossier_holders": isolated,
        "missing_links": missing,
        "process_gaps": _gaps(reg, lacking, name),
        "single_points_of_failure": spof,
        "upkeep": upkeep(reg, today),
        "factors": latest_means(reg),
        "weak_junctions": weak_junctions(matrix, s.min_junction_weight),
        "levels": levels,
        "factor_profile": factor_profile(reg, today),
        "settings": {"silo_threshold": s.silo_threshold,
                     "silo_reach_threshold": s.silo_reach_threshold,
                     "silo_sectoral_threshold": s.silo_sectoral_threshold,
                     "silo_definition": SILO_DEFINITION,
                     "tie_window_days": s.tie_window_days,
                     "min_junction_weight": s.min_junction_weight,
                     "factor_window_days": s.factor_window_days,
                     "stale_after_days": s.stale_after_days},
        "people_network": {"people": people.number_of_nodes(),
                           "ties": people.number_of_edges(),
                           "components": nx.number_connected_components(people)},
        "integration_matrix": matrix,
    }
    out["names"] = _names(reg, out)
    # issue 13: should_involve, late, cover, task_clarity
    add_to_report(out, reg, involved, found=involvement)
    return out
