"""Read register YAML into plain Python values, remembering where every value came from.

PyYAML composes the file into a node tree (with the C parser when it is installed); this
module turns the nodes into dicts, lists and scalars itself, so that it can

* record the line and column of every key and value (:class:`Positions`),
* report duplicate mapping keys, which PyYAML's own constructor silently drops,
* refuse what a register never needs and an attacker might send: alias expansion
  bombs, deep nesting, Python object tags, NUL bytes, invalid UTF-8, huge files.

Problems are returned as :class:`~registry.diagnostics.Diagnostic` objects, never raised.

That is the reference path.  Files read with ``fast=True`` (the default of
:func:`read_source`) go first through :mod:`registry.fastyaml`, which gives the same
data, diagnostics and positions about ten times sooner and hands every file it cannot
vouch for back to this path.  ``fast=False`` turns it off (the command line and the
viewer do so for ``TVB_YAML=pyyaml`` in the environment).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Diagnostic, Loc

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SourceFile",
    "Positions",
    "read_source",
    "parse_bytes",
    "construct_scalar",
    "expand_paths",
    "ReadError",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
# An alias may repeat a subtree, but the expanded document may not be much larger than
# what was written: that is what an alias ("billion laughs") bomb relies on.
MAX_EXPANSION = 10
EXPANSION_SLACK = 10_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")  # only its construct_* methods are used

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    _TIMESTAMP_TAG,
}

PathT = tuple[str | int, ...]


class ReadError(Exception):
    """The file could not be read at all (missing, too large, not UTF-8): exit code 2."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class InvalidDate(str):
    """A scalar that looks like a date but is not one (``2026-02-30``); kept as text so
    the validator can say so at the right place."""


class Positions:
    """Line and column (1-based) of every value and every mapping key, by path."""

    __slots__ = ("file", "_values", "_keys")

    def __init__(self, file: str):
        self.file = file
        self._values: dict[PathT, tuple[int, int]] = {}
        self._keys: dict[PathT, tuple[int, int]] = {}

    def loc(self, path: PathT, at_key: bool = False) -> Loc:
        """The location of the value at *path* (or of its key), falling back to the
        nearest enclosing value that has one."""
        table = self._keys if at_key else self._values
        pos = table.get(path)
        probe = path
        while pos is None and probe:
            probe = probe[:-1]
            pos = self._values.get(probe)
        line, col = pos or (1, 1)
        return Loc(self.file, path, line, col)

    def value_position(self, path: PathT) -> tuple[int, int] | None:
        """Line and column (1-based) where the value at exactly *path* starts, or None."""
        return self._values.get(tuple(path))

    def key_position(self, path: PathT) -> tuple[int, int] | None:
        """Line and column (1-based) of the mapping key leading to *path*, or None."""
        return self._keys.get(tuple(path))

    def recorded(self) -> list[tuple[tuple[int, int], PathT]]:
        """Every recorded position, of keys and of values, with its path, unsorted."""
        return [(pos, p) for p, pos in self._keys.items()] + \
               [(pos, p) for p, pos in self._values.items()]


@dataclass
class SourceFile:
    """One YAML file of the register: its raw bytes' digest, data and positions."""

    file: str
    sha256: str
    data: object = None
    positions: Positions = None  # type: ignore[assignment]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    parser: str = "pyyaml"  # or "fast" (registry.fastyaml), for tests and benchmarks


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; folders become their ``*.yaml``/``*.yml`` files, sorted, recursively.

    Hidden files and folders inside a folder (``.github/``, ``.pre-commit-config.yaml``)
    are not register data and are skipped.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(
                f for f in p.rglob("*")
                if f.suffix in (".yaml", ".yml") and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ))
        else:
            out.append(p)
    return out


def read_source(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES, *,
                fast: bool = True) -> SourceFile:
    """Read and parse one file.  Raises :class:`ReadError` when the file cannot be read
    at all; YAML problems are returned as diagnostics on the result.  ``fast`` tries
    :mod:`registry.fastyaml` first (same result, sooner)."""
    name = str(path)
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise ReadError(_diag(name, 1, 1, "E003",
                                  f"file is {size / 2**20:.1f} MiB, over the limit of "
                                  f"{max_bytes / 2**20:.1f} MiB (raise it with --max-bytes)"))
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise ReadError(_diag(name, 1, 1, "E003", "file not found")) from None
    except IsADirectoryError:
        raise ReadError(_diag(name, 1, 1, "E003", "is a folder, not a file")) from None
    except OSError as exc:
        raise ReadError(_diag(name, 1, 1, "E003", f"cannot read file: {exc.strerror}")) from None
    return parse_bytes(raw, name, fast=fast)


def parse_bytes(raw: bytes, name: str = "<data>", *, fast: bool = False) -> SourceFile:
    """Parse register YAML from bytes (see :func:`read_source`); PyYAML unless ``fast``."""
    src = SourceFile(file=name, sha256=hashlib.sha256(raw).hexdigest())
    src.positions = Positions(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        raise ReadError(_diag(name, line, col, "E003",
                              f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        line, col = _line_col(text, nul)
        raise ReadError(_diag(name, line, col, "E003", "file contains a NUL byte"))
    if fast:
        from .fastyaml import parse_fast

        body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        if parse_fast(body, text, src):
            return src
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        last = text.count("\n") + 1
        if line > last:  # libyaml marks the end of a file without a final line break past it
            line, col = last, len(text) - text.rfind("\n")
        problem = exc.problem or exc.context or "invalid YAML"
        src.diagnostics.append(_diag(name, line, col, "E001", f"YAML syntax: {problem}"))
        return src
    except yaml.reader.ReaderError as exc:  # a control character; it carries no mark
        line, col = _line_col(text, exc.position)
        char = ord(exc.character) if isinstance(exc.character, str) else exc.character
        src.diagnostics.append(_diag(name, line, col, "E001",
                                     f"{exc.reason} (U+{char:04X}); remove it"))
        return src
    except yaml.YAMLError as exc:
        src.diagnostics.append(_diag(name, 1, 1, "E001", f"YAML syntax: {exc}"))
        return src
    if node is None:
        src.data = {}
        return src
    # Without an alias ('*') nothing expands: skip the count, a third of a large load.
    if "*" in text and \
            _expanded_size(node) > MAX_EXPANSION * _unique_size(node) + EXPANSION_SLACK:
        src.diagnostics.append(_diag(name, 1, 1, "E003",
                                     "aliases expand to a document many times larger than the "
                                     "file (an alias bomb); write the values out instead"))
        return src
    builder = _Builder(src)
    src.data = builder.build(node, (), 0)
    return src


def _diag(file: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(Loc(file, (), line, col), "error", code, message)


def _line_col(buf: bytes | str, offset: int) -> tuple[int, int]:
    nl = b"\n" if isinstance(buf, bytes) else "\n"
    line = buf.count(nl, 0, offset) + 1
    col = offset - (buf.rfind(nl, 0, offset) + 1) + 1
    return line, col


def _unique_size(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        stack.extend(_children(n))
    return len(seen)


def _expanded_size(root: yaml.Node) -> int:
    """Number of nodes after alias expansion, computed on the DAG in linear time.

    A true post-order (children before parents) matters: an alias may point at a node
    first reached through a later key, and must still count with its whole subtree.
    A cycle (a recursive alias) counts each node once; the builder's depth limit
    catches it.
    """
    memo: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    entered: set[int] = set()
    while stack:
        n, children_done = stack.pop()
        if children_done:
            memo[id(n)] = 1 + sum(memo.get(id(c), 1) for c in _children(n))
            continue
        if id(n) in entered:
            continue
        entered.add(id(n))
        stack.append((n, True))
        stack.extend((c, False) for c in _children(n) if id(c) not in entered)
    return memo[id(root)]


def _children(n: yaml.Node) -> list[yaml.Node]:
    if isinstance(n, yaml.MappingNode):
        return [x for kv in n.value for x in kv]
    if isinstance(n, yaml.SequenceNode):
        return list(n.value)
    return []


class _Builder:
    def __init__(self, src: SourceFile):
        self.src = src
        self.pos = src.positions
        self.name = src.file

    def error(self, node: yaml.Node, code: str, message: str) -> None:
        m = node.start_mark
        self.src.diagnostics.append(_diag(self.name, m.line + 1, m.column + 1, code, message))

    def build(self, node: yaml.Node, path: PathT, depth: int) -> object:
        self.pos._values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if depth > MAX_DEPTH:
            self.error(node, "E003", f"nesting deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.error(node, "E003", f"unsupported YAML tag {node.tag!r}")
                return None
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _MAP_TAG:
            self.error(node, "E003", f"unsupported YAML tag {node.tag!r}")
            return None
        out: dict[object, object] = {}
        for knode, vnode in node.value:
            key = self.scalar(knode) if isinstance(knode, yaml.ScalarNode) else None
            if key is None or not isinstance(key, str | int | bool | float):
                self.error(knode, "E007", "mapping keys must be plain text")
                continue
            if isinstance(key, bool | float):
                key = knode.value  # `yes:` or `1.0:` as a key means the text
            key = str(key) if isinstance(key, int) else key
            kpath = (*path, key)
            if key in out:
                line, col = self.pos._keys[kpath]
                self.error(knode, "E002",
                           f"duplicate key '{key}' (first at line {line}, column {col}); "
                           f"YAML would silently keep only the last one")
                continue
            self.pos._keys[kpath] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[key] = self.build(vnode, kpath, depth + 1)
        return out

    def scalar(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return None
        tag = node.tag
        if tag not in _SAFE_SCALAR_TAGS:
            self.error(node, "E003", f"unsupported YAML tag {tag!r}")
            return None
        return construct_scalar(tag, node.value)[0]


def construct_scalar(tag: str, text: str) -> tuple[object, bool]:
    """The value of a scalar with a safe *tag*, as this loader builds it, and True; or
    ``(None, False)`` for a tag the register refuses."""
    if tag == _STR_TAG:
        return text, True
    if tag not in _SAFE_SCALAR_TAGS:
        return None, False
    try:
        # Call the constructor directly: construct_object would cache every node.
        value = _SCALAR_CONSTRUCTOR.yaml_constructors[tag](
            _SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except (ValueError, OverflowError, yaml.YAMLError):
        return (InvalidDate(text) if tag == _TIMESTAMP_TAG else text), True
    if isinstance(value, dt.datetime):
        return InvalidDate(text), True  # a register date has no time of day
    return value, True
