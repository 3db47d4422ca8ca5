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
from .diagnostics import TextError, text
from .load import SourceFile, parse_bytes
from .model import Registry
from .validate import hint_text, kind_text, suggestion
from .yamledit import EditError, TextDoc, same_except, set_value, value_at

__all__ = ["TouchError", "UnknownIdError", "FileTouch", "plan_touch", "apply_touch",
           "TOUCHABLE_KINDS"]

#: Kinds of entry that carry a ``reviewed`` date.
TOUCHABLE_KINDS = ("directorate", "department", "person", "dossier", "process",
                   "collaboration")


class TouchError(TextError):
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
            problems.append(text("touch.unknown_id", "unknown id '{id}'{hint}", id=i,
                                 hint=hint_text(suggestion(i, touchable))))
        elif e.kind not in TOUCHABLE_KINDS:
            problems.append(text("touch.no_reviewed", "'{id}' is the {kind}, which has no "
                                 "'reviewed' date", id=i, kind=kind_text(e.kind)))
    if problems:
        said = problems[0]
        for more in problems[1:]:  # one line: "a; b; c"
            said = text("touch.and", "{first}; {more}", first=said, more=more)
        raise UnknownIdError(said)

    by_file: dict[str, list[str]] = {}
    for i in ids:
        by_file.setdefault(registry.get(i).loc.file, []).append(i)
    sources_by_name = {s.file: s for s in sources}
    plans = []
    for name, file_ids in by_file.items():
        src = sources_by_name.get(name)
        if src is None:
            raise TouchError(text("touch.not_loaded", "{file}: not a file of the register "
                                  "that was loaded", file=name))
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
        raise TouchError(text("touch.cannot_read", "{file}: cannot read: {reason}",
                              file=src.file, reason=exc.strerror)) from None
    if hashlib.sha256(raw).hexdigest() != src.sha256:
        raise TouchError(text("touch.changed", "{file}: the file changed on disk while it was "
                              "read; try again", file=src.file))
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
            raise TouchError(text("touch.cannot_set", "{file}:{line}: cannot set 'reviewed' on "
                                  "'{id}': {reason}", file=src.file, line=line, id=i,
                                  reason=str(exc))) from None
        plan.changed.append(i)
    if plan.changed:
        plan.new = doc.result()
        _verify(src, plan, [registry.get(i).loc.path for i in plan.changed], iso)
    return plan


def _verify(src: SourceFile, plan: FileTouch, paths: list[tuple], iso: str) -> None:
    """Parse the edited text: it must hold the same data except the touched dates."""
    after = parse_bytes(plan.new, src.file, fast=True)
    if after.diagnostics or after.data is None:
        raise TouchError(text("touch.would_break", "{file}: the edit would break the file "
                              "({problem}); nothing was written", file=src.file,
                              problem=str(after.diagnostics[0]) if after.diagnostics
                              else "no data"))
    dates_ok = all(str(value_at(after.data, (*p, "reviewed"))) == iso for p in paths)
    if not dates_ok or not same_except(src.data, after.data, {(*p, "reviewed") for p in paths}):
        raise TouchError(text("touch.layout", "{file}: the edit would change more than "
                              "'reviewed' (an unusual layout); nothing was written — edit the "
                              "date by hand", file=src.file))
