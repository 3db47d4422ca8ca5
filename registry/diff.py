"""The change in meaning between two versions of the register, for pull-request review.

A text diff of the YAML shows lines; a reviewer wants to know that a person moved from
DSK to CIO, that a dossier changed hands or that a collaboration ended.  :func:`diff`
compares two :class:`~registry.model.Registry` objects entity by entity (by id, so the
order of entries and the file they are in do not matter) and names each change.

The change in *findings* (a new silo, a missing link closed) needs the graph layer;
:mod:`graph.findings_delta` composes it; :mod:`render.diff` writes both as text or
Markdown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import Collaboration, Dossier, Evaluation, Involvement, Person, Registry, Unit

__all__ = ["Entry", "Move", "FieldChange", "Evaluated", "FieldsChanged", "RegistryDiff",
           "diff"]


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry that was added or removed."""

    id: str
    label: str
    directorate: str | None = None
    detail: str | None = None  # e.g. a person's unit or a collaboration's dates


@dataclass(frozen=True, slots=True)
class Move:
    """A person who now works in another unit."""

    id: str
    label: str
    from_unit: str | None
    to_unit: str | None
    from_directorate: str | None
    to_directorate: str | None

    @property
    def between_directorates(self) -> bool:
        return self.from_directorate != self.to_directorate


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an entry with a new value (a rename, a hand-over …)."""

    id: str
    label: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Evaluated:
    """A collaboration with evaluations that were not there before."""

    id: str
    label: str
    dates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldsChanged:
    """Other edits to an entry, by field name (an e-mail address, a description …)."""

    id: str
    kind: str
    fields: tuple[str, ...]


def _list() -> list:
    return field(default_factory=list)


@dataclass
class RegistryDiff:
    """What changed from one registry to another; every list is sorted by id."""

    people_added: list[Entry] = _list()
    people_removed: list[Entry] = _list()
    people_moved: list[Move] = _list()
    people_renamed: list[FieldChange] = _list()
    people_function_changed: list[FieldChange] = _list()
    dossiers_added: list[Entry] = _list()
    dossiers_removed: list[Entry] = _list()
    dossiers_closed: list[Entry] = _list()
    dossiers_reopened: list[Entry] = _list()
    owner_changed: list[FieldChange] = _list()
    deputy_changed: list[FieldChange] = _list()
    penvoerder_changed: list[FieldChange] = _list()
    stage_changed: list[FieldChange] = _list()
    involvement_changed: list[FieldChange] = _list()
    collaborations_started: list[Entry] = _list()
    collaborations_ended: list[Entry] = _list()
    collaborations_removed: list[Entry] = _list()
    collaborations_evaluated: list[Evaluated] = _list()
    units_added: list[Entry] = _list()
    units_removed: list[Entry] = _list()
    head_changed: list[FieldChange] = _list()
    capacity_changed: list[FieldChange] = _list()
    processes_added: list[Entry] = _list()
    processes_removed: list[Entry] = _list()
    themes_added: list[Entry] = _list()
    themes_removed: list[Entry] = _list()
    externals_added: list[Entry] = _list()
    externals_removed: list[Entry] = _list()
    organisation_changed: list[FieldChange] = _list()
    reconfirmed: list[str] = _list()
    other_changes: list[FieldsChanged] = _list()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in dataclasses.fields(self))

    @property
    def moved_between_directorates(self) -> list[Move]:
        return [m for m in self.people_moved if m.between_directorates]

    def as_dict(self) -> dict:
        """JSON-ready: grouped by kind of entry, as ``tvb diff --format json`` prints it."""
        def items(xs: list) -> list:
            out = []
            for x in xs:
                if isinstance(x, str):
                    out.append(x)
                    continue
                d = {k: list(v) if isinstance(v, tuple) else v
                     for k, v in dataclasses.asdict(x).items()}
                if isinstance(x, Move):
                    d["between_directorates"] = x.between_directorates
                out.append(d)
            return out

        return {
            "empty": self.empty,
            "people": {"added": items(self.people_added), "removed": items(self.people_removed),
                       "moved": items(self.people_moved), "renamed": items(self.people_renamed),
                       "function_changed": items(self.people_function_changed)},
            "dossiers": {"added": items(self.dossiers_added),
                         "removed": items(self.dossiers_removed),
                         "closed": items(self.dossiers_closed),
                         "reopened": items(self.dossiers_reopened),
                         "owner_changed": items(self.owner_changed),
                         "deputy_changed": items(self.deputy_changed),
                         "penvoerder_changed": items(self.penvoerder_changed),
                         "stage_changed": items(self.stage_changed),
                         "involvement_changed": items(self.involvement_changed)},
            "collaborations": {"started": items(self.collaborations_started),
                               "ended": items(self.collaborations_ended),
                               "removed": items(self.collaborations_removed),
                               "evaluated": items(self.collaborations_evaluated)},
            "units": {"added": items(self.units_added), "removed": items(self.units_removed),
                      "head_changed": items(self.head_changed),
                      "capacity_changed": items(self.capacity_changed)},
            "processes": {"added": items(self.processes_added),
                          "removed": items(self.processes_removed)},
            "themes": {"added": items(self.themes_added), "removed": items(self.themes_removed)},
            "external": {"added": items(self.externals_added),
                         "removed": items(self.externals_removed)},
            "organisation": {"changed": items(self.organisation_changed)},
            "reconfirmed": list(self.reconfirmed),
            "other_changes": items(self.other_changes),
        }


def diff(old: Registry, new: Registry) -> RegistryDiff:
    """Compare two registries by id.

    Parameters
    ----------
    old, new : Registry
        The register before and after the change (e.g. the base and head of a pull
        request).

    Returns
    -------
    RegistryDiff
        Additions, removals and named changes per kind; edits that have no name of their
        own are listed per entry in ``other_changes`` by field name, and entries whose
        ``reviewed`` date moved forward in ``reconfirmed``.

    Notes
    -----
    A dossier's penvoerder is compared as :meth:`Registry.penvoerder_of` computes it
    (as written, else the owner's directorate), so a hand-over to someone in another
    directorate shows as a change of penvoerder too.  Runs in $O(n)$ for $n$ entries.
    """
    out = RegistryDiff()
    _diff_people(old, new, out)
    _diff_dossiers(old, new, out)
    _diff_collaborations(old, new, out)
    _diff_units(old, new, out)
    _diff_processes(old, new, out)
    _diff_involvement_rules(old, new, out)
    for name in ("people", "dossiers", "collaborations", "units", "processes"):
        a, b = getattr(old, name), getattr(new, name)
        for i in sorted(a.keys() & b.keys()):
            ra, rb = a[i].reviewed, b[i].reviewed
            if rb is not None and (ra is None or rb > ra):
                out.reconfirmed.append(i)
    out.reconfirmed.sort()
    out.other_changes.sort(key=lambda c: c.id)
    return out


# -- per kind --------------------------------------------------------------------------------
def _person_entry(reg: Registry, p: Person) -> Entry:
    return Entry(p.id, p.name, reg.directorate_of(p.id), p.unit)


def _diff_people(old: Registry, new: Registry, out: RegistryDiff) -> None:
    a, b = old.people, new.people
    out.people_added = [_person_entry(new, b[i]) for i in sorted(b.keys() - a.keys())]
    out.people_removed = [_person_entry(old, a[i]) for i in sorted(a.keys() - b.keys())]
    for i in sorted(a.keys() & b.keys()):
        pa, pb = a[i], b[i]
        covered = set()
        if pa.unit != pb.unit or old.directorate_of(i) != new.directorate_of(i):
            out.people_moved.append(Move(i, pb.name, pa.unit, pb.unit,
                                         old.directorate_of(i), new.directorate_of(i)))
            covered.add("unit")
        if pa.name != pb.name:
            out.people_renamed.append(FieldChange(i, pb.name, "name", pa.name, pb.name))
            covered.add("name")
        if pa.function != pb.function:
            out.people_function_changed.append(
                FieldChange(i, pb.name, "function", pa.function, pb.function))
            covered.add("function")
        _other(pa, pb, covered, out)


def _dossier_entry(reg: Registry, d: Dossier) -> Entry:
    return Entry(d.id, d.title, reg.penvoerder_of(d.id), d.owner)


def _diff_dossiers(old: Registry, new: Registry, out: RegistryDiff) -> None:
    a, b = old.dossiers, new.dossiers
    out.dossiers_added = [_dossier_entry(new, b[i]) for i in sorted(b.keys() - a.keys())]
    out.dossiers_removed = [_dossier_entry(old, a[i]) for i in sorted(a.keys() - b.keys())]
    for i in sorted(a.keys() & b.keys()):
        da, db = a[i], b[i]
        covered = {"penvoerder"}  # compared as computed, below
        if da.active and not db.active:
            out.dossiers_closed.append(_dossier_entry(new, db))
            covered.add("status")
        elif db.active and not da.active:
            out.dossiers_reopened.append(_dossier_entry(new, db))
            covered.add("status")
        for name, target in (("owner", out.owner_changed), ("deputy", out.deputy_changed)):
            if getattr(da, name) != getattr(db, name):
                target.append(FieldChange(i, db.title, name, getattr(da, name),
                                          getattr(db, name)))
                covered.add(name)
        pa, pb = old.penvoerder_of(i), new.penvoerder_of(i)
        if pa != pb:
            out.penvoerder_changed.append(FieldChange(i, db.title, "penvoerder", pa, pb))
        if da.stage != db.stage:
            out.stage_changed.append(FieldChange(i, db.title, "stage", da.stage, db.stage))
            covered.add("stage")
        ia = _involvement_text(da.involvement_entries)
        ib = _involvement_text(db.involvement_entries)
        if ia != ib:
            out.involvement_changed.append(FieldChange(i, db.title, "involved", ia, ib))
        covered |= {"involved", "involvements"}
        _other(da, db, covered, out)


def _collaboration_entry(c: Collaboration) -> Entry:
    span = f"{c.start or '?'} – {c.end}" if c.end else f"since {c.start or '?'}"
    return Entry(c.id, c.name, None, span)


def _diff_collaborations(old: Registry, new: Registry, out: RegistryDiff) -> None:
    a, b = old.collaborations, new.collaborations
    out.collaborations_started = [_collaboration_entry(b[i]) for i in sorted(b.keys() - a.keys())]
    out.collaborations_removed = [_collaboration_entry(a[i]) for i in sorted(a.keys() - b.keys())]
    for i in sorted(a.keys() & b.keys()):
        ca, cb = a[i], b[i]
        covered = set()
        if ca.end is None and cb.end is not None:
            out.collaborations_ended.append(_collaboration_entry(cb))
            covered.add("end")
        before = {_evaluation_key(e) for e in ca.evaluations}
        added = [e for e in cb.evaluations if _evaluation_key(e) not in before]
        if added and len(cb.evaluations) - len(added) == len(ca.evaluations):
            # Only additions: a new evaluation, not an edit of an old one.
            out.collaborations_evaluated.append(
                Evaluated(i, cb.name, tuple(sorted(str(e.date) for e in added))))
            covered.add("evaluations")
        _other(ca, cb, covered, out)
    # Evaluations of a collaboration that is new in this change count as evaluated too.
    for i in sorted(b.keys() - a.keys()):
        if b[i].evaluations:
            out.collaborations_evaluated.append(
                Evaluated(i, b[i].name, tuple(sorted(str(e.date) for e in b[i].evaluations))))
    out.collaborations_evaluated.sort(key=lambda e: e.id)


def _unit_entry(u: Unit) -> Entry:
    return Entry(u.id, u.label if u.kind == "directorate" else u.name, u.parent, u.kind)


def _diff_units(old: Registry, new: Registry, out: RegistryDiff) -> None:
    a, b = old.units, new.units
    out.units_added = [_unit_entry(b[i]) for i in sorted(b.keys() - a.keys())]
    out.units_removed = [_unit_entry(a[i]) for i in sorted(a.keys() - b.keys())]
    for i in sorted(a.keys() & b.keys()):
        ua, ub = a[i], b[i]
        covered = {"departments"}  # shows as units added or removed
        if ua.head != ub.head:
            out.head_changed.append(FieldChange(i, ub.label, "head", ua.head, ub.head))
            covered.add("head")
        for name in ("fte", "vacancies"):
            va, vb = getattr(ua, name), getattr(ub, name)
            if va != vb:
                out.capacity_changed.append(FieldChange(
                    i, f"{ub.label} {name}", name, None if va is None else f"{va:g}",
                    None if vb is None else f"{vb:g}"))
                covered.add(name)
        _other(ua, ub, covered, out)


def _diff_processes(old: Registry, new: Registry, out: RegistryDiff) -> None:
    a, b = old.processes, new.processes
    out.processes_added = [Entry(i, b[i].name, b[i].penvoerder)
                           for i in sorted(b.keys() - a.keys())]
    out.processes_removed = [Entry(i, a[i].name, a[i].penvoerder)
                             for i in sorted(a.keys() - b.keys())]
    for i in sorted(a.keys() & b.keys()):
        _other(a[i], b[i], set(), out)


def _involvement_text(entries: tuple[Involvement, ...]) -> str | None:
    """``dsk, hdp (since 2026-03-02, ontwerp)``: a dossier's involved list as written."""
    parts = []
    for e in entries:
        when = ", ".join(x for x in (e.since and f"since {e.since}", e.stage) if x)
        parts.append(f"{e.id} ({when})" if when else e.id)
    return ", ".join(parts) or None


def _diff_involvement_rules(old: Registry, new: Registry, out: RegistryDiff) -> None:
    """Themes and external units added or removed, other edits to them, and changes to
    the organisation's head and the settings."""
    for table, added, removed in (("themes", out.themes_added, out.themes_removed),
                                  ("externals", out.externals_added, out.externals_removed)):
        a, b = getattr(old, table), getattr(new, table)
        added.extend(Entry(i, b[i].name, None, getattr(b[i], "type", None))
                     if table == "externals" else Entry(i, b[i].name)
                     for i in sorted(b.keys() - a.keys()))
        removed.extend(Entry(i, a[i].name) for i in sorted(a.keys() - b.keys()))
        for i in sorted(a.keys() & b.keys()):
            _other(a[i], b[i], set(), out)
    oa, ob = old.organisation, new.organisation
    if oa is not None and ob is not None and oa.head != ob.head:
        out.organisation_changed.append(FieldChange(ob.id, f"{ob.name} head", "head", oa.head,
                                                    ob.head))
    for f in dataclasses.fields(new.settings):
        va, vb = getattr(old.settings, f.name), getattr(new.settings, f.name)
        if va != vb:
            out.organisation_changed.append(FieldChange("settings", f.name, f.name,
                                                        str(va), str(vb)))


def _evaluation_key(e: Evaluation) -> tuple:
    return (e.date, e.worthwhile, e.lessons, tuple(sorted(e.factors.items())), e.absent,
            e.goals_met, tuple(sorted(e.subfactors.items())), e.can_do_mentaliteit,
            e.tvb_in_praktijk, e.scored_by)


def _comparable(value: object) -> object:
    if isinstance(value, tuple) and value and isinstance(value[0], Evaluation):
        return tuple(_evaluation_key(e) for e in value)
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    return value


def _other(a: object, b: object, covered: set[str], out: RegistryDiff) -> None:
    """Record the fields that differ and have no named change of their own."""
    changed = tuple(
        f.name for f in dataclasses.fields(a)  # type: ignore[arg-type]
        if f.name not in covered and f.name not in ("loc", "reviewed", "id")
        and _comparable(getattr(a, f.name)) != _comparable(getattr(b, f.name))
    )
    if changed:
        out.other_changes.append(FieldsChanged(a.id, a.kind, changed))  # type: ignore[attr-defined]
