"""Who held what before: the register's history, read from the data repository's git.

Git already keeps every earlier version of the data.  :func:`steps` reads the last
*limit* commits that touched the data (``git log -- PATH``), builds the register as it
was at each of them and at the parent of the oldest (:func:`registry.gitrev.load_at_revision`,
from git's object store, the work tree untouched) and compares neighbours with the
semantic diff (:func:`registry.diff.diff`).  :func:`earlier` turns those steps into the
"eerder" rows of the viewer: a dossier's previous owners and deputies, a unit's previous
heads and members, and for a person the units, dossiers and heads' posts they held,
each with the date it ended and, when the window shows it, the date it began.

An id that was renamed shows as one entry removed and one added with the same name in
the same commit; :func:`steps` pairs them (:attr:`Step.renamed`) and :func:`earlier`
files everything said about the old id under the new one, so a rename is neither a
hand-over nor a loss of history.

A register outside git, or git missing, has no history: :func:`steps` returns ``[]``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .diff import RegistryDiff, diff
from .gitrev import GitError, _git, load_at_revision, repo_path
from .load import DEFAULT_MAX_BYTES, ReadError
from .model import Registry, Settings

__all__ = ["Commit", "Step", "steps", "head", "earlier", "DEFAULT_LIMIT"]

#: Commits read at most when no limit is given.
DEFAULT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    date: dt.datetime
    subject: str


@dataclass
class Step:
    """One commit that changed the data: what it changed, and the ids it renamed."""

    commit: Commit
    diff: RegistryDiff
    renamed: dict[str, str] = field(default_factory=dict)  # old id → new id
    registry: Registry | None = None  # the register after the commit


def _cwd(path: str | os.PathLike) -> Path:
    p = Path(path)
    return p if p.is_dir() else p.parent


def head(path: str | os.PathLike) -> str | None:
    """The commit checked out in the repository holding *path*, or None outside git."""
    try:
        return _git(["rev-parse", "HEAD"], _cwd(path)).decode().strip()
    except GitError:
        return None


def _commits(path: str | os.PathLike, limit: int) -> list[Commit]:
    cwd = _cwd(path)
    rel = repo_path(Path(path).resolve(), cwd) or "."
    out = _git(["log", f"-n{limit + 1}", "--format=%H%x1f%an%x1f%aI%x1f%s%x1e", "--", rel], cwd)
    commits = []
    for record in out.decode("utf-8", "replace").split("\x1e"):
        parts = record.strip("\n").split("\x1f")
        if len(parts) == 4:
            sha, author, date, subject = parts
            commits.append(Commit(sha, author, dt.datetime.fromisoformat(date), subject))
    return commits


def _load(path: str | os.PathLike, rev: str, max_bytes: int,
          today: dt.date | None) -> Registry | None:
    try:
        result = load_at_revision(Path(path).resolve(), rev, cwd=_cwd(path), today=today,
                                  max_bytes=max_bytes)
    except (GitError, ReadError):
        return None
    # A version with errors is built as far as it goes; its facts may be partial, so it
    # is skipped rather than read as a wave of removals.
    return result.registry if result is not None and result.ok else None


def _renames(d: RegistryDiff) -> dict[str, str]:
    """Entries removed and added in one change under the same name: renamed ids."""
    out: dict[str, str] = {}
    for removed, added in ((d.people_removed, d.people_added),
                           (d.dossiers_removed, d.dossiers_added),
                           (d.units_removed, d.units_added),
                           (d.collaborations_removed, d.collaborations_started),
                           (d.processes_removed, d.processes_added)):
        by_label = defaultdict(list)
        for e in added:
            by_label[e.label].append(e.id)
        for e in removed:
            match = by_label.get(e.label, [])
            if len(match) == 1:
                out[e.id] = match[0]
    return out


def steps(path: str | os.PathLike, *, limit: int = DEFAULT_LIMIT,
          max_bytes: int = DEFAULT_MAX_BYTES, today: dt.date | None = None) -> list[Step]:
    """The last *limit* commits that changed the data at *path*, newest first, each with
    its semantic diff.

    Versions that do not load cleanly are skipped: the change is then read across them,
    from the last good version before to the next good one.

    Notes
    -----
    Builds the register $k + 1$ times for $k$ commits, and diffs in $O(n)$ each for $n$
    entries: $O(kn)$ in all.  Cache the result per HEAD (the viewer does).
    """
    try:
        commits = _commits(path, max(0, limit))
    except GitError:
        return []
    if not commits:
        return []
    # the oldest commit read is the base of the first step when the log goes further back
    base_commit = commits[limit] if len(commits) > limit else None
    commits = commits[:limit]
    before = _load(path, base_commit.sha, max_bytes, today) if base_commit else None
    if before is None and base_commit is None:
        try:  # the parent of the oldest commit, if it has one with the data in it
            before = _load(path, commits[-1].sha + "^", max_bytes, today)
        except GitError:
            before = None
    empty = Registry(None, Settings(), [], [], [], [], [])
    out: list[Step] = []
    for c in reversed(commits):
        after = _load(path, c.sha, max_bytes, today)
        if after is None:
            continue
        d = diff(before if before is not None else empty, after)
        if not d.empty:
            out.append(Step(c, d, _renames(d) if before is not None else {}, after))
        before = after
    out.reverse()
    return out


# -- "eerder" ---------------------------------------------------------------------------------
def _forward(renamed: list[tuple[int, dict[str, str]]]):
    """A function mapping an id seen at step *i* (chronological) to its newest id."""
    def canonical(id: str | None, i: int) -> str | None:
        if id is None:
            return None
        for j, table in renamed:
            if j >= i and id in table:
                id = table[id]
        return id
    return canonical


def earlier(history: list[Step]) -> dict[str, list[dict]]:
    """The "eerder" rows of each entity (by its newest id), newest first.

    Each row is ``{"role", "subject", "other", "from", "until", "commit", "author"}``:

    - ``owner`` / ``deputy``: *subject* is the dossier, *other* the person who held it;
      filed under both;
    - ``head``: *subject* the unit, *other* the person who headed it; under both;
    - ``member``: *subject* the unit, *other* the person who worked in it (left by a
      move or by leaving the register); under both;
    - ``id``: *subject* the entity, *other* its former id.

    ``until`` is the date of the commit that ended it; ``from`` the date of the commit
    that began it when that lies inside the window, else None.
    """
    chrono = list(reversed(history))
    canonical = _forward([(i, s.renamed) for i, s in enumerate(chrono) if s.renamed])
    began: dict[tuple[str, str, str], dt.date] = {}  # (role, subject, holder) → start
    rows: dict[str, list[dict]] = defaultdict(list)

    def start(role: str, subject: str, holder: str | None, when: dt.date) -> None:
        if holder:
            began[(role, subject, holder)] = when

    def end(role: str, subject: str, holder: str | None, step: Step, when: dt.date) -> None:
        if not holder:
            return
        row = {"role": role, "subject": subject, "other": holder,
               "from": began.pop((role, subject, holder), None), "until": when,
               "commit": step.commit.sha[:12], "author": step.commit.author}
        rows[subject].append(row)
        if holder != subject:
            rows[holder].append(row)

    for i, step in enumerate(chrono):
        d = step.diff
        when = step.commit.date.date()

        def c(id: str | None, _i: int = i) -> str | None:
            return canonical(id, _i)

        for old, new in step.renamed.items():
            rows[c(new)].append({"role": "id", "subject": c(new), "other": old, "from": None,
                                 "until": when, "commit": step.commit.sha[:12],
                                 "author": step.commit.author})
        for role, changes in (("owner", d.owner_changed), ("deputy", d.deputy_changed),
                              ("head", d.head_changed)):
            for ch in changes:
                old, new = c(ch.old), c(ch.new)
                if old == new:  # the person's id was renamed: not a hand-over
                    continue
                end(role, c(ch.id), old, step, when)
                start(role, c(ch.id), new, when)
        for m in d.people_moved:
            end("member", c(m.from_unit), c(m.id), step, when)
            start("member", c(m.to_unit), c(m.id), when)
        renamed_people = set(step.renamed)
        for e in d.people_removed:
            if e.id not in renamed_people:
                end("member", c(e.detail), c(e.id), step, when)
        for e in d.people_added:
            start("member", c(e.detail), c(e.id), when)
        for e in d.dossiers_added:
            start("owner", c(e.id), c(e.detail), when)
    for table in rows.values():
        table.reverse()
    return dict(rows)
