"""The change in the integrator's findings between two versions of the register.

``tvb diff`` shows a reviewer not only what was edited but what the edit does to the
findings of ``tvb report``: a new silo, a missing link that is closed, a new single
point of failure, entries that became stale.  This module compares two report
dictionaries as ``graph.analysis.report(registry, today)`` returns them (the public JSON
contract of ``tvb report``); it reads only these keys, and a report without one of them counts
as having no findings of that kind:

``silos[].flagged``, ``missing_links``, ``weak_junctions``, ``single_points_of_failure``,
``isolated_dossier_holders``, ``upkeep.stale``, ``upkeep.unowned_dossiers``,
``upkeep.unevaluated_collaborations`` and, from issue 13, ``should_involve``,
``late_involvement``, ``cover.without_deputy``, ``cover.overloaded`` and
``task_clarity.unclear_owner``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CATEGORIES", "FindingsDelta", "findings_delta", "delta_between"]


def _silos(report: dict) -> list[dict]:
    return [s for s in report.get("silos") or () if s.get("flagged")]


def _upkeep(key: str) -> Callable[[dict], list]:
    def get(report: dict) -> list:
        items = (report.get("upkeep") or {}).get(key) or ()
        # unowned/unevaluated are lists of ids; stale is a list of objects
        return [i if isinstance(i, dict) else {"id": i} for i in items]
    return get


def _key_missing_link(link: dict) -> tuple:
    return (link.get("kind"), tuple(sorted(link.get("directorates") or ())),
            tuple(sorted(link.get("dossiers") or ())))


#: name → (how to list the findings of a report, how to identify one, the catalogue key of
#: its title: the words are chosen in ``render``)
CATEGORIES: dict[str, tuple[Callable[[dict], list], Callable[[dict], object], str]] = {
    "silos": (_silos, lambda s: s.get("directorate"), "delta.silos"),
    "missing_links": (lambda r: list(r.get("missing_links") or ()), _key_missing_link,
                      "delta.missing_links"),
    "weak_junctions": (lambda r: list(r.get("weak_junctions") or ()),
                       lambda c: (c.get("integrating"), c.get("functional")),
                       "delta.weak_junctions"),
    "single_points_of_failure": (lambda r: list(r.get("single_points_of_failure") or ()),
                                 lambda s: s.get("person"), "delta.single_points_of_failure"),
    "isolated_dossier_holders": (lambda r: list(r.get("isolated_dossier_holders") or ()),
                                 lambda s: s.get("person"), "delta.isolated_dossier_holders"),
    "stale": (_upkeep("stale"), lambda s: s.get("id"), "delta.stale"),
    "unowned_dossiers": (_upkeep("unowned_dossiers"), lambda s: s.get("id"),
                         "delta.unowned_dossiers"),
    "unevaluated_collaborations": (_upkeep("unevaluated_collaborations"),
                                   lambda s: s.get("id"), "delta.unevaluated_collaborations"),
    # issue 13
    "should_involve": (lambda r: list(r.get("should_involve") or ()),
                       lambda f: (f.get("kind"), tuple(f.get("dossiers") or ()), f.get("missing"),
                                  f.get("theme"), f.get("collaboration"), f.get("date")),
                       "delta.should_involve"),
    "late_involvement": (lambda r: list(r.get("late_involvement") or ()),
                         lambda f: (tuple(f.get("dossiers") or ()), f.get("missing")),
                         "delta.late_involvement"),
    "without_deputy": (lambda r: list((r.get("cover") or {}).get("without_deputy") or ()),
                       lambda f: f.get("dossier"), "delta.without_deputy"),
    "overloaded": (lambda r: list((r.get("cover") or {}).get("overloaded") or ()),
                   lambda f: f.get("person"), "delta.overloaded"),
    "unclear_owner": (lambda r: list((r.get("task_clarity") or {}).get("unclear_owner") or ()),
                      lambda f: tuple(f.get("directorates") or ()) + tuple(f.get("dossiers") or ()),
                      "delta.unclear_owner"),
}


@dataclass
class FindingsDelta:
    """Findings that appear only in the new report (``new``) or only in the old one
    (``resolved``), per category of :data:`CATEGORIES`, each as the report wrote it."""

    new: dict[str, list[dict]] = field(default_factory=dict)
    resolved: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.new.values()) and not any(self.resolved.values())

    def as_dict(self) -> dict:
        return {"empty": self.empty,
                "new": {k: list(v) for k, v in self.new.items()},
                "resolved": {k: list(v) for k, v in self.resolved.items()}}


def findings_delta(old_report: dict, new_report: dict) -> FindingsDelta:
    """Compare two reports (the JSON contract of ``tvb report``).

    A finding is identified by the directorate (silos), the person (single points of
    failure, isolated dossier holders), the entry id (upkeep) or the kind, directorates
    and dossiers (missing links); a finding present in both reports is neither new nor
    resolved even when its details (an E-I value, a reason) changed.  Runs in
    $O(n \\log n)$ for $n$ findings.
    """
    out = FindingsDelta()
    for name, (items, key, _title) in CATEGORIES.items():
        old = {key(f): f for f in items(old_report)}
        new = {key(f): f for f in items(new_report)}
        out.new[name] = [new[k] for k in sorted(new.keys() - old.keys(), key=repr)]
        out.resolved[name] = [old[k] for k in sorted(old.keys() - new.keys(), key=repr)]
    return out


def delta_between(old, new, today: dt.date) -> FindingsDelta:
    """Run ``graph.analysis.report`` on two registries and compare the results."""
    from graph.analysis import report

    return findings_delta(report(old, today), report(new, today))
