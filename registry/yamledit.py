"""Edit register YAML in place without disturbing anything that was not asked to change.

Round-tripping through a YAML library loses comments, quoting, key order and blank
lines.  Instead, the edits here work on the text itself: the loader's positions
(:class:`registry.load.Positions`) say where a value starts; this module finds where it
ends and replaces exactly that span, or inserts a whole line with the indentation of its
neighbours.  Every other byte (line endings included) stays as it was.

Callers re-parse the result and compare it with what they meant to change before they
write anything (see :mod:`registry.touch` and :mod:`registry.scaffold`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .load import Positions

__all__ = ["EditError", "TextDoc", "following_position", "scalar_span", "flow_end", "value_at",
           "entry_last_line", "dash_column", "set_value", "inside_flow", "same_except"]

# The line breaks of YAML 1.1 as PyYAML and libyaml read them; str.splitlines knows
# more (\v, \f, \x1c…), which would shift every line number after them.
_LINE_RE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029])?")
_BOM = "\ufeff"


class EditError(Exception):
    """The edit cannot be made safely; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


class TextDoc:
    """A YAML file as text, addressable by the loader's 1-based line and column."""

    def __init__(self, raw: bytes):
        text = raw.decode("utf-8")
        self.bom = text.startswith(_BOM)
        self.text = text[1:] if self.bom else text
        self.lines: list[str] = [m.group(0) for m in _LINE_RE.finditer(self.text)]
        if self.lines and self.lines[-1] == "":
            self.lines.pop()  # the regex's final empty match at the end of the text
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line)
        self._edits: list[_Edit] = []

    # -- addressing ---------------------------------------------------------------------
    def offset(self, line: int, col: int) -> int:
        """Offset in :attr:`text` of a 1-based line and column."""
        if line > len(self.lines):
            return len(self.text)
        return self.starts[line - 1] + col - 1

    def line_of(self, offset: int) -> int:
        """1-based line holding *offset*."""
        return max(1, bisect.bisect_right(self.starts, offset))

    def body(self, line: int) -> str:
        """Line *line* (1-based) without its line break."""
        return self.lines[line - 1].rstrip("\r\n\x85\u2028\u2029")

    def eol(self, line: int) -> str:
        """The line break ending *line*, or the file's usual one if it has none."""
        text = self.lines[line - 1]
        brk = text[len(self.body(line)):]
        return brk or self.usual_eol()

    def usual_eol(self) -> str:
        crlf = sum(line.endswith("\r\n") for line in self.lines)
        lf = sum(line.endswith("\n") and not line.endswith("\r\n") for line in self.lines)
        return "\r\n" if crlf > lf else "\n"

    # -- editing ------------------------------------------------------------------------
    def replace(self, start: int, end: int, text: str) -> None:
        self._edits.append(_Edit(start, end, text))

    def insert_line_after(self, line: int, content: str) -> None:
        """Insert *content* as a new line after *line*, with that line's line break."""
        eol = self.eol(line)
        at = self.starts[line - 1] + len(self.lines[line - 1])
        if self.lines[line - 1] == self.body(line):  # the last line has no break: add one
            self.replace(at, at, eol + content)
        else:
            self.replace(at, at, content + eol)

    def append(self, content: str) -> None:
        """Add *content* (lines joined with the file's line break) at the end."""
        at = len(self.text)
        eol = self.usual_eol()
        lead = eol if self.text and not self.lines[-1].endswith(("\n", "\r")) else ""
        self.replace(at, at, lead + content)

    def result(self) -> bytes:
        """The text with every edit applied; edits may not overlap."""
        out = self.text
        last = None
        for e in sorted(self._edits, key=lambda e: (e.start, e.end), reverse=True):
            if last is not None and e.end > last:
                raise EditError("internal error: overlapping edits")
            out = out[:e.start] + e.text + out[e.end:]
            last = e.start
        return ((_BOM if self.bom else "") + out).encode("utf-8")


def following_position(data: object, positions: Positions,
                       path: tuple) -> tuple[int, int] | None:
    """Where the first node after the node at *path* starts (None: nothing follows).

    That is the next item or key of the closest enclosing collection that has one, found
    from the parsed *data* (its dicts keep the file's order) and a few position look-ups,
    so it costs the depth of *path*, not the size of the file.
    """
    while path:
        parent_path, k = path[:-1], path[-1]
        parent = value_at(data, parent_path)
        if isinstance(parent, list) and isinstance(k, int) and k + 1 < len(parent):
            return positions.value_position((*parent_path, k + 1))
        if isinstance(parent, dict):
            keys = list(parent)
            i = keys.index(k) if k in parent else len(keys)
            if i + 1 < len(keys):
                return positions.key_position((*parent_path, keys[i + 1]))
        path = parent_path
    return None


def value_at(data: object, path: tuple) -> object:
    """The value at *path* in parsed data, or None where the path leads nowhere."""
    for k in path:
        try:
            data = data[k]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def scalar_span(doc: TextDoc, start: int, flow: bool) -> tuple[int, int]:
    """Start and end offsets of the scalar token starting at *start*.

    Quoted scalars span their quotes; a plain scalar ends at a comment, the end of the
    line or, inside ``{...}``/``[...]``, a flow indicator.  Trailing blanks are not part
    of it.  An empty (null) value gives an empty span.
    """
    text = doc.text
    if start >= len(text):
        return start, start
    quote = text[start]
    if quote in "'\"":
        i = start + 1
        while i < len(text):
            c = text[i]
            if quote == '"' and c == "\\":
                i += 2
                continue
            if c == quote:
                if quote == "'" and text[i + 1:i + 2] == "'":
                    i += 2  # '' is an escaped quote inside single quotes
                    continue
                return start, i + 1
            i += 1
        raise EditError("unterminated quoted value")
    line = doc.line_of(start)
    line_end = doc.starts[line - 1] + len(doc.body(line))
    end = start
    while end < line_end:
        c = text[end]
        if c == "#" and (end == start or text[end - 1] in " \t"):
            break
        if flow and c in ",]}":
            break
        end += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


def flow_end(doc: TextDoc, start: int) -> int:
    """Offset just after the ``}`` or ``]`` closing the flow collection opened at *start*."""
    text = doc.text
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c in "'\"" and (i == start or text[i - 1] in " \t,{[:\r\n"):
            i = scalar_span(doc, i, True)[1]
            continue
        elif c == "#" and text[i - 1] in " \t\r\n":
            i = doc.starts[doc.line_of(i) - 1] + len(doc.body(doc.line_of(i)))
            continue
        i += 1
    raise EditError("unterminated flow collection")


def entry_last_line(doc: TextDoc, start_line: int,
                    following: tuple[int, int] | None) -> int:
    """The last line of the block node that starts on *start_line* and is followed by the
    node at *following* (see :func:`following_position`).

    It is the last line before the next node that holds more than blanks, comments or a
    lone ``-``, so comments and blank lines between two entries stay between them.
    """
    bound = following[0] if following else len(doc.lines) + 1
    line = max(start_line, bound - 1)
    while line > start_line:
        body = doc.body(line).strip()
        if body and not body.startswith("#") and body not in ("-", "---", "..."):
            break
        line -= 1
    return line


def dash_column(doc: TextDoc, line: int, col: int) -> int | None:
    """0-based column of the ``-`` that opens the sequence item whose content starts at
    (*line*, *col*), or None when it is not on that line."""
    before = doc.body(line)[:col - 1]
    stripped = before.rstrip()
    if stripped.endswith("-") and not stripped[:-1].strip(" -"):
        return len(stripped) - 1
    return None


def set_value(doc: TextDoc, positions: Positions, data: object, path: tuple, key: str,
              text: str, *, keep_quotes: bool = False) -> None:
    """Set *key* of the mapping at *path* to *text* (YAML as it is to appear).

    An existing value's span is replaced (with ``keep_quotes``, only what is inside its
    quotes); a missing key is added as a line with the entry's indentation after its last
    line, or as ``, key: text`` inside a one-line ``{...}`` entry.  Raises
    :class:`EditError` where that cannot be done safely: a value that is an anchor or an
    alias (shared with other entries), an entry inside a ``[...]`` list, an odd layout.
    """
    start = positions.value_position(path)
    if start is None:
        raise EditError("its position was not recorded")
    entry_at = doc.offset(*start)
    flow = doc.text[entry_at:entry_at + 1] == "{"
    value = positions.value_position((*path, key))
    if value is not None:
        at = doc.offset(*value)
        key_at = positions.key_position((*path, key))
        # An alias's node is its anchor's, so its position lies before the key; an anchor
        # is shared with the entries that use it.  Either way the value is not one entry's.
        if doc.text[at:at + 1] in ("&", "*") or (key_at is not None
                                                  and at < doc.offset(*key_at)):
            raise EditError(f"its '{key}' is a YAML anchor or alias (&name/*name) shared "
                            "with other entries; edit it by hand")
        s, e = scalar_span(doc, at, flow or inside_flow(doc, positions, path))
        if s == e:  # `key:` with no value: add one, keeping a blank before it
            before = doc.text[s - 1:s]
            after = doc.text[s:s + 1]
            new = ("" if before in (" ", "\t") else " ") + text
            if after and after not in " \t\r\n\x85\u2028\u2029":
                new += " "
            doc.replace(s, e, new)
        elif keep_quotes and doc.text[s] in "'\"":
            doc.replace(s + 1, e - 1, text)  # keep the quotes as they were
        else:
            doc.replace(s, e, text)
        return
    if flow:
        close = flow_end(doc, entry_at) - 1
        q = close
        while q > entry_at and doc.text[q - 1] in " \t\r\n":
            q -= 1
        sep = " " if doc.text[q - 1] == "," else ", "
        doc.replace(q, q, f"{sep}{key}: {text}")
        return
    if inside_flow(doc, positions, path):
        raise EditError("the entry is inside a [...] list; write the list as a block list "
                        "(one '- ' item per line) first")
    last = entry_last_line(doc, start[0], following_position(data, positions, path))
    indent = start[1] - 1
    if doc.body(start[0])[:indent].strip(" -"):
        raise EditError("unexpected layout before the entry")
    doc.insert_line_after(last, " " * indent + f"{key}: {text}")


def inside_flow(doc: TextDoc, positions: Positions, path: tuple) -> bool:
    """Whether an enclosing collection of *path* is written in flow style."""
    for n in range(len(path) - 1, 0, -1):
        parent = positions.value_position(path[:n])
        if parent is not None and doc.text[doc.offset(*parent):][:1] in ("[", "{"):
            return True
    return False


def same_except(a: object, b: object, skip: set[tuple], path: tuple = ()) -> bool:
    """Equal parsed data, keys in the same order, ignoring the keys at the paths in *skip*
    (each a path to a mapping plus the key), which may differ, appear or disappear."""
    if isinstance(a, dict):
        if not isinstance(b, dict):
            return False
        ka = [k for k in a if (*path, k) not in skip]
        kb = [k for k in b if (*path, k) not in skip]
        return ka == kb and all(same_except(a[k], b[k], skip, (*path, k)) for k in ka)
    if isinstance(a, list):
        return (isinstance(b, list) and len(a) == len(b)
                and all(same_except(x, y, skip, (*path, i))
                        for i, (x, y) in enumerate(zip(a, b, strict=True))))
    return isinstance(a, bool) == isinstance(b, bool) and a == b
