"""The fast parse path: the same data and positions as :mod:`registry.load`, much sooner.

PyYAML builds a Python object for every token, event and node, and so reads register
YAML at about 1 MB/s.  This path lets two compiled parsers do that work:

* ``yaml_rs`` (Rust) turns the text into dicts, lists and scalars;
* ``ryml`` (rapidyaml, C++) keeps a tree of the same document whose keys and values
  point into the parsed buffer, so the byte offset, hence the line and column, of any
  path can be found later, when a diagnostic or an entity asks for it
  (:class:`FastPositions`), without a Python walk over the whole document.

PyYAML stays the reference.  ``yaml_rs`` follows YAML 1.2 while PyYAML follows 1.1
(``yes``, ``012``, ``1e9`` and dates resolve differently), so every scalar that 1.1
would not read as text is resolved again with PyYAML's own resolver and constructors,
from its plain text as ryml saw it; a quoted one stays text.  Anything this path cannot
vouch for makes :func:`parse_fast` return False and the caller parses the file with
PyYAML: a syntax error in either parser, duplicate keys, anchors, aliases, tags,
directives or several documents, tabs, backslashes, control characters, unusual line
breaks, deep nesting, very long lines, non-text keys.  A position the tree cannot give
for sure (an empty value, a block scalar, an empty flow collection) makes
:class:`FastPositions` fall back to PyYAML's positions of that file.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import os
import re
import sys
import threading
from collections.abc import Iterator
from functools import partial

from yaml.resolver import Resolver

from .diagnostics import Loc
from .load import MAX_DEPTH, InvalidScalar, PathT, Positions, SourceFile, construct_scalar

__all__ = ["parse_fast", "FastPositions", "available"]

try:  # both are runtime dependencies; without them every file takes the PyYAML path
    import ryml
    import yaml_rs
    from ryml import _ryml
except ImportError:  # pragma: no cover
    ryml = yaml_rs = _ryml = None

_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_IMPLICIT = Resolver.yaml_implicit_resolvers
_WILDCARD = _IMPLICIT.get(None, [])

# What this path leaves to PyYAML.  Each test is conservative (a false alarm only costs
# the slower path) and cheap: plain substring searches first, regular expressions only
# around the rare characters they found.
_CONTROL = re.compile(
    r"[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_NODE_PROPERTY = re.compile(r"[\s\[{,][&*!]")  # anchor, alias or tag
_COMPLEX_KEY = re.compile(r"\s\?(?:\s|$)")
_COMPACT_NESTING = re.compile(r"(?:-[ ]+){6}")
# Nested flow collections; and a ':' inside one that is not followed by a space, which
# YAML 1.1 takes for an indicator and 1.2 for text.
_FLOW_TROUBLE = re.compile(r"[\[{][^\]}]*?(?:[\[{]|:(?:[^ ]|$))", re.MULTILINE)
_MARKER = re.compile(r"\n(?:---|\.\.\.|%)")
_LONG_LINE = re.compile(r"\n[^\n]{1000}")
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*[ ]*(?:#[^\n]*)?$", re.MULTILINE)
_AFTER_QUOTE = re.compile(r"['\"](.)")
_MAX_LINE = 1000  # libyaml refuses implicit keys longer than 1024 characters
_FIND_LIMIT = 16  # mappings with more keys are looked up through an index


# Printable ASCII, the tab and the line breaks: what _CONTROL allows of ASCII.
_ASCII_ALLOWED = bytes([9, 10, 13, *range(0x20, 0x7f)])


def _refused(text: str, body: bytes | None = None) -> bool:
    """Whether *text* holds something this path leaves to PyYAML (*body*: its UTF-8
    encoding, when at hand, for a quicker look at its characters)."""
    if "\t" in text or "\\" in text:
        return True  # tabs (1.1 and 1.2 disagree on them) and escapes
    if "\r" in text and re.search(r"\r(?!\n)", text):
        return True  # a lone carriage return is a line break to PyYAML only
    # Control characters, NEL and the Unicode line separators.  With the bytes at hand,
    # only what is left without the allowed ASCII is searched: deleting whole ASCII
    # characters from UTF-8 leaves the other characters whole, in order.
    if _CONTROL.search(text if body is None else
                       body.translate(None, _ASCII_ALLOWED).decode("utf-8")):
        return True
    if text[:1] in ("&", "*", "!", "?") or (
            ("&" in text or "*" in text or "!" in text) and _NODE_PROPERTY.search(text)):
        return True
    if text.startswith(("---", "...", "%")) or _MARKER.search(text):
        return True  # directives and document markers (several documents)
    if "?" in text and _COMPLEX_KEY.search(text):
        return True
    if "\n" + " " * 100 in text:
        return True  # deep block nesting
    if "- -" in text and _COMPACT_NESTING.search(text):
        return True
    if ("[" in text or "{" in text) and _FLOW_TROUBLE.search(text):
        return True
    first = text.find("\n")
    return (first if first >= 0 else len(text)) >= _MAX_LINE or bool(_LONG_LINE.search(text))


if ryml is not None:
    _MAP, _SEQ, _VAL, _KEYQUO = ryml.MAP, ryml.SEQ, ryml.VAL, ryml.KEYQUO
    _VALQUO, _VALNIL = ryml.VALQUO, ryml.VALNIL  # VALQUO: quoted, literal or folded
    _FLOW = ryml.FLOW_SL | ryml.FLOW_ML
    _NONE = ryml.NONE


class _Unsure(Exception):
    """The fast path cannot vouch for this file or this position."""


def available() -> bool:
    """Whether the compiled parsers are installed."""
    return ryml is not None


# -- reading memory addresses of ryml's views -------------------------------------------------
class _PyBuffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None


def _address(view: object) -> int:
    """Address of the first byte of a buffer (ryml hands out read-only memoryviews)."""
    b = _PyBuffer()
    if _get_buffer(view, ctypes.byref(b), 0) != 0:  # pragma: no cover
        raise _Unsure("no buffer")
    try:
        return b.buf or 0
    finally:
        _release_buffer(ctypes.byref(b))


_STDERR = threading.Lock()  # two threads swapping file descriptor 2 would lose it


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """ryml prints its parse errors on the C stderr; PyYAML reports them better."""
    with _STDERR:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.flush()
        saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(null)
            os.close(saved)


# -- scalars as PyYAML reads them -------------------------------------------------------------
_CANDIDATE = frozenset(k for k in _IMPLICIT if k is not None)  # first characters, and ""


def _resolve(text: str) -> str:
    """PyYAML's tag for a plain scalar (``BaseResolver.resolve`` with implicit plain)."""
    for tag, regexp in _IMPLICIT.get(text[:1], []) + _WILDCARD:
        if regexp.match(text):
            return tag
    return _STR_TAG


class FastPositions(Positions):
    """Positions found on demand in ryml's tree of the file.

    Same answers as the eager :class:`~registry.load.Positions` of the PyYAML path; where
    the tree cannot say for sure, that path's positions are computed once and used.
    """

    __slots__ = ("_data", "_tree", "_buf", "_base", "_body", "_lines", "_marks", "_looked",
                 "_children", "_nodes", "_eager", "_items", "_type", "_first", "_next", "_key",
                 "_val", "_find", "_keyed", "_count", "_view")

    def __init__(self, file: str, data: object, tree: object, buf: bytearray, body: bytes):
        super().__init__(file)
        self._data = data
        self._tree = tree
        # ryml's Tree methods are Python wrappers around these; bound, they cost less.
        self._type = partial(_ryml.Tree_type, tree)
        self._first = partial(_ryml.Tree_first_child, tree)
        self._next = partial(_ryml.Tree_next_sibling, tree)
        self._key = partial(_ryml.Tree_key, tree)
        self._val = partial(_ryml.Tree_val, tree)
        self._find = partial(_ryml.Tree_find_child, tree)
        self._count = partial(_ryml.Tree_num_children, tree)
        self._keyed: dict[int, dict[str, int]] = {}  # large mappings: key → node
        self._buf = buf  # ryml's views point into it: keep it alive with the tree
        self._base = _address(memoryview(buf))
        view = _PyBuffer()
        self._view = (view, ctypes.byref(view))
        self._body = body
        self._lines: list[int] | None = None
        self._marks = [0]  # line breaks before each block (_BLOCK_BITS), as far as counted
        self._looked = 0
        self._children: dict[int, list[int]] = {}
        self._items: dict[int, list[int | None]] = {}
        self._nodes: dict[PathT, int] = {(): tree.root_id()}
        self._eager = False

    # -- the public interface of Positions ------------------------------------------------
    def loc(self, path: PathT, at_key: bool = False, *, batch: bool = True):
        if not self._eager:
            try:
                return self._fast_loc(tuple(path), at_key, batch)
            except _Unsure:
                self._materialise()
        return super().loc(path, at_key)

    def loc_once(self, path: PathT, at_key: bool = False):
        return self.loc(path, at_key, batch=False)

    def value_position(self, path: PathT) -> tuple[int, int] | None:
        path = tuple(path)
        if not self._eager:
            try:
                return self._value_pos(self.node(path)) if self._exists(path) else None
            except _Unsure:
                self._materialise()
        return super().value_position(path)

    def key_position(self, path: PathT) -> tuple[int, int] | None:
        path = tuple(path)
        if not self._eager:
            if not (path and self._exists(path) and isinstance(path[-1], str)):
                return None
            try:
                return self._key_pos(self.node(path))
            except _Unsure:
                self._materialise()
        return super().key_position(path)

    def recorded(self):
        self._materialise()
        return super().recorded()

    # -- lookups ----------------------------------------------------------------------------
    def _fast_loc(self, path: PathT, at_key: bool, batch: bool = True):
        if not at_key and len(path) > 1 and path[-1].__class__ is int:
            # An entity again: its list was placed already (below), and an index within
            # it exists in the data as in the tree (parse_fast compared their sizes).
            offsets = self._items.get(self._nodes.get(path[:-1], _NONE))
            if offsets is not None and 0 <= path[-1] < len(offsets):
                off = offsets[path[-1]]
                if off is not None:
                    return Loc(self.file, path, *self._line_col(off))
        n = self._depth(path)
        pos = None
        if n == len(path) and not at_key and n > 1 and path[-1].__class__ is int:
            # An item of a list, typically an entity: all items are placed in one go
            # (unless only this one is asked for).
            parent = self.node(path[:-1])
            offsets = self._items.get(parent)
            if offsets is None and not batch:
                off = self._item_offset(self.node(path))
            else:
                if offsets is None:
                    offsets = self._items[parent] = self._item_offsets(parent)
                off = offsets[path[-1]]
            if off is not None:
                return Loc(self.file, path, *self._line_col(off))
        if n == len(path):
            if at_key:
                if path and isinstance(path[-1], str):
                    pos = self._key_pos(self.node(path))
            else:
                pos = self._value_pos(self.node(path))
        if pos is None and path:
            # As the eager table: the nearest enclosing value that was written.
            pos = self._value_pos(self.node(path[:min(n, len(path) - 1)]))
        line, col = pos or (1, 1)
        return Loc(self.file, path, line, col)

    def _depth(self, path: PathT) -> int:
        """How many leading elements of *path* exist in the data."""
        value = self._data
        for i, k in enumerate(path):
            if isinstance(value, dict) and isinstance(k, str) and k in value:
                value = value[k]
            elif (isinstance(value, list) and isinstance(k, int) and not isinstance(k, bool)
                  and 0 <= k < len(value)):
                value = value[k]
            else:
                return i
        return len(path)

    def _exists(self, path: PathT) -> bool:
        return self._depth(path) == len(path)

    def node(self, path: PathT) -> int:
        """ryml's node id for an existing *path*."""
        node = self._nodes.get(path)
        if node is not None:
            return node
        parent = self.node(path[:-1])
        k = path[-1]
        if k.__class__ is str:
            keyed = self._keyed.get(parent)
            if keyed is not None:
                node = keyed.get(k, _NONE)
            elif not self._type(parent) & _MAP:
                raise _Unsure("not a map")
            elif self._count(parent) > _FIND_LIMIT:
                node = self._key_index(parent).get(k, _NONE)
            else:
                node = self._find(parent, k)  # a linear search, in C
        else:
            kids = self._children.get(parent)
            if kids is None:
                if not self._type(parent) & _SEQ:
                    raise _Unsure("not a sequence")
                kids = []
                nxt = self._next
                c = self._first(parent)
                while c != _NONE:
                    kids.append(c)
                    c = nxt(c)
                self._children[parent] = kids
            node = kids[k] if k < len(kids) else _NONE
        if node == _NONE:
            raise _Unsure(f"no node for {path!r}")
        if self._type(node) & (_MAP | _SEQ):
            self._nodes[path] = node  # containers are looked up again for their children
        return node

    def _key_index(self, parent: int) -> dict[str, int]:
        """Key → node of a large mapping, built once: a search per key would make the
        lookups quadratic in the size of the mapping."""
        index: dict[str, int] = {}
        c = self._first(parent)
        while c != _NONE:
            view = self._key(c)
            if view is not None:
                index.setdefault(str(view, "utf-8"), c)
            c = self._next(c)
        self._keyed[parent] = index
        return index

    def _item_offsets(self, seq: int) -> list[int | None]:
        """Where each item of a sequence starts, for the items that are block mappings
        (the first key); None for the others."""
        kids = self._children.get(seq)
        if kids is None:
            kids = []
            c = self._first(seq)
            while c != _NONE:
                kids.append(c)
                c = self._next(c)
            self._children[seq] = kids
        out: list[int | None] = []
        kind, first_of, offset_of_key = self._type, self._first, self._offset_of_key
        for kid in kids:
            ty = kind(kid)
            first = first_of(kid) if ty & _MAP and not ty & _FLOW else _NONE
            try:
                out.append(offset_of_key(first) if first != _NONE else None)
            except _Unsure:
                out.append(None)
        return out

    def _item_offset(self, kid: int) -> int | None:
        """:meth:`_item_offsets` of one item."""
        ty = self._type(kid)
        first = self._first(kid) if ty & _MAP and not ty & _FLOW else _NONE
        if first == _NONE:
            return None
        try:
            return self._offset_of_key(first)
        except _Unsure:
            return None

    def _offset(self, view: object) -> int:
        # _address with this object's own buffer structure (one ctypes object less per
        # call: placing 200,000 entities asks this 200,000 times).
        b, ref = self._view
        if _get_buffer(view, ref, 0) != 0:  # pragma: no cover
            raise _Unsure("no buffer")
        try:
            off = (b.buf or 0) - self._base
        finally:
            _release_buffer(ref)
        if not 0 <= off < len(self._body):
            raise _Unsure("view outside the buffer")  # a scalar ryml rewrote elsewhere
        return off

    def _line_col(self, off: int) -> tuple[int, int]:
        body = self._body
        if self._lines is None:
            # The first look-ups (a few reported findings) count the line breaks from a
            # checkpoint every 16 KiB; placing many builds the table of every line.
            self._looked += 1
            if self._looked <= _COUNTED_LOOKUPS:
                block = off >> _BLOCK_BITS
                marks = self._marks
                while len(marks) <= block:
                    b = len(marks) - 1
                    marks.append(marks[-1] + body.count(b"\n", b << _BLOCK_BITS,
                                                        (b + 1) << _BLOCK_BITS))
                line = marks[block] + body.count(b"\n", block << _BLOCK_BITS, off)
                start = body.rfind(b"\n", 0, off) + 1
                return line + 1, len(body[start:off].decode("utf-8")) + 1
            self._lines = [m.start() for m in re.finditer(b"\n", body)]
        i = bisect.bisect_left(self._lines, off)
        start = self._lines[i - 1] + 1 if i else 0
        return i + 1, len(body[start:off].decode("utf-8")) + 1

    def _key_pos(self, node: int) -> tuple[int, int]:
        return self._line_col(self._offset_of_key(node))

    def _value_pos(self, node: int) -> tuple[int, int]:
        return self._line_col(self._value_offset(node))

    def _value_offset(self, node: int) -> int:
        ty = self._type(node)
        body = self._body
        if ty & (_MAP | _SEQ):
            first = self._first(node)
            if first == _NONE:
                raise _Unsure("empty collection")
            if ty & _MAP:
                inner = self._offset_of_key(first)
            else:
                inner = self._value_offset(first)
            # A block mapping starts at its first key; a block sequence at its first '-';
            # a flow collection at its bracket.
            if ty & _MAP and not ty & _FLOW:
                return inner
            opener = b"-" if not ty & _FLOW else (b"{" if ty & _MAP else b"[")
            i = inner - 1
            blanks = b" \n\r" if ty & _FLOW else b" "
            while i >= 0 and body[i:i + 1] in blanks and body[i:i + 1]:
                i -= 1
            if i < 0 or body[i:i + 1] != opener:
                raise _Unsure("collection start not found")
            return i
        if ty & _VALNIL or not ty & _VAL:
            raise _Unsure("empty value")
        view = self._val(node)
        if view is None or len(view) == 0:
            raise _Unsure("empty value")
        off = self._offset(view)
        if ty & _VALQUO:
            off -= 1
            if body[off:off + 1] not in (b"'", b'"'):
                raise _Unsure("block scalar or moved quoted scalar")
        elif body[off:off + 1] != bytes(view[:1]):
            raise _Unsure("plain scalar moved")
        return off

    def _offset_of_key(self, node: int) -> int:
        view = self._key(node)
        if view is None or len(view) == 0:
            raise _Unsure("empty key")
        off = self._offset(view)
        if self._type(node) & _KEYQUO:
            off -= 1
            if self._body[off:off + 1] not in (b"'", b'"'):
                raise _Unsure("quoted key moved")
        elif self._body[off:off + 1] != bytes(view[:1]):
            raise _Unsure("plain key moved")
        return off

    def _materialise(self) -> None:
        """Use PyYAML's positions for this file from now on."""
        if self._eager:
            return
        from .load import parse_bytes

        ref = parse_bytes(self._body, self.file)
        self._values = ref.positions._values
        self._keys = ref.positions._keys
        self._eager = True


# -- the data -----------------------------------------------------------------------------
def _after_quote(text: str) -> frozenset[str]:
    """``frozenset(_AFTER_QUOTE.findall(text)) & _CANDIDATE`` without listing every
    quoted scalar: searches for each quote character (a pattern that starts with one
    character is found many times faster than one that starts with a class), each going
    on from the last find for the characters not found yet.  ``findall`` takes quotes in
    pairs in a run of them (``"'5`` is the match ``"'``), so a character counts after an
    odd run only."""
    found: set[str] = set()
    wanted = sorted(c for c in _CANDIDATE if c)
    for quote in "'\"":
        at = 0
        while wanted:
            m = re.compile(re.escape(quote) + "([" + re.escape("".join(wanted)) + "])"
                           ).search(text, at)
            if m is None:
                break
            p = q = m.start()
            while q > 0 and text[q - 1] in "'\"":
                q -= 1
            if (p - q) % 2 == 0:
                found.add(m.group(1))
                wanted.remove(m.group(1))
            at = p + 1
    return frozenset(found)


_UNSEEN = object()


class _Converter:
    """Turns yaml_rs's YAML 1.2 values into PyYAML's 1.1 values, in place, asking ryml's
    tree for the style and text of every scalar that 1.1 might not read as plain text.

    Only scalars whose first character starts one of PyYAML's implicit types (digits,
    signs, ``.``, ``~``, ``y``/``n``/``t``/``f``/``o`` and the empty string) are looked at
    again; everything else is text in both versions.
    """

    def __init__(self, positions: FastPositions, text: str):
        self.pos = positions
        self.count = 0  # values seen, to compare with the size of ryml's tree
        self._dates: dict[str, object] = {}
        self._plain: set[str] = set()  # keys known to be plain text
        self._tags: dict[str, str] = {}  # _resolve of the texts seen
        self._typed: dict[str, object] = {}  # typed() of the plain texts seen
        # A string from yaml_rs was written plain unless it was quoted or a block scalar.
        # Without block scalars, a first character that never follows a quote in the text
        # proves it plain, and the tree need not be asked.
        if ("|" in text or ">" in text) and _BLOCK_SCALAR.search(text):
            self.ask = _CANDIDATE
        else:
            self.ask = _after_quote(text)

    def convert(self, value: object, path: PathT, depth: int) -> None:
        if depth > MAX_DEPTH - 4:
            raise _Unsure("deep nesting")
        if value.__class__ is dict:
            items = value.items()
            plain = self._plain
            # Keys: text that 1.1 reads as text (most repeat: remembered, and compared in
            # one go).
            if not plain.issuperset(value):
                for k in value:
                    if k in plain:
                        continue
                    if k.__class__ is not str:
                        raise _Unsure("a key that is not text")
                    if k[:1] in _CANDIDATE and _resolve(k) != _STR_TAG:
                        raise _Unsure("a key that is not plain text")
                    plain.add(k)
        else:
            items = enumerate(value)  # type: ignore[arg-type]
        self.count += len(value)  # type: ignore[arg-type]
        tags = self._tags
        for k, v in items:
            cls = v.__class__
            if cls is str:
                if v[:1] in _CANDIDATE:
                    # The tag depends on the text alone: remembered per text (dates,
                    # functions and phone prefixes repeat thousands of times).
                    tag = tags.get(v)
                    if tag is None:
                        tag = tags[v] = _resolve(v)
                    if tag != _STR_TAG:
                        new = self.text((*path, k), v, tag)
                        if new is not v:
                            value[k] = new  # type: ignore[index]
            elif cls is dict or cls is list:
                self.convert(v, (*path, k), depth + 1)
            else:
                value[k] = self.typed((*path, k))  # type: ignore[index]

    def text(self, path: PathT, value: str, tag: str | None = None) -> object:
        """A string from yaml_rs: PyYAML's value if it was written plain (*tag*: its
        :func:`_resolve`, when known)."""
        tag = tag or _resolve(value)
        if tag == _STR_TAG:
            return value
        if not value:
            return value  # yaml_rs reads an empty plain scalar as null: this one was quoted
        got = self._dates.get(value) if tag == _TIMESTAMP_TAG else None
        if value[0] in self.ask:
            ty = self.pos._type(self.pos.node(path))
            if not ty & _VAL or ty & (_MAP | _SEQ):
                raise _Unsure("shape")
            if ty & _VALQUO:
                return value  # quoted or block scalars are text in both versions
        if got is None:
            got = self.scalar(tag, value)
            if tag == _TIMESTAMP_TAG:
                self._dates[value] = got
        return got

    def typed(self, path: PathT) -> object:
        """A number, boolean or null from yaml_rs: PyYAML's value of the same plain text."""
        node = self.pos.node(path)
        ty = self.pos._type(node)
        if not ty & _VAL or ty & (_MAP | _SEQ | _VALQUO):
            raise _Unsure("shape")
        view = self.pos._val(node)
        text = "" if view is None or ty & _VALNIL else str(view, "utf-8")
        # The value depends on the text alone and is immutable: remembered (scores and
        # flags repeat tens of thousands of times).
        got = self._typed.get(text, _UNSEEN)
        if got is _UNSEEN:
            got = self._typed[text] = self.scalar(_resolve(text), text)
        return got

    @staticmethod
    def scalar(tag: str, text: str) -> object:
        try:
            value, ok = construct_scalar(tag, text)
        except InvalidScalar:
            raise _Unsure("an invalid scalar") from None  # PyYAML reports it, positioned
        if not ok:
            raise _Unsure("a tag the register refuses")  # PyYAML reports it with its position
        return value


#: Line look-ups of a file counted from checkpoints (:meth:`FastPositions._line_col`)
#: before the table of every line is built; and the checkpoints' spacing, as a power of 2.
_COUNTED_LOOKUPS = 4096
_BLOCK_BITS = 14

#: Files from this many characters are parsed by yaml_rs in a thread beside ryml.
_PARALLEL_FROM = 1 << 20


class _RustLoad:
    """``yaml_rs.loads`` of *text*, in a thread or at once; :meth:`result` is the data,
    or None when yaml_rs complained."""

    def __init__(self, text: str, *, background: bool):
        self._text: str | None = text
        self._data: object = None
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="yaml_rs", daemon=True)
            self._thread.start()
        else:
            self._run()

    def _run(self) -> None:
        try:
            self._data = yaml_rs.loads(self._text, parse_datetime=False,
                                       duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
        except Exception:  # noqa: BLE001 - any complaint sends the file to PyYAML
            self._data = None
        self._text = None

    def result(self) -> object:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._data


def parse_fast(body: bytes, text: str, src: SourceFile) -> bool:
    """Fill *src* (data and lazy positions) from *text*; False when PyYAML must do it.

    *body* is the file's bytes without a byte order mark and *text* their decoding.
    """
    if ryml is None or _refused(text, body):  # screened before either parser sees it
        return False
    # yaml_rs lets go of the interpreter lock while it parses, ryml does not: on a large
    # file the two parsers run side by side.
    rs = _RustLoad(text, background=len(text) >= _PARALLEL_FROM)
    buf = bytearray(body)
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_place(buf)
    except Exception:  # noqa: BLE001 - ryml's parse errors
        rs.result()
        return False
    data = rs.result()
    if not isinstance(data, dict | list):
        return False  # not a register (and the versions disagree on top-level scalars);
        # also yaml_rs's complaints (None), which send the file to PyYAML
    try:
        positions = FastPositions(src.file, data, tree, buf, body)
        if tree.type(tree.root_id()) & (_MAP | _SEQ) != (_MAP if isinstance(data, dict)
                                                         else _SEQ):
            return False
        converter = _Converter(positions, text)
        converter.convert(data, (), 0)
        if converter.count + 1 != tree.size():
            return False  # the two parsers do not see the same document
    except _Unsure:
        return False
    except Exception:  # noqa: BLE001 - ryml's parse errors
        return False
    positions._data = data
    src.data = data
    src.positions = positions
    src.parser = "fast"
    return True
