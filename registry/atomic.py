"""Atomic, checked writes: a file is always its old version or its new one, never half.

Every command that writes a file goes through :func:`write_atomic`, which follows git's
``lockfile.c``:

1. create ``FILE.lock`` with ``O_CREAT|O_EXCL`` — it exists only while a writer works, so
   a second ``tvb`` writer is refused instead of racing;
2. write the new bytes to a temporary file in the same folder (so the rename below stays
   within one file system), with the original's mode, and ``fsync`` it;
3. read the temporary file back: its bytes must be the planned ones, and where the file
   is register data a *check* (usually :func:`check_yaml`) parses them again;
4. compare the original's bytes with those the edit was planned on (*expected*): an
   editor that saved in the meantime wins, and the write is refused with a message;
5. ``rename`` over the original and ``fsync`` the folder, so that the new name survives
   a crash too.

Any failure — a full disk, a read-only file system, a quota, a check that fails — raises
:class:`WriteError` with a one-line message; the original is untouched and the temporary
file removed.  A ``kill -9`` at any moment leaves the original or the new version (and
possibly the lock and a hidden temporary file; the next writer reports the lock and, once
it holds the lock, removes the temporary file).

What it cannot do: an editor that does not take the lock and saves in the microseconds
between step 4 and step 5 still loses that save (no POSIX call compares and renames in
one step).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from .diagnostics import Text, TextError, text

__all__ = ["WriteError", "ANY", "write_atomic", "check_yaml", "lock_path"]


class WriteError(TextError):
    """The file could not be written safely; nothing was changed.  One line."""


class _Any:
    def __repr__(self) -> str:
        return "ANY"


#: *expected* value meaning "overwrite whatever is there" (exports, ``-o`` outputs).
ANY = _Any()

_EXPLAIN = {
    errno.ENOSPC: text("write.enospc", "the disk is full"),
    errno.EDQUOT: text("write.edquot", "the disk quota is exceeded"),
    errno.EROFS: text("write.erofs", "the file system is read-only"),
    errno.EACCES: text("write.eacces", "permission denied"),
    errno.EPERM: text("write.eperm", "operation not permitted"),
    errno.EFBIG: text("write.efbig", "the file is larger than this process may write"),
    errno.ENOENT: text("write.enoent", "no such file or folder"),
    errno.ENOTDIR: text("write.enotdir", "a part of the path is not a folder"),
    errno.EISDIR: text("write.eisdir", "it is a folder"),
}


def lock_path(path: str | os.PathLike) -> Path:
    """The lock file that guards writes to *path*."""
    p = Path(path)
    return p.with_name(p.name + ".lock")


def _tmp_path(path: Path) -> Path:
    # Hidden and not ending in .yaml: a register folder never loads it.  One fixed name is
    # enough because only the holder of the lock creates it.
    return path.with_name(f".{path.name}.tvb-tmp")


def _why(exc: OSError) -> Text:
    return _EXPLAIN.get(exc.errno or 0) or text("write.os", "{reason}",
                                                 reason=exc.strerror or str(exc))


def _cannot(name: object, exc: OSError) -> Text:
    return text("write.cannot", "cannot write {file}: {reason}; nothing was changed",
                file=str(name), reason=_why(exc))


def check_yaml(data: bytes, name: str) -> str | None:
    """Parse *data* as a register file: the first diagnostic, or None when it is clean."""
    from .load import parse_bytes

    parsed = parse_bytes(data, name, fast=True)
    if parsed.diagnostics:
        return str(parsed.diagnostics[0])
    if parsed.data is None:
        return "the file holds no data"
    return None


def write_atomic(path: str | os.PathLike, data: bytes, *,
                 expected: bytes | None | _Any = ANY,
                 check: Callable[[bytes, str], str | None] | None = None) -> None:
    """Replace the contents of *path* with *data*, atomically and checked.

    Parameters
    ----------
    path : the file to write; a symbolic link is followed, so the link stays a link.
    data : the new bytes.
    expected : the bytes the edit was planned on (refused if the file now holds others);
        ``None`` if the file must not exist yet; :data:`ANY` to overwrite whatever is there.
    check : called with the bytes read back from the temporary file and the file's name;
        returns a reason to refuse (e.g. :func:`check_yaml`) or None.

    Raises
    ------
    WriteError
        With a one-line message; the original is untouched.
    """
    target = Path(os.path.realpath(path))
    lock = lock_path(target)
    try:
        lock_fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise WriteError(_held_message(path, lock)) from None
    except OSError as exc:
        raise WriteError(_cannot(path, exc)) from None
    try:
        try:
            os.write(lock_fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is only a courtesy for the message of a second writer
        finally:
            os.close(lock_fd)
        _write_locked(path, target, data, expected, check)
    finally:
        try:
            os.unlink(lock)
        except OSError:
            pass


def _held_message(path: str | os.PathLike, lock: Path) -> Text:
    try:
        pid = int(lock.read_text(encoding="ascii").strip() or "0")
    except (OSError, ValueError):
        pid = 0
    if pid > 0:
        try:
            os.kill(pid, 0)
            who = text("write.held.by", " by process {pid}", pid=pid)
        except ProcessLookupError:
            who = text("write.held.gone", " by process {pid}, which is no longer running",
                       pid=pid)
        except OSError:
            who = text("write.held.by", " by process {pid}", pid=pid)
    else:
        who = text("write.held.nobody", ", naming no process: a writer just starting, or one "
                   "killed as it took it")
    return text("write.held", "cannot write {file}: another write is in progress ({lock} is "
                "held{who}); nothing was changed — if no other tvb is running, remove that "
                "file and try again", file=str(path), lock=str(lock), who=who)


def _read_current(target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None


def _write_locked(path, target: Path, data: bytes, expected, check) -> None:
    name = str(path)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(_cannot(name, exc)) from None
    _refuse_if_changed(name, target, expected)
    tmp = _tmp_path(target)
    try:
        try:
            os.unlink(tmp)  # left by a writer that was killed while it held the lock
        except FileNotFoundError:
            pass
        # 0o666 lets the umask decide for a new file, as any editor would.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        try:
            if st is not None:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                    try:  # keep the owner when root (or a group member) edits the file
                        os.fchown(fd, st.st_uid, st.st_gid)
                    except OSError:
                        pass
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if tmp.read_bytes() != data:
            raise WriteError(text("write.read_back", "cannot write {file}: the file read back "
                                  "differs from what was written (a failing disk?); nothing "
                                  "was changed", file=name))
        if check is not None:
            problem = check(data, name)
            if problem:
                raise WriteError(text("write.does_not_parse", "{file}: the new version does "
                                      "not parse ({problem}); nothing was changed", file=name,
                                      problem=problem))
        _refuse_if_changed(name, target, expected)
        os.replace(tmp, target)
    except WriteError:
        _discard(tmp)
        raise
    except OSError as exc:
        _discard(tmp)
        raise WriteError(_cannot(name, exc)) from None
    except BaseException:
        _discard(tmp)
        raise
    _fsync_folder(target.parent)


def _refuse_if_changed(name: str, target: Path, expected) -> None:
    if expected is ANY:
        return
    try:
        current = _read_current(target)
    except OSError as exc:
        raise WriteError(_cannot(name, exc)) from None
    if expected is None and current is not None:
        raise WriteError(text("write.exists", "{file} already exists; nothing was changed",
                              file=name))
    if expected is not None and current is None:
        raise WriteError(text("write.removed", "{file} was removed while the edit was prepared; "
                              "nothing was written", file=name))
    if expected is not None and current != expected:
        raise WriteError(text("write.changed", "{file} was changed by someone else while the "
                              "edit was prepared; nothing was written — their version is "
                              "kept, run the command again", file=name))


def _discard(tmp: Path) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot fsync a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
