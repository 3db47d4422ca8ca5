"""Check register files and build the :class:`~registry.model.Registry`.

Every rule is a stable code.  Errors (``E0xx``) mean the data is wrong; warnings
(``W1xx``) mean it should be looked at.  All findings are collected, every entity is
checked even after another failed, and the result is sorted and de-duplicated.

==== =================================================================
code rule
==== =================================================================
E001 YAML syntax error
E002 duplicate mapping key (YAML would silently keep the last one)
E003 unreadable or refused input (size, encoding, NUL, alias bomb, tag, depth, a link
     out of the data folder, a FIFO, socket or device)
E004 an empty file; ``organisation`` or ``settings`` given twice across files
E005 unknown key
E006 missing required field
E007 wrong type (text, list, mapping, number, URI expected; a tag its value does not
     fit; a control character in text)
E008 reference to an unknown id
E009 reference to the wrong kind (an owner that is a directorate)
E010 value not among the allowed ones
E011 invalid date
E012 duplicate id (both places shown)
E013 invalid id
E014 number out of range
E015 dates in the wrong order (end before start)
W101 ``reviewed`` older than ``settings.stale_after_days``
W102 ``reviewed`` missing
W103 head not in the unit they head
W104 collaboration ended without an evaluation
W105 active dossier without an owner
W106 the same id listed twice in one list
W107 an involvement ``since`` a date before the dossier's ``start``
W108 a synonym term in two sets (search keeps the first)
W109 a synonym set larger than search uses (only the first terms are searched)
W120 a phone number that is no valid ``tel:`` URI (RFC 3966), left out of the graph
W121 an e-mail address that is not valid, left out of the graph
W122 a placeholder of ``tvb new`` left in (``N. Nieuw``, ``Nieuw dossier`` …)
==== =================================================================
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy

from .contact import email_ok, tel_uri
from .diagnostics import MAX_PER_CODE, NOTHING, Diagnostic, Loc, Text, cap, sort_unique, text
from .gcpause import paused_gc
from .load import (
    DEFAULT_MAX_BYTES,
    AliasBudget,
    InvalidDate,
    NumberTooLong,
    Positions,
    ReadError,
    SourceFile,
    check_paths,
    expand_paths,
    parse_bytes,
    read_source,
)
from .model import (
    Collaboration,
    Dossier,
    Evaluation,
    External,
    Involvement,
    Organisation,
    Person,
    Process,
    Registry,
    Settings,
    Theme,
    Unit,
)
from .schema import ID_PATTERN, KIND_OF_SECTION, SPECS, Field
from .upkeep import stale_entries

__all__ = ["LoadResult", "load_registry", "build_registry", "registry_from_text",
           "registry_from_data", "CHECKS",
           "did_you_mean", "suggestion", "hint_text", "kind_text"]

_ID_RE = re.compile(ID_PATTERN)  # used with fullmatch: '$' alone would accept "id\n"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_URI_RE = re.compile(r'(?:https?://|urn:)[^\s<>"{}|\\^`]+')
# Control characters (C0 but the tab, DEL, C1) and the Unicode line and paragraph
# separators: a name holding ESC ] 0; … BEL retitles the terminal of whoever runs
# `tvb validate`, a line break splits what is printed as one line.
_CONTROL_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line text may hold line breaks and tabs, nothing else of the above.
_CONTROL_MULTILINE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: Text fields that may span lines; every other text is one line.
_MULTILINE = frozenset({"description", "purpose", "lessons"})
_LINK_TEMPLATE_RE = re.compile(r'(?:https?://|mailto:)[^\s<>"\\^`|]+')
MAX_ID_LENGTH = 80
PathT = tuple[str | int, ...]

_KIND_WORDS = {
    ("person",): "person",
    ("directorate",): "directorate",
    ("dossier",): "dossier",
    ("process",): "process",
    ("directorate", "department"): "unit (directorate or department)",
    ("directorate", "department", "person"): "directorate, department or person",
    ("person", "directorate", "department"): "person or unit",
    ("directorate", "department", "person", "external"):
        "directorate, department, person or external unit",
    ("person", "external"): "person or external unit",
    ("directorate", "department", "external"): "unit (directorate, department or external)",
    ("directorate", "external"): "directorate or external unit",
}



def _want(what: str, english: str) -> Text:
    """What a field must be ("an id", "a list"), for "'x' must be …"."""
    return text(f"diag.want.{what}", english)


_WANT_TEXT = _want("text", "non-empty text")
_WANT_LIST = _want("list", "a list")


def _range(f: Field) -> Text:
    lo, hi = f.minimum, f.maximum
    if hi is not None:
        return text("diag.range", "between {lo} and {hi}", lo=f"{lo:g}", hi=f"{hi:g}")
    return text("diag.range.min", "at least {lo}", lo=f"{lo:g}")


def _twice(item: object, f: Field) -> Text:
    return text("diag.W106", "'{item}' is listed twice in '{field}'", item=item, field=f.name)


_FIELDS = {spec: {f.name: f for f in fields} for spec, fields in SPECS.items()}
# How check_mapping takes the common valid value of each field at once (a reference,
# text, a date, an id, a phone number, an e-mail address); anything else, and every value
# these shortcuts do not take, goes through check_field.
_OTHER, _REF, _TEXT, _DATE, _ID, _PHONE, _EMAIL = range(7)
_WAYS = {"ref": _REF, "text": _TEXT, "date": _DATE, "id": _ID, "phone": _PHONE,
         "email": _EMAIL}
_SHORTCUT = {spec: {f.name: _WAYS.get(f.type, _OTHER) for f in fields}
             for spec, fields in SPECS.items()}
_REQUIRED = {spec: tuple(f.name for f in fields if f.required) for spec, fields in SPECS.items()}
#: The reference fields of each kind, the only ones :meth:`_Checker.check_references` reads.
#: Longest synonym term, and most terms of one set that search uses (``registry.search``).
MAX_SYNONYM_CHARS = 200
MAX_SYNONYM_TERMS = 32
_REF_FIELDS = {kind: tuple(f for f in fields if f.type in ("ref", "refs", "involve", "involved"))
               for kind, fields in SPECS.items()}


#: Keys people write in Dutch or in other English words, and the key the format uses.
KEY_ALIASES: dict[str, str] = {
    "naam": "name", "titel": "title", "telefoon": "phone", "tel": "phone",
    "telefoonnummer": "phone", "telephone": "phone", "mobiel": "phone", "mail": "email",
    "e-mail": "email", "emailadres": "email", "e-mailadres": "email", "functie": "function",
    "rol": "function", "role": "function", "afdeling": "unit", "eenheid": "unit",
    "directie": "unit", "department": "unit", "team": "unit", "eigenaar": "owner",
    "dossierhouder": "owner", "houder": "owner", "plaatsvervanger": "deputy",
    "vervanger": "deputy", "betrokken": "involved", "betrokkenen": "involved",
    "trefwoorden": "keywords", "tags": "keywords", "omschrijving": "description",
    "beschrijving": "description", "bevoegdheid": "authority", "proces": "process",
    "bevestigd": "reviewed", "gecontroleerd": "reviewed", "laatst_bevestigd": "reviewed",
    "last_reviewed": "reviewed", "confirmed": "reviewed", "hoofd": "head",
    "leiding": "head", "leidinggevende": "head", "manager": "head", "taken": "tasks",
    "afkorting": "abbreviation", "afdelingen": "departments", "leden": "members",
    "deelnemers": "members", "trekker": "lead", "leider": "lead", "doel": "purpose",
    "begin": "start", "einde": "end", "eind": "end", "evaluaties": "evaluations",
    "lessen": "lessons", "vacatures": "vacancies", "formatie": "fte", "as": "axis",
    "soort": "kind", "type": "kind", "fase": "stage", "sinds": "since",
}


def _key_hint(key: str, fields: Iterable[str]) -> Text:
    """A suggestion for an unknown key: its alias first (``telefoon`` → ``phone``), else
    the closest spelling."""
    fields = list(fields)
    target = KEY_ALIASES.get(str(key).strip().lower())
    if target in fields:
        return text("diag.hint.alias", " (did you mean '{word}'? keys are written in English)",
                    word=target)
    return hint_text(suggestion(key, fields))


def suggestion(word: str, choices: Iterable[str], cutoff: float = 70) -> str | None:
    """The closest of *choices* to *word* (rapidfuzz ratio of at least *cutoff*), or None."""
    best = fuzzy.extractOne(str(word), list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
    return best[0] if best else None


def hint_text(best: str | None) -> Text:
    return NOTHING if best is None else text("diag.hint", " (did you mean '{word}'?)",
                                             word=best)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 70) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    return str(hint_text(suggestion(word, choices, cutoff)))


#: The English word of a kind where it is not the kind itself.
_KIND_NAMES = {"external": "external unit"}


@functools.cache
def _a(kind: str) -> Text:
    """"a person", "an evaluation": the kind of a mapping, for "unknown key … in …"."""
    word = _KIND_NAMES.get(kind, kind)
    return text(f"diag.a.{kind}", ("an " if word[0] in "aeiou" else "a ") + word)


def kind_text(kind: str) -> Text:
    """The word for a kind of entity (the viewer's ``kind.*`` words)."""
    return text(f"kind.{kind}", _KIND_NAMES.get(kind, kind))


@dataclass
class LoadResult:
    """The registry (built as far as the data allows) and every finding about it."""

    registry: Registry
    diagnostics: list[Diagnostic]
    sources: list[SourceFile] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Record:
    """One entity as written: its kind, its checked fields, and where it stands."""

    kind: str
    values: dict
    path: PathT
    positions: Positions
    parent: str | None = None

    def loc(self, key: str | int | None = None, *more: str | int, at_key: bool = False) -> Loc:
        path = self.path if key is None else (*self.path, key, *more)
        return self.positions.loc(path, at_key)

    def deferred_loc(self, *keys: str | int) -> Loc:
        """:meth:`loc` of the value at *keys*, looked up when first read (:meth:`Loc.deferred`)."""
        pos = self.positions
        return Loc.deferred(pos.file, (*self.path, *keys) if keys else self.path, pos)


class _Checker:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.records: list[_Record] = []
        self.sections: dict[str, tuple[object, _Record]] = {}
        # Synonym sets of all files: (terms, location of the set, locations of the terms).
        self.synonyms: list[tuple[tuple[str, ...], Loc, tuple[Loc, ...]]] = []
        self.counts: dict[str, int] = {}  # diagnostics made, by code (kept or not)

    def add(self, loc: Loc, code: str, message: Text, severity: str = "error",
            related: tuple[Loc, ...] = ()) -> None:
        # Only the first few of a code are kept (the rest is counted): a file of a million
        # empty entries must not make millions of diagnostics.
        n = self.counts[code] = self.counts.get(code, 0) + 1
        if n <= MAX_PER_CODE:
            self.diagnostics.append(Diagnostic(loc, severity, code, message, related))  # type: ignore[arg-type]

    def room(self, code: str) -> bool:
        """Whether a diagnostic of *code* would still be kept; if not, count it.  Lets a
        caller skip looking up a position that nobody will see."""
        if self.counts.get(code, 0) < MAX_PER_CODE:
            return True
        self.counts[code] += 1
        return False

    # -- shape ------------------------------------------------------------------------
    def check_mapping(self, value: object, spec: str, path: PathT, pos: Positions,
                      what: Text, required: Iterable[str] | None = None) -> dict | None:
        if not isinstance(value, dict):
            self.add(pos.loc(path), "E007", text("diag.not_mapping",
                     "{what} must be a mapping (key: value)", what=what))
            return None
        shortcut = _SHORTCUT[spec]
        clean: dict = {}
        for key, item in value.items():
            way = shortcut.get(key)
            if way is None:
                fields = _FIELDS[spec]
                if self.room("E005"):
                    self.add(pos.loc((*path, key), at_key=True), "E005",
                             text("diag.unknown_key", "unknown key '{key}' in {what}{hint}",
                                  key=key, what=what, hint=_key_hint(key, fields)))
                continue
            # The common valid cases at once, as check_field would keep them: a reference
            # that is text is kept as written (_check_ref_field); text that isprintable()
            # holds no control character (_has_control); an id, phone number or e-mail
            # address that passes its check.  Everything else is looked at closely below.
            if way:
                cls = item.__class__
                if cls is str:
                    if way == _REF or (way == _TEXT and item.isprintable() and item.strip()) \
                            or (way == _ID and len(item) <= MAX_ID_LENGTH
                                and _ID_RE.fullmatch(item)) \
                            or (way == _PHONE and item.strip() and tel_uri(item) is not None) \
                            or (way == _EMAIL and item.strip() and email_ok(item)):
                        clean[key] = item
                        continue
                elif cls is dt.date and way == _DATE:
                    clean[key] = item
                    continue
            checked = self.check_field(_FIELDS[spec][key], item, (*path, key), pos)
            if checked is not None:
                clean[key] = checked
        for name in _REQUIRED[spec] if required is None else required:
            if name not in value and self.room("E006"):
                self.add(pos.loc(path), "E006", text(
                    "diag.missing_field", "{what} is missing required field '{field}'",
                    what=what, field=name))
        return clean

    def check_field(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        """The checked value of field *f*, or None after adding a diagnostic; each field
        type has its check in :data:`_FIELD_CHECKS`."""
        # Positions are looked up only for a finding: with the fast parser each lookup
        # costs a walk in the parse tree, and almost every field is fine.
        if value is None:
            if f.required:
                self.add(pos.loc(path), "E006", text(
                    "diag.empty_value", "'{field}' must have a value", field=f.name))
            return None
        return _FIELD_CHECKS[f.type](self, f, value, path, pos)

    def _check_text(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        if isinstance(value, str) and value.strip():
            if _has_control(f, value):
                return self._control_error(pos.loc(path), f, value)
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # a number written where text is expected is still text
        return self._type_error(pos.loc(path), f, _WANT_TEXT)

    def _check_contact(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        """E007 for a phone or e-mail that YAML did not read as text (an unquoted number
        has already lost its leading 0 or +); W120/W121 for one that cannot be a
        ``tel:``/``mailto:`` URI (:mod:`registry.contact`)."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.add(pos.loc(path), "E007", text(
                "diag.contact_number", "'{field}' must be text in quotes: YAML read it as the "
                "number {value}, which loses a leading 0 or + (and a leading 0 makes it "
                "octal); write {field}: \"...\" with the number as written",
                field=f.name, value=value))
            return None
        if not isinstance(value, str) or not value.strip():
            return self._type_error(pos.loc(path), f, _WANT_TEXT)
        if f.type == "phone" and tel_uri(value) is None:
            self.add(pos.loc(path), "W120", text(
                "diag.W120", "phone '{value}' is no international number (RFC 3966): write "
                "it with its country code, e.g. \"+31 70 123 4567\" (an extension as "
                "'toestel 12'); the graph leaves its tel: link out", value=value[:40]),
                "warning")
        elif f.type == "email" and not email_ok(value):
            self.add(pos.loc(path), "W121", text(
                "diag.W121", "email '{value}' is not a valid e-mail address "
                "(name@domain.tld); the graph leaves its mailto: link out", value=value[:60]),
                "warning")
        return value

    def _check_id(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        if not isinstance(value, str | int) or isinstance(value, bool):
            return self._type_error(pos.loc(path), f, _want("id", "an id"))
        value = str(value)
        if len(value) > MAX_ID_LENGTH or not _ID_RE.fullmatch(value):
            shown = value if len(value) <= 60 else value[:57] + "..."
            self.add(pos.loc(path), "E013", text(
                "diag.E013", "invalid id '{id}': use lowercase letters, digits and hyphens, "
                "starting with a letter or digit, at most {max} long", id=shown,
                max=MAX_ID_LENGTH))
            return None
        return value

    def _check_ref_field(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        return value if isinstance(value, str) else self._type_error(pos.loc(path), f,
                                                                      _want("id", "an id"))

    def _check_list(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        """``texts`` (non-empty text items), ``refs`` (ids, each once) and ``involve``
        (``all`` or ids)."""
        t = f.type
        if t == "involve" and value == "all":
            return "all"
        if not isinstance(value, list):
            want = _want("all_or_ids", "'all' or a list of ids") if t == "involve" \
                else _WANT_LIST
            return self._type_error(pos.loc(path), f, want)
        out, seen = [], set()
        for i, item in enumerate(value):
            if t == "texts":
                if isinstance(item, str) and item.strip():
                    if not item.isprintable() and _has_control(f, item):
                        self._control_error(pos.loc((*path, i)), f, item)
                    else:
                        out.append(item)
                else:
                    self.add(pos.loc((*path, i)), "E007", text(
                        "diag.item_text", "each item of '{field}' must be non-empty text",
                        field=f.name))
                continue
            if not isinstance(item, str):
                self.add(pos.loc((*path, i)), "E007", text(
                    "diag.item_id", "each item of '{field}' must be an id", field=f.name))
            elif item in seen:
                self.add(pos.loc((*path, i)), "W106", _twice(item, f), "warning")
            else:
                seen.add(item)
                out.append(item)
        return out

    def _check_number(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        """``int`` (a whole number) and ``number``, within the field's range."""
        whole = f.type == "int"
        if isinstance(value, NumberTooLong):  # never converted: see registry.load
            self.add(pos.loc(path), "E014", text(
                "diag.number_too_long", "'{field}' is a number of {n} characters, out of "
                "range: must be {range}", field=f.name, n=f"{len(value):,}", range=_range(f)))
            return None
        ok = isinstance(value, int) if whole else isinstance(value, int | float)
        # NaN passes every range check below, and JSON (reports, the viewer) has none.
        if not ok or isinstance(value, bool) or value != value:
            return self._type_error(pos.loc(path), f, _want("int", "a whole number") if whole
                                    else _want("number", "a number"))
        lo, hi = f.minimum, f.maximum
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.add(pos.loc(path), "E014", text(
                "diag.E014", "'{field}' is {value}, must be {range}", field=f.name,
                value=value, range=_range(f)))
            return None
        return value

    def _check_uri(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        # No characters that IRIs forbid: '>' or '"' would end the IRI in Turtle or
        # N-Triples and let the value write triples of its own.  And then the rules the
        # SPARQL store applies, or every query would fail.
        if isinstance(value, str) and _URI_RE.fullmatch(value) and _valid_iri(value):
            return value
        return self._type_error(pos.loc(path), f, _want("uri", "an http(s) or urn: URI"))

    def _check_link_template(self, f: Field, value: object, path: PathT,
                             pos: Positions) -> object:
        # Only web and mail links: a javascript: or data: template would run in the page.
        if isinstance(value, str) and _LINK_TEMPLATE_RE.fullmatch(value):
            return value
        return self._type_error(pos.loc(path), f, _want(
            "link_template", "an http(s):// or mailto: link template"))

    def _check_enum(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        if value in f.choices and not isinstance(value, bool):
            return value
        shown = ", ".join(map(str, f.choices))
        self.add(pos.loc(path), "E010", text(
            "diag.E010", "'{field}' is '{value}', expected one of: {choices}{hint}",
            field=f.name, value=value, choices=shown,
            hint=hint_text(suggestion(str(value), map(str, f.choices)))))
        return None

    def _check_object(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        return self.check_mapping(value, f.spec, path, pos,
                                  text("diag.a.field", "'{field}'", field=f.name))

    def _check_objects(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        if not isinstance(value, list):
            return self._type_error(pos.loc(path), f, _WANT_LIST)
        return list(enumerate(value))  # checked by the caller

    def _check_date(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        return self.check_date(f, value, pos, path)

    def check_involved(self, f: Field, value: object, path: PathT,
                       pos: Positions) -> list | None:
        """A list whose items are bare ids or mappings ``{id, since, stage}``; an item
        is kept as the id (text) or the checked mapping."""
        if not isinstance(value, list):
            return self._type_error(pos.loc(path), f, _WANT_LIST)
        out: list = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            if isinstance(item, dict):
                item = self.check_mapping(item, f.spec, (*path, i), pos, _a("involvement"))
                ref = item.get("id") if item is not None else None
                if ref is None:
                    continue
            elif isinstance(item, str):
                ref = item
            else:
                self.add(pos.loc((*path, i)), "E007", text(
                    "diag.item_involved", "each item of '{field}' must be an id or a mapping "
                    "{{id, since, stage}}", field=f.name))
                continue
            if ref in seen:
                self.add(pos.loc((*path, i)), "W106", _twice(ref, f), "warning")
                continue
            seen.add(ref)
            out.append(item)
        return out

    def _check_synonyms(self, f: Field, value: object, path: PathT, pos: Positions) -> object:
        # The sets are checked by check_synonyms, once the whole file is read.
        return value if isinstance(value, list) else self._type_error(
            pos.loc(path), f, _want("synonym_sets",
                                    "a list of synonym sets, e.g. - [cao, arbeidsvoorwaarden]"))

    def check_date(self, f: Field, value: object, pos: Positions, path: PathT) -> dt.date | None:
        if value.__class__ is dt.date:
            return value
        shown = str(value)
        if isinstance(value, str | InvalidDate) and _DATE_RE.fullmatch(shown):
            try:
                return dt.date.fromisoformat(shown)
            except ValueError:
                pass
        self.add(pos.loc(path), "E011", text(
            "diag.E011", "'{field}' is '{value}', not a valid date (YYYY-MM-DD)", field=f.name,
            value=shown))
        return None

    def _control_error(self, loc: Loc, f: Field, value: str) -> None:
        char = _has_control(f, value)
        code = ord(char.group()) if char else 0
        shown = f"U+{code:04X}"
        self.add(loc, "E007", text(
            "diag.control", "'{field}' holds a control character ({char}); write text "
            "without it", field=f.name, char=shown) if f.name in _MULTILINE else text(
            "diag.control_one_line", "'{field}' holds a control character ({char}); write "
            "text without it on one line", field=f.name, char=shown))
        return None

    def _type_error(self, loc: Loc, f: Field, want: Text) -> None:
        self.add(loc, "E007", text("diag.type", "'{field}' must be {want}", field=f.name,
                                   want=want))
        return None

    # -- sources ----------------------------------------------------------------------
    def check_source(self, src: SourceFile) -> None:
        pos = src.positions
        if src.data is None:
            return
        if not isinstance(src.data, dict):
            self.add(pos.loc(()), "E007", text(
                "diag.top_level", "the top level must be a mapping with 'schema: 1' and "
                "sections such as 'directorates', 'people' and 'dossiers'"))
            return
        if not src.data:
            self.add(pos.loc(()), "E004", text(
                "diag.empty_file", "the file is empty: it needs at least 'schema: 1'"))
            return
        # A file of a split folder may hold only the synonyms: no 'schema' needed there.
        only_synonyms = set(src.data) <= {"synonyms", "schema"}
        top = self.check_mapping(src.data, "register", (), pos,
                                 text("diag.a.register", "the register"),
                                 required=() if only_synonyms else None)
        if top is None:
            return
        if top.get("synonyms") is not None:
            self.check_synonyms(src.data.get("synonyms"), pos)
        for name in ("organisation", "settings"):
            if name in top:
                rec = _Record(name, top[name], (name,), pos)
                if name in self.sections:
                    first = self.sections[name][1].loc(at_key=True)
                    self.add(rec.loc(at_key=True), "E004", text(
                        "diag.section_twice", "'{section}' is given twice (first at {first})",
                        section=name, first=str(first)), related=(first,))
                else:
                    self.sections[name] = (top[name], rec)
                    if name == "organisation":
                        self.records.append(rec)
        for section, kind in KIND_OF_SECTION.items():
            for i, item in top.get(section) or ():
                self.check_entity(kind, item, (section, i), pos)

    def check_synonyms(self, sets: object, pos: Positions) -> None:
        """``synonyms:``: a list of sets, each a list of one or more text terms."""
        if not isinstance(sets, list):
            return  # E007 already (check_field)
        for i, terms in enumerate(sets):
            loc = pos.loc(("synonyms", i))
            if not isinstance(terms, list):
                self.add(loc, "E007", text(
                    "diag.synonym_set", "each synonym set must be a list of terms, e.g. "
                    "[cao, arbeidsvoorwaarden, salaris]"))
                continue
            if not terms:
                self.add(loc, "E006", text(
                    "diag.synonym_empty", "empty synonym set: give two or more terms that "
                    "mean the same, or remove it"))
                continue
            if len(terms) > MAX_SYNONYM_TERMS:
                self.add(loc, "W109", text(
                    "diag.W109", "synonym set of {n} terms: search uses only the first "
                    "{max}; split it into sets of things that really mean the same",
                    n=len(terms), max=MAX_SYNONYM_TERMS), "warning")
            good, locs = [], []
            for j, term in enumerate(terms):
                if isinstance(term, list | dict):
                    self.add(pos.loc(("synonyms", i, j)), "E007", text(
                        "diag.synonym_list", "a synonym term must be text, not a list (sets "
                        "do not nest)") if isinstance(term, list) else text(
                        "diag.synonym_mapping", "a synonym term must be text, not a mapping"))
                elif not isinstance(term, str) or not term.strip():
                    if term is None or isinstance(term, str):
                        self.add(pos.loc(("synonyms", i, j)), "E007", text(
                            "diag.synonym_blank", "a synonym term must be non-empty text, "
                            "not empty"))
                    else:
                        self.add(pos.loc(("synonyms", i, j)), "E007", text(
                            "diag.synonym_number", "a synonym term must be non-empty text, "
                            "not {value} (quote it)", value=repr(term)[:40]))
                elif len(term) > MAX_SYNONYM_CHARS:
                    self.add(pos.loc(("synonyms", i, j)), "E007", text(
                        "diag.synonym_long", "a synonym term must be at most {max} "
                        "characters, not {n}", max=MAX_SYNONYM_CHARS, n=len(term)))
                elif not _has_word(term):
                    self.add(pos.loc(("synonyms", i, j)), "E007", text(
                        "diag.synonym_no_word", "synonym term '{term}' has no letters or "
                        "digits: it can never match", term=term[:40]))
                else:
                    good.append(term)
                    locs.append(pos.loc(("synonyms", i, j)))
            if good:
                self.synonyms.append((tuple(good), loc, tuple(locs)))

    def check_synonym_overlap(self) -> None:
        """W108: a term (by its stems, as search compares them) in two sets."""
        from .text import stem, tokenize

        first: dict[tuple[str, ...], Loc] = {}
        for terms, _, locs in self.synonyms:
            mine: set[tuple[str, ...]] = set()
            for term, loc in zip(terms, locs, strict=True):
                key = tuple(map(stem, tokenize(term)))
                if key in mine:
                    continue
                mine.add(key)
                if key in first:
                    self.add(loc, "W108", text(
                        "diag.W108", "synonym term '{term}' is also in another set (at "
                        "{first}); search uses the first set only", term=term[:60],
                        first=str(first[key])), "warning", related=(first[key],))
                else:
                    first[key] = loc

    def check_entity(self, kind: str, item: object, path: PathT, pos: Positions,
                     parent: str | None = None) -> None:
        values = self.check_mapping(item, kind, path, pos, _a(kind))
        if values is None:
            return
        rec = _Record(kind, values, path, pos, parent)
        self.records.append(rec)
        for key in ("departments", "evaluations"):
            for i, sub in values.pop(key, None) or ():
                sub_kind = key[:-1]
                if sub_kind == "department":
                    self.check_entity("department", sub, (*path, key, i), pos, values.get("id"))
                else:
                    ev = self.check_mapping(sub, "evaluation", (*path, key, i), pos,
                                            _a("evaluation"))
                    if ev is not None:
                        values.setdefault("_evaluations", []).append(
                            _Record("evaluation", ev, (*path, key, i), pos))

    # -- ids and references -----------------------------------------------------------------
    def index_ids(self) -> dict[str, _Record]:
        ids: dict[str, _Record] = {}
        for rec in self.records:
            rid = rec.values.get("id")
            if rid is None:
                continue
            if rid in ids:
                first = ids[rid].loc("id")
                if ids[rid].kind != rec.kind:
                    kinds = text("diag.kinds", "{first} and {second}",
                                 first=kind_text(ids[rid].kind), second=kind_text(rec.kind))
                else:
                    kinds = kind_text(rec.kind)
                self.add(rec.loc("id"), "E012", text(
                    "diag.E012", "duplicate id '{id}' ({kinds}); first defined at {first}",
                    id=rid, kinds=kinds, first=str(first)), related=(first,))
            else:
                ids[rid] = rec
        return ids

    def check_references(self, ids: dict[str, _Record]) -> None:
        by_kind: dict[str, list[str]] = {}
        for rid, rec in ids.items():
            by_kind.setdefault(rec.kind, []).append(rid)
        nested = (e for rec in self.records if rec.kind == "collaboration"
                  for e in rec.values.get("_evaluations", ()))
        for rec in (*self.records, *nested):
            values = rec.values
            for f in _REF_FIELDS[rec.kind]:
                v = values.get(f.name)
                if v is None:
                    continue
                if f.type == "ref":
                    target = ids.get(v)
                    if target is None or target.kind not in f.refs:
                        self._check_ref(rec, f, v, rec.loc(f.name), ids, by_kind)
                elif f.type == "involved":
                    for i, item in enumerate(v):
                        ref, at = (item, (i,)) if isinstance(item, str) else (item["id"], (i, "id"))
                        target = ids.get(ref)
                        if target is None or target.kind not in f.refs:
                            self._check_ref(rec, f, ref, rec.loc(f.name, *at), ids, by_kind)
                elif v.__class__ is list:
                    for i, ref in enumerate(v):
                        target = ids.get(ref)
                        if target is None or target.kind not in f.refs:
                            self._check_ref(rec, f, ref, rec.loc(f.name, i), ids, by_kind)

    def _check_ref(self, rec: _Record, f: Field, ref: str, loc: Loc, ids: dict[str, _Record],
                   by_kind: dict[str, list[str]]) -> None:
        want = text("diag.refs." + "-".join(f.refs),
                    _KIND_WORDS.get(f.refs, " or ".join(f.refs)))
        target = ids.get(ref)
        if target is None:
            choices = [i for k in f.refs for i in by_kind.get(k, ())]
            self.add(loc, "E008", text(
                "diag.E008", "{field} '{ref}' is not a known {want}{hint}", field=f.name,
                ref=ref, want=want, hint=hint_text(suggestion(ref, choices))))
        elif target.kind not in f.refs:
            self.add(loc, "E009", text(
                "diag.E009", "{field} '{ref}' is a {kind}, not a {want}", field=f.name,
                ref=ref, kind=kind_text(target.kind), want=want))


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# -- building the model --------------------------------------------------------------------
#: The check of each field type (:attr:`registry.schema.Field.type`).
def _has_control(f: Field, value: str) -> re.Match | None:
    """The first control character that *value* may not hold in field *f*.  The line
    break that ends a block scalar (``name: >``) is allowed everywhere."""
    if f.name in _MULTILINE:
        return _CONTROL_MULTILINE_RE.search(value)
    return _CONTROL_RE.search(value, 0, len(value.rstrip("\n")))


def _valid_iri(value: str) -> bool:
    """Whether Oxigraph (the SPARQL store) takes *value* as an IRI: an IRI it refuses
    would make the export, and then every SPARQL query, fail."""
    try:
        from pyoxigraph import NamedNode
    except ImportError:  # pragma: no cover - a runtime dependency
        return True
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True


_FIELD_CHECKS: dict[str, Callable[[_Checker, Field, object, PathT, Positions], object]] = {
    "text": _Checker._check_text,
    "phone": _Checker._check_contact,
    "email": _Checker._check_contact,
    "id": _Checker._check_id,
    "ref": _Checker._check_ref_field,
    "refs": _Checker._check_list,
    "texts": _Checker._check_list,
    "involve": _Checker._check_list,
    "involved": _Checker.check_involved,
    "date": _Checker._check_date,
    "int": _Checker._check_number,
    "number": _Checker._check_number,
    "uri": _Checker._check_uri,
    "link_template": _Checker._check_link_template,
    "enum": _Checker._check_enum,
    "object": _Checker._check_object,
    "objects": _Checker._check_objects,
    "synonyms": _Checker._check_synonyms,
}


def _tuple(values: dict, key: str) -> tuple:
    v = values.get(key)
    return tuple(v) if isinstance(v, list) else ()


def _make_entities(records: list[_Record], ids: dict[str, _Record], *,
                   defer: bool = False) -> dict[str, list]:
    """The model objects of the records with a unique id, by kind.  With *defer* their
    locations are placed when first read (:meth:`Loc.deferred`)."""
    out: dict[str, list] = {"unit": [], "person": [], "dossier": [], "process": [],
                            "collaboration": [], "organisation": [], "theme": [],
                            "external": []}
    departments_of: dict[str, list[str]] = {}
    for rec in records:
        if rec.kind == "department" and rec.parent and "id" in rec.values:
            departments_of.setdefault(rec.parent, []).append(rec.values["id"])
    for rec in records:
        v = rec.values
        rid = v.get("id")
        if rid is None or ids.get(rid) is not rec:
            continue  # without a (unique) id an entry cannot take part in the graph
        loc = rec.deferred_loc() if defer else rec.loc()
        name = v.get("name") or rid
        if rec.kind in ("directorate", "department"):
            out["unit"].append(Unit(
                id=rid, kind=rec.kind, name=name, abbreviation=v.get("abbreviation"),
                axis=v.get("axis"), head=v.get("head"), tasks=_tuple(v, "tasks"),
                reviewed=v.get("reviewed"), parent=rec.parent,
                departments=tuple(departments_of.get(rid, ())), fte=v.get("fte"),
                vacancies=v.get("vacancies"), loc=loc, uri=v.get("uri")))
        elif rec.kind == "person":
            out["person"].append(Person(
                id=rid, name=name, unit=v.get("unit"), function=v.get("function"),
                email=v.get("email"), phone=v.get("phone"), level=v.get("level"),
                reviewed=v.get("reviewed"), loc=loc))
        elif rec.kind == "dossier":
            involvements = _involvements(rec, v.get("involved"), defer)
            out["dossier"].append(Dossier(
                id=rid, title=v.get("title") or rid, description=v.get("description"),
                keywords=_tuple(v, "keywords"), owner=v.get("owner"), deputy=v.get("deputy"),
                penvoerder=v.get("penvoerder"), involved=tuple(i.id for i in involvements),
                authority=v.get("authority"), process=v.get("process"),
                status=v.get("status", "active"), reviewed=v.get("reviewed"),
                start=v.get("start"), stage=v.get("stage"),
                # Kept only when some entry says when or at which stage: a register of bare
                # ids (most of them) carries no second copy of its lists.
                involvements=involvements if any(i.since or i.stage for i in involvements)
                else (), loc=loc))
        elif rec.kind == "process":
            involve = v.get("involve", ())
            out["process"].append(Process(
                id=rid, name=name, penvoerder=v.get("penvoerder"),
                involve=involve if involve == "all" else tuple(involve),
                description=v.get("description"), reviewed=v.get("reviewed"), loc=loc))
        elif rec.kind == "collaboration":
            evaluations = tuple(
                Evaluation(date=e.values["date"], worthwhile=e.values.get("worthwhile"),
                           lessons=_tuple(e.values, "lessons"),
                           factors=dict(e.values.get("factors") or {}),
                           subfactors=dict(e.values.get("subfactors") or {}),
                           can_do_mentaliteit=e.values.get("can_do_mentaliteit"),
                           tvb_in_praktijk=e.values.get("tvb_in_praktijk"),
                           scored_by=_tuple(e.values, "scored_by"),
                           absent=_tuple(e.values, "absent"), goals_met=e.values.get("goals_met"),
                           loc=e.deferred_loc() if defer else e.loc())
                for e in v.get("_evaluations", ()) if "date" in e.values)
            out["collaboration"].append(Collaboration(
                id=rid, name=name, type=v.get("kind", "overleg"), mode=v.get("mode"),
                lead=v.get("lead"), members=_tuple(v, "members"),
                directorates=_tuple(v, "directorates"), dossiers=_tuple(v, "dossiers"),
                purpose=v.get("purpose"), start=v.get("start"), end=v.get("end"),
                evaluations=evaluations, reviewed=v.get("reviewed"), loc=loc))
        elif rec.kind == "organisation":
            out["organisation"].append(Organisation(
                id=rid, name=name, parent=v.get("parent"), parent_uri=v.get("parent_uri"),
                head=v.get("head"), loc=loc, uri=v.get("uri")))
        elif rec.kind == "theme":
            out["theme"].append(Theme(
                id=rid, name=name, match=_tuple(v, "match"), involve=_tuple(v, "involve"),
                reason=v.get("reason"), loc=loc))
        elif rec.kind == "external":
            out["external"].append(External(
                id=rid, name=name, abbreviation=v.get("abbreviation"),
                type=v.get("kind", "overig"), loc=loc))
    return out


def _involvements(rec: _Record, items: object, defer: bool = False
                  ) -> tuple[Involvement, ...]:
    """The ``involved`` entries of a dossier record: bare ids and ``{id, since, stage}``."""
    if not isinstance(items, list):
        return ()
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(Involvement(item))
        else:
            out.append(Involvement(item["id"], item.get("since"), item.get("stage"),
                                   rec.deferred_loc("involved", i) if defer
                                   else rec.loc("involved", i)))
    return tuple(out)


# -- checks on the built registry ------------------------------------------------------------
Check = Callable[[Registry, dt.date, "_Checker"], None]


def check_reviewed(reg: Registry, today: dt.date, ck: _Checker) -> None:
    """W101/W102: entries are confirmed regularly (see :mod:`registry.upkeep`)."""
    limit = reg.settings.stale_after_days
    # An entry whose 'reviewed' was refused already has an error saying so: no warning
    # that it has none.
    refused = {(d.loc.file, d.loc.path[:-1]) for d in ck.diagnostics
               if d.severity == "error" and d.loc.path and d.loc.path[-1] == "reviewed"}
    for e in stale_entries(reg, today):
        loc = reg.get(e.id).loc
        if e.reviewed is None and (loc.file, loc.path) in refused:
            continue
        if e.reviewed is None:
            ck.add(loc, "W102", text(
                "diag.W102", "{kind} '{id}' has no 'reviewed' date: when was it last "
                "confirmed?", kind=kind_text(e.kind), id=e.id), "warning")
        else:
            ck.add(loc, "W101", text(
                "diag.W101", "{kind} '{id}' was last reviewed on {date}, {days} days ago "
                "(limit {limit})", kind=kind_text(e.kind), id=e.id, date=str(e.reviewed),
                days=e.age_days, limit=limit), "warning")


def check_heads(reg: Registry, today: dt.date, ck: _Checker) -> None:
    """W103: the head of a unit works in that unit (a directorate's head may sit in one of
    its departments)."""
    for u in reg.units.values():
        head = reg.people.get(u.head) if u.head else None
        if head is None or head.unit is None:
            continue
        in_directorate = u.kind == "directorate" and reg.directorate_of(head.id) == u.id
        if head.unit != u.id and not in_directorate:
            ck.add(u.loc, "W103", text(
                "diag.W103", "'{head}' heads {kind} '{id}', but works in '{unit}'",
                head=head.id, kind=kind_text(u.kind), id=u.id, unit=head.unit), "warning")


def check_collaboration_dates(reg: Registry, today: dt.date, ck: _Checker) -> None:
    """E015 and W104: a collaboration ends after it starts, and is evaluated when it ends."""
    for c in reg.collaborations.values():
        if c.start and c.end and c.end < c.start:
            ck.add(c.loc, "E015", text(
                "diag.E015", "collaboration '{id}' ends ({end}) before it starts ({start})",
                id=c.id, end=str(c.end), start=str(c.start)))
        if c.ended(today) and not c.evaluations:
            ck.add(c.loc, "W104", text(
                "diag.W104", "collaboration '{id}' ended on {end} without an evaluation: "
                "add one with its lessons", id=c.id, end=str(c.end)), "warning")


def check_owners(reg: Registry, today: dt.date, ck: _Checker) -> None:
    """W105: an active dossier has an owner."""
    for d in reg.dossiers.values():
        if d.active and not d.owner:
            ck.add(d.loc, "W105", text("diag.W105", "active dossier '{id}' has no owner",
                                       id=d.id), "warning")


def check_involvement_dates(reg: Registry, today: dt.date, ck: _Checker) -> None:
    """W107: nobody is involved in a dossier before it starts."""
    for d in reg.dossiers.values():
        if d.start is None:
            continue
        for inv in d.involvements:
            if inv.since is not None and inv.since < d.start:
                ck.add(inv.loc, "W107", text(
                    "diag.W107", "'{who}' is involved in dossier '{id}' since {since}, before "
                    "the dossier starts ({start})", who=inv.id, id=d.id,
                    since=str(inv.since), start=str(d.start)), "warning")


#: Checks on the built registry, by name; ``skip`` in :func:`build_registry` takes these names.
#: The placeholder values earlier versions of ``tvb new`` wrote: (kind, field) → value.
PLACEHOLDERS: dict[tuple[str, str], str] = {
    ("person", "name"): "N. Nieuw", ("person", "email"): "n.nieuw@example.org",
    ("dossier", "title"): "Nieuw dossier", ("dossier", "description"): "Waar gaat het over?",
    ("collaboration", "name"): "Nieuwe samenwerking",
    ("collaboration", "purpose"): "Wat willen we samen bereiken?",
}


def check_placeholders(reg: Registry, today: dt.date, ck: _Checker) -> None:
    """W122: no placeholder of ``tvb new`` is left in the data."""
    for (kind, name), value in PLACEHOLDERS.items():
        table = {"person": reg.people, "dossier": reg.dossiers,
                 "collaboration": reg.collaborations}[kind]
        for e in table.values():
            if getattr(e, name, None) == value:
                loc = e.loc
                ck.add(Loc(loc.file, (*loc.path, name), loc.line, loc.column), "W122", text(
                    "diag.W122", "'{field}' of {kind} '{id}' is still the placeholder "
                    "'{value}' of tvb new: write the real {field}", field=name,
                    kind=kind_text(kind), id=e.id, value=value), "warning")


CHECKS: dict[str, Check] = {
    "placeholders": check_placeholders,
    "reviewed": check_reviewed,
    "heads": check_heads,
    "collaboration-dates": check_collaboration_dates,
    "owners": check_owners,
    "involvement-dates": check_involvement_dates,
}


def build_registry(sources: list[SourceFile], *, today: dt.date | None = None,
                   skip: Iterable[str] = (), checker: _Checker | None = None,
                   make_entities: Callable[[list[_Record], dict[str, _Record]],
                                           dict[str, list]] | None = None,
                   previous: Registry | None = None, defer: bool = False) -> LoadResult:
    """Check parsed sources and build the registry from them.  *checker* and
    *make_entities* let :mod:`registry.incremental` reuse the unchanged entries, and
    *previous* (the version they come from) the registry's derived facts.  *defer*: the
    entities' locations are placed when first read (see :func:`load_registry`)."""
    today = today or dt.date.today()
    ck = checker if checker is not None else _Checker()
    for src in sources:
        ck.diagnostics.extend(src.diagnostics)
        ck.check_source(src)
    ids = ck.index_ids()
    ck.check_references(ids)
    ck.check_synonym_overlap()
    entities = (make_entities(ck.records, ids) if make_entities is not None
                else _make_entities(ck.records, ids, defer=defer))
    settings_values = ck.sections.get("settings", ({}, None))[0]
    settings = Settings(**{k: v for k, v in settings_values.items() if v is not None})
    reg = Registry(
        organisation=(entities["organisation"] or [None])[0],
        settings=settings,
        units=entities["unit"],
        people=entities["person"],
        dossiers=entities["dossier"],
        processes=entities["process"],
        collaborations=entities["collaboration"],
        data_version=_data_version(sources),
        sources=tuple(s.file for s in sources),
        themes=entities["theme"],
        externals=entities["external"],
        synonyms=tuple(terms for terms, _, _ in ck.synonyms),
        previous=previous,
    )
    skip = set(skip)
    for name, check in CHECKS.items():
        if name not in skip:
            check(reg, today, ck)
    kept = sort_unique(ck.diagnostics)
    hidden = {code: n - MAX_PER_CODE for code, n in ck.counts.items() if n > MAX_PER_CODE}
    return LoadResult(reg, cap(kept, hidden=hidden), sources)


def _data_version(sources: list[SourceFile]) -> str:
    h = hashlib.sha256()
    for s in sources:
        h.update(s.sha256.encode())
    return h.hexdigest()


def data_files(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list:
    """The files of *paths* in load order (folders expanded, see
    :func:`registry.load.check_paths`); raises :class:`ReadError` for a refused file or
    a folder without data files."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    paths = list(paths)
    files = [f for f, _ in check_paths(paths)]
    for p in paths:
        if os.path.isdir(p) and not expand_paths([p]):
            raise ReadError(Diagnostic(Loc(str(p)), "error", "E003", text(
                "diag.no_yaml", "the folder holds no .yaml or .yml files")))
    return files


def load_registry(paths: str | os.PathLike | Iterable[str | os.PathLike], *,
                  today: dt.date | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                  skip: Iterable[str] = (), fast: bool = True,
                  defer: bool = False) -> LoadResult:
    """Read, check and build the register from files or folders.

    ``fast`` parses with :mod:`registry.fastyaml` where it can (the same result; PyYAML
    is the reference and takes every file that path refuses).  ``defer`` places the
    entities' locations (line and column) only when they are first read: for a caller
    that reads a few (``tvb validate`` reports a few hundred of 200,000), at the price of
    keeping each file's parse until then (about 650 MB at 100,000 people), so not for a
    registry kept long.
    Raises :class:`registry.load.ReadError` when a file cannot be read at all.
    """
    files = data_files(paths)
    # Loading makes millions of small objects and no garbage cycles: the cyclic collector
    # would only walk them again and again (a fifth of the time of a large register).
    with paused_gc():
        budget = AliasBudget()  # shared: aliases are bounded across all the files
        return build_registry([read_source(f, max_bytes, fast=fast, budget=budget)
                               for f in files],
                              today=today, skip=skip, defer=defer)


def registry_from_text(text: str, *, name: str = "<text>", today: dt.date | None = None,
                       skip: Iterable[str] = ()) -> LoadResult:
    """Check and build a register from YAML text (tests, generated data, stdin)."""
    return build_registry([parse_bytes(text.encode("utf-8"), name)], today=today, skip=skip)


def registry_from_data(data: dict, *, name: str = "<data>", today: dt.date | None = None,
                       skip: Iterable[str] = ()) -> LoadResult:
    """Check and build a register from already-parsed data (generated registers).

    There is no file behind it, so every diagnostic points at line 1, column 1.
    """
    src = SourceFile(file=name, sha256=hashlib.sha256(repr(data).encode()).hexdigest(),
                     data=data, positions=Positions(name))
    return build_registry([src], today=today, skip=skip)
