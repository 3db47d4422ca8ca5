"""Findings by level: management and staff (issue 14).

The study's core empirical finding is that collaboration across directorates works among
management and not among dossier holders: "Op het hogere managementniveau weet iedereen
elkaar te vinden. Op lager managementniveau, het niveau van de dossierhouders, niet"
(§7.3.1; also §5.3.6).  To show that as numbers, the silo measures, isolation and brokers
are computed once more on each level's part of the people network: the ties among
managers, and the ties among staff (:func:`graph.silo.level_network`).  A person's level
is :meth:`registry.model.Registry.level_of` (``level`` as written, else management for
the head of a unit and staff for everyone else).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import networkx as nx

from registry.model import Registry
from registry.schema import LEVELS

from .silo import level_network, silo_rows

__all__ = ["by_level"]


def by_level(reg: Registry, people: nx.Graph | Mapping[str, nx.Graph],
             involved: Mapping[str, frozenset[str]], *,
             rules: Mapping[str, frozenset[str]] | None = None,
             brokers: Callable[[str, nx.Graph], tuple[list[dict], dict]],
             isolated: Callable[[nx.Graph], list[dict]]) -> dict[str, dict]:
    """The silo measures, isolated dossier holders and brokers of each level.

    Parameters
    ----------
    reg, involved, rules
        As for :func:`graph.silo.silo_rows`.
    people : networkx.Graph or mapping
        The whole network of current ties, or each level's network already cut out
        (``{level: graph}``, :func:`graph.silo.level_network`).
    brokers : callable
        (level, level network) → (broker rows, betweenness method), e.g. built on
        :func:`graph.analysis.brokers`.
    isolated : callable
        Level network → isolated dossier holder rows
        (:func:`graph.analysis.isolated_dossier_holders`).

    Returns
    -------
    dict
        ``{level: {"summary": {...}, "silos": rows, "isolated_dossier_holders": rows,
        "brokers": rows, "betweenness": method}}`` for ``management`` and ``staff``.
        The summary has ``people``, ``ties`` (among them), ``external_ties`` (of those,
        ties between two directorates), ``reached`` and ``reach`` (people with at least
        one tie to another directorate at their level, and their share; ``None``
        without people), ``isolated`` (how many isolated dossier holders) and
        ``silos`` (how many directorates flagged).

    Notes
    -----
    Each level costs one pass over the ties to cut out its network, :math:`O(n + m)`,
    plus the silo measures (:math:`O(n + m + d)`) and the betweenness of its network.
    """
    out = {}
    for level in LEVELS:
        sub = people[level] if isinstance(people, Mapping) else level_network(people, level)
        rows = silo_rows(reg, sub, involved, rules=rules, members=sub.nodes)
        lonely = isolated(sub)
        broker_rows, method = brokers(level, sub)
        n = sub.number_of_nodes()
        reached = sum(r["reached"] for r in rows)
        out[level] = {
            "summary": {"people": n, "ties": sub.number_of_edges(),
                        "external_ties": sum(r["external_ties"] for r in rows) // 2,
                        "reached": reached, "reach": reached / n if n else None,
                        "isolated": len(lonely),
                        "silos": sum(r["flagged"] for r in rows)},
            "silos": rows,
            "isolated_dossier_holders": lonely,
            "brokers": broker_rows,
            "betweenness": method,
        }
    return out
