"""Load a new version of the data reusing what did not change since the last one (issue 18).

A register's daily rhythm is many small edits; a one-line change must not cost a full
parse and check of 100,000 entries.  :class:`IncrementalLoader` keeps, between two loads,
every top-level list entry (a directorate, person, dossier, process, collaboration, theme
or external unit) by its text: the checked records, the warnings it gave and the model
objects built from it.  A new version is split into the same entries; an entry whose text
is unchanged is taken over whole (its objects moved to their new line and list index when
entries above it were added or removed), only a changed or new entry is parsed and
checked.  A file whose bytes did not change is not even split again.  What spans the
whole register — duplicate ids, references, the synonym overlap, the checks on the built
registry (stale entries, heads …) — runs whole every time: a fraction of a second at
100,000 people.

Correctness first: the result equals that of :func:`registry.validate.load_registry` on
the same files, diagnostics and their positions included.  A file is split only when its
text is plain block style that splits safely — no anchors, aliases or tags, no tabs,
carriage returns, document markers or byte-order mark, each entity list a block sequence
under a bare ``section:`` line with its items at one indentation; anything else is
parsed whole, as before.  A file with a parse problem, and a version with any error, is
loaded in full by the reference path, so every error is reported exactly as ever.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .diagnostics import Loc
from .fastyaml import available as _fast_available
from .gcpause import paused_gc
from .load import (
    DEFAULT_MAX_BYTES,
    MAX_VALUES,
    AliasBudget,
    PathT,
    Positions,
    SourceFile,
    _too_many_values,
    parse_bytes,
    read_bytes,
)
from .model import Registry
from .schema import KIND_OF_SECTION
from .validate import (
    _REF_FIELDS,
    LoadResult,
    _Checker,
    _make_entities,
    _Record,
    build_registry,
    data_files,
    load_registry,
)

__all__ = ["IncrementalLoader", "split_entries", "Chunk"]

# What a file must not hold to be split: anchors, aliases and tags (an entry could lean on
# another), tabs, carriage returns, document markers and directives.  False alarms only
# cost a whole parse.
_NODE_PROPERTY = re.compile(r"[\s\[{,][&*!]")
_MARKER = re.compile(r"^(?:---|\.\.\.|%)", re.MULTILINE)
#: A line at column 1 that is no comment and no list item: a top-level key.
_KEY_LINE = re.compile(r"^[^ \n#-][^\n]*", re.MULTILINE)
_HEADER = re.compile(r"([a-z_]+)[ ]*:[ ]*(?:#[^\n]*)?")  # a bare `section:` line
_FIRST_CONTENT = re.compile(r"^(?![ ]*(?:#|$))( *)(\S)(\S?)", re.MULTILINE)
#: Above this share of changed entries a file is parsed whole (one parse is faster than
#: many small ones).
WHOLE_PARSE_SHARE = 0.25


def fastyaml_accepts(text: str) -> bool:
    """Whether the fast parser takes *text* up (else the load counts its values first)."""
    from . import fastyaml

    refused = getattr(fastyaml, "_refused", None)
    return _fast_available() and refused is not None and not refused(text)


class NeedFull(Exception):
    """A position was asked for that the reused entries do not keep: load in full."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """One top-level list entry of a file: its section, its text and its first line."""

    section: str
    text: str
    line: int  # 1-based line of its ``- ``
    column: int  # 1-based column of its ``-``


def split_entries(text: str) -> tuple[list[Chunk], str, list[int]] | None:
    """The entries of the entity lists of *text*, the rest of the text (the *head*: the
    top-level keys, ``settings``, ``organisation``, ``synonyms`` … with each split list
    left empty) and the original line of each line of the head; None when the text is not
    plain block style that splits safely.  $O(n)$ in the length of the text."""
    got = _split(text)
    return None if got is None else ([p for p in got[0] if p.section], got[1], got[2])


def _unsafe(text: str) -> bool:
    """Whether *text* (whole lines) holds what makes a split unsafe."""
    return ("\t" in text or "\r" in text or _MARKER.search(text) is not None
            or _NODE_PROPERTY.search("\n" + text) is not None)


def _split(text: str) -> tuple[list[Chunk], str, list[int]] | None:
    """As :func:`split_entries`, with the head's parts among the entries (as pieces of
    section ``""``), every piece of the text in order."""
    if not text or text[0] == "\ufeff" or _unsafe(text):
        return None
    found: list[tuple[str, int, int, int]] = []  # section, start, end, column of each item
    spans: list[tuple[int, int]] = []  # (start, end) of each split list's entries
    pos = 0
    while (key := _KEY_LINE.search(text, pos)) is not None:
        start, end = key.span()
        pos = end
        header = _HEADER.fullmatch(text, start, end)
        if header is None or header.group(1) not in KIND_OF_SECTION:
            continue
        first = _FIRST_CONTENT.search(text, end + 1)
        if first is None or first.group(2) != "-" or first.group(3) != "":
            continue  # not a block sequence here (empty, a flow list, something else)
        indent = len(first.group(1))
        after = _KEY_LINE.search(text, first.start())  # the next top-level key ends it
        stop = after.start() if after is not None else len(text)
        if first.start() >= stop:
            continue
        pos = stop
        item = re.compile(rf"^ {{{indent}}}-(?: |$)", re.MULTILINE)
        starts = [m.start() for m in item.finditer(text, first.start(), stop)]
        # Every line indented no deeper than the items must be an item: anything else
        # (a key at the wrong indentation, a continuation) makes the split unsafe.
        shallow = re.compile(rf"^ {{0,{indent}}}[^ \n#]", re.MULTILINE)
        if sum(1 for _ in shallow.finditer(text, first.start(), stop)) != len(starts):
            return None
        section = header.group(1)
        for a, b in zip(starts, [*starts[1:], stop], strict=True):
            found.append((section, a, b, indent + 1))
        spans.append((starts[0], stop))
    if not found:
        return None
    # Lines: the line breaks between consecutive boundaries, counted once over the text.
    chunks: list[Chunk] = []
    head_parts: list[str] = []
    line_map: list[int] = []
    line, pos, k = 1, 0, 0
    for a, b in spans:
        part = text[pos:a]
        head_parts.append(part)
        chunks.append(Chunk("", part, line, 0))
        breaks = part.count("\n")
        line_map.extend(range(line, line + breaks))
        line += breaks
        while k < len(found) and found[k][1] < b:
            section, start, end, column = found[k]
            chunk = text[start:end]
            chunks.append(Chunk(section, chunk, line, column))
            line += chunk.count("\n")
            k += 1
        pos = b
    tail = text[pos:]
    head_parts.append(tail)
    chunks.append(Chunk("", tail, line, 0))
    line_map.extend(range(line, line + tail.count("\n") + 1))
    return chunks, "".join(head_parts), line_map


def _values_estimate(text: str) -> int:
    """What :func:`registry.load._too_many_values` counts first (additive over pieces)."""
    return 2 * sum(text.count(c) for c in ",:-\n[{")


def _resplit(plan: _FilePlan, text: str, fast: bool) -> _FilePlan | None:
    """*plan* brought to *text* by splitting only the part that changed: the pieces the
    old and new text share at the start and at the end are kept (compared in place,
    $O(n)$ in C), the rest must be whole entries of one list; None otherwise (the text is
    split anew).  Entries below the change move by the lines it added or removed."""
    pieces = plan.pieces
    off, i = 0, 0
    while i < len(pieces) and text.startswith(pieces[i].text, off):
        off += len(pieces[i].text)
        i += 1
    end, j = len(text), len(pieces) - 1
    while j >= i and end - len(pieces[j].text) >= off and \
            text.endswith(pieces[j].text, off, end):
        end -= len(pieces[j].text)
        j -= 1
    old = pieces[i:j + 1]
    near = [p.section for p in (*old, *pieces[max(i - 1, 0):i], *pieces[j + 1:j + 2])
            if p.section]
    if not near or any(p.section != near[0] for p in old) or i == 0:
        return None
    section = near[0]
    indent = plan.indents[section]
    region = text[off:end]
    if region:
        item = re.compile(rf"^ {{{indent}}}-(?: |$)", re.MULTILINE)
        if not item.match(region) or _unsafe(region) or _KEY_LINE.search(region):
            return None
        starts = [m.start() for m in item.finditer(region)]
        shallow = re.compile(rf"^ {{0,{indent}}}[^ \n#]", re.MULTILINE)
        if sum(1 for _ in shallow.finditer(region)) != len(starts):
            return None
    else:
        starts = []
    estimate = plan.estimate - sum(_values_estimate(p.text) for p in old) + \
        _values_estimate(region)
    fast_ok = plan.fast_ok and fast and fastyaml_accepts("\n" + region)
    if estimate + 2 > MAX_VALUES and not fast_ok:
        return None
    line = pieces[i].line if i < len(pieces) else pieces[-1].line + pieces[-1].text.count("\n")
    first = line
    new: list[Chunk] = []
    for a, b in zip(starts, [*starts[1:], len(region)][:len(starts)], strict=True):
        chunk = region[a:b]
        new.append(Chunk(section, chunk, line, indent + 1))
        line += chunk.count("\n")
    shift = line - first - sum(p.text.count("\n") for p in old)
    after = pieces[j + 1:]
    if shift:
        after = [Chunk(p.section, p.text, p.line + shift, p.column) for p in after]
        line_map = [n + shift if n >= first else n for n in plan.line_map]
    else:
        line_map = plan.line_map
    return _FilePlan("", plan.head, line_map, [*pieces[:i], *new, *after], indents=plan.indents,
                     estimate=estimate, fast_ok=fast_ok)


class _Nowhere(Positions):
    """The positions of a reused entry's records: not kept (the entities carry theirs)."""

    __slots__ = ()

    def loc(self, path: PathT, at_key: bool = False) -> Loc:
        raise NeedFull(path)

    def value_position(self, path: PathT):
        raise NeedFull(path)

    def key_position(self, path: PathT):
        raise NeedFull(path)

    def recorded(self):
        raise NeedFull(())


_NOWHERE = _Nowhere("<reused>")


class _Shifted(Positions):
    """The positions of one entry, read from the document it was parsed in: the path's
    list index and the line moved from where it stood there to where it stands now."""

    __slots__ = ("base", "prefix", "base_prefix", "delta")

    def __init__(self, file: str, base: Positions, prefix: PathT, base_prefix: PathT,
                 delta: int):
        super().__init__(file)
        self.base, self.prefix, self.base_prefix, self.delta = base, prefix, base_prefix, delta

    def _base_path(self, path: PathT) -> PathT:
        path = tuple(path)
        if path[:2] != self.prefix:
            raise NeedFull(path)
        return (*self.base_prefix, *path[2:])

    def loc(self, path: PathT, at_key: bool = False) -> Loc:
        got = self.base.loc(self._base_path(path), at_key)
        return Loc(self.file, tuple(path), got.line + self.delta, got.column)

    def value_position(self, path: PathT):
        got = self.base.value_position(self._base_path(path))
        return None if got is None else (got[0] + self.delta, got[1])

    def key_position(self, path: PathT):
        got = self.base.key_position(self._base_path(path))
        return None if got is None else (got[0] + self.delta, got[1])

    def recorded(self):
        raise NeedFull(())


class _Head(Positions):
    """The positions of a file whose entries were split off: the head's own from its
    parse (lines mapped back to the file's), a split list's where its first item is."""

    __slots__ = ("base", "line_map", "lists")

    def __init__(self, file: str, base: Positions, line_map: list[int],
                 lists: dict[str, tuple[int, int]]):
        super().__init__(file)
        self.base, self.line_map, self.lists = base, line_map, lists

    def _line(self, line: int) -> int:
        return self.line_map[min(line, len(self.line_map)) - 1]

    def loc(self, path: PathT, at_key: bool = False) -> Loc:
        path = tuple(path)
        if path and path[0] in self.lists:
            if len(path) > 1:
                raise NeedFull(path)
            if not at_key:
                return Loc(self.file, path, *self.lists[path[0]])
        got = self.base.loc(path, at_key)
        return Loc(self.file, path, self._line(got.line), got.column)

    def value_position(self, path: PathT):
        path = tuple(path)
        if path and path[0] in self.lists:
            if len(path) > 1:
                raise NeedFull(path)
            return self.lists[path[0]]
        got = self.base.value_position(path)
        return None if got is None else (self._line(got[0]), got[1])

    def key_position(self, path: PathT):
        path = tuple(path)
        if len(path) > 1 and path[0] in self.lists:
            raise NeedFull(path)
        got = self.base.key_position(path)
        return None if got is None else (self._line(got[0]), got[1])

    def recorded(self):
        raise NeedFull(())


@dataclass
class _Entry:
    """What one entry's text gave: its records, its warnings (relative to the entry) and
    the model objects, placed at ``placed`` = (file, section, index, line)."""

    records: list[_Record]
    warnings: list[tuple[PathT, int, int, str, str, str]]
    entities: dict[str, list]
    placed: tuple[str, str, int, int]


@dataclass(slots=True)
class _Slot:
    """An entry of the version being loaded: reused (``entry``) or to check (``item``,
    parsed, with its positions)."""

    key: tuple[str, str]
    file: str
    section: str
    index: int
    line: int
    entry: _Entry | None = None
    item: object = None
    positions: Positions | None = None


@dataclass
class _FilePlan:
    """A split file: its head parse, its entries, and where its lists start."""

    sha256: str
    head: SourceFile
    line_map: list[int]
    pieces: list[Chunk]  # the head's parts (section "") and the entries, in file order
    indents: dict[str, int] = field(default_factory=dict)  # of each split list's items
    estimate: int = 0  # see _values_estimate
    fast_ok: bool = False  # the fast parser takes the whole text up
    lists: dict[str, tuple[int, int]] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chunks = [p for p in self.pieces if p.section]
        self.lists = {}
        for c in self.chunks:
            self.lists.setdefault(c.section, (c.line, c.column))


class _SplicingChecker(_Checker):
    """The validator's checker, taking reused entries whole and keeping new ones."""

    def __init__(self, entries: dict[tuple[str, str], _Entry],
                 kinds: dict[str, str] | None = None):
        super().__init__()
        self.old = entries
        self.old_kinds = kinds  # id → kind of the version before (loaded without errors)
        self.kinds: dict[str, str] = {}
        self.reused_records: set[int] = set()
        self.pending: list[_Entry] = []  # checked here, their model objects still to make
        self.new: dict[tuple[str, str], _Entry] = {}
        self.runs: dict[int, tuple[_Entry, _Slot]] = {}  # id(first record) → entry, slot
        self.reused = self.checked = 0

    def check_entity(self, kind, item, path, pos, parent=None) -> None:  # noqa: ANN001
        if item.__class__ is not _Slot:
            return super().check_entity(kind, item, path, pos, parent)
        slot = item
        entry = slot.entry
        if entry is None:
            entry = self._fresh(kind, slot)
        else:
            self.reused += 1
            self.reused_records.update(map(id, entry.records))
            file, section, index, line = slot.file, slot.section, slot.index, slot.line
            for rel, dline, col, severity, code, message in entry.warnings:
                self.add(Loc(file, (section, index, *rel), line + dline, col), code, message,
                         severity)
            self.records.extend(entry.records)
        if entry is not None:
            if entry.records:
                self.runs[id(entry.records[0])] = (entry, slot)
            self.new[slot.key] = entry
        return None

    def _fresh(self, kind: str, slot: _Slot) -> _Entry | None:
        """Check a new entry; it is kept for the next version unless it has an error or
        a diagnostic that was not kept (over the limit of a code)."""
        self.checked += 1
        path = (slot.section, slot.index)
        d0, r0, c0 = len(self.diagnostics), len(self.records), sum(self.counts.values())
        super().check_entity(kind, slot.item, path, slot.positions)
        made = self.diagnostics[d0:]
        if (sum(self.counts.values()) - c0 != len(made)
                or any(d.severity == "error" or d.related or d.loc.path[:2] != path
                       or d.loc.file != slot.file for d in made)):
            return None  # checked as the validator does; its records stay plain
        warnings = [(d.loc.path[2:], d.loc.line - slot.line, d.loc.column, d.severity, d.code,
                     d.message) for d in made]
        entry = _Entry(self.records[r0:], warnings, {},
                       (slot.file, slot.section, slot.index, slot.line))
        self.pending.append(entry)  # its objects are made with the others' (make_entities)
        return entry

    def _make_pending(self, ids: dict[str, _Record]) -> None:
        """The model objects of the entries checked in this load, made in one call (the
        validator makes one object per record with a unique id, in order), then given to
        their entries; the records keep only what later versions need."""
        if not self.pending:
            return
        made = _make_entities([r for e in self.pending for r in e.records], ids)
        objects = {k: iter(v) for k, v in made.items()}
        try:
            for entry in self.pending:
                for rec in entry.records:
                    rid = rec.values.get("id")
                    if rid is None or ids.get(rid) is not rec:
                        raise NeedFull(("id", rid))  # an error: the full path reports it
                    entry.entities.setdefault(_ENTITY_KIND[rec.kind], []).append(
                        next(objects[_ENTITY_KIND[rec.kind]]))
        except (StopIteration, KeyError):
            raise NeedFull(("entities",)) from None
        for entry in self.pending:
            for rec in entry.records:
                # Kept for what spans the register (ids, references); the rest of the
                # values lives on in the model objects.
                for ev in rec.values.get("_evaluations", ()):
                    ev.positions = _NOWHERE
                    ev.values = _slim(ev)
                rec.positions = _NOWHERE
                rec.values = _slim(rec)
        self.pending = []

    def check_references(self, ids: dict[str, _Record]) -> None:
        """As the validator's, but when every id is still there with its kind, a reused
        entry's references resolve as they did in the version before (which loaded
        without errors): only the other records are checked."""
        self.kinds = {rid: rec.kind for rid, rec in ids.items()}
        if self.kinds != self.old_kinds:
            return super().check_references(ids)
        everything = self.records
        self.records = [r for r in everything if id(r) not in self.reused_records]
        try:
            return super().check_references(ids)
        finally:
            self.records = everything

    def make_entities(self, records: list[_Record], ids: dict[str, _Record]) -> dict[str, list]:
        """As :func:`registry.validate._make_entities`, the reused entries' objects moved to
        where their entries stand now."""
        out: dict[str, list] = {"unit": [], "person": [], "dossier": [], "process": [],
                                "collaboration": [], "organisation": [], "theme": [],
                                "external": []}
        self._make_pending(ids)
        i, plain = 0, []

        def flush() -> None:
            if plain:
                for k, v in _make_entities(plain, ids).items():
                    out[k].extend(v)
                plain.clear()

        while i < len(records):
            got = self.runs.get(id(records[i]))
            if got is None:
                plain.append(records[i])
                i += 1
                continue
            flush()
            # A duplicate id is an error (E012): such a version is loaded in full, so the
            # reused entry's records need no look-up in *ids* here.
            entry, slot = got
            place = (slot.file, slot.section, slot.index, slot.line)
            if entry.placed != place:
                entry.entities = {k: [_moved(e, entry.placed, place) for e in v]
                                  for k, v in entry.entities.items()}
                entry.placed = place
            for k, v in entry.entities.items():
                out[k].extend(v)
            i += len(entry.records)
        flush()
        return out


_ENTITY_KIND = {"directorate": "unit", "department": "unit", "person": "person",
                "dossier": "dossier", "process": "process", "collaboration": "collaboration",
                "theme": "theme", "external": "external"}


def _slim(rec: _Record) -> dict:
    """The values of *rec* the checks on the whole register read: its id, its references
    and its evaluations."""
    keep = _KEEP.get(rec.kind)
    if keep is None:
        keep = _KEEP[rec.kind] = frozenset(
            ("id", "_evaluations", *(f.name for f in _REF_FIELDS[rec.kind])))
    return {k: v for k, v in rec.values.items() if k in keep}


_KEEP: dict[str, frozenset[str]] = {}


def _moved(obj: object, old: tuple[str, str, int, int], new: tuple[str, str, int, int]):
    """*obj* (an entity, involvement or evaluation) with every location inside its entry
    moved from *old* (file, section, index, line) to *new*."""
    cls = obj.__class__
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    values = [getattr(obj, n) for n in names]
    changed = False
    for i, value in enumerate(values):
        if value.__class__ is Loc:
            if value.file == old[0] and value.path[:2] == (old[1], old[2]):
                values[i] = Loc(new[0], (new[1], new[2], *value.path[2:]),
                                value.line + new[3] - old[3], value.column)
                changed = True
        elif value.__class__ is tuple and value and dataclasses.is_dataclass(value[0]):
            values[i] = tuple(_moved(v, old, new) for v in value)
            changed = True
    # Every field of the model's classes is an argument of its constructor, in order.
    return cls(*values) if changed else obj


_FIELDS: dict[type, tuple[str, ...]] = {}


class IncrementalLoader:
    """Loads versions of one register one after another, reusing unchanged entries.

    :meth:`load` returns what :func:`registry.validate.load_registry` returns for the same
    files; :attr:`stats` says what the last load reused (``reused``, ``checked`` entries,
    ``files_split``, ``files_whole``, ``files_resplit``: changed files of which only the
    changed part was split again, ``full``: whether it fell back to a full load).
    Not thread-safe: one load at a time (the snapshot holder serialises them).
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._plans: dict[str, _FilePlan] = {}
        self._kinds: dict[str, str] | None = None
        self._resplit = 0
        self._version: str | None = None  # the data version of the last load
        self._registry: Registry | None = None  # its registry (see adopt)
        self.stats: dict[str, int | bool] = {}

    @property
    def primed(self) -> bool:
        """Whether a version was loaded through it (the next one reuses its entries)."""
        return bool(self.stats)

    def adopt(self, registry: Registry) -> int:
        """Keep *registry*'s model objects in place of the equal ones of the last load, and
        return how many were taken over.

        A viewer started from the disk cache primes the loader with a second read of the
        same files: two copies of every object.  Adopting the served ones
        frees the loader's copy, and the next version then shares its unchanged objects
        with the version served, so what compares versions by identity (the search
        index update, the lookups) finds the few changed entities directly instead of
        comparing every one.  Nothing happens unless *registry* is of the version last
        loaded (the same data version), and only equal objects are replaced.
        $O(n)$ in the number of entities.
        """
        if not self.stats or self.stats.get("full") or \
                registry.data_version != self._version:
            return 0
        tables = {"unit": registry.units, "person": registry.people,
                  "dossier": registry.dossiers, "process": registry.processes,
                  "collaboration": registry.collaborations, "theme": registry.themes,
                  "external": registry.externals}
        taken = 0
        for entry in self._entries.values():
            for kind, objects in entry.entities.items():
                table = tables.get(kind)
                if table is None:
                    continue
                for i, obj in enumerate(objects):
                    served = table.get(obj.id)
                    if served is not None and served is not obj and served == obj:
                        objects[i] = served
                        taken += 1
        self._registry = registry
        return taken

    def load(self, paths: str | os.PathLike | Iterable[str | os.PathLike], *,
             today: dt.date | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
             skip: Iterable[str] = (), fast: bool = True) -> LoadResult:
        """Read, check and build the register (see :func:`registry.validate.load_registry`,
        whose errors it raises)."""
        files = data_files(paths)
        with paused_gc():
            try:
                result, ck, plans = self._load(files, today, max_bytes, skip, fast)
            except NeedFull:
                result = None
            if result is None or not result.ok:
                self._entries, self._plans, self._kinds = {}, {}, None
                self._registry = self._version = None
                self.stats = {"reused": 0, "checked": 0, "files_split": 0, "files_whole": 0,
                              "files_resplit": 0, "full": True}
                return load_registry(files, today=today, max_bytes=max_bytes, skip=skip,
                                     fast=fast)
            self._entries, self._plans, self._kinds = ck.new, plans, ck.kinds
            self._version = result.registry.data_version
            self._registry = result.registry
            self.stats = {"reused": ck.reused, "checked": ck.checked,
                          "files_split": len(plans), "files_whole": len(files) - len(plans),
                          "files_resplit": self._resplit, "full": False}
            return result

    def _load(self, files: list, today: dt.date | None, max_bytes: int, skip: Iterable[str],
              fast: bool) -> tuple[LoadResult, _SplicingChecker, dict[str, _FilePlan]]:
        budget = AliasBudget()
        self._resplit = 0
        sources: list[SourceFile] = []
        plans: dict[str, _FilePlan] = {}
        for f in files:
            name = str(f)
            raw = read_bytes(f, max_bytes)
            src = self._source(name, raw, fast, budget, plans)
            sources.append(src)
        ck = _SplicingChecker(self._entries, self._kinds)
        result = build_registry(sources, today=today, skip=skip, checker=ck,
                                make_entities=ck.make_entities, previous=self._registry)
        return result, ck, plans

    def _source(self, name: str, raw: bytes, fast: bool, budget: AliasBudget,
                plans: dict[str, _FilePlan]) -> SourceFile:
        """The file as a source to check: split into entries (each reused or parsed), or,
        when it cannot be split safely, parsed whole as :func:`load_registry` does."""
        sha = hashlib.sha256(raw).hexdigest()
        plan = self._plans.get(name)
        if plan is not None and plan.sha256 != sha:
            plan = self._replan(plan, raw, sha, fast)
        if plan is None or plan.sha256 != sha:
            plan = self._plan(name, raw, sha, fast)
        if plan is None:
            return parse_bytes(raw, name, fast=fast, budget=budget)
        plans[name] = plan
        head = plan.head
        data = dict(head.data)  # type: ignore[call-overload]
        lists: dict[str, list[_Slot]] = {}
        index: dict[str, int] = {}
        for c in plan.chunks:
            i = index[c.section] = index.get(c.section, -1) + 1
            key = (c.section, c.text)
            lists.setdefault(c.section, []).append(_Slot(key, name, c.section, i, c.line,
                                                         entry=self._entries.get(key)))
        fresh = [s for ss in lists.values() for s in ss if s.entry is None]
        whole = None
        if len(fresh) > max(16, WHOLE_PARSE_SHARE * len(plan.chunks)):
            # Mostly new (a first load): one parse of the whole file beats many small ones.
            whole = parse_bytes(raw, name, fast=fast)
            if whole.diagnostics or not _fits(whole.data, lists):
                return parse_bytes(raw, name, fast=fast, budget=budget)
        for s in fresh:
            if whole is not None:
                s.item = whole.data[s.section][s.index]  # type: ignore[index]
                s.positions = _Shifted(name, whole.positions, (s.section, s.index),
                                       (s.section, s.index), 0)
                continue
            c_text = s.key[1]
            mini = parse_bytes(f"{s.section}:\n{c_text}".encode(), name, fast=fast)
            items = mini.data.get(s.section) if isinstance(mini.data, dict) else None
            if mini.diagnostics or not isinstance(items, list) or len(items) != 1:
                return parse_bytes(raw, name, fast=fast, budget=budget)
            s.item = items[0]
            s.positions = _Shifted(name, mini.positions, (s.section, s.index), (s.section, 0),
                                   s.line - 2)
        data.update(lists)
        return SourceFile(file=name, sha256=sha, data=data,
                          positions=_Head(name, head.positions, plan.line_map, plan.lists),
                          parser="incremental")

    def _replan(self, plan: _FilePlan, raw: bytes, sha: str, fast: bool) -> _FilePlan | None:
        text = _text(raw)
        if text is None:
            return None
        new = _resplit(plan, text, fast)
        if new is not None:
            new.sha256 = sha
            self._resplit += 1
        return new

    def _plan(self, name: str, raw: bytes, sha: str, fast: bool) -> _FilePlan | None:
        """Split a changed file; None when it must be parsed whole."""
        text = _text(raw)
        if text is None:
            return None
        estimate = _values_estimate(text)
        # Asked only where it matters (it is a scan of the whole text).
        fast_ok = estimate + 2 > MAX_VALUES and fast and fastyaml_accepts(text)
        # Only what PyYAML parses counts its values (registry.load): the same here.
        if estimate + 2 > MAX_VALUES and not fast_ok and _too_many_values(text):
            return None
        split = _split(text)
        if split is None:
            return None
        pieces, head_text, line_map = split
        head = parse_bytes(head_text.encode(), name, fast=fast)
        if head.diagnostics or not isinstance(head.data, dict):
            return None
        plan = _FilePlan(sha, head, line_map, pieces, estimate=estimate, fast_ok=fast_ok)
        for section in plan.lists:
            if head.data.get(section, ...) is not None:
                return None  # the list's key is not where the split put it
        plan.indents = {c.section: c.column - 1 for c in plan.chunks}
        return plan


def _text(raw: bytes) -> str | None:
    """The text of a file, or None when the parser must say what is wrong with it (not
    UTF-8, a NUL byte)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _fits(data: object, lists: dict[str, list[_Slot]]) -> bool:
    return isinstance(data, dict) and all(
        isinstance(data.get(s), list) and len(data[s]) == len(v) for s, v in lists.items())
