"""Diagnostics: positioned findings about the data, collected and reported sorted.

Every check appends to one list; nothing stops at the first problem (the habit of the
Rust project's ``team`` repository).  A diagnostic points at a place in a source file by
*path* (the keys and indexes that lead to the value, e.g. ``("people", 3, "unit")``);
the line and column are looked up in the file's position index when it is reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Literal

__all__ = [
    "Loc",
    "Text",
    "text",
    "TextError",
    "Diagnostic",
    "Severity",
    "cap",
    "printable",
    "bounded",
    "MAX_MESSAGE",
    "MAX_PER_CODE",
    "MAX_DIAGNOSTICS",
]

#: Characters of a message at most: a message may quote the data (an unknown key of a
#: megabyte), and a diagnostic is one line for a person to read.
MAX_MESSAGE = 400
#: Diagnostics kept of one code, and of all codes, in a report (:func:`cap`); the rest
#: is counted in one closing line per code.
MAX_PER_CODE = 200
MAX_DIAGNOSTICS = 2000

# C0 and C1 controls and DEL (a terminal acts on ESC sequences, BEL, backspace …) and the
# line and paragraph separators; what a message quotes from the data is shown escaped.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """*text* with control characters written as escapes (``\\x1b``, ``\\n``), so that
    printing it cannot move the cursor, retitle the terminal or break a line."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def bounded(message: str) -> str:
    """*message* as one printable line of at most :data:`MAX_MESSAGE` characters."""
    message = printable(message)
    if len(message) <= MAX_MESSAGE:
        return message
    cut = len(message) - MAX_MESSAGE + 1
    head = MAX_MESSAGE - 80
    return f"{message[:head]}…{message[head + cut:]}"  # keep the end: "did you mean"

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]


class Loc:
    """Where something was written: a file, the path to the value inside it, and its
    line and column (1-based).  ``at_key`` points at the key rather than its value.

    Immutable, compared and hashed by all four, like a frozen dataclass.  A location
    made by :meth:`deferred` looks its line and column up in the file's positions when
    they are first read: a large register places 200,000 entities, and a command that
    reports only a few of them (``tvb validate``) need not place the others.  Either
    form gives the same answers; a pickle or copy holds the numbers.
    """

    __slots__ = ("file", "path", "_line", "_column", "_where")
    __match_args__ = ("file", "path", "line", "column")

    def __init__(self, file: str, path: Path = (), line: int = 1, column: int = 1) -> None:
        # The slots' own setters (below the class): __setattr__ refuses every change.
        _set_file(self, file)
        _set_path(self, path)
        _set_line(self, line)
        _set_column(self, column)
        _set_where(self, None)

    @classmethod
    def deferred(cls, file: str, path: Path, positions: object, at_key: bool = False) -> Loc:
        """The location of *path*, looked up with ``positions.loc_once(path, at_key)`` (a
        :class:`registry.load.Positions`) when its line or column is first read.  It
        keeps *positions* (the file's parse) alive until then."""
        loc = cls.__new__(cls)
        _set_file(loc, file)
        _set_path(loc, path)
        _set_where(loc, (positions, at_key))
        return loc

    def _place(self) -> None:
        positions, at_key = self._where
        got = positions.loc_once(self.path, at_key)
        _set_line(self, got.line)
        _set_column(self, got.column)
        _set_where(self, None)  # the parse may go

    @property
    def line(self) -> int:
        if self._where is not None:
            self._place()
        return self._line

    @property
    def column(self) -> int:
        if self._where is not None:
            self._place()
        return self._column

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _key(self) -> tuple:
        return (self.file, self.path, self.line, self.column)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Loc(file={self.file!r}, path={self.path!r}, line={self.line!r}, "
                f"column={self.column!r})")

    def __reduce__(self) -> tuple:
        return (Loc, self._key())

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


_set_file, _set_path, _set_line, _set_column, _set_where = (
    getattr(Loc, name).__set__ for name in Loc.__slots__)


@dataclass(frozen=True, slots=True)
class Text:
    """Words to be said in the reader's language: a catalogue *key* (``diag.unknown_key``),
    the English *template* with ``{name}`` placeholders, and the *values* that fill them.

    A value may itself be a :class:`Text` (a "did you mean" hint, the kind of an entity),
    said in the same language.  ``str()`` is the English: the registry layer knows no
    catalogue, ``render.diagnostics`` says it in Dutch or English (the catalogue
    ``render/locale`` holds every key, with the same placeholders, in both).
    """

    key: str
    template: str
    values: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return self.template.format(**{k: str(v) if isinstance(v, Text) else v
                                        for k, v in self.values})

    @property
    def params(self) -> dict[str, object]:
        return dict(self.values)


def text(key: str, template: str, /, **values: object) -> Text:
    """A :class:`Text`: ``text("diag.no_owner", "active dossier '{id}' has no owner", id=i)``."""
    return Text(key, template, tuple(values.items()))


class TextError(Exception):
    """An error whose one-line message is a :class:`Text`: ``str()`` is the English, the
    command line says it in the chosen language."""

    def __init__(self, message: Text | str) -> None:
        super().__init__(str(message))
        self.text = message if isinstance(message, Text) else None


#: The empty words: a hint that there is no hint.
NOTHING = Text("", "")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: an error (the data is wrong) or a warning (it should be looked at).

    *message* is the English line (``str(text)``); *text*, when given, the same words as
    a catalogue key and values, so the render layer can say them in Dutch
    (``render.diagnostics``).  ``Diagnostic(loc, "error", "E005", text(...))`` fills both.
    """

    loc: Loc
    severity: Severity
    code: str
    message: str
    related: tuple[Loc, ...] = field(default=())
    #: For the closing line of a capped report (:func:`cap`): how many it stands for.
    hidden: int = field(default=0, compare=False)
    text: Text | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """The catalogue key of the message ("" when it has none)."""
        return self.text.key if self.text else ""

    @property
    def params(self) -> dict[str, object]:
        """The values of the message's placeholders."""
        return self.text.params if self.text else {}

    def __post_init__(self) -> None:
        if isinstance(self.message, Text):
            object.__setattr__(self, "text", self.message)
            object.__setattr__(self, "message", str(self.message))
        # Every message is one printable line of bounded length, whoever made it.
        if len(self.message) > MAX_MESSAGE or _UNPRINTABLE.search(self.message):
            object.__setattr__(self, "message", bounded(self.message))

    @property
    def sort_key(self) -> tuple:
        return (self.loc.file, self.loc.line, self.loc.column, self.code, self.message)

    def as_dict(self) -> dict:
        return {
            "file": self.loc.file,
            "line": self.loc.line,
            "column": self.loc.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.loc}: {self.severity}[{self.code}]: {self.message}"


def sort_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position and de-duplicated, as every report shows them."""
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


def cap(diagnostics: Sequence[Diagnostic], per_code: int = MAX_PER_CODE,
        total: int = MAX_DIAGNOSTICS, hidden: dict[str, int] | None = None) -> list[Diagnostic]:
    """The first *per_code* diagnostics of each code and *total* in all (in the given
    order, which is by position), and for each code with more a closing diagnostic
    "… and N more" at the place of the last one shown.  *hidden* counts, by code, those
    already left out before (see ``registry.validate``)."""
    kept: list[Diagnostic] = []
    shown: Counter[str] = Counter()
    hidden = Counter(hidden or {})
    last: dict[str, Diagnostic] = {}
    for d in diagnostics:
        if shown[d.code] < per_code and len(kept) < total:
            kept.append(d)
            shown[d.code] += 1
            last[d.code] = d
        else:
            hidden[d.code] += 1
            last.setdefault(d.code, d)
    for code, n in hidden.items():
        d = last.get(code)
        if d is None or not n:
            continue
        more = text("diag.more_errors", "and {n} more errors [{code}] like this, not shown",
                    n=f"{n:,}", code=code) if d.severity == "error" else text(
            "diag.more_warnings", "and {n} more warnings [{code}] like this, not shown",
            n=f"{n:,}", code=code)
        kept.append(Diagnostic(d.loc, d.severity, code, more, hidden=n))
    return kept
