"""The compiled snapshot on disk, so that a restart on unchanged data starts in seconds.

A cache entry holds everything :class:`~graph.snapshot.Snapshot` builds — the registry,
its warnings, the directorate network and each person's ties, the integrator's report
(without the per-pair process rows), the lookups and the search index —
and, once somebody asked for it, the RDF graph as N-Triples.  It is keyed by

* the data: the resolved path and SHA-256 of every file (so a one-byte edit, a new,
  removed or renamed file in a split folder gives another key, while ``--data r.yaml`` and
  its absolute path are one entry; the digests are the registry's ``data_version``);
* the tool: the package version and the size and time of every module of ``registry``
  and ``graph`` (an edited analysis must not serve yesterday's findings);
* the day the snapshot judges staleness against.

Entries are written atomically (a temporary file in the same folder, then a rename) in a
folder only its owner may enter (0700): ``.cache/tvb/`` next to the data, or a folder
given explicitly (the viewer gives ``$XDG_CACHE_HOME/tvb`` when that is set).  Each file starts
with a header — magic, format version, the key, the length and SHA-256 of the index (the
registry, the warnings, and where each other part lies with its own SHA-256) — checked
before the index is unpickled; each part is checked against its digest before it is
unpickled, when first used (:class:`CachedSnapshot`), so that a restart of the viewer
answers as soon as the registry is back.  An entry that is stale, truncated or corrupt
is never trusted: the snapshot (or the damaged part) is rebuilt, and the entry written
again.  A folder keeps the :data:`KEEP` newest entries of each kind (the version served
and the one before it).

Payloads and parts are stored compressed (zlib at level 1: a tenth of the bytes of the
pickles and N-Triples, decompressed at hundreds of MB/s), so one version at 100,000 people
stays well under 150 MB; the digests are over the stored, compressed bytes.

Unpickling runs whatever the file says, so a file is only unpickled when nobody but this
user could have written it (:func:`trusted_folder`): the entry is a regular file (not a
symlink) owned by the current user and writable by nobody else, its folder is owned by the
current user and writable by nobody else, and so is every folder above it up to ``/`` —
except folders owned by root (or this user) that others may write to only with the
sticky bit, such as ``/tmp``, in which nobody can rename what another owns.  The folder's
mode alone is not enough: a 0666 entry, or a private folder under a world-writable
``.cache/`` (which anyone could swap for a folder of their own), is never trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import stat
import struct
import tempfile
import zlib
from collections.abc import Sequence
from functools import cached_property, partial
from pathlib import Path

from registry.gcpause import paused_gc
from registry.load import expand_paths

from .snapshot import Snapshot

__all__ = ["SnapshotCache", "CachedSnapshot", "cache_dir", "trusted_folder", "FORMAT_VERSION",
           "MAGIC"]

log = logging.getLogger("tvb.cache")

MAGIC = b"TVBSNAP\x00"
FORMAT_VERSION = 5  # 4: payload and parts zlib-compressed; 5: ties, no process rows
KEEP = 2  # entries of each kind kept per folder; older ones go when a new one is written
_LEVEL = 1  # zlib level: 1 compresses N-Triples 13 times and pickles 6 times, fast
# magic, format, key, length and SHA-256 of the payload (a snapshot's index: the parts
# that follow it carry their own digests in it, checked when each is unpickled)
_HEADER = struct.Struct(">8sH32sQ32s")
_SNAP, _RDF = ".snap", ".nt"


def cache_dir(paths: Sequence[str | os.PathLike], where: bool | str | os.PathLike = True) -> Path:
    """The cache folder for *paths*: *where* itself when it is a path, else
    ``.cache/tvb`` next to the data."""
    if not isinstance(where, bool):
        return Path(where)
    first = Path(paths[0]) if paths else Path(".")
    base = first.resolve().parent
    return base / ".cache" / "tvb"


def _safe_above(st: os.stat_result, uid: int) -> bool:
    """A folder above the cache folder: nobody but its owner (this user or root) can
    replace what is in it."""
    if st.st_uid not in (uid, 0):
        return False
    return not st.st_mode & 0o022 or bool(st.st_mode & stat.S_ISVTX)


def _private(st: os.stat_result, uid: int) -> bool:
    """Owned by this user, writable by nobody else."""
    return st.st_uid == uid and not st.st_mode & 0o022


def trusted_folder(folder: str | os.PathLike) -> bool:
    """Whether only the current user can have put what is in *folder*: it is owned by this
    user and writable by nobody else, and every folder above it, as written and as it
    resolves, passes :func:`_safe_above` (a symbolic link on the way must be owned by
    this user or root too)."""
    uid = os.getuid()
    try:
        folder = Path(os.path.abspath(folder))
        real = Path(os.path.realpath(folder))
        if not _private(os.stat(real), uid) or not stat.S_ISDIR(os.stat(real).st_mode):
            return False
        for above in real.parents:
            if not _safe_above(os.stat(above), uid):
                return False
        for part in (folder, *folder.parents):
            st = os.lstat(part)
            if stat.S_ISLNK(st.st_mode):
                if st.st_uid not in (uid, 0):
                    return False
            elif part != folder and not _safe_above(st, uid):
                return False
    except OSError:
        return False
    return True


def _make_folder(folder: Path) -> None:
    """Create *folder* and any missing folder above it, each private (0700): a ``.cache``
    made with the umask's group write bit would make every entry untrusted."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)


def _tool_version() -> str:
    """The package version and a digest of the modules (and the ontology file) whose
    output is cached."""
    from importlib import metadata

    import graph
    import registry

    try:
        version = metadata.version("tvb-registry")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        version = "0"
    h = hashlib.sha256(version.encode())
    for pkg in (registry, graph):
        # the ontology (tvb.ttl) is compiled into the cached N-Triples too
        folder = Path(pkg.__file__).parent
        for f in sorted([*folder.glob("*.py"), *folder.glob("*.ttl")]):
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def _read_exactly(fd: int, n: int, offset: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.pread(fd, min(n - got, 1 << 30), offset + got)
        if not chunk:
            raise ValueError("truncated")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class _Tail:
    """The part of an entry after its payload, read on demand through a descriptor kept
    open, so that it is the same file even if a new entry replaces it meanwhile."""

    def __init__(self, fd: int, path: Path, start: int, size: int):
        self.fd, self.path, self.start, self.size = fd, path, start, size
        self.inode = os.fstat(fd).st_ino

    def discard_if_unchanged(self) -> None:
        """Remove the damaged file, unless a new entry has taken its name meanwhile."""
        try:
            if os.stat(self.path).st_ino == self.inode:
                self.path.unlink()
        except OSError:
            pass

    def read(self, offset: int, n: int) -> bytes:
        return _read_exactly(self.fd, n, self.start + offset)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __del__(self) -> None:
        self.close()


class SnapshotCache:
    """Read and write snapshot cache entries in one folder.

    Parameters
    ----------
    folder : Path
        Created (mode 0700) when a first entry is written.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    @classmethod
    def for_paths(cls, paths: Sequence[str | os.PathLike],
                  where: bool | str | os.PathLike = True) -> SnapshotCache:
        return cls(cache_dir(paths, where))

    # -- keys -------------------------------------------------------------------------------
    @staticmethod
    def data_digests(paths: Sequence[str | os.PathLike]) -> list[tuple[str, str]]:
        """(path, SHA-256) of every data file, in load order.  Raises OSError."""
        out = []
        for f in expand_paths(paths):
            with open(f, "rb") as fh:
                # resolved: the same file typed two ways is one entry
                out.append((str(Path(f).resolve()),
                            hashlib.file_digest(fh, "sha256").hexdigest()))
        return out

    @staticmethod
    def data_version(digests: list[tuple[str, str]]) -> str:
        """The registry's ``data_version`` for these files (see ``registry.validate``)."""
        h = hashlib.sha256()
        for _, digest in digests:
            h.update(digest.encode())
        return h.hexdigest()

    @staticmethod
    def key(digests: list[tuple[str, str]], today: dt.date) -> bytes:
        """The 32-byte key of a snapshot of these files judged on *today*."""
        h = hashlib.sha256(f"tvb-snapshot {FORMAT_VERSION}\n{_tool_version()}\n"
                           f"{today.isoformat()}\n".encode())
        for name, digest in digests:
            h.update(f"{name}\0{digest}\n".encode())
        return h.digest()

    # -- entries ----------------------------------------------------------------------------
    def _path(self, key: bytes, suffix: str) -> Path:
        return self.folder / (key.hex()[:40] + suffix)

    def _folder_is_private(self) -> bool:
        """Only a folder that nobody but us can have written to is trusted."""
        return trusted_folder(self.folder)

    def read(self, key: bytes, suffix: str = _SNAP) -> tuple[bytes, _Tail] | None:
        """The payload stored under *key*, and the rest of the file (the parts of a
        snapshot, read and checked against their own digests when they are used); None
        when there is no entry that can be trusted (an untrusted file is removed, when
        the folder is ours to remove it from)."""
        path = self._path(key, suffix)
        if not path.exists() or not self._folder_is_private():
            return None
        fd = -1
        try:
            # not through a symbolic link; then judge the file that was opened, not a
            # name that may point elsewhere by now
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _private(st, os.getuid()):
                raise ValueError("an entry others could have written")
            head = os.pread(fd, _HEADER.size, 0)
            if len(head) != _HEADER.size:
                raise ValueError("truncated header")
            magic, fmt, stored_key, length, digest = _HEADER.unpack(head)
            if magic != MAGIC or fmt != FORMAT_VERSION or stored_key != key:
                raise ValueError("not an entry of this key and format")
            payload = _read_exactly(fd, length, _HEADER.size)
            if hashlib.sha256(payload).digest() != digest:
                raise ValueError("corrupt payload")
            payload = zlib.decompress(payload)
            start = _HEADER.size + length
            tail = _Tail(fd, path, start, os.fstat(fd).st_size - start)
        except (OSError, ValueError, struct.error, zlib.error):
            if fd >= 0:
                os.close(fd)
            self._discard(path)
            return None
        return payload, tail

    def write(self, key: bytes, payload: bytes, suffix: str = _SNAP,
              tail: list[bytes] | tuple = ()) -> Path | None:
        """Store *payload* (compressed) and the *tail* blobs (stored as given) after it
        under *key* atomically; None when the folder is not usable."""
        try:
            _make_folder(self.folder)
            if not self._folder_is_private():
                log.warning("snapshot cache not used: %s, or a folder above it, could be "
                            "written by another user", self.folder)
                return None
            payload = zlib.compress(payload, _LEVEL)
            head = _HEADER.pack(MAGIC, FORMAT_VERSION, key, len(payload),
                                hashlib.sha256(payload).digest())
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=suffix)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(head)
                    fh.write(payload)
                    for blob in tail:
                        fh.write(blob)
                    fh.flush()
                    os.fsync(fh.fileno())
                path = self._path(key, suffix)
                os.replace(tmp, path)  # readers see the old entry or the new one, whole
            except BaseException:
                self._discard(Path(tmp))
                raise
        except OSError:
            return None
        self._prune()
        return path

    def _discard(self, path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass

    def _prune(self) -> None:
        for suffix in (_SNAP, _RDF):
            try:
                entries = sorted(self.folder.glob("*" + suffix), key=lambda p: p.stat().st_mtime,
                                 reverse=True)
            except OSError:
                return
            for old in entries[KEEP:]:
                self._discard(old)

    # -- snapshots ----------------------------------------------------------------------------
    def load_snapshot(self, key: bytes):
        """The cached snapshot (its parts still packed, see :class:`CachedSnapshot`), or
        None."""
        got = self.read(key)
        if got is None:
            return None
        payload, tail = got
        # Unpickling makes a million small objects and no cycles: pause the collector.
        try:
            with paused_gc():
                index = pickle.loads(payload)
                if index["tail"] != tail.size:
                    raise ValueError("truncated parts")
                return _thaw(index, tail)
        except Exception:  # noqa: BLE001 - truncated, or from another version of a class
            tail.close()
            self._discard(self._path(key, _SNAP))
            return None

    def save_snapshot(self, key: bytes, snap) -> Path | None:
        """Store the parts of *snap* that are built (call after ``warm()``)."""
        try:
            index, blobs = _freeze(snap)
            payload = _dump(index)
        except Exception:  # noqa: BLE001 - something unpicklable: run without a cache
            return None
        return self.write(key, payload, tail=blobs)

    def load_rdf(self, key: bytes) -> bytes | None:
        """The cached N-Triples of the compiled graph, or None."""
        got = self.read(key, _RDF)
        if got is None:
            return None
        got[1].close()
        return got[0]

    def save_rdf(self, key: bytes, ntriples: bytes) -> Path | None:
        return self.write(key, ntriples, _RDF)


# -- what is stored --------------------------------------------------------------------------
# The registry and the warnings are read at once; every other part of the snapshot (each
# of its cached properties: networks, report, lookups, search index …) is pickled on its
# own and unpickled when first used, so that a server answers as soon as the registry is
# back, while the parts thaw in the background (see graph.snapshot.build_snapshot).
_REGISTRY, _CONNECTION, _LOCK, _RLOCK, _PROXY = (
    "tvb:registry", "tvb:sqlite", "tvb:lock", "tvb:rlock", "tvb:mappingproxy")
_NOT_STORED = frozenset({"store"})  # an Oxigraph store: rebuilt from the cached N-Triples


def _part_names() -> list[str]:
    return [n for n, v in vars(Snapshot).items()
            if isinstance(v, cached_property) and n not in _NOT_STORED]


def _rebuild(cls: type, values: tuple) -> object:
    return cls(*values)


def _fast_reducers() -> dict:
    """Model dataclasses pickled as their field values and rebuilt by their constructor:
    twice as fast to unpickle as the generic state of a frozen, slotted dataclass."""
    import copyreg
    import dataclasses

    from registry import diagnostics, model

    table = dict(copyreg.dispatch_table)
    for module in (model, diagnostics):
        for cls in vars(module).values():
            if (isinstance(cls, type) and dataclasses.is_dataclass(cls)
                    and cls.__module__ == module.__name__
                    and all(f.init for f in dataclasses.fields(cls))
                    and not hasattr(cls, "__post_init__")):
                table[cls] = partial(_reduce, tuple(f.name for f in dataclasses.fields(cls)))
    return table


def _reduce(names: tuple[str, ...], obj: object) -> tuple:
    return _rebuild, (type(obj), tuple(getattr(obj, n) for n in names))


def _dump(value: object) -> bytes:
    import io

    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _fast_reducers()
    pickler.dump(value)
    return buf.getvalue()


def _freeze_registry(reg) -> tuple:
    """The registry's attributes, derived indexes included (a mapping proxy as its dict)."""
    from types import MappingProxyType

    return ("attributes", {k: (_PROXY, dict(v)) if isinstance(v, MappingProxyType) else v
                           for k, v in vars(reg).items()})


def _thaw_registry(frozen: tuple):
    from types import MappingProxyType

    from registry.model import Registry

    _, attrs = frozen
    reg = Registry.__new__(Registry)
    for k, v in attrs.items():
        if isinstance(v, tuple) and len(v) == 2 and v[0] == _PROXY:
            v = MappingProxyType(v[1])
        setattr(reg, k, v)
    return reg


def _freeze_object(obj: object, reg) -> tuple:
    """An object with a SQLite connection and locks (the search index), by its attributes:
    the registry by reference, the in-memory database as its bytes, locks anew."""
    import sqlite3
    import threading

    lock_type, rlock_type = type(threading.Lock()), type(threading.RLock())
    attrs = {}
    for k, v in vars(obj).items():
        if v is reg:
            v = (_REGISTRY,)
        elif isinstance(v, sqlite3.Connection):
            v = (_CONNECTION, v.serialize())
        elif isinstance(v, lock_type):
            v = (_LOCK,)
        elif isinstance(v, rlock_type):
            v = (_RLOCK,)
        attrs[k] = v
    return type(obj), attrs


def _thaw_object(frozen: tuple, reg) -> object:
    import sqlite3
    import threading

    cls, attrs = frozen
    obj = cls.__new__(cls)
    for k, v in attrs.items():
        if isinstance(v, tuple) and v and isinstance(v[0], str) and v[0].startswith("tvb:"):
            if v[0] == _REGISTRY:
                v = reg
            elif v[0] == _CONNECTION:
                conn = sqlite3.connect(":memory:", check_same_thread=False,
                                       isolation_level=None)
                conn.deserialize(v[1])
                v = conn
            else:
                v = threading.Lock() if v[0] == _LOCK else threading.RLock()
        setattr(obj, k, v)
    return obj


def _freeze(snap) -> tuple[dict, list[bytes]]:
    """The index (registry, warnings, where each part lies and its digest) and the parts."""
    import sqlite3

    reg = snap.registry
    parts: dict[str, tuple[int, int, bytes]] = {}
    blobs: list[bytes] = []
    offset = 0
    for name in _part_names():
        if name not in snap.__dict__:
            continue  # not built: built on first use after a warm start too
        value = snap.__dict__[name]
        try:
            if hasattr(value, "__dict__") and any(
                    isinstance(v, sqlite3.Connection) for v in vars(value).values()):
                blob = _dump(("object", _freeze_object(value, reg)))
            else:
                blob = _dump(("value", value))
            blob = zlib.compress(blob, _LEVEL)
        except Exception:  # noqa: BLE001 - an unpicklable part is rebuilt instead
            continue
        parts[name] = (offset, len(blob), hashlib.sha256(blob).digest())
        blobs.append(blob)
        offset += len(blob)
    index = {"registry": _freeze_registry(reg), "warnings": snap.warnings,
             "today": snap.today, "parts": parts, "tail": offset}
    return index, blobs


def _thaw(index: dict, tail: _Tail):
    snap = CachedSnapshot(_thaw_registry(index["registry"]), index["warnings"],
                          index["today"], from_cache=True)
    snap._blobs = {name: (tail, o, n, digest) for name, (o, n, digest) in index["parts"].items()}
    if not snap._blobs:
        tail.close()
    return snap


class CachedSnapshot(Snapshot):
    """A snapshot read from the disk cache: each part is unpickled on first use (and built
    as usual when the cache did not hold it)."""

    def _thawed(self, name: str) -> tuple[bool, object]:
        packed = self.__dict__.get("_blobs", {}).pop(name, None)
        if packed is None:
            return False, None
        tail, offset, n, digest = packed  # the file closes with the last reference to it
        try:
            blob = tail.read(offset, n)
        except (OSError, ValueError):
            return False, None
        if hashlib.sha256(blob).digest() != digest:  # checked before it is unpickled
            tail.discard_if_unchanged()
            return False, None
        try:
            with paused_gc():
                kind, value = pickle.loads(zlib.decompress(blob))
                if kind == "object":
                    value = _thaw_object(value, self.registry)
                return True, value
        except Exception:  # noqa: BLE001 - rebuilt instead
            return False, None


def _lazy(name: str, compute) -> cached_property:
    def get(self):
        found, value = self._thawed(name)
        return value if found else compute(self)

    get.__name__ = get.__qualname__ = name
    get.__doc__ = compute.__doc__
    prop = cached_property(get)
    prop.__set_name__(CachedSnapshot, name)
    return prop


for _name in _part_names():
    setattr(CachedSnapshot, _name, _lazy(_name, vars(Snapshot)[_name].func))
