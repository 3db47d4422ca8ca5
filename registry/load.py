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
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import MAX_PER_CODE, Diagnostic, Loc, Text
from .diagnostics import text as msg

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SourceFile",
    "Positions",
    "read_source",
    "read_bytes",
    "parse_bytes",
    "construct_scalar",
    "expand_paths",
    "check_paths",
    "AliasBudget",
    "ReadError",
    "InvalidScalar",
    "NumberTooLong",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
# An alias may repeat a subtree, but the expanded document may not be much larger than
# what was written: that is what an alias ("billion laughs") bomb relies on.
MAX_EXPANSION = 10
EXPANSION_SLACK = 10_000
#: Values that aliases may add, in all files of one register together: forty files each
#: within the ten-fold rule would otherwise still build billions of objects.
MAX_ALIAS_VALUES = 1_000_000
#: Values (scalars, lists, mappings) one file may hold.  PyYAML's node tree takes about
#: 300 bytes a value; a 50 MB file of ``[1,1,1,…]`` would hold 25 million.  The largest
#: realistic register within the size limit (100,000 people) holds about 4 million.
MAX_VALUES = 5_000_000
#: Characters a number may be written with.  A longer one is refused before it is
#: converted: ``0b1…1`` with 200,000 digits is a valid YAML int that no report can print.
MAX_NUMBER_CHARS = 40

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


class NumberTooLong(str):
    """A number written with more than :data:`MAX_NUMBER_CHARS` characters, kept as its
    text (never converted) so that the validator reports it as out of range."""


class InvalidScalar(ValueError):
    """An explicit tag whose value that type cannot hold (``!!bool maybe``, ``!!int ''``)."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.text = message


class AliasBudget:
    """How many values aliases may still add across the files of one register."""

    __slots__ = ("left",)

    def __init__(self, values: int = MAX_ALIAS_VALUES):
        self.left = values


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

    def loc_once(self, path: PathT, at_key: bool = False) -> Loc:
        """:meth:`loc`, for one look-up among few (a deferred location's): positions that
        place a whole list at its first look-up place only this one."""
        return self.loc(path, at_key)

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
            # Not only regular files: a FIFO or a socket named *.yaml is listed, so that
            # check_paths refuses it by name instead of the register silently lacking it.
            out.extend(sorted(
                f for f in p.rglob("*")
                if f.suffix in (".yaml", ".yml") and not f.is_dir()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ))
        else:
            out.append(p)
    return out


def check_paths(paths: Iterable[str | os.PathLike]) -> list[tuple[Path, Path | None]]:
    """The files of *paths* (as :func:`expand_paths`), each with the folder it must stay
    inside (None for a file named directly).  Raises :class:`ReadError` for a file of a
    folder that is a link leading outside it, or for anything that is not a regular file
    (a FIFO would block every reader, a device would be read without end)."""
    out: list[tuple[Path, Path | None]] = []
    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve()
            for f in expand_paths([p]):
                try:
                    inside = f.resolve(strict=True).is_relative_to(root)
                except (OSError, RuntimeError):  # a dangling or looping link
                    inside = False
                if not inside:
                    raise ReadError(_diag(str(f), 1, 1, "E003", msg(
                        "diag.link_outside", "refused: a link to a file outside the data "
                        "folder {folder}; copy the file into the folder instead",
                        folder=repr(str(p)))))
                out.append((f, root))
        else:
            out.append((p, None))
    for f, _ in out:
        try:
            mode = f.stat().st_mode
        except OSError:
            continue  # read_source says why
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise ReadError(_diag(str(f), 1, 1, "E003", _not_regular(mode)))
    return out


def _kind(mode: int) -> Text:
    if stat.S_ISFIFO(mode):
        return msg("diag.file.fifo", "a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return msg("diag.file.socket", "a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("diag.file.device", "a device")
    return msg("diag.file.other", "not a file")


def _not_regular(mode: int) -> Text:
    return msg("diag.not_regular", "refused: {what}, not a regular file", what=_kind(mode))


#: "file not found": the key that the command line adds a hint about ``--data`` to.
NOT_FOUND = "diag.not_found"


def _too_large(size: str, limit: float) -> Text:
    return msg("diag.too_large", "file is {size} MiB, over the limit of {limit} MiB (raise "
                "it with --max-bytes)", size=size, limit=f"{limit / 2**20:.1f}")


def read_source(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES, *,
                fast: bool = True, budget: AliasBudget | None = None) -> SourceFile:
    """Read and parse one file.  Raises :class:`ReadError` when the file cannot be read
    at all; YAML problems are returned as diagnostics on the result.  ``fast`` tries
    :mod:`registry.fastyaml` first (same result, sooner); *budget* is shared by the files
    of one register (:data:`MAX_ALIAS_VALUES`)."""
    return parse_bytes(read_bytes(path, max_bytes), str(path), fast=fast, budget=budget)


def read_bytes(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of one data file, refused as :func:`read_source` refuses them (raises
    :class:`ReadError`)."""
    name = str(path)
    try:
        # Non-blocking, so that a FIFO put in place after any earlier check cannot hang
        # the reader; what was opened is then checked, not the name.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ReadError(_diag(name, 1, 1, "E003",
                              msg("diag.not_found", "file not found"))) from None
    except IsADirectoryError:
        raise ReadError(_diag(name, 1, 1, "E003", _IS_FOLDER)) from None
    except OSError as exc:
        raise ReadError(_diag(name, 1, 1, "E003", _cannot_read(exc))) from None
    with os.fdopen(fd, "rb") as fh:
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise ReadError(_diag(name, 1, 1, "E003", _IS_FOLDER))
            if not stat.S_ISREG(st.st_mode):
                raise ReadError(_diag(name, 1, 1, "E003", _not_regular(st.st_mode)))
            if st.st_size > max_bytes:
                raise ReadError(_diag(name, 1, 1, "E003",
                                      _too_large(f"{st.st_size / 2**20:.1f}", max_bytes)))
            raw = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(_diag(name, 1, 1, "E003", _cannot_read(exc))) from None
    if len(raw) > max_bytes:  # it grew while being read
        raise ReadError(_diag(name, 1, 1, "E003", msg(
            "diag.grew_too_large", "file is over the limit of {limit} MiB (raise it with "
            "--max-bytes)", limit=f"{max_bytes / 2**20:.1f}")))
    return raw


def parse_bytes(raw: bytes, name: str = "<data>", *, fast: bool = False,
                budget: AliasBudget | None = None) -> SourceFile:
    """Parse register YAML from bytes (see :func:`read_source`); PyYAML unless ``fast``.

    Whatever goes wrong inside the parsers ends as a diagnostic on the result (or a
    :class:`ReadError`), never as another exception."""
    try:
        return _parse_bytes(raw, name, fast, budget)
    except ReadError:
        raise
    except RecursionError:
        src = SourceFile(file=name, sha256=hashlib.sha256(raw).hexdigest())
        src.positions = Positions(name)
        src.diagnostics.append(_diag(name, 1, 1, "E003", msg(
            "diag.too_deep", "nested too deeply to read")))
        return src
    except Exception as exc:  # noqa: BLE001 - a parser's bug must not take a reader down
        src = SourceFile(file=name, sha256=hashlib.sha256(raw).hexdigest())
        src.positions = Positions(name)
        src.diagnostics.append(_diag(name, 1, 1, "E003", msg(
            "diag.parser_bug", "the file could not be read ({error}); please report this",
            error=type(exc).__name__)))
        return src


def _parse_bytes(raw: bytes, name: str, fast: bool, budget: AliasBudget | None) -> SourceFile:
    src = SourceFile(file=name, sha256=hashlib.sha256(raw).hexdigest())
    src.positions = Positions(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        raise ReadError(_diag(name, line, col, "E003", msg(
            "diag.not_utf8", "file is not valid UTF-8 (byte {byte})",
            byte=f"0x{raw[exc.start]:02x}"))) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        line, col = _line_col(text, nul)
        raise ReadError(_diag(name, line, col, "E003", msg(
            "diag.nul", "file contains a NUL byte")))
    if fast:
        from .fastyaml import parse_fast

        body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        if parse_fast(body, text, src):
            return src
    if _too_many_values(text):
        src.diagnostics.append(_diag(name, 1, 1, "E003", msg(
            "diag.too_many_values", "the file holds more than {max} values; split it or "
            "write it out", max=f"{MAX_VALUES:,}")))
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
        hint = _indentation_hint(text, line, problem)
        if hint is not None:
            line, col, message = hint
            src.diagnostics.append(_diag(name, line, col, "E001", message))
        else:
            src.diagnostics.append(_diag(name, line, col, "E001", _syntax(problem)))
        return src
    except yaml.reader.ReaderError as exc:  # a control character; it carries no mark
        line, col = _line_col(text, exc.position)
        char = ord(exc.character) if isinstance(exc.character, str) else exc.character
        src.diagnostics.append(_diag(name, line, col, "E001", msg(
            "diag.bad_character", "{reason} ({char}); remove it", reason=exc.reason,
            char=f"U+{char:04X}")))
        return src
    except yaml.YAMLError as exc:
        src.diagnostics.append(_diag(name, 1, 1, "E001", _syntax(exc)))
        return src
    if node is None or _is_null(node):
        src.data = {}  # an empty file, or one holding only '~' or 'null': E004
        return src
    # Without an alias ('*') nothing expands: skip the count, a third of a large load.
    if "*" in text:
        expanded, unique = _expanded_size(node), _unique_size(node)
        if expanded > MAX_EXPANSION * unique + EXPANSION_SLACK:
            src.diagnostics.append(_diag(name, 1, 1, "E003", msg(
                "diag.alias_bomb", "aliases expand to a document many times larger than the "
                "file (an alias bomb); write the values out instead")))
            return src
        budget = budget if budget is not None else AliasBudget()
        if expanded - unique > budget.left:
            src.diagnostics.append(_diag(name, 1, 1, "E003", msg(
                "diag.alias_budget", "aliases add more than {max} values across the files of "
                "the register (an alias bomb); write the values out instead",
                max=f"{MAX_ALIAS_VALUES:,}")))
            budget.left = 0
            return src
        budget.left -= expanded - unique
    builder = _Builder(src)
    src.data = builder.build(node, (), 0)
    if builder.hidden:
        last = src.diagnostics[-1]
        src.diagnostics.append(Diagnostic(last.loc, "error", last.code, msg(
            "diag.more_problems", "and {n} more problems like these in this file, not shown",
            n=f"{builder.hidden:,}"), hidden=builder.hidden))
    return src


#: PyYAML's words for a line that is indented wrongly.
_INDENT_PROBLEMS = ("mapping values are not allowed", "did not find expected '-'",
                    "did not find expected key", "expected <block end>")
_KEY_LINE = re.compile(r"^( *)(- +)?([^\s#:][^:#]*?):(\s|$)")


def _indentation_hint(source: str, line: int, problem: str) -> tuple[int, int, Text] | None:
    """(line, column, message) when a YAML error comes from a key indented unlike the
    keys of the entry above it, else None.

    The key of the line in error (or of the line before, where the parser stumbles one
    line late) is compared with the key column of the nearest line above with a key:
    ``- id: x`` puts its keys at the column after ``- ``.
    """
    if not any(p in problem for p in _INDENT_PROBLEMS):
        return None
    lines = source.split("\n")

    def key_at(i: int) -> tuple[int, str] | None:  # (1-based key column, key)
        m = _KEY_LINE.match(lines[i]) if 0 <= i < len(lines) else None
        if m is None:
            return None
        return len(m.group(1)) + len(m.group(2) or "") + 1, m.group(3).strip()

    for i in (line - 1, line - 2):
        here = key_at(i)
        if here is None or (lines[i].lstrip().startswith("- ")):
            continue
        j = i - 1
        while j >= 0 and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
            j -= 1
        above = key_at(j)
        if above is None or above[0] == here[0]:
            continue
        col, key = here
        want = above[0]
        n = abs(col - want)
        if col > want:
            fix = msg("diag.indent.remove", "remove {n} spaces", n=n) if n > 1 else \
                msg("diag.indent.remove_one", "remove 1 space")
        else:
            fix = msg("diag.indent.add", "add {n} spaces", n=n) if n > 1 else \
                msg("diag.indent.add_one", "add 1 space")
        return (i + 1, col, msg(
            "diag.indentation", "indentation: '{key}:' starts at column {col}, but the keys "
            "of the entry above start at column {want} (line {line}): {fix}", key=key,
            col=col, want=want, line=j + 1, fix=fix))
    return None


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent,
                yaml.AliasEvent)


def _too_many_values(text: str) -> bool:
    """Whether *text* holds more than :data:`MAX_VALUES` values, found before PyYAML
    builds its tree of them.  Every value but the first needs a separator (``,`` ``:``
    ``-`` a line break or a bracket), so most files are cleared by counting those; only
    a file that might hold too many is parsed, as a stream, to count them exactly."""
    if 2 * sum(text.count(c) for c in ",:-\n[{") + 2 <= MAX_VALUES:
        return False
    n = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _NODE_EVENTS):
                n += 1
                if n > MAX_VALUES:
                    return True
    except yaml.YAMLError:
        return False  # compose reports it, positioned
    return False


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _syntax(problem: object) -> Text:
    # PyYAML's own words for the problem stay as PyYAML says them.
    return msg("diag.yaml_syntax", "YAML syntax: {problem}", problem=str(problem))


def _tag(tag: str) -> Text:
    return msg("diag.tag", "unsupported YAML tag {tag}", tag=repr(tag))


def _cannot_read(exc: OSError) -> Text:
    return msg("diag.cannot_read", "cannot read file: {reason}", reason=exc.strerror)


_IS_FOLDER = msg("diag.is_folder", "is a folder, not a file")


def _diag(file: str, line: int, col: int, code: str, message: Text) -> Diagnostic:
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
        self.hidden = 0

    def error(self, node: yaml.Node, code: str, message: Text) -> None:
        if len(self.src.diagnostics) >= MAX_PER_CODE:
            self.hidden += 1  # counted, shown as one line at the end (a million tags)
            return
        m = node.start_mark
        self.src.diagnostics.append(_diag(self.name, m.line + 1, m.column + 1, code, message))

    def build(self, node: yaml.Node, path: PathT, depth: int) -> object:
        self.pos._values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if depth > MAX_DEPTH:
            self.error(node, "E003", msg("diag.nesting", "nesting deeper than {max} levels",
                                          max=MAX_DEPTH))
            return None
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            return None if value is _INVALID else value
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.error(node, "E003", _tag(node.tag))
                return None
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _MAP_TAG:
            self.error(node, "E003", _tag(node.tag))
            return None
        out: dict[object, object] = {}
        for knode, vnode in node.value:
            key = self.scalar(knode) if isinstance(knode, yaml.ScalarNode) else None
            if key is _INVALID:
                continue  # said so already
            if key is None or not isinstance(key, str | int | bool | float) \
                    or isinstance(key, NumberTooLong):
                self.error(knode, "E007", msg("diag.key_not_text",
                                               "mapping keys must be plain text"))
                continue
            if isinstance(key, bool | float):
                key = knode.value  # `yes:` or `1.0:` as a key means the text
            key = str(key) if isinstance(key, int) else key
            kpath = (*path, key)
            if key in out:
                line, col = self.pos._keys[kpath]
                self.error(knode, "E002", msg(
                    "diag.E002", "duplicate key '{key}' (first at line {line}, column {col}); "
                    "YAML would silently keep only the last one", key=key, line=line,
                    col=col))
                continue
            self.pos._keys[kpath] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[key] = self.build(vnode, kpath, depth + 1)
        return out

    def scalar(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return None
        tag = node.tag
        if tag not in _SAFE_SCALAR_TAGS:
            self.error(node, "E003", _tag(_excerpt(tag)))
            return None
        try:
            return construct_scalar(tag, node.value)[0]
        except InvalidScalar as exc:
            self.error(node, "E007", exc.text)
            return _INVALID


_INVALID = object()  # a scalar already reported


def _excerpt(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def construct_scalar(tag: str, text: str) -> tuple[object, bool]:
    """The value of a scalar with a safe *tag*, as this loader builds it, and True; or
    ``(None, False)`` for a tag the register refuses.

    Raises :class:`InvalidScalar` when an explicit tag names a type the text is not
    (``!!bool maybe``, ``!!int ''``, ``!!timestamp 'hello'``).  A number written with more
    than :data:`MAX_NUMBER_CHARS` characters comes back as :class:`NumberTooLong`.
    """
    if tag == _STR_TAG:
        return text, True
    if tag not in _SAFE_SCALAR_TAGS:
        return None, False
    if tag in (_INT_TAG, _FLOAT_TAG) and len(text) > MAX_NUMBER_CHARS:
        return NumberTooLong(text), True
    try:
        # Call the constructor directly: construct_object would cache every node.
        value = _SCALAR_CONSTRUCTOR.yaml_constructors[tag](
            _SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors assume valid text
        if not _resolves_to(tag, text):  # an explicit tag on text of another type
            raise InvalidScalar(_invalid(tag, text)) from exc
        # Text PyYAML itself took for this type (2026-02-30): kept for the validator.
        return (InvalidDate(text) if tag == _TIMESTAMP_TAG else text), True
    if isinstance(value, dt.datetime):
        return InvalidDate(text), True  # a register date has no time of day
    return value, True


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


def _resolves_to(tag: str, text: str) -> bool:
    """Whether PyYAML would give plain *text* this *tag* by itself (not an explicit tag)."""
    return any(t == tag and r.match(text)
               for t, r in yaml.resolver.Resolver.yaml_implicit_resolvers.get(text[:1], []))


def _invalid(tag: str, text: str) -> Text:
    return msg("diag.invalid_tagged", "'{value}' is not a valid {tag} value; write it without "
               "the tag, or fix it", value=_excerpt(text, 40), tag="!!" + tag.rsplit(":", 1)[-1])
