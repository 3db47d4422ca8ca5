"""What needs re-confirming: the register must tell by itself when it goes stale.

One definition serves the validator's warnings, ``tvb report``'s upkeep section and
``tvb upkeep``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Collaboration, Registry

__all__ = ["StaleEntry", "stale_entries", "unowned_dossiers", "unevaluated_collaborations"]

#: Kinds that must carry a ``reviewed`` date; processes and collaborations may.
MUST_REVIEW = ("directorate", "department", "person", "dossier")


@dataclass(frozen=True, slots=True)
class StaleEntry:
    id: str
    kind: str
    reviewed: dt.date | None  # None: never confirmed
    age_days: int | None


def stale_entries(reg: Registry, today: dt.date) -> list[StaleEntry]:
    """Entries whose ``reviewed`` is missing or older than ``settings.stale_after_days``,
    in file order.  Closed dossiers are not asked to be re-confirmed."""
    limit = reg.settings.stale_after_days
    out = []
    for e in (*reg.units.values(), *reg.people.values(), *reg.dossiers.values(),
              *reg.processes.values(), *reg.collaborations.values()):
        if e.kind == "dossier" and not e.active:
            continue
        if e.reviewed is None:
            if e.kind in MUST_REVIEW:
                out.append(StaleEntry(e.id, e.kind, None, None))
        elif (today - e.reviewed).days > limit:
            out.append(StaleEntry(e.id, e.kind, e.reviewed, (today - e.reviewed).days))
    return out


def unowned_dossiers(reg: Registry) -> list[str]:
    """Active dossiers whose owner is missing or not a person in the register."""
    return [d.id for d in reg.dossiers.values() if d.active and d.owner not in reg.people]


def _needs_evaluation(c: Collaboration, today: dt.date) -> bool:
    latest = c.latest_evaluation
    if c.ended(today):
        return latest is None
    year_ago = today - dt.timedelta(days=365)
    running_over_a_year = c.start is not None and c.start <= year_ago
    return running_over_a_year and (latest is None or latest.date < year_ago)


def unevaluated_collaborations(reg: Registry, today: dt.date) -> list[str]:
    """Collaborations active for more than a year with no evaluation in the last year,
    or ended without any evaluation."""
    return [c.id for c in reg.collaborations.values() if _needs_evaluation(c, today)]
