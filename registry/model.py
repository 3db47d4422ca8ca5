"""The register as frozen, typed objects, and the facts derived from it once.

Every entity knows where it was written (:attr:`loc`).  Ids share one namespace across
all kinds, so a reference is just an id and :meth:`Registry.kind_of` tells what it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .diagnostics import Loc

__all__ = [
    "Organisation",
    "Settings",
    "Unit",
    "Person",
    "Dossier",
    "Process",
    "Evaluation",
    "Collaboration",
    "Involvement",
    "Theme",
    "External",
    "Registry",
    "Entity",
]

_NOWHERE = Loc("<none>")


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    parent: str | None = None
    parent_uri: str | None = None
    head: str | None = None  # the director-general (a person id)
    loc: Loc = _NOWHERE
    uri: str | None = None  # its official identifier (TOOI)
    kind = "organisation"


@dataclass(frozen=True, slots=True)
class Settings:
    stale_after_days: int = 180
    base_uri: str = "https://tvb.example.org/id/"
    silo_threshold: float = -0.5  # a reference line on the E-I index, never a flag
    silo_reach_threshold: float = 0.5
    silo_sectoral_threshold: float = 0.5
    tie_window_days: int = 730
    min_junction_weight: int = 3
    factor_window_days: int = 730
    silo_threshold: float = -0.5
    max_active_dossiers: int = 8
    late_after_days: int = 60
    correction_url: str | None = None
    contact: str | None = None  # whom to ask about the register (shown when search finds nothing)


@dataclass(frozen=True, slots=True)
class Unit:
    """A directorate (``parent is None``) or a department of one."""

    id: str
    kind: str  # "directorate" | "department"
    name: str
    abbreviation: str | None = None
    axis: str | None = None  # directorates only: integrating | functional | staff
    head: str | None = None
    tasks: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    parent: str | None = None
    fte: float | None = None
    vacancies: int | None = None
    departments: tuple[str, ...] = ()
    loc: Loc = _NOWHERE
    uri: str | None = None  # an official identifier (TOOI) of the same unit

    @property
    def directorate(self) -> str:
        return self.parent or self.id

    @property
    def label(self) -> str:
        return self.abbreviation or self.name


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    unit: str | None
    function: str | None = None
    email: str | None = None
    phone: str | None = None
    level: str | None = None  # as written; see Registry.level_of
    reviewed: dt.date | None = None
    loc: Loc = _NOWHERE
    kind = "person"


@dataclass(frozen=True, slots=True)
class Involvement:
    """One entry of a dossier's ``involved`` list: a bare id has no ``since`` or ``stage``."""

    id: str
    since: dt.date | None = None
    stage: str | None = None
    loc: Loc = field(default=_NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Dossier:
    id: str
    title: str
    description: str | None = None
    keywords: tuple[str, ...] = ()
    owner: str | None = None
    deputy: str | None = None
    penvoerder: str | None = None  # as written; see Registry.penvoerder_of
    involved: tuple[str, ...] = ()
    authority: str | None = None
    process: str | None = None
    status: str = "active"
    reviewed: dt.date | None = None
    start: dt.date | None = None
    stage: str | None = None  # verkenning | ontwerp | besluitvorming | uitvoering | evaluatie
    #: ``involved`` with when and at which stage each entry was brought in, in file order;
    #: empty when no entry has ``since`` or ``stage`` (see :attr:`involvement_entries`).
    involvements: tuple[Involvement, ...] = ()
    loc: Loc = _NOWHERE
    kind = "dossier"

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def involvement_entries(self) -> tuple[Involvement, ...]:
        """Every ``involved`` entry with its ``since`` and ``stage`` (``None`` for a bare
        id); :attr:`involvements` is left empty when no entry has either."""
        return self.involvements or tuple(Involvement(i) for i in self.involved)


@dataclass(frozen=True, slots=True)
class Process:
    id: str
    name: str
    penvoerder: str | None
    involve: tuple[str, ...] | str = ()  # "all" or directorate ids
    description: str | None = None
    reviewed: dt.date | None = None
    loc: Loc = _NOWHERE
    kind = "process"


@dataclass(frozen=True, slots=True)
class Evaluation:
    date: dt.date
    worthwhile: int | None = None
    lessons: tuple[str, ...] = ()
    factors: Mapping[str, int] = field(default_factory=dict)
    #: ``{"middelen.tijd": 2, ...}``: sub-variables of Tables 2–8 as written.
    subfactors: Mapping[str, int] = field(default_factory=dict)
    can_do_mentaliteit: int | None = None
    tvb_in_praktijk: int | None = None
    scored_by: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()  # who should have been at the table
    goals_met: int | None = None
    loc: Loc = _NOWHERE


@dataclass(frozen=True, slots=True)
class Collaboration:
    id: str
    name: str
    type: str  # the data's `kind`: projectteam | werkverband | overleg | netwerk
    mode: str | None = None
    lead: str | None = None
    members: tuple[str, ...] = ()
    directorates: tuple[str, ...] = ()
    dossiers: tuple[str, ...] = ()
    purpose: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    evaluations: tuple[Evaluation, ...] = ()
    reviewed: dt.date | None = None
    loc: Loc = _NOWHERE
    kind = "collaboration"

    @property
    def participants(self) -> tuple[str, ...]:
        """Members and the lead, each once, in the order written."""
        seen = dict.fromkeys(self.members)
        if self.lead:
            seen.setdefault(self.lead)
        return tuple(seen)

    def ended(self, today: dt.date) -> bool:
        return self.end is not None and self.end < today

    @property
    def latest_evaluation(self) -> Evaluation | None:
        return max(self.evaluations, key=lambda e: e.date, default=None)


@dataclass(frozen=True, slots=True)
class Theme:
    """An involvement rule by topic: an active dossier whose title or keywords match
    ``match`` must involve every id of ``involve``."""

    id: str
    name: str
    match: tuple[str, ...] = ()
    involve: tuple[str, ...] = ()
    reason: str | None = None
    loc: Loc = _NOWHERE
    kind = "theme"
    reviewed = None


@dataclass(frozen=True, slots=True)
class External:
    """A unit outside the organisation (CDS, a service, NATO, a ministry): it can be
    involved and take part, but is never measured as a directorate."""

    id: str
    name: str
    abbreviation: str | None = None
    #: The data's ``kind``: defensieonderdeel | ministerie | internationaal | overig.
    type: str = "overig"
    loc: Loc = _NOWHERE
    kind = "external"
    reviewed = None

    @property
    def label(self) -> str:
        return self.abbreviation or self.name


Entity = Unit | Person | Dossier | Process | Collaboration | Organisation | Theme | External


class Registry:
    """The whole register, read-only, with derived facts computed once.

    Build it with :func:`registry.validate.load_registry`; this constructor trusts that
    references were checked (dangling ones are ignored, not followed).
    """

    def __init__(
        self,
        organisation: Organisation | None,
        settings: Settings,
        units: list[Unit],
        people: list[Person],
        dossiers: list[Dossier],
        processes: list[Process],
        collaborations: list[Collaboration],
        data_version: str = "",
        sources: tuple[str, ...] = (),
        themes: list[Theme] = (),  # type: ignore[assignment]
        externals: list[External] = (),  # type: ignore[assignment]
        synonyms: tuple[tuple[str, ...], ...] = (),
        previous: Registry | None = None,
    ):
        self.organisation = organisation
        #: Equivalence sets of search terms (``synonyms:``), each a tuple of terms.
        self.synonyms = synonyms
        self.settings = settings
        self.data_version = data_version
        self.sources = sources
        self.units: Mapping[str, Unit] = MappingProxyType({u.id: u for u in units})
        self.people: Mapping[str, Person] = MappingProxyType({p.id: p for p in people})
        self.dossiers: Mapping[str, Dossier] = MappingProxyType({d.id: d for d in dossiers})
        self.processes: Mapping[str, Process] = MappingProxyType({p.id: p for p in processes})
        self.collaborations: Mapping[str, Collaboration] = MappingProxyType(
            {c.id: c for c in collaborations}
        )
        self.themes: Mapping[str, Theme] = MappingProxyType({t.id: t for t in themes})
        self.externals: Mapping[str, External] = MappingProxyType({x.id: x for x in externals})
        self._by_id: dict[str, Entity] = {}
        for table in (self.units, self.people, self.dossiers, self.processes,
                      self.collaborations, self.themes, self.externals):
            for k, v in table.items():
                self._by_id.setdefault(k, v)
        if organisation:
            self._by_id.setdefault(organisation.id, organisation)
        # A version made from *previous* by a few edits (registry.incremental, whose
        # unchanged entities are the same objects) redoes only what the edits reach.
        if previous is None or not self._derive_from(previous):
            self._derive()

    # -- lookup ---------------------------------------------------------------------
    def get(self, id: str) -> Entity | None:
        return self._by_id.get(id)

    def kind_of(self, id: str) -> str | None:
        e = self._by_id.get(id)
        return e.kind if e is not None else None

    def __contains__(self, id: object) -> bool:
        return id in self._by_id

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._by_id.values())

    @property
    def directorates(self) -> list[Unit]:
        return [u for u in self.units.values() if u.kind == "directorate"]

    @property
    def departments(self) -> list[Unit]:
        return [u for u in self.units.values() if u.kind == "department"]

    # -- derived facts ----------------------------------------------------------------
    def _derive(self) -> None:
        people_in: dict[str, list[str]] = defaultdict(list)
        self._directorate_of: dict[str, str] = {}
        for u in self.units.values():
            self._directorate_of[u.id] = u.directorate
        for p in self.people.values():
            if p.unit in self.units:
                d = self._directorate_of[p.unit]
                self._directorate_of[p.id] = d
                people_in[p.unit].append(p.id)
                if p.unit != d:
                    people_in[d].append(p.id)
        self._people_in = {k: tuple(v) for k, v in people_in.items()}
        self._heads = frozenset(u.head for u in self.units.values() if u.head)

        owned: dict[str, list[str]] = defaultdict(list)
        pen: dict[str, list[str]] = defaultdict(list)
        named: dict[str, list[str]] = defaultdict(list)
        self._penvoerder: dict[str, str | None] = {}
        for d in self.dossiers.values():
            if d.owner:
                owned[d.owner].append(d.id)
            for pid in {d.owner, d.deputy, *d.involved, d.authority} - {None}:
                if pid in self.people:
                    named[pid].append(d.id)
            p = d.penvoerder if d.penvoerder in self.units else self.directorate_of(d.owner)
            self._penvoerder[d.id] = p
            if p:
                pen[p].append(d.id)
        self._owned = {k: tuple(v) for k, v in owned.items()}
        self._pen = {k: tuple(v) for k, v in pen.items()}
        self._named = {k: tuple(v) for k, v in named.items()}

        collabs: dict[str, list[str]] = defaultdict(list)
        for c in self.collaborations.values():
            for pid in c.participants:
                collabs[pid].append(c.id)
            for uid in c.directorates:
                collabs[uid].append(c.id)
        self._collabs = {k: tuple(v) for k, v in collabs.items()}

    def _derive_from(self, prev: Registry) -> bool:
        """:meth:`_derive` from the derived facts of *prev*, an earlier version: only the
        people, dossiers and collaborations that are not the same objects there, and the
        dossiers naming a person whose directorate changed, are redone.  False (nothing
        done) when units changed in what the facts read, or too much changed to gain.
        Equal to :meth:`_derive`; $O(n)$ identity comparisons plus $O(k \\log n)$ for the
        $k$ entries reached."""
        a, b = prev.units, self.units
        if list(a) != list(b) or any(a[k] is not u and (a[k].parent, a[k].head) != (
                u.parent, u.head) for k, u in b.items()):
            return False
        people = {k for k, p in self.people.items() if prev.people.get(k) is not p}
        people.update(prev.people.keys() - self.people.keys())
        dossiers = {k for k, d in self.dossiers.items() if prev.dossiers.get(k) is not d}
        dossiers.update(prev.dossiers.keys() - self.dossiers.keys())
        collabs = {k for k, c in self.collaborations.items()
                   if prev.collaborations.get(k) is not c}
        collabs.update(prev.collaborations.keys() - self.collaborations.keys())
        if len(people) + len(dossiers) + len(collabs) > 1000:
            return False  # a large change: one pass over everything is quicker
        self._heads = prev._heads
        self._directorate_of = directorate_of = dict(prev._directorate_of)
        # The lists changed, by key, for each table (the rest is taken over as it was).
        people_in, owned, pen, named, collabs_of = ({} for _ in range(5))
        tables = ((people_in, prev._people_in), (owned, prev._owned), (pen, prev._pen),
                  (named, prev._named), (collabs_of, prev._collabs))

        def units_of(r: Registry, pid: str) -> tuple[str, ...]:
            p = r.people.get(pid)
            if p is None or p.unit not in r.units:
                return ()
            d = r._directorate_of[p.unit]
            return (p.unit,) if p.unit == d else (p.unit, d)

        def put(table: dict, base: dict, key: str | None, item: str, add: bool) -> None:
            """Add *item* to *key*'s list (a copy of *base*'s), or remove it."""
            if key:
                got = table.get(key)
                if got is None:
                    got = table[key] = list(base.get(key, ()))
                got.append(item) if add else got.remove(item)

        for pid in people:
            for r, add in ((prev, False), (self, True)):  # out as it was, in as it is
                for u in units_of(r, pid):
                    put(people_in, prev._people_in, u, pid, add)
            directorate_of.pop(pid, None)
            p = self.people.get(pid)
            if p is not None and p.unit in self.units:
                directorate_of[pid] = directorate_of[p.unit]
            if prev.directorate_of(pid) != self.directorate_of(pid):
                # The penvoerder of a dossier without one is its owner's directorate.  A
                # dossier naming the person now either did before or is a changed one.
                dossiers.update(prev.dossiers_naming(pid))

        self._penvoerder = penvoerder = dict(prev._penvoerder)
        for did in dossiers:
            for r, add in ((prev, False), (self, True)):  # out as it was, in as it is
                d = r.dossiers.get(did)
                if d is None:
                    continue
                if add:
                    p = penvoerder[did] = d.penvoerder if d.penvoerder in self.units \
                        else self.directorate_of(d.owner)
                else:
                    p = penvoerder.pop(did, None)
                put(owned, prev._owned, d.owner, did, add)
                put(pen, prev._pen, p, did, add)
                for pid in {d.owner, d.deputy, *d.involved, d.authority} - {None}:
                    if pid in r.people:
                        put(named, prev._named, pid, did, add)
        for cid in collabs:
            for r, add in ((prev, False), (self, True)):
                c = r.collaborations.get(cid)
                if c is not None:
                    for ref in (*c.participants, *c.directorates):
                        put(collabs_of, prev._collabs, ref, cid, add)

        orders: dict[int, dict[str, int]] = {}

        def order(of: Mapping[str, object]) -> dict[str, int]:
            if id(of) not in orders:
                orders[id(of)] = {k: i for i, k in enumerate(of)}
            return orders[id(of)]

        done = []
        for (table, base), of in zip(tables, (self.people, self.dossiers, self.dossiers,
                                              self.dossiers, self.collaborations), strict=True):
            out = dict(base) if table else base
            for key, items in table.items():
                if items:  # back in file order (a stable sort: repeats stay together)
                    out[key] = tuple(sorted(items, key=order(of).__getitem__))
                else:
                    out.pop(key, None)
            done.append(out)
        self._people_in, self._owned, self._pen, self._named, self._collabs = done
        return True

    def directorate_of(self, id: str | None) -> str | None:
        """The directorate a unit or person belongs to (a directorate is its own)."""
        return self._directorate_of.get(id) if id else None

    def level_of(self, person_id: str) -> str:
        """``management`` or ``staff``: as written, else management for the head of a
        unit and staff for everyone else."""
        p = self.people.get(person_id)
        if p is not None and p.level:
            return p.level
        return "management" if person_id in self._heads else "staff"

    def people_in(self, unit_id: str) -> tuple[str, ...]:
        """People of a unit; for a directorate including those of its departments."""
        return self._people_in.get(unit_id, ())

    def penvoerder_of(self, dossier_id: str) -> str | None:
        """The directorate holding the pen: as written, else the owner's directorate."""
        return self._penvoerder.get(dossier_id)

    def dossiers_owned_by(self, person_id: str) -> tuple[str, ...]:
        return self._owned.get(person_id, ())

    def dossiers_naming(self, id: str) -> tuple[str, ...]:
        """Dossiers on which a person is owner, deputy, involved or authority."""
        return self._named.get(id, ())

    def dossiers_with_penvoerder(self, directorate_id: str) -> tuple[str, ...]:
        return self._pen.get(directorate_id, ())

    def collaborations_of(self, id: str) -> tuple[str, ...]:
        """Collaborations a person takes part in (member or lead), or a unit is listed in."""
        return self._collabs.get(id, ())

    def is_dossier_holder(self, person_id: str) -> bool:
        return any(self.dossiers[d].active for d in self.dossiers_owned_by(person_id))
