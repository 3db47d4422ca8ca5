"""Reverse references the entity pages show, built once per version (issue 18).

:class:`Lookups` answers "which units does this person head", "which dossiers involve
this directorate", "which findings name this entity" … by id.  :func:`build_lookups`
makes them from a registry and its report; :func:`updated_lookups` makes those of a new
version from the version before's by redoing only the entities an edit reaches (a
hand-over, a move, an added or removed dossier, person or collaboration), which at
100,000 people takes milliseconds instead of most of a second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from registry.model import Registry

__all__ = ["Lookups", "BROKERS_FLAGGED", "build_lookups", "updated_lookups"]

#: The people with the highest betweenness flagged as brokers on pages and in the network.
BROKERS_FLAGGED = 10


@dataclass(frozen=True)
class Lookups:
    """Reverse references of one registry, each id → ids in file order."""

    heads: dict[str, list[str]]  # person → units they head
    dossiers_owned_in: dict[str, list[str]]  # directorate → dossiers it owns
    dossiers_involving: dict[str, list[str]]  # directorate → others' dossiers involving it
    collaborations_in: dict[str, list[str]]  # directorate → collaborations it takes part in
    collaborations_on: dict[str, list[str]]  # dossier → collaborations listing it
    dossiers_following: dict[str, list[str]]  # process → dossiers following it
    processes_pen: dict[str, list[str]]  # directorate → processes it holds the pen for
    processes_requiring: dict[str, list[str]]  # directorate → processes requiring it
    involved: dict[str, frozenset[str]]  # dossier → directorates involved in it
    flags: dict[str, list[str]]  # id → broker | isolated | spof | silo
    findings: dict[str, list[dict]]  # id → missing-link rows that name it (no process rows)
    gaps: dict[str, list[dict]]  # id → process_gaps rows that name it (snapshot.findings_naming)


def build_lookups(reg: Registry, report: dict) -> Lookups:
    """The lookups of *reg* and its *report* (the findings: flags and missing links).
    $O(n)$ in the entities plus the report's rows."""
    # networkx is imported only when lookups are made (graph.snapshot imports this).
    from .network import (
        dossier_directorate,
        involved_directorates,
        represented_directorates,
        required_directorates,
    )

    def table() -> defaultdict[str, list]:
        return defaultdict(list)

    heads, owned, involving, collabs_in, collabs_on = table(), table(), table(), table(), table()
    following, pen, requiring = table(), table(), table()
    for u in reg.units.values():
        if u.head:
            heads[u.head].append(u.id)
    involved = involved_directorates(reg, dt.date.fromisoformat(report["today"]))
    for d in reg.dossiers.values():
        home = dossier_directorate(reg, d.id)
        if home:
            owned[home].append(d.id)
        for other in sorted(involved[d.id] - {home}):
            involving[other].append(d.id)
        if d.process:
            following[d.process].append(d.id)
    for c in reg.collaborations.values():
        for u in sorted(represented_directorates(reg, c.id)):
            collabs_in[u].append(c.id)
        for did in c.dossiers:
            collabs_on[did].append(c.id)
    for pr in reg.processes.values():
        if pr.penvoerder:
            pen[reg.directorate_of(pr.penvoerder) or pr.penvoerder].append(pr.id)
        for u in required_directorates(reg, pr.involve):
            requiring[u].append(pr.id)
    return Lookups(dict(heads), dict(owned), dict(involving), dict(collabs_in),
                   dict(collabs_on), dict(following), dict(pen), dict(requiring), involved,
                   *_of_report(report))


def _of_report(report: dict) -> tuple[dict[str, list[str]], dict[str, list[dict]],
                                      dict[str, list[dict]]]:
    """The flags, the missing-link rows and the process gaps by the ids they name."""
    flags: defaultdict[str, list] = defaultdict(list)
    findings: defaultdict[str, list] = defaultdict(list)
    gaps: defaultdict[str, list] = defaultdict(list)
    for row in report["brokers"][:BROKERS_FLAGGED]:
        if row["betweenness"] > 0:
            flags[row["person"]].append("broker")
    for row in report["isolated_dossier_holders"]:
        flags[row["person"]].append("isolated")
    for row in report["single_points_of_failure"]:
        flags[row["person"]].append("spof")
    for row in report["silos"]:
        if row["flagged"]:
            flags[row["directorate"]].append("silo")
    for row in report["missing_links"]:
        if row["kind"] == "process":  # a report with them: process_gaps has them too
            continue
        for ref in dict.fromkeys((*row["directorates"], *row["dossiers"], *row["people"])):
            findings[ref].append(row)
    for gap in report.get("process_gaps", ()):
        for ref in dict.fromkeys((gap["directorate"], *gap["missing"], gap["dossier"],
                                  *gap["people"])):
            if ref is not None:
                gaps[ref].append(gap)
    return dict(flags), dict(findings), dict(gaps)


class _Lists:
    """A copy-on-write edit of an id → list-of-ids table: the old table is left as it
    was (the version before is still served)."""

    def __init__(self, base: dict[str, list]):
        self.out = dict(base)
        self.own: set[str] = set()

    def _list(self, key: str) -> list:
        if key not in self.own:
            self.out[key] = list(self.out.get(key, ()))
            self.own.add(key)
        return self.out[key]

    def put(self, key: str | None, item: str, add: bool = True) -> None:
        """Add *item* to the list of *key* (at the end), or remove it (``add=False``)."""
        if key:
            if add:
                self._list(key).append(item)
            else:
                self._list(key).remove(item)

    def remove(self, key: str | None, item: str) -> None:
        self.put(key, item, False)

    def done(self, position: dict[str, int]) -> dict[str, list]:
        """The table, each changed list back in file order (*position*), empty ones gone
        (a full build has no key without a value)."""
        for key in self.own:
            items = self.out[key]
            if items:
                items.sort(key=position.__getitem__)  # stable: duplicates stay together
            else:
                del self.out[key]
        return self.out


#: Above this many dossiers and collaborations reached, the lookups are built whole
#: (removing from long lists one by one would cost more than one pass).
_MOST = 1000

#: What the lookups read of a unit and of a process (not where it is written).
_SHAPE = {"units": ("head", "parent", "kind", "axis"), "processes": ("penvoerder", "involve")}


def updated_lookups(old_reg: Registry, old: Lookups, reg: Registry,
                    report: dict, old_report: dict) -> Lookups | None:
    """The lookups of *reg* made from *old* (those of *old_reg* with *old_report*) by
    redoing only the dossiers and collaborations an edit reaches; None when the edit
    reaches too far to follow (units, processes or settings changed), and the caller
    builds them whole with :func:`build_lookups`.

    Equal to ``build_lookups(reg, report)`` (tables compare equal; a key new in this
    version comes last in its table's iteration order).  Unchanged entities must be the
    same objects in both registries (:mod:`registry.incremental` keeps them so).

    Notes
    -----
    What one dossier's entries depend on: the dossier, its owner's and involved people's
    directorates, and the current collaborations that list it (their participants'
    directorates).  So the dossiers redone are the changed ones, those naming a person
    whose directorate changed (or who came or went), and those listed by a changed
    collaboration or one such a person takes part in.  $O(n)$ identity comparisons of
    the entities, plus $O(k \\log k)$ work for the $k$ entries reached.
    """
    from .network import current_collaborations, dossier_directorate, represented_directorates

    if old_reg.settings != reg.settings or report["today"] != old_report["today"]:
        return None
    for table, fields in _SHAPE.items():
        a, b = getattr(old_reg, table), getattr(reg, table)
        if len(a) != len(b) or list(a) != list(b):
            return None
        for k, v in b.items():
            w = a[k]
            # An entry moved by an edit above it is a new object with the same values.
            if w is not v and any(getattr(w, f) != getattr(v, f) for f in fields):
                return None
    today = dt.date.fromisoformat(report["today"])
    moved: set[str] = set(old_reg.people.keys() ^ reg.people.keys())
    for pid, p in reg.people.items():
        q = old_reg.people.get(pid)
        if q is not p and q is not None and \
                old_reg.directorate_of(pid) != reg.directorate_of(pid):
            moved.add(pid)
    if any(pr.penvoerder in moved for pr in reg.processes.values()):
        return None  # a process's pen held by a person who moved
    dossiers = {k for k, d in reg.dossiers.items() if old_reg.dossiers.get(k) is not d}
    dossiers.update(old_reg.dossiers.keys() - reg.dossiers.keys())
    changed_c = {k for k, c in reg.collaborations.items()
                 if old_reg.collaborations.get(k) is not c}
    changed_c.update(old_reg.collaborations.keys() - reg.collaborations.keys())
    collabs = set(changed_c)
    for pid in moved:
        collabs.update(old_reg.collaborations_of(pid), reg.collaborations_of(pid))
        dossiers.update(old_reg.dossiers_naming(pid), reg.dossiers_naming(pid))
    for cid in collabs:
        for r in (old_reg, reg):
            c = r.collaborations.get(cid)
            if c is not None:
                dossiers.update(c.dossiers)
    if len(dossiers) + len(collabs) > _MOST:
        return None  # not a small edit (or not sharing objects): one whole build is quicker
    if not dossiers and not collabs:
        return Lookups(old.heads, old.dossiers_owned_in, old.dossiers_involving,
                       old.collaborations_in, old.collaborations_on, old.dossiers_following,
                       old.processes_pen, old.processes_requiring, old.involved,
                       *_report_parts(old, report, old_report))

    owned, involving = _Lists(old.dossiers_owned_in), _Lists(old.dossiers_involving)
    following = _Lists(old.dossiers_following)
    collabs_in, collabs_on = _Lists(old.collaborations_in), _Lists(old.collaborations_on)
    involved = dict(old.involved)
    # The collaborations: where they take part, which dossiers they list.
    for cid in collabs:
        for r, add in ((old_reg, False), (reg, True)):  # out as it was, in as it is
            c = r.collaborations.get(cid)
            if c is None:
                continue
            for u in represented_directorates(r, cid):
                collabs_in.put(u, cid, add)
            if cid in changed_c:
                for did in c.dossiers:
                    collabs_on.put(did, cid, add)
    collabs_on_now = collabs_on.out
    current = {c.id for c in current_collaborations(reg, today)} if dossiers else set()
    for did in dossiers:
        d = old_reg.dossiers.get(did)
        if d is not None:
            home = dossier_directorate(old_reg, did)
            owned.remove(home, did)
            for other in old.involved[did] - {home}:
                involving.remove(other, did)
            following.remove(d.process, did)
            del involved[did]
        d = reg.dossiers.get(did)
        if d is not None:
            dirs: set[str | None] = set()
            for cid in collabs_on_now.get(did, ()):
                if cid in current:
                    dirs |= represented_directorates(reg, cid)
            home = dossier_directorate(reg, did)
            dirs.add(home)
            dirs.update(reg.directorate_of(ref) for ref in d.involved)
            dirs.discard(None)
            involved[did] = now = frozenset(dirs)  # type: ignore[arg-type]
            owned.put(home, did)
            for other in now - {home}:
                involving.put(other, did)
            following.put(d.process, did)
    dossier_at = {k: i for i, k in enumerate(reg.dossiers)} if dossiers else {}
    collab_at = {k: i for i, k in enumerate(reg.collaborations)} if collabs else {}
    return Lookups(old.heads, owned.done(dossier_at), involving.done(dossier_at),
                   collabs_in.done(collab_at), collabs_on.done(collab_at),
                   following.done(dossier_at), old.processes_pen, old.processes_requiring,
                   involved, *_report_parts(old, report, old_report))


def _report_parts(old: Lookups, report: dict, old_report: dict) -> tuple:
    """The parts of the lookups read from the report: *old*'s when it is the same report
    (a live snapshot serves the findings of the version before)."""
    if report is old_report:
        return old.flags, old.findings, old.gaps
    return _of_report(report)

