"""Importers: a register's first day from what the organisation already has.

- :mod:`registry.importers.sheet` reads people (and dossiers) from the old "wie is wie"
  list, an ``.xlsx`` or ``.csv`` export, through a small mapping file;
- :mod:`registry.importers.roo` reads the tree of units from the export of the
  Register van Overheidsorganisaties (``exportOO.xml``).

Both return plain data and YAML text; they never write (the command writes, through
:mod:`registry.atomic`).  This module holds what both need: ids made from names, YAML
scalars that read back as the same string, and the one error they raise.
"""

from __future__ import annotations

import re
import unicodedata

import yaml

from ..diagnostics import TextError
from ..search import fold

__all__ = ["ImportFailed", "slug", "unique_id", "yaml_scalar", "clean_cell", "check_beside",
           "MAX_ID_LENGTH"]

#: Ids are cut at a hyphen before this length (the validator refuses ids over 80).
MAX_ID_LENGTH = 60
_NUMBERISH = re.compile(r"[-+.0-9][-+.0-9_:eExXoObB ]*")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Characters no single-line text field may hold: C0/C1 controls, and the bidi controls
# that could reverse the text around a name when it is shown.
_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                        "\u2028\u2029\ufeff]")


class ImportFailed(TextError):
    """The input cannot be imported at all; the message is one line, with file and
    position where there is one."""


def slug(text: str, fallback: str = "x") -> str:
    """An id from a name: folded (no diacritics), lowercase, ``[a-z0-9-]``.

    >>> slug("Directie Financiële Ruimte & Beheer")
    'directie-financiele-ruimte-beheer'
    """
    s = _NOT_SLUG.sub("-", fold(unicodedata.normalize("NFKC", text))).strip("-")
    if len(s) > MAX_ID_LENGTH:
        s = s[:MAX_ID_LENGTH]
        s = s[:s.rfind("-")] if "-" in s[MAX_ID_LENGTH // 2:] else s
        s = s.strip("-")
    return s or fallback


def unique_id(base: str, taken: set[str]) -> str:
    """*base*, or ``base-2``, ``base-3`` … whichever is not in *taken* (which gets it)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def yaml_scalar(value: str) -> str:
    """*value* as a one-line YAML scalar that reads back as exactly that string (quoted
    when it would otherwise read as a number, date, boolean, null or something else)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True)
    text = text.removesuffix("\n").removesuffix("\n...")
    # Quote what a YAML 1.2 reader (editors, the fast parser) might take for a number,
    # such as a phone number 0612345678, which YAML 1.1 reads as text.
    if "\n" in text or _NUMBERISH.fullmatch(text):
        text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_style='"')
        text = text.removesuffix("\n")
    return text


def clean_cell(value: object) -> str | None:
    """A cell or element text as one line of text: None when empty; numbers without a
    spurious ``.0``; blanks collapsed.  Raises ValueError for control characters."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.replace("\u00a0", " ").split())
    if _BAD_CHARS.search(text):
        raise ValueError("holds a control character")
    return text or None


def check_beside(result, text: str, name: str, today) -> str | None:
    """Validate the YAML *text* as a new file *name* beside the files of the loaded
    register *result* (a :class:`registry.validate.LoadResult`): the first error it
    brings, or None.  An importer's output must never add an error."""
    from ..load import parse_bytes
    from ..validate import build_registry

    new = parse_bytes(text.encode("utf-8"), name)
    if new.diagnostics:
        return str(new.diagnostics[0])
    before = {str(d) for d in result.errors}
    checked = build_registry([*result.sources, new], today=today)
    added = [d for d in checked.errors if str(d) not in before]
    return str(added[0]) if added else None
