"""``tvb upkeep`` as text, Markdown or CSV: the work list of
:func:`registry.reconfirm.group_tasks`, one group per person (or directorate) to ask."""

from __future__ import annotations

import datetime as dt

from registry.model import Registry
from registry.reconfirm import Task, label

from .markdown import escape
from .tables import csv_text

__all__ = ["upkeep_text", "upkeep_markdown", "upkeep_csv"]


def _heading(reg: Registry, key: str, by: str) -> str:
    if not key:
        return "Nobody in the register to ask (assign someone)"
    e = reg.get(key)
    if by == "owner" and e is not None and e.kind == "person":
        unit = reg.directorate_of(key)
        extra = ", ".join(x for x in (e.email, reg.units[unit].label if unit else None) if x)
        return f"{e.name} ({key}{', ' + extra if extra else ''})"
    return f"{label(reg, key)} ({key})"


def _when(t: Task) -> str:
    if t.reviewed is None:
        return "never" if t.action != "evaluate" else "never evaluated"
    return f"{t.reviewed} ({t.age_days} days ago)" if t.age_days is not None else str(t.reviewed)


def _touch_line(ts: list[Task], command: str) -> str | None:
    ids = [t.entry for t in ts if t.action == "re-confirm"]
    return f"{command} {' '.join(ids)}" if ids else None


def upkeep_text(reg: Registry, groups: list[tuple[str, list[Task]]], by: str,
                touch_command: str = "tvb touch") -> str:
    """One block per group, each ending with the ``tvb touch`` line to run."""
    if not groups:
        return "Nothing to re-confirm: every entry is up to date."
    out = []
    for key, ts in groups:
        out.append(_heading(reg, key, by))
        for t in ts:
            out.append(f"  {t.action:<16}{t.kind:<14}{t.entry:<32}{_when(t):<28}"
                       f"{t.file}:{t.line}")
        touch = _touch_line(ts, touch_command)
        if touch:
            out.append(f"  → after checking: {touch}")
        out.append("")
    n = sum(len(ts) for _, ts in groups)
    out.append(f"{n} item{'s' if n != 1 else ''} in {len(groups)} group"
               f"{'s' if len(groups) != 1 else ''}")
    return "\n".join(out)


def upkeep_markdown(reg: Registry, groups: list[tuple[str, list[Task]]], by: str,
                    today: dt.date, touch_command: str = "tvb touch") -> str:
    """A section per group with a table of its items, for a meeting note or an issue."""
    out = [f"## Upkeep of the register ({today})", ""]
    if not groups:
        out.append("Nothing to re-confirm: every entry is up to date.")
        return "\n".join(out) + "\n"
    for key, ts in groups:
        out += [f"### {escape(_heading(reg, key, by))}", "",
                "| what | kind | entry | last | where |", "|---|---|---|---|---|"]
        for t in ts:
            out.append(f"| {t.action} | {t.kind} | `{t.entry}` | {escape(_when(t))} | "
                       f"{escape(t.file)}:{t.line} |")
        touch = _touch_line(ts, touch_command)
        if touch:
            out += ["", f"After checking: `{touch}`"]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


_CSV_FIELDS = ("group", "confirmer", "confirmer_name", "email", "directorate", "action",
               "kind", "entry", "reviewed", "age_days", "file", "line")


def upkeep_csv(reg: Registry, groups: list[tuple[str, list[Task]]]) -> str:
    """One row per item with the confirmer's name and e-mail, safe to open in a
    spreadsheet."""
    rows = []
    for key, ts in groups:
        for t in ts:
            p = reg.people.get(t.confirmer) if t.confirmer else None
            rows.append((key, t.confirmer, p.name if p else None, p.email if p else None,
                         reg.directorate_of(t.confirmer) if t.confirmer else None, t.action,
                         t.kind, t.entry, t.reviewed, t.age_days, t.file, t.line))
    return csv_text(_CSV_FIELDS, rows)
