"""Re-confirm entries: set ``reviewed:`` to a date and change nothing else in the file.

Re-confirming must cost one line in a pull request (the thesis: a "wie is wie" goes
stale because keeping it current costs time nobody has).  So :func:`plan_touch` edits the
text, not a YAML round trip: it replaces only the span of the old date (keeping its
quotes), or inserts one ``reviewed:`` line with the entry's indentation, or adds
``, reviewed: …`` to a one-line ``{...}`` entry.  Comments, order, quoting, blank lines
and line endings stay byte for byte.  Before anything is written the edited text is parsed
again and compared with the original: only the ``reviewed`` values may differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import check_yaml, write_atomic
from .load import SourceFile, parse_bytes
from .model import Registry
from .validate import did_you_mean
from .yamledit import EditError, TextDoc, same_except, set_value, value_at

__all__ = ["TouchError", "UnknownIdError", "FileTouch", "plan_touch", "apply_touch",
           "TOUCHABLE_KINDS"]

#: Kinds of entry that carry a ``reviewed`` date.
TOUCHABLE_KINDS = ("directorate", "department", "person", "dossier", "process",
                   "collaboration")


class TouchError(Exception):
    """The ids or the file do not allow a safe edit; the message says why."""


class UnknownIdError(TouchError):
    """An id is not in the register (or names an entry without a ``reviewed`` date)."""


@dataclass
class FileTouch:
    """The planned edit of one file."""

    file: str
    old: bytes
    new: bytes
    changed: list[str] = field(default_factory=list)  # ids whose date changes
    already: list[str] = field(default_factory=list)  # ids already on that date

    @property
    def modified(self) -> bool:
        return self.old != self.new


def plan_touch(registry: Registry, sources: list[SourceFile], ids: Iterable[str],
               on: dt.date) -> list[FileTouch]:
    """Plan setting ``reviewed: on`` for each id; nothing is written.

    Raises :class:`TouchError` for unknown ids (with a did-you-mean), ids of an entry
    without a ``reviewed`` date (the organisation), and files that changed on disk since
    they were read or whose layout cannot be edited safely.
    """
    ids = list(dict.fromkeys(ids))
    problems = []
    touchable = [e.id for e in registry if e.kind in TOUCHABLE_KINDS]
    for i in ids:
        e = registry.get(i)
        if e is None:
            problems.append(f"unknown id '{i}'{did_you_mean(i, touchable)}")
        elif e.kind not in TOUCHABLE_KINDS:
            problems.append(f"'{i}' is the {e.kind}, which has no 'reviewed' date")
    if problems:
        raise UnknownIdError("; ".join(problems))

    by_file: dict[str, list[str]] = {}
    for i in ids:
        by_file.setdefault(registry.get(i).loc.file, []).append(i)
    sources_by_name = {s.file: s for s in sources}
    plans = []
    for name, file_ids in by_file.items():
        src = sources_by_name.get(name)
        if src is None:
            raise TouchError(f"{name}: not a file of the register that was loaded")
        plans.append(_plan_file(registry, src, file_ids, on))
    return plans


def apply_touch(plans: Iterable[FileTouch]) -> None:
    """Write the planned files (only those that change), each atomically and only if it
    still holds the bytes the edit was planned on.

    Raises :class:`registry.atomic.WriteError` (one line; that file untouched).
    """
    for p in plans:
        if p.modified:
            write_atomic(p.file, p.new, expected=p.old, check=check_yaml)


def _plan_file(registry: Registry, src: SourceFile, ids: list[str], on: dt.date) -> FileTouch:
    try:
        raw = Path(src.file).read_bytes()
    except OSError as exc:
        raise TouchError(f"{src.file}: cannot read: {exc.strerror}") from None
    if hashlib.sha256(raw).hexdigest() != src.sha256:
        raise TouchError(f"{src.file}: the file changed on disk while it was read; try again")
    doc = TextDoc(raw)
    iso = on.isoformat()
    plan = FileTouch(src.file, raw, raw)
    for i in ids:
        entity = registry.get(i)
        if entity.reviewed == on:
            plan.already.append(i)
            continue
        try:
            set_value(doc, src.positions, src.data, entity.loc.path, "reviewed", iso,
                      keep_quotes=True)
        except EditError as exc:
            line = entity.loc.line
            raise TouchError(f"{src.file}:{line}: cannot set 'reviewed' on '{i}': {exc}") \
                from None
        plan.changed.append(i)
    if plan.changed:
        plan.new = doc.result()
        _verify(src, plan, [registry.get(i).loc.path for i in plan.changed], iso)
    return plan


def _verify(src: SourceFile, plan: FileTouch, paths: list[tuple], iso: str) -> None:
    """Parse the edited text: it must hold the same data except the touched dates."""
    after = parse_bytes(plan.new, src.file, fast=True)
    if after.diagnostics or after.data is None:
        raise TouchError(f"{src.file}: the edit would break the file "
                         f"({after.diagnostics[0] if after.diagnostics else 'no data'}); "
                         "nothing was written")
    dates_ok = all(str(value_at(after.data, (*p, "reviewed"))) == iso for p in paths)
    if not dates_ok or not same_except(src.data, after.data, {(*p, "reviewed") for p in paths}):
        raise TouchError(f"{src.file}: the edit would change more than 'reviewed' (an unusual "
                         "layout); nothing was written — edit the date by hand")
