"""``tvb upkeep`` as text, Markdown or CSV: the work list of
:func:`registry.reconfirm.group_tasks`, one group per person (or directorate) to ask."""

from __future__ import annotations

import datetime as dt

from registry.model import Registry
from registry.reconfirm import Task, label

from .i18n import DEFAULT_LANGUAGE, translate
from .markdown import escape
from .tables import csv_text

__all__ = ["upkeep_text", "upkeep_markdown", "upkeep_csv"]


#: The catalogue key of each action of :data:`registry.reconfirm.ACTIONS`.
_ACTION_KEYS = {"re-confirm": "upkeep.action.reconfirm", "assign an owner":
                "upkeep.action.assign", "evaluate": "upkeep.action.evaluate"}


def _heading(reg: Registry, key: str, by: str, lang: str) -> str:
    if not key:
        return translate("upkeep.nobody", lang)
    e = reg.get(key)
    if by == "owner" and e is not None and e.kind == "person":
        unit = reg.directorate_of(key)
        extra = ", ".join(x for x in (e.email, reg.units[unit].label if unit else None) if x)
        return f"{e.name} ({key}{', ' + extra if extra else ''})"
    return f"{label(reg, key)} ({key})"


def _when(t: Task, lang: str) -> str:
    if t.reviewed is None:
        return translate("upkeep.never" if t.action != "evaluate" else "upkeep.never_evaluated",
                         lang)
    if t.age_days is None:
        return str(t.reviewed)
    return f"{t.reviewed} ({translate('upkeep.days_ago', lang, n=t.age_days)})"


def _action(t: Task, lang: str) -> str:
    return translate(_ACTION_KEYS[t.action], lang) if t.action in _ACTION_KEYS else t.action


def _touch_line(ts: list[Task], command: str) -> str | None:
    ids = [t.entry for t in ts if t.action == "re-confirm"]
    return f"{command} {' '.join(ids)}" if ids else None


def upkeep_text(reg: Registry, groups: list[tuple[str, list[Task]]], by: str,
                touch_command: str = "tvb touch", lang: str = DEFAULT_LANGUAGE) -> str:
    """One block per group, each ending with the ``tvb touch`` line to run."""
    if not groups:
        return translate("upkeep.nothing", lang)
    out = []
    for key, ts in groups:
        out.append(_heading(reg, key, by, lang))
        for t in ts:
            kind = translate(f"kind.{t.kind}", lang)
            out.append(f"  {_action(t, lang):<18}{kind:<14}{t.entry:<32}{_when(t, lang):<32}"
                       f"{t.file}:{t.line}")
        touch = _touch_line(ts, touch_command)
        if touch:
            out.append(f"  → {translate('upkeep.after', lang)}: {touch}")
        out.append("")
    n = sum(len(ts) for _, ts in groups)
    out.append(translate("upkeep.total", lang, items=translate("upkeep.items", lang, n=n),
                         groups=translate("upkeep.groups", lang, n=len(groups))))
    return "\n".join(out)


def upkeep_markdown(reg: Registry, groups: list[tuple[str, list[Task]]], by: str,
                    today: dt.date, touch_command: str = "tvb touch",
                    lang: str = DEFAULT_LANGUAGE) -> str:
    """A section per group with a table of its items, for a meeting note or an issue."""
    def w(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    out = [f"## {w('upkeep.heading', date=today)}", ""]
    if not groups:
        out.append(w("upkeep.nothing"))
        return "\n".join(out) + "\n"
    columns = " | ".join(w(f"upkeep.col.{c}") for c in ("what", "kind", "entry", "last", "where"))
    for key, ts in groups:
        out += [f"### {escape(_heading(reg, key, by, lang))}", "",
                f"| {columns} |", "|---|---|---|---|---|"]
        for t in ts:
            out.append(f"| {_action(t, lang)} | {w('kind.' + t.kind)} | `{t.entry}` | "
                       f"{escape(_when(t, lang))} | {escape(t.file)}:{t.line} |")
        touch = _touch_line(ts, touch_command)
        if touch:
            out += ["", f"{w('upkeep.after').capitalize()}: `{touch}`"]
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
