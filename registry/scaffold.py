"""Skeletons for new entries: ``tvb new person|dossier|collaboration``.

A skeleton holds the required fields with values that already validate (references point
at entries that exist), today's ``reviewed``, and the optional fields as comments to
fill in or delete.  :func:`plan_append` adds one to the right list of the right file,
keeping every other byte of the file as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import TextError, text
from .load import SourceFile, parse_bytes
from .model import Registry
from .schema import COLLABORATION_KINDS, ID_PATTERN
from .validate import LoadResult, build_registry, hint_text, kind_text, suggestion
from .yamledit import EditError, TextDoc, dash_column, entry_last_line, following_position

__all__ = ["KINDS", "REQUIRED_OPTIONS", "ScaffoldError", "check_given", "skeleton_fields",
           "render", "plan_append", "Append", "default_id"]

#: What ``tvb new`` can make, and the list of the data file each goes into.
KINDS = {"person": "people", "dossier": "dossiers", "collaboration": "collaborations"}
_BASE_ID = {"person": "nieuwe-persoon", "dossier": "nieuw-dossier",
            "collaboration": "nieuwe-samenwerking"}


class ScaffoldError(TextError):
    """The skeleton cannot be made or added safely; the message says why."""


def default_id(reg: Registry, kind: str) -> str:
    """A free id for a new entry of *kind*: ``nieuwe-persoon``, ``nieuwe-persoon-2`` …"""
    base = _BASE_ID[kind]
    candidate, n = base, 1
    while candidate in reg:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _first(ids) -> str | None:
    return next(iter(ids), None)


#: What ``tvb new KIND --write`` needs to be told: (option, field) pairs.
REQUIRED_OPTIONS = {"person": (("name", "name"), ("unit", "unit")),
                    "dossier": (("name", "title"), ("owner", "owner")),
                    "collaboration": (("name", "name"), ("owner", "lead"))}
_WANTS = {"name": ("text", None), "unit": ("ref", ("directorate", "department")),
          "owner": ("ref", ("person",))}


def _yaml_text(value: str) -> str:
    """*value* as a YAML scalar (quoted when plain style would change it)."""
    import json

    plain = re.match(r"^[A-Za-zÀ-ÿ][\w .'()À-ÿ-]*$", value) and not value.endswith(" ")
    return value if plain else json.dumps(value, ensure_ascii=False)


def check_given(reg: Registry, kind: str, given: dict[str, str | None]) -> None:
    """Raise :class:`ScaffoldError` when a given ``--unit``/``--owner`` names no entry of
    the right kind."""
    for option, value in given.items():
        if value is None or _WANTS[option][0] != "ref":
            continue
        kinds = _WANTS[option][1]
        if reg.kind_of(value) not in kinds:
            pool = [e.id for e in reg if e.kind in kinds]
            raise ScaffoldError(text(
                "new.not_a", "--{option} '{value}' is not a {want} of the register{hint}",
                option=option, value=value, want=text("diag.refs." + "-".join(kinds),
                                                       " or ".join(kinds)),
                hint=hint_text(suggestion(value, pool))))


def skeleton_fields(reg: Registry, kind: str, entry_id: str, today: dt.date, *,
                    name: str | None = None, unit: str | None = None,
                    owner: str | None = None) -> list[tuple[str, str, bool]]:
    """(key, value as YAML, commented-out) for each line of the skeleton.  *name*, *unit*
    and *owner* (the lead of a collaboration) fill in what the register cannot guess;
    without them the skeleton holds placeholders that ``tvb validate`` flags (W122)."""
    check_given(reg, kind, {"unit": unit, "owner": owner})
    if kind not in KINDS:
        raise ScaffoldError(text("new.kind", "cannot make a '{kind}'; choose from {choices}",
                                 kind=kind, choices=", ".join(KINDS)))
    if not re.fullmatch(ID_PATTERN, entry_id):
        raise ScaffoldError(text("new.invalid_id", "invalid id '{id}': use lowercase letters, "
                                 "digits and hyphens, starting with a letter or digit",
                                 id=entry_id))
    if entry_id in reg:
        raise ScaffoldError(text("new.id_used", "id '{id}' is already used by a {kind}",
                                 id=entry_id, kind=kind_text(reg.kind_of(entry_id))))
    day = today.isoformat()
    unit = unit or _first(d.id for d in reg.directorates) or _first(reg.units)
    person = owner or _first(reg.people)
    if kind == "person":
        if unit is None:
            raise ScaffoldError(text("new.no_directorate", "the register has no directorate "
                                     "yet: add one first"))
        return [("id", entry_id, False), ("name", _yaml_text(name or "N. Nieuw"), False),
                ("unit", unit, False),
                ("function", "Beleidsmedewerker", True),
                ("email", "n.nieuw@example.org", True),
                ("phone", '"+31 70 000 0000"', True),
                ("reviewed", day, False)]
    if kind == "dossier":
        fields = [("id", entry_id, False), ("title", _yaml_text(name or "Nieuw dossier"), False),
                  ("description", "Waar gaat het over?", True),
                  ("keywords", "[trefwoord]", True)]
        fields.append(("owner", person or "persoon-id", person is None))
        fields += [("deputy", "persoon-id", True),
                   ("penvoerder", unit or "directie-id", True),
                   ("involved", "[directie-id]", True),
                   ("status", "active", False),
                   ("reviewed", day, False)]
        return fields
    fields = [("id", entry_id, False),
              ("name", _yaml_text(name or "Nieuwe samenwerking"), False),
              ("kind", f"werkverband  # {' | '.join(COLLABORATION_KINDS)}", False),
              ("mode", "voluntary  # voluntary | mandatory", True)]
    if person:
        fields += [("lead", person, False), ("members", f"[{person}]", False)]
    else:
        fields += [("lead", "persoon-id", True), ("members", "[persoon-id]", True)]
    fields += [("directorates", "[directie-id]", True),
               ("dossiers", "[dossier-id]", True),
               ("purpose", "Wat willen we samen bereiken?", True),
               ("start", day, False),
               ("end", day, True),
               ("reviewed", day, False)]
    return fields


def render(fields: list[tuple[str, str, bool]], dash: int = 2, offset: int = 2) -> list[str]:
    """The skeleton as list-item lines: ``-`` at column *dash*, keys *offset* further."""
    out = []
    for n, (key, value, commented) in enumerate(fields):
        text = f"# {key}: {value}" if commented else f"{key}: {value}"
        if n == 0:
            out.append(" " * dash + "-" + " " * (offset - 1) + text)
        else:
            out.append(" " * (dash + offset) + text)
    return out


@dataclass
class Append:
    """The planned addition to one file."""

    file: str
    old: bytes
    new: bytes
    result: LoadResult  # the whole register as it will be, checked


def plan_append(result: LoadResult, kind: str, fields: list[tuple[str, str, bool]],
                today: dt.date) -> Append:
    """Add the skeleton to the list of *kind* in the register's files, in memory.

    It goes after the last entry of that list in the last file that has one (else into
    the first file that names the list, else the first file), with the indentation of the
    entries around it.  The new register is checked: the skeleton must add no error.
    """
    section = KINDS[kind]
    sources = result.sources
    if not sources:
        raise ScaffoldError(text("new.no_file", "the register has no file to add to"))
    target = None
    for src in sources:
        if isinstance(src.data, dict) and isinstance(src.data.get(section), list) \
                and src.data[section]:
            target = src
    if target is None:
        target = next((s for s in sources if isinstance(s.data, dict) and section in s.data),
                      sources[0])
    raw = Path(target.file).read_bytes()
    if hashlib.sha256(raw).hexdigest() != target.sha256:
        raise ScaffoldError(text("new.changed", "{file}: the file changed on disk while it "
                                 "was read", file=target.file))
    doc = TextDoc(raw)
    try:
        _insert(doc, target, section, fields)
    except EditError as exc:
        raise ScaffoldError(text("new.edit", "{file}: {reason}", file=target.file,
                                 reason=str(exc))) from None
    new = doc.result()
    edited = parse_bytes(new, target.file, fast=True)
    others = [edited if s is target else s for s in sources]
    checked = build_registry(others, today=today)
    entry_id = fields[0][1]
    before = {str(d) for d in result.errors}
    added = [d for d in checked.errors if str(d) not in before]
    if added or checked.registry.get(entry_id) is None:
        why = str(added[0]) if added else "the new entry was not found after adding it"
        raise ScaffoldError(text("new.would_break", "{file}: adding the skeleton would give an "
                                 "error ({problem}); nothing was written", file=target.file,
                                 problem=why))
    return Append(target.file, raw, new, checked)


def _insert(doc: TextDoc, src: SourceFile, section: str,
            fields: list[tuple[str, str, bool]]) -> None:
    data = src.data if isinstance(src.data, dict) else {}
    pos = src.positions
    items = data.get(section)
    if section not in data:
        lines = render(fields)
        eol = doc.usual_eol()
        body = eol.join([f"{section}:", *lines]) + eol
        blank = eol if doc.text.strip() and not doc.text.endswith(eol + eol) else ""
        doc.append(blank + body)
        return
    value_at = pos.value_position((section,))
    first = doc.text[doc.offset(*value_at):][:1] if value_at else ""
    if first in ("[", "{"):
        raise EditError(f"'{section}' is written in flow style ([...]); write it as a block "
                        "list (one '- ' item per line) to add to it")
    if not items:  # `people:` with nothing after it
        key_line = pos.key_position((section,))[0]
        doc.insert_line_after(key_line, doc.eol(key_line).join(render(fields)))
        return
    last = (section, len(items) - 1)
    line, col = pos.value_position(last)
    dash = dash_column(doc, line, col)
    if dash is None:
        raise EditError(f"cannot tell the indentation of the last item of '{section}'")
    offset = col - 1 - dash
    end = entry_last_line(doc, line, following_position(data, pos, last))
    lines = render(fields, dash, offset)
    eol = doc.eol(end)
    # Keep the file's rhythm: a blank line between entries if the last two have one.
    if len(items) > 1 and line > 1 and not doc.body(line - 1).strip():
        lines = ["", *lines]
    doc.insert_line_after(end, eol.join(lines))
