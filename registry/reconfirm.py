"""Who should re-confirm what: the work list behind ``tvb upkeep``.

What is stale is defined once, in :mod:`registry.upkeep`; this module only decides who
is asked to act on each item, so the list can be sent round per person or per
directorate:

* a person confirms their own entry;
* a dossier's owner confirms the dossier (without an owner: the deputy, else the head of
  the penvoerder directorate, who is also asked to assign an owner);
* a unit's head confirms the unit (without one: the head of the directorate above);
* a collaboration's lead confirms and evaluates it (without one: its first member);
* a process is confirmed by the head of its penvoerder directorate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Registry
from .upkeep import stale_entries, unevaluated_collaborations, unowned_dossiers

__all__ = ["Task", "upkeep_tasks", "group_tasks", "label", "ACTIONS"]

#: What a task asks, in the order the lists show them.
ACTIONS = ("re-confirm", "assign an owner", "evaluate")


@dataclass(frozen=True, slots=True)
class Task:
    """One thing to do: *confirmer* should *action* entry *entry*."""

    confirmer: str | None  # person id; None when nobody in the register can be asked
    action: str  # one of ACTIONS
    entry: str
    kind: str
    reviewed: dt.date | None
    age_days: int | None
    file: str
    line: int


def _head_of(reg: Registry, unit_id: str | None) -> str | None:
    """The head of a unit, else of the directorate above it."""
    unit = reg.units.get(unit_id) if unit_id else None
    while unit is not None:
        if unit.head in reg.people:
            return unit.head
        unit = reg.units.get(unit.parent) if unit.parent else None
    return None


def confirmer_of(reg: Registry, entry_id: str) -> str | None:
    """The person asked to confirm entry *entry_id* (see the module docstring)."""
    e = reg.get(entry_id)
    if e is None:
        return None
    if e.kind == "person":
        return e.id
    if e.kind == "dossier":
        for pid in (e.owner, e.deputy):
            if pid in reg.people:
                return pid
        return _head_of(reg, reg.penvoerder_of(e.id))
    if e.kind in ("directorate", "department"):
        return _head_of(reg, e.id)
    if e.kind == "collaboration":
        for pid in (e.lead, *e.members):
            if pid in reg.people:
                return pid
        return None
    if e.kind == "process":
        return _head_of(reg, e.penvoerder)
    return None


def upkeep_tasks(reg: Registry, today: dt.date) -> list[Task]:
    """Every upkeep item of :mod:`registry.upkeep` with the person who should act on it."""
    tasks = []

    def add(entry_id: str, action: str, reviewed=None, age=None) -> None:
        e = reg.get(entry_id)
        who = confirmer_of(reg, entry_id)
        if action == "assign an owner":
            who = _head_of(reg, reg.penvoerder_of(entry_id))
        tasks.append(Task(who, action, entry_id, e.kind, reviewed, age, e.loc.file, e.loc.line))

    for s in stale_entries(reg, today):
        add(s.id, "re-confirm", s.reviewed, s.age_days)
    for d in unowned_dossiers(reg):
        add(d, "assign an owner", reg.dossiers[d].reviewed)
    for c in unevaluated_collaborations(reg, today):
        latest = reg.collaborations[c].latest_evaluation
        add(c, "evaluate", latest.date if latest else None,
            (today - latest.date).days if latest else None)
    return tasks


def _group_key(reg: Registry, t: Task, by: str) -> str:
    if by == "owner":
        return t.confirmer or ""
    where = reg.directorate_of(t.confirmer) if t.confirmer else None
    if where is None:  # nobody to ask: file it under the entry's own directorate
        e = reg.get(t.entry)
        where = (reg.penvoerder_of(t.entry) if t.kind == "dossier"
                 else reg.directorate_of(t.entry) if e is not None else None)
    return where or ""


def group_tasks(reg: Registry, tasks: list[Task],
                by: str = "owner") -> list[tuple[str, list[Task]]]:
    """Tasks grouped by confirming person (``by="owner"``) or by that person's directorate
    (``by="unit"``), groups sorted by name with the unassigned ones (key ``""``) last."""
    if by not in ("owner", "unit"):
        raise ValueError(f"by must be 'owner' or 'unit', not {by!r}")
    groups: dict[str, list[Task]] = {}
    for t in tasks:
        groups.setdefault(_group_key(reg, t, by), []).append(t)
    order = {a: i for i, a in enumerate(ACTIONS)}
    for ts in groups.values():
        ts.sort(key=lambda t: (order[t.action], t.file, t.line, t.entry))
    return sorted(groups.items(), key=lambda kv: (kv[0] == "", label(reg, kv[0]).lower()))


def label(reg: Registry, key: str) -> str:
    """How a group key (a person or unit id, or "" for nobody) is shown."""
    e = reg.get(key) if key else None
    if e is None:
        return key or "nobody in the register (assign someone)"
    if e.kind == "person":
        return e.name
    return e.label
