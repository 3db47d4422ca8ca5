"""Read the register as it was at a git revision, without checking anything out.

``tvb diff --git BASE [HEAD]`` compares two revisions of the data in the current
repository.  The files are read from git's object store (``git cat-file``, the plumbing
behind ``git show REV:path``; ``git ls-tree`` for a folder) and parsed from memory, so the
work tree is never touched and every diagnostic names the revision:
``origin/main:data/tvb.yaml:12:5: error[E008]: …``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path, PurePosixPath

from .diagnostics import TextError, text
from .load import DEFAULT_MAX_BYTES, ReadError, parse_bytes
from .validate import LoadResult, build_registry

__all__ = ["GitError", "load_at_revision", "repo_path"]


class GitError(TextError):
    """git is missing, this is not a repository, or the revision is unknown."""


def _git(args: list[str], cwd: str | os.PathLike | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError(text("git.missing", "git is not installed")) from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(msg[-1] if msg else f"git {' '.join(args)} failed")
    return proc.stdout


def repo_path(path: str | os.PathLike, cwd: str | os.PathLike | None = None) -> str:
    """*path* (relative to *cwd*) as a path relative to the top of its repository."""
    cwd = Path(cwd or os.getcwd())
    top = _git(["rev-parse", "--show-toplevel"], cwd).decode().strip()
    full = Path(os.path.realpath(cwd / path))
    try:
        rel = full.relative_to(os.path.realpath(top))
    except ValueError:
        raise GitError(text("git.outside", "{path} is outside the git repository at {top}",
                            path=str(path), top=top)) from None
    return rel.as_posix() if str(rel) != "." else ""


def load_at_revision(path: str | os.PathLike, rev: str, *, today: dt.date | None = None,
                     cwd: str | os.PathLike | None = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> LoadResult | None:
    """Check and build the register at *path* as it was at revision *rev*.

    A folder is read like :func:`registry.load.expand_paths` reads one (its ``*.yaml``
    and ``*.yml`` files, recursively, sorted, hidden ones skipped).  Returns None when the
    path did not exist at that revision.  Raises :class:`GitError` for an unknown
    revision and :class:`registry.load.ReadError` for a file that cannot be read.
    """
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except GitError:
        raise GitError(text("git.unknown_revision", "unknown revision '{rev}'",
                            rev=rev)) from None
    rel = repo_path(path, cwd)
    spec = f"{rev}:{rel}"
    try:
        kind = _git(["cat-file", "-t", spec], cwd).decode().strip()
    except GitError:
        return None
    if kind == "blob":
        files = [rel]
    elif kind == "tree":
        listing = _git(["ls-tree", "-r", "-z", "--name-only", rev, "--", rel or "."], cwd)
        names = [n for n in listing.decode("utf-8", "surrogateescape").split("\0") if n]
        files = [n for n in names if _is_data_file(PurePosixPath(n), rel)]
        files = [p.as_posix() for p in sorted(PurePosixPath(n) for n in files)]
    else:
        raise GitError(text("git.not_a_file", "{spec} is a {kind}, not a file or folder",
                            spec=spec, kind=kind))
    sources = []
    for name in files:
        size = int(_git(["cat-file", "-s", f"{rev}:{name}"], cwd).decode().strip())
        label = f"{rev}:{name}"
        if size > max_bytes:
            from .diagnostics import Diagnostic, Loc

            raise ReadError(Diagnostic(Loc(label), "error", "E003", text(
                "diag.rev_too_large", "file is {size} MiB, over the limit",
                size=f"{size / 2**20:.1f}")))
        sources.append(parse_bytes(_git(["cat-file", "blob", f"{rev}:{name}"], cwd), label))
    return build_registry(sources, today=today)


def _is_data_file(path: PurePosixPath, folder: str) -> bool:
    inside = path.relative_to(folder) if folder else path
    if any(part.startswith(".") for part in inside.parts):
        return False
    return path.suffix in (".yaml", ".yml")
