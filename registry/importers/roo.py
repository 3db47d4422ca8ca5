"""Units from the Register van Overheidsorganisaties (ROO, organisaties.overheid.nl).

The ROO export (``exportOO.xml``, schema ``oo-export-2.6.11.xsd``) nests
``organisaties/organisatie`` to any depth; each ``organisatie`` has ``naam``,
``afkorting``, ``types/type``, ``takenEnBevoegdheden`` and the attributes ``systeemId``,
``resourceIdentifierTOOI`` and ``resourceIdentifierOWMS``.

:func:`read_subtree` streams the file and keeps only the subtree under the chosen
organisation; :func:`to_yaml` writes it as a register file (the organisation, its
directorates and their departments, names, abbreviations, tasks and the TOOI identifier as
``uri``); :func:`plan_update` compares it with an existing register and plans, as text
edits that keep every other byte, the names, abbreviations and identifiers that changed.

Safety: the XML is parsed by :mod:`defusedxml` with DTDs forbidden, so no entity is ever
expanded (no "billion laughs") and no external entity or DTD is fetched or read (no XXE);
the file is read in 64 KiB chunks and every element is removed from the tree once it has
been read, so memory stays bounded by the chosen subtree, whatever the size of the export.

Notes: one pass over the file, $O(n)$ in its size; memory $O(s + d)$ for a subtree of
$s$ organisations at nesting depth $d$.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..diagnostics import NOTHING, Text, text
from ..diagnostics import text as msg
from ..load import parse_bytes
from ..model import Registry
from ..search import fold
from ..validate import LoadResult, build_registry
from ..yamledit import EditError, TextDoc, same_except, set_value, value_at
from . import ImportFailed, clean_cell, slug, unique_id, yaml_scalar

__all__ = ["RooOrg", "RooTree", "read_subtree", "to_yaml", "Change", "FileUpdate", "Update",
           "plan_update", "MAX_BYTES", "NAMESPACE"]

#: The namespace of the export (the 2.6.11 schema keeps the 2.6.9 namespace).
NAMESPACE = "https://organisaties.overheid.nl/static/schema/oo/export/2.6.9"
#: Bytes an export may have (the full export is a few hundred MB at most).
MAX_BYTES = 2 * 1024**3
#: Element nesting beyond this is refused (the real export nests about 30 deep).
MAX_DEPTH = 400
_CHUNK = 64 * 1024
_BULLET = re.compile(r"^(?:[-•*·]|\d+[.)])\s+")


@dataclass
class RooOrg:
    """One ``organisatie`` of the export, with the sub-organisations that were kept."""

    system_id: str | None = None
    name: str | None = None
    abbreviation: str | None = None
    types: list[str] = field(default_factory=list)
    tooi: str | None = None
    owms: str | None = None
    tasks: list[str] = field(default_factory=list)
    children: list[RooOrg] = field(default_factory=list)

    @property
    def uri(self) -> str | None:
        """The official identifier kept as ``uri``: TOOI, else OWMS."""
        return self.tooi or self.owms

    def label(self) -> str:
        sid = f" (systeemId {self.system_id})" if self.system_id else ""
        return f"{self.name or '?'}{sid}"

    def walk(self, depth: int = 0):
        yield depth, self
        for c in self.children:
            yield from c.walk(depth + 1)


@dataclass
class RooTree:
    """The chosen organisation and what the export says of its parent."""

    root: RooOrg
    parent_name: str | None = None
    parent_uri: str | None = None
    organisations_read: int = 0


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: str) -> str:
    """The name without its namespace (cached: an export has a few dozen distinct tags)."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1]
        if len(_LOCAL_NAMES) < 10_000:  # a hostile file may invent millions of tags
            _LOCAL_NAMES[tag] = name
    return name


def _attr(elem: ET.Element, name: str) -> str | None:
    # The schema declares these attributes globally, so they are namespace-qualified in
    # a valid export; accept them unqualified too.
    value = elem.get(f"{{{NAMESPACE}}}{name}") or elem.get(name)
    if value is None:
        for k, v in elem.attrib.items():
            if _local(k) == name:
                return v.strip() or None
        return None
    return value.strip() or None


def _matcher(query: str):
    q = query.strip()
    if q.isdigit():
        return "id", lambda o: o.system_id == q
    if q.startswith(("http://", "https://", "urn:")):
        return "id", lambda o: q in (o.tooi, o.owms)
    f = fold(" ".join(q.split()))
    return "name", lambda o: (o.name is not None and fold(o.name) == f) or \
        (o.abbreviation is not None and fold(o.abbreviation) == f)


class _Frame:
    __slots__ = ("org", "depth", "keep", "match", "parent")

    def __init__(self, org: RooOrg, depth: int, keep: bool, parent: _Frame | None):
        self.org, self.depth, self.keep, self.match, self.parent = org, depth, keep, False, \
            parent


def read_subtree(path: str | os.PathLike, root: str, *,
                 max_bytes: int = MAX_BYTES) -> RooTree:
    """Stream the export at *path* and return the subtree under *root*.

    *root* is a ``systeemId`` (digits), a TOOI or OWMS URI, or a name or abbreviation
    (case and diacritics ignored; it must name exactly one organisation).

    Raises
    ------
    ImportFailed
        One line, positioned where the parser gives a position: unreadable, too large,
        malformed XML, a DTD or entity (refused, never expanded or fetched), nesting too
        deep, *root* not found or ambiguous.
    """
    name = str(path)
    try:
        size = os.stat(path).st_size
        fh = open(path, "rb")  # closed by the `with` below
    except OSError as exc:
        raise ImportFailed(msg("import.cannot_read", "{file}: cannot read: {reason}",
                                file=name, reason=exc.strerror)) from None
    if size > max_bytes:
        fh.close()
        raise ImportFailed(msg("import.roo.too_large", "{file}: {size} MiB is more than an "
                                "export of the register can be (at most {max} MiB); nothing "
                                "was imported", file=name, size=f"{size / 2**20:,.0f}",
                                max=f"{max_bytes / 2**20:,.0f}"))
    kind, matches_query = _matcher(root)
    matches: list[_Frame] = []
    stack: list[_Frame] = []
    elems: list[ET.Element] = []
    count = 0
    seen_root_element = False
    try:
        with fh:
            events = iterparse(_Chunked(fh), events=("start", "end"), forbid_dtd=True)
            for event, elem in events:
                if event == "start":
                    if not seen_root_element:
                        seen_root_element = True
                        if _local(elem.tag) != "overheidsorganisaties":
                            raise ImportFailed(msg(
                                "import.roo.root", "{file}: the root element is <{tag}>, not "
                                "<overheidsorganisaties>: not a ROO export", file=name,
                                tag=_local(elem.tag)[:40]))
                    elems.append(elem)
                    if len(elems) > MAX_DEPTH:
                        raise ImportFailed(msg(
                            "import.roo.deep", "{file}: elements nested more than {max} deep; "
                            "not a ROO export", file=name, max=MAX_DEPTH))
                    if _local(elem.tag) == "organisatie":
                        count += 1
                        parent = stack[-1] if stack else None
                        org = RooOrg(system_id=_attr(elem, "systeemId"),
                                     tooi=_attr(elem, "resourceIdentifierTOOI"),
                                     owms=_attr(elem, "resourceIdentifierOWMS"))
                        frame = _Frame(org, len(elems), bool(parent and parent.keep), parent)
                        stack.append(frame)
                        if kind == "id" and matches_query(org):
                            frame.keep = frame.match = True
                    continue
                # end
                elems.pop()
                local = _local(elem.tag)
                frame = stack[-1] if stack else None
                if frame is not None and len(elems) + 1 == frame.depth + 1:
                    _read_field(frame, local, elem, name)
                    if kind == "name" and local in ("naam", "afkorting") \
                            and not frame.match and matches_query(frame.org):
                        frame.keep = frame.match = True
                elif frame is not None and local == "type" and len(elems) + 1 == \
                        frame.depth + 2 and frame.keep:
                    text = _text(elem, name)
                    if text:
                        frame.org.types.append(text)
                if local == "organisatie" and frame is not None:
                    stack.pop()
                    if frame.match:
                        matches.append(frame)
                    elif frame.keep and frame.parent is not None:
                        frame.parent.org.children.append(frame.org)
                    if frame.match and kind == "id":
                        break  # ids are unique: the rest of the file cannot change the answer
                    if frame.match and frame.parent is not None and frame.parent.keep:
                        frame.parent.org.children.append(frame.org)
                # Free what was read: the element's content, and the element itself from
                # its parent (it is the parent's first child by now, so this is O(1)).
                elem.clear()
                if elems:
                    elems[-1].remove(elem)
    except ImportFailed:
        raise
    except DefusedXmlException as exc:
        raise ImportFailed(msg("import.roo.refused", "{file}: refused: {reason}; a ROO "
                                "export declares no DTD or entities, and none is ever "
                                "expanded or fetched", file=name,
                                reason=_defused_reason(exc))) from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        why = str(exc).split(":")[0]
        raise ImportFailed(msg("import.roo.malformed", "{where}: malformed XML ({reason})",
                                where=f"{name}:{line}:{col + 1}", reason=why)) from None
    except (OSError, UnicodeError, ValueError, RecursionError, MemoryError) as exc:
        raise ImportFailed(msg("import.roo.unreadable", "{file}: cannot read the export "
                                "({reason})", file=name,
                                reason=f"{type(exc).__name__}: {str(exc)[:200]}")) from None
    if not matches:
        raise ImportFailed(msg("import.roo.no_root", "{file}: no organisation '{root}' among "
                                "the {n} in the export; give its systeemId, TOOI URI, name or "
                                "abbreviation", file=name, root=root, n=f"{count:,}"))
    if len(matches) > 1:
        shown = "; ".join(m.org.label() for m in matches[:10])
        raise ImportFailed(msg("import.roo.ambiguous", "{file}: '{root}' names {n} "
                                "organisations ({shown}); give the systeemId instead",
                                file=name, root=root, n=len(matches), shown=shown))
    m = matches[0]
    return RooTree(m.org, m.parent.org.name if m.parent else None,
                   m.parent.org.uri if m.parent else None, count)


class _Chunked:
    """A file read in bounded chunks (ElementTree's iterparse reads 16 KiB anyway; this
    keeps the bound explicit whatever the parser does)."""

    def __init__(self, fh):
        self.fh = fh

    def read(self, n: int = -1) -> bytes:
        return self.fh.read(_CHUNK if n is None or n < 0 or n > _CHUNK else n)


def _defused_reason(exc: DefusedXmlException) -> str:
    kind = type(exc).__name__
    return {"DTDForbidden": "the file declares a DTD",
            "EntitiesForbidden": "the file declares an entity",
            "ExternalReferenceForbidden": "the file refers to an external resource",
            "NotSupportedError": "an unsupported XML feature"}.get(kind, kind)


def _text(elem: ET.Element, name: str) -> str | None:
    try:
        return clean_cell(elem.text)
    except ValueError:
        return None


def _read_field(frame: _Frame, local: str, elem: ET.Element, name: str) -> None:
    org = frame.org
    if local == "naam":
        org.name = _text(elem, name)
    elif local == "afkorting":
        org.abbreviation = _text(elem, name)
    elif local == "takenEnBevoegdheden" and frame.keep:
        org.tasks = _tasks(elem.text or "")


def _tasks(text: str) -> list[str]:
    out = []
    for part in text.splitlines():
        try:
            cleaned = clean_cell(_BULLET.sub("", part.strip()))
        except ValueError:
            continue
        if cleaned:
            out.append(cleaned)
    return out


# -- a new register file -----------------------------------------------------------------------
def to_yaml(tree: RooTree, source: str, today: dt.date,
            taken: set[str] | None = None) -> tuple[str, list[str]]:
    """The register file for *tree*, and notes on what could not be represented.

    The organisation is the chosen root; its sub-organisations are directorates, theirs
    departments.  Deeper units are listed in the notes, not dropped silently.  ``axis`` is
    not in ROO: every directorate gets ``axis: functional`` with a comment to check it.
    """
    taken = set(taken or ())
    root = tree.root
    notes: list[Text] = []
    lines = [f"# Imported by `tvb import roo` from {Path(source).name} on {today.isoformat()}:",
             f"# {root.label()} and its units in the Register van Overheidsorganisaties.",
             "# 'axis' is not in that register: check it for every directorate.",
             "schema: 1", "organisation:"]
    oid = unique_id(slug(root.abbreviation or root.name or "organisatie", "organisatie"), taken)
    lines.append(f"  id: {oid}")
    lines.append(f"  name: {yaml_scalar(root.name or oid)}")
    if root.uri:
        lines.append(f"  uri: {yaml_scalar(root.uri)}")
    if tree.parent_name:
        lines.append(f"  parent: {yaml_scalar(tree.parent_name)}")
    if tree.parent_uri:
        lines.append(f"  parent_uri: {yaml_scalar(tree.parent_uri)}")
    if not root.children:
        notes.append(text("import.roo.no_units", "{root} has no units below it in the export",
                          root=root.label()))
        lines.append("directorates: []")
    else:
        lines.append("directorates:")
    deeper: list[str] = []
    for d in root.children:
        lines += _unit_lines(d, taken, today, "  ", directorate=True)
        if d.children:
            lines.append("    departments:")
        for dep in d.children:
            lines += _unit_lines(dep, taken, today, "      ", directorate=False)
            deeper += [o.label() for depth, o in dep.walk() if depth]
    if deeper:
        more = text("import.roo.more", " and {n} more", n=f"{len(deeper) - 5:,}") \
            if len(deeper) > 5 else NOTHING
        notes.append(text("import.roo.deeper", "{n} units below the departments are not in "
                          "the register format and were left out: {units}{more} (import a "
                          "directorate with --root to see its lower levels)",
                          n=f"{len(deeper):,}", units="; ".join(deeper[:5]), more=more))
    return "\n".join(lines) + "\n", notes


def _unit_lines(org: RooOrg, taken: set[str], today: dt.date, indent: str, *,
                directorate: bool) -> list[str]:
    uid = unique_id(slug(org.abbreviation or org.name or "eenheid", "eenheid"), taken)
    inner = indent + "  "
    lines = [f"{indent}- id: {uid}", f"{inner}name: {yaml_scalar(org.name or uid)}"]
    if org.abbreviation:
        lines.append(f"{inner}abbreviation: {yaml_scalar(org.abbreviation)}")
    if org.uri:
        lines.append(f"{inner}uri: {yaml_scalar(org.uri)}")
    if directorate:
        lines.append(f"{inner}axis: functional   # check: integrating | functional | staff")
    if org.tasks:
        lines.append(f"{inner}tasks:")
        lines += [f"{inner}  - {yaml_scalar(t)}" for t in org.tasks]
    lines.append(f"{inner}reviewed: {today.isoformat()}")
    return lines


# -- updating an existing register -------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One value to change in the register: which entry, which key, from what to what."""

    file: str
    line: int
    entry: str
    key: str
    old: str | None
    new: str

    def __str__(self) -> str:
        if self.old is None:
            return f"{self.file}:{self.line}: {self.entry}: + {self.key}: {self.new}"
        return f"{self.file}:{self.line}: {self.entry}: {self.key}: {self.old!r} → {self.new!r}"


@dataclass
class FileUpdate:
    """The planned edit of one file of the register."""

    file: str
    old: bytes
    new: bytes


@dataclass
class Update:
    """What an import into an existing register changes and reports."""

    changes: list[Change] = field(default_factory=list)
    files: list[FileUpdate] = field(default_factory=list)
    new_in_roo: list[str] = field(default_factory=list)
    not_in_roo: list[str] = field(default_factory=list)
    tasks_differ: list[Text] = field(default_factory=list)  # reported, never changed


def _match(reg: Registry, orgs: list[RooOrg]) -> dict[str, RooOrg]:
    """Register unit id → ROO organisation: by identifier, else abbreviation, else name."""
    units = list(reg.units.values())
    out: dict[str, RooOrg] = {}
    used: set[int] = set()
    for how in ("uri", "abbreviation", "name"):
        for i, o in enumerate(orgs):
            if i in used:
                continue
            for u in units:
                if u.id in out:
                    continue
                if how == "uri":
                    ok = bool(u.uri) and u.uri in (o.tooi, o.owms)
                elif how == "abbreviation":
                    ok = bool(u.abbreviation and o.abbreviation) and \
                        fold(u.abbreviation) == fold(o.abbreviation)
                else:
                    ok = bool(o.name) and fold(u.name) == fold(o.name)
                if ok:
                    out[u.id] = o
                    used.add(i)
                    break
    return out


def plan_update(result: LoadResult, tree: RooTree, today: dt.date) -> Update:
    """Compare the register with *tree* and plan the edits of names, abbreviations and
    identifiers of the units (and the organisation) that match.

    Nothing else is touched: people, dossiers, tasks, axes and everything added by hand
    stay byte for byte; tasks that differ, units new in ROO and units ROO lacks are only
    reported.  The edited files are parsed again and must differ only in the planned
    values and give no new error.  Raises :class:`ImportFailed` when an edit cannot be made safely.
    """
    reg = result.registry
    orgs = [o for depth, o in tree.root.walk() if 1 <= depth <= 2]
    matched = _match(reg, orgs)
    update = Update()
    wanted: dict[str, list[tuple[tuple, str, str | None, str]]] = {}  # file → edits

    def plan(entity, key: str, old: str | None, new: str | None) -> None:
        if new is None or old == new:
            return
        loc = entity.loc
        update.changes.append(Change(loc.file, loc.line, entity.id, key, old, new))
        wanted.setdefault(loc.file, []).append((loc.path, key, old, new))

    org = reg.organisation
    root = tree.root
    if org is not None:
        same = (org.uri and org.uri in (root.tooi, root.owms)) or \
            (root.name and fold(org.name) == fold(root.name))
        if same:
            plan(org, "name", org.name, root.name)
            plan(org, "uri", org.uri, root.uri)
        else:
            update.not_in_roo.append(f"the organisation '{org.name}' is not {root.label()}; "
                                     "left as it is")
    for uid, o in matched.items():
        u = reg.units[uid]
        plan(u, "name", u.name, o.name)
        plan(u, "abbreviation", u.abbreviation, o.abbreviation)
        plan(u, "uri", u.uri, o.uri)
        if o.tasks and list(u.tasks) != o.tasks:
            update.tasks_differ.append(text(
                "import.roo.tasks_differ", "{file}:{line}: {id}: the tasks differ from ROO's "
                "{n} (left as they are)", file=u.loc.file, line=u.loc.line, id=u.id,
                n=len(o.tasks)))
    matched_ids = {id(o) for o in matched.values()}
    update.new_in_roo = [o.label() for o in orgs if id(o) not in matched_ids]
    update.not_in_roo += [u.id for u in reg.units.values() if u.id not in matched]

    sources = {s.file: s for s in result.sources}
    replaced = {}
    for file, edits in wanted.items():
        src = sources[file]
        try:
            raw = Path(file).read_bytes()
        except OSError as exc:
            raise ImportFailed(msg("import.cannot_read", "{file}: cannot read: {reason}",
                                    file=file, reason=exc.strerror)) from None
        if hashlib.sha256(raw).hexdigest() != src.sha256:
            raise ImportFailed(msg("touch.changed", "{file}: the file changed on disk while "
                                    "it was read; try again", file=file))
        doc = TextDoc(raw)
        for path, key, _old, new in edits:
            try:
                set_value(doc, src.positions, src.data, path, key, yaml_scalar(new))
            except EditError as exc:
                line = src.positions.loc(path).line
                raise ImportFailed(msg("import.roo.cannot_set", "{where}: cannot set '{key}': "
                                        "{reason}", where=f"{file}:{line}", key=key,
                                        reason=str(exc))) from None
        new_bytes = doc.result()
        after = parse_bytes(new_bytes, file)
        skip = {(*p, k) for p, k, _o, _n in edits}
        if after.diagnostics or not same_except(src.data, after.data, skip) or \
                any(value_at(after.data, (*p, k)) != n for p, k, _o, n in edits):
            raise ImportFailed(msg("import.roo.layout", "{file}: the edit would change more "
                                    "than the planned values (an unusual layout); nothing was "
                                    "written — edit by hand", file=file))
        replaced[file] = after
        update.files.append(FileUpdate(file, raw, new_bytes))
    if replaced:
        checked = build_registry([replaced.get(s.file, s) for s in result.sources], today=today)
        before = {str(d) for d in result.errors}
        added = [d for d in checked.errors if str(d) not in before]
        if added:
            raise ImportFailed(msg("import.roo.would_break", "the update would give an error "
                                    "({problem}); nothing was written", problem=str(added[0])))
    return update
