"""Silos as the study means them: walls between directorates (issue 14).

The study behind the register defines walls between directorates as a *sectoral* division
of policy: "Sectoraal beleid is beleid dat past binnen één beleidsterrein en waar niet
grensoverschrijdend gewerkt wordt" (*Het doorbreken van muren*, §2.5, after Hendriks et
al., 2017).  Two things make a wall, and a directorate is flagged as a silo only when
both show:

* **reach** — the share of its people with at least one current tie to someone of
  another directorate in the people network (:func:`graph.network.people_network`,
  current ties only), below ``settings.silo_reach_threshold`` (default 0.5); and
* **sectoral share** — the share of its active dossiers that involve no other
  directorate in any way (an involved unit or person, a current collaboration listing
  the dossier, a process or theme whose rule involves another directorate), at or above
  ``settings.silo_sectoral_threshold`` (default 0.5).

When one of the two cannot be measured (a directorate without people, or without active
dossiers) the other decides alone; with neither there is nothing to flag.

Krackhardt's E-I index [1]_ is reported beside them but never sets the flag: it moves
with the size of internal teams (deleting an internal working group "improves" it, an
internal meeting "worsens" it) while external ties stay the same.  Reach and the
sectoral share do not move when a team within one directorate appears or disappears,
and an added external tie can only raise reach.

References
----------
.. [1] D. Krackhardt and R. N. Stern, "Informal networks and organizational crises: an
   experimental simulation", *Social Psychology Quarterly* 51(2):123–140, 1988.
   doi:10.2307/2786835
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping

import networkx as nx

from registry.model import Registry

from .involvement import theme_matches
from .network import dossier_directorate, edge_indices, graph_from, required_directorates

__all__ = [
    "SILO_DEFINITION",
    "ei_index",
    "expected_directorates",
    "rule_directorates",
    "theme_directorates",
    "sectoral_dossiers",
    "silo_rows",
    "is_silo",
    "weak_junctions",
    "level_network",
    "level_networks",
]

#: The study's definition of walls (§2.5), shown with the flag.
SILO_DEFINITION = ("Sectoraal beleid is beleid dat past binnen één beleidsterrein en waar "
                   "niet grensoverschrijdend gewerkt wordt (Het doorbreken van muren, §2.5).")


def ei_index(internal: int, external: int) -> float | None:
    """Krackhardt's E-I index, ``(E - I) / (E + I)``; ``None`` without any tie.

    Parameters
    ----------
    internal, external : int
        Ties within the group, and ties from the group to outsiders.

    Returns
    -------
    float or None
        From -1 (all ties internal) to +1 (all ties external).  It is reported beside
        the silo measures but never flags a silo alone (see the module docstring).

    Examples
    --------
    >>> ei_index(3, 1)
    -0.5
    >>> ei_index(0, 0) is None
    True

    Notes
    -----
    Constant time.

    References
    ----------
    .. [1] D. Krackhardt and R. N. Stern, "Informal networks and organizational crises:
       an experimental simulation", *Social Psychology Quarterly* 51(2):123–140, 1988.
       doi:10.2307/2786835
    """
    total = internal + external
    return (external - internal) / total if total else None


def expected_directorates(reg: Registry, directorate_id: str) -> tuple[str, ...]:
    """The directorates the integration model (§2.4.1) expects a directorate to work with.

    Integrating directorates make cross-domain products with the knowledge of the
    functional ones, so an integrating directorate is expected to work with every
    functional one and a functional directorate with every integrating one.  Staff
    (Kabinet DGB) has no expected partners.

    >>> from registry.validate import registry_from_text
    >>> reg = registry_from_text('''
    ... schema: 1
    ... directorates:
    ...   - {id: dsk, name: DSK, axis: integrating}
    ... ''').registry
    >>> expected_directorates(reg, "dsk")
    ()
    """
    axis = reg.units[directorate_id].axis
    other = {"integrating": "functional", "functional": "integrating"}.get(axis or "")
    return tuple(u.id for u in reg.directorates if other and u.axis == other)


def rule_directorates(reg: Registry,
                      extra: Mapping[str, Collection[str]] | None = None
                      ) -> dict[str, frozenset[str]]:
    """For every dossier that follows a process, the directorates the process involves
    by rule: its penvoerder and the directorates it requires (``involve``; ``all`` is
    every directorate except staff).  ``extra`` adds more rule-involved directorates per
    dossier (the themes a dossier matches)."""
    out: dict[str, frozenset[str]] = {}
    need = {p.id: frozenset({*required_directorates(reg, p.involve),
                             *([p.penvoerder] if p.penvoerder else [])})
            for p in reg.processes.values()}
    for d in reg.dossiers.values():
        if d.process in need:
            out[d.id] = need[d.process]
    for did, dirs in (extra or {}).items():
        out[did] = out.get(did, frozenset()) | frozenset(dirs)
    return out


def theme_directorates(reg: Registry) -> dict[str, list[str]]:
    """For every active dossier that matches a theme (:func:`graph.involvement.theme_matches`),
    the directorates of the organisation its themes involve (external units are not
    directorates: involving CDS does not cross a wall inside the organisation)."""
    if not reg.themes:
        return {}
    out: dict[str, list[str]] = {}
    for did, hits in theme_matches(reg).items():
        dirs = [x for tid, _ in hits for x in reg.themes[tid].involve
                if reg.kind_of(x) == "directorate"]
        if dirs:
            out[did] = dirs
    return out


def sectoral_dossiers(reg: Registry, involved: Mapping[str, frozenset[str]],
                      rules: Mapping[str, frozenset[str]] | None = None,
                      owners: Collection[str] | None = None
                      ) -> dict[str, tuple[list[str], list[str]]]:
    """Per directorate, its active dossiers and those of them that are sectoral.

    A dossier belongs to its owner's directorate (without owner: the penvoerder's, see
    :func:`graph.network.dossier_directorate`).  It is *sectoral* when it involves no
    other directorate in any way: ``involved`` (from
    :func:`graph.network.involved_directorates`: involved units and people, current
    collaborations listing it) and ``rules`` (:func:`rule_directorates`) name none but
    its own.  ``owners`` restricts the count to dossiers owned by those people (a level).

    Returns ``{directorate: (active dossier ids, sectoral dossier ids)}``.  Time
    :math:`O(d)`.
    """
    rules = rules or {}
    out: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for d in reg.dossiers.values():
        if not d.active or (owners is not None and d.owner not in owners):
            continue
        home = dossier_directorate(reg, d.id)
        if home is None:
            continue
        active, sectoral = out[home]
        active.append(d.id)
        if not (involved.get(d.id, frozenset()) | rules.get(d.id, frozenset())) - {home}:
            sectoral.append(d.id)
    return dict(out)


def is_silo(reach: float | None, sectoral_share: float | None, reach_threshold: float,
            sectoral_threshold: float) -> bool:
    """The silo flag: reach below its threshold *and* sectoral share at or above its
    threshold; a part that cannot be measured (``None``) leaves the decision to the
    other; with neither part there is no flag.

    >>> is_silo(0.25, 0.6, 0.5, 0.5), is_silo(0.25, 0.4, 0.5, 0.5), is_silo(None, None, 0.5, 0.5)
    (True, False, False)
    """
    if reach is None and sectoral_share is None:
        return False
    low_reach = reach is None or reach < reach_threshold
    sectoral = sectoral_share is None or sectoral_share >= sectoral_threshold
    return low_reach and sectoral


def silo_rows(reg: Registry, people: nx.Graph, involved: Mapping[str, frozenset[str]], *,
              rules: Mapping[str, frozenset[str]] | None = None,
              members: Collection[str] | None = None) -> list[dict]:
    """The silo measures of every directorate.

    Parameters
    ----------
    reg : Registry
    people : networkx.Graph
        The people network of current ties (:func:`graph.network.people_network` with
        ``today``), or a level's part of it (:func:`level_network`).
    involved : mapping
        Dossier → involved directorates (:func:`graph.network.involved_directorates`).
    rules : mapping, optional
        Dossier → directorates involved by rule (:func:`rule_directorates`).
    members : collection, optional
        Count only these people (and the active dossiers they own): a level.  Ties are
        those of ``people`` between two counted people.

    Returns
    -------
    list of dict
        One row per directorate with ``directorate``; ``people`` (counted); ``reach``
        (share of them with at least one tie to another directorate, ``None`` without
        people) and ``reached`` (how many); ``external_per_person`` (external ties /
        people); ``ei_index`` (Krackhardt's E-I, :func:`graph.analysis.ei_index`),
        ``internal_ties``, ``external_ties``; ``active_dossiers``, ``sectoral_dossiers``
        (ids), ``sectoral_share`` (``None`` without active dossiers); ``tied_with`` (the
        directorates its people have a tie with), ``expected``
        (:func:`expected_directorates`), ``expected_missing`` (expected, not tied);
        ``flagged`` (:func:`is_silo` with the thresholds of ``settings``).  Flagged rows
        first, then by reach (lowest first) and id.

    Notes
    -----
    One pass over the ties and one over the dossiers: :math:`O(n + m + d)` for
    :math:`n` people, :math:`m` ties and :math:`d` dossiers.  The E-I index is
    :math:`(E - I) / (E + I)` [1]_; a tie within the directorate is internal, a tie to
    another directorate is external to both ends' directorates.

    References
    ----------
    .. [1] D. Krackhardt and R. N. Stern, "Informal networks and organizational crises:
       an experimental simulation", *Social Psychology Quarterly* 51(2):123–140, 1988.
       doi:10.2307/2786835
    """
    counted = set(people) if members is None else set(members) & set(people)
    everyone = len(counted) == people.number_of_nodes()
    dir_of = nx.get_node_attributes(people, "directorate")
    internal: Counter[str] = Counter()
    external: Counter[str] = Counter()
    tied: dict[str, set[str]] = defaultdict(set)
    head_count: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    # Person by person over the adjacency: each tie is met from both ends, so a tie
    # within a directorate counts half at each end, and one across counts as external
    # at each end, as a pass over the ties would count it once for both.
    # The neighbours' directorates are listed and counted in C (list.count), without a
    # Counter built, popped and summed in Python per person.
    get = dir_of.get
    for a, nbrs in people.adjacency():
        if not everyone and a not in counted:
            continue
        da = get(a)
        head_count[da] += 1
        if not nbrs:
            continue
        near = list(map(get, nbrs if everyone else (b for b in nbrs if b in counted)))
        own = near.count(da)
        internal[da] += own
        if own < len(near):
            reached[da] += 1
            external[da] += len(near) - own
            if da:
                tied[da].update(near)
    for d in internal:
        internal[d] //= 2
    for d, dirs in tied.items():  # the own directorate and None were gathered too
        dirs.discard(d)
        dirs.discard(None)
    dossiers = sectoral_dossiers(reg, involved, rules,
                                 owners=None if members is None else counted)
    s = reg.settings
    rows = []
    for u in reg.directorates:
        n = head_count[u.id]
        reach = reached[u.id] / n if n else None
        active, sectoral = dossiers.get(u.id, ([], []))
        share = len(sectoral) / len(active) if active else None
        expected = expected_directorates(reg, u.id)
        tied_with = sorted(tied[u.id])
        rows.append({
            "directorate": u.id, "people": n, "reach": reach, "reached": reached[u.id],
            "external_per_person": external[u.id] / n if n else None,
            "ei_index": ei_index(internal[u.id], external[u.id]),
            "internal_ties": internal[u.id], "external_ties": external[u.id],
            "active_dossiers": len(active), "sectoral_dossiers": sectoral,
            "sectoral_share": share,
            "tied_with": tied_with, "expected": list(expected),
            "expected_missing": [x for x in expected if x not in tied[u.id]],
            "flagged": is_silo(reach, share, s.silo_reach_threshold,
                               s.silo_sectoral_threshold),
        })
    rows.sort(key=lambda r: (not r["flagged"], r["reach"] is not None, r["reach"] or 0.0,
                             r["directorate"]))
    return rows


def weak_junctions(matrix: dict, min_weight: int) -> list[dict]:
    """Integrating × functional pairs that are linked, but weakly: the study expects
    every pair of the integration model (§2.4.1) to be a working junction, and one
    shared dossier is not one.

    A junction's strength here is the number of *working contexts* that link the pair:
    current collaborations in which both are represented plus active dossiers of one that
    involve the other (``collaborations + dossiers`` of the matrix cell).  Person ties
    are left out of this count because they follow from those contexts: one dossier that
    involves a unit ties its owner and deputy to the unit's head, so it would count three
    times.  A pair is weak when it has some link (``weight > 0``) and fewer than
    ``min_weight`` contexts (``settings.min_junction_weight``, default 3); pairs with no
    link at all are the ``integration-model`` missing links.

    ``matrix`` is :func:`graph.analysis.integration_matrix`; returns its weak cells with
    ``contexts`` added, weakest first.  Time :math:`O(I \\cdot F)`.

    >>> cell = {"integrating": "dsk", "functional": "dv", "person_ties": 2,
    ...         "collaborations": 0, "dossiers": 1, "weight": 3}
    >>> [c["contexts"] for c in weak_junctions({"cells": [cell]}, 3)]
    [1]
    """
    cells = [{**c, "contexts": c["collaborations"] + c["dossiers"]}
             for c in matrix["cells"] if c["weight"] > 0]
    weak = [c for c in cells if c["contexts"] < min_weight]
    return sorted(weak, key=lambda c: (c["contexts"], c["weight"], c["integrating"],
                                       c["functional"]))


def level_network(people: nx.Graph, level: str) -> nx.Graph:
    """The part of the people network among the people of one level (an induced
    subgraph, copied without edge attributes): "management collaborates, dossier holders
    don't" (§5.3.6: "Op lager management hebben sommige dossierhouders geen contact met
    collega's uit een andere directie ... terwijl ze wel op hetzelfde niveau zitten").

    Node attributes ``directorate``, ``unit`` and ``level`` are kept.  Time
    :math:`O(n + m)`.  :func:`level_networks` cuts out every level in one pass.
    """
    return level_networks(people, (level,))[level]


def level_networks(people: nx.Graph, levels: Collection[str]) -> dict[str, nx.Graph]:
    """:func:`level_network` of each of *levels*, in one pass over the ties."""
    # Nodes in the people network's order, not a set's: the order decides which sources
    # sampled betweenness draws, and a set's order changes with PYTHONHASHSEED.  Ties in
    # the order of people.edges(), so each adjacency is ordered as add_edges_from would.
    level_of = dict(people.nodes(data="level"))
    node_attrs = people.nodes
    ties: dict[str, list[tuple[str, str, dict]]] = {lv: [] for lv in levels}
    nodes, flat = list(people), edge_indices(people)
    for a, b in zip(map(nodes.__getitem__, flat[0::2]), map(nodes.__getitem__, flat[1::2]),
                    strict=True):
        lv = level_of[a]
        out = ties.get(lv)
        if out is not None and level_of[b] == lv:
            out.append((a, b, {}))
    return {lv: graph_from([(p, dict(node_attrs[p])) for p, at in level_of.items()
                            if at == lv], ties[lv])
            for lv in levels}
