"""Recent changes: the meaningful changes of the last commits, newest first.

From the steps of :func:`registry.history.steps` (one commit each, with its semantic
diff and the register after it) this module lists per commit the changes a reader cares
about: people who moved, dossiers that changed hands, heads that changed, people and
dossiers added or gone, collaborations started or ended, and the findings of
``tvb report`` gained or resolved (:func:`graph.findings_delta.findings_delta`).  Edits
without a name of their own (an e-mail address, a reconfirmation) are left out.
"""

from __future__ import annotations

import datetime as dt

from registry.history import Step

from .findings_delta import CATEGORIES, findings_delta

__all__ = ["recent_changes", "change_rows"]


def change_rows(step: Step) -> list[dict]:
    """The named changes of one step as ``{"kind", "id", "label", "old", "new"}`` rows;
    *old* and *new* are ids (units, people) or None."""
    d = step.diff
    rows: list[dict] = []

    def add(kind: str, id: str, label: str, old: str | None = None,
            new: str | None = None) -> None:
        rows.append({"kind": kind, "id": id, "label": label, "old": old, "new": new})

    renamed = step.renamed
    for old, new in sorted(renamed.items()):
        add("renamed", new, new, old, new)
    for m in d.people_moved:
        add("moved", m.id, m.label, m.from_unit, m.to_unit)
    for kind, changes in (("owner", d.owner_changed), ("deputy", d.deputy_changed),
                          ("head", d.head_changed), ("penvoerder", d.penvoerder_changed)):
        for ch in changes:
            if renamed.get(ch.old or "") == ch.new:
                continue  # the person's id was renamed, nothing changed hands
            add(kind, ch.id, ch.label, ch.old, ch.new)
    gone = set(renamed)
    came = set(renamed.values())
    for kind, entries, skip in (("person_added", d.people_added, came),
                                ("person_removed", d.people_removed, gone),
                                ("dossier_added", d.dossiers_added, came),
                                ("dossier_removed", d.dossiers_removed, gone),
                                ("dossier_closed", d.dossiers_closed, set()),
                                ("collaboration_started", d.collaborations_started, came),
                                ("collaboration_ended", d.collaborations_ended, set()),
                                ("unit_added", d.units_added, came),
                                ("unit_removed", d.units_removed, gone)):
        for e in entries:
            if e.id not in skip:
                add(kind, e.id, e.label, None, e.detail)
    return rows


def recent_changes(history: list[Step], today: dt.date, *, findings: bool = True) -> list[dict]:
    """One entry per commit with meaningful changes, newest first:
    ``{"commit", "author", "date", "subject", "changes", "findings"}``.

    *findings* compares the findings after each commit with those after the one before
    (the oldest commit read has no "before" and shows none); each is
    ``{"change": "new"|"resolved", "category", "finding"}``.

    Notes
    -----
    With findings, runs the report once per commit: $O(k)$ reports for $k$ commits.
    """
    from .analysis import report

    reports = [report(s.registry, today) if findings and s.registry is not None else None
               for s in history]
    out = []
    for i, step in enumerate(history):
        rows = change_rows(step)
        found: list[dict] = []
        before = reports[i + 1] if i + 1 < len(reports) else None
        if reports[i] is not None and before is not None:
            delta = findings_delta(before, reports[i])
            for change, part in (("new", delta.new), ("resolved", delta.resolved)):
                for name in CATEGORIES:
                    for f in part.get(name) or ():
                        found.append({"change": change, "category": name, "finding": f})
        if rows or found:
            c = step.commit
            out.append({"commit": c.sha, "author": c.author, "date": c.date.isoformat(),
                        "subject": c.subject, "changes": rows, "findings": found})
    return out
