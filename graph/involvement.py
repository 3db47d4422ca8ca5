"""Who should be involved, and when; who covers; whose task is it (issue 13).

Four findings of the integrator that follow the study behind the register (*Het
doorbreken van muren*, 2021) rather than the network's structure:

``should_involve``
    An active dossier that matches a theme while a directorate (or external unit) the
    theme requires is not involved (§5.3.3: "wanneer een materiaal project bezig is, dan
    is het ook belangrijk om de hoofddirectie personeel erbij te halen, dat gebeurt nog
    niet"); and everyone an evaluation records as ``absent`` from the table.
``late_involvement``
    A directorate that a process or theme requires, brought in more than
    ``settings.late_after_days`` after the dossier's start, or first at the stage
    ``besluitvorming`` or later ("elkaar aan de voorkant betrekken", appendix 3).
``cover``
    Active dossiers without a deputy, deputies who cannot stand in, people above
    ``settings.max_active_dossiers``, and per directorate the active dossiers per FTE and
    the vacancies (§5.3.5: "niemand kan een collega opvangen").
``task_clarity``
    Published tasks no active dossier of the unit covers, dossiers whose words match the
    tasks of another directorate that is not involved, and units of different
    directorates whose tasks overlap (§2.1, §5.4: "niet duidelijk wie primair over een
    vraagstuk gaat").

Text is compared through :func:`terms`, the one normaliser the overlap finding uses
(folded, tokenised, Dutch stop words dropped, Snowball-stemmed).  Every function takes
the registry and returns plain data; :func:`add_to_report` puts them in the report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import combinations

from registry.gcpause import paused_gc
from registry.model import Dossier, Involvement, Registry
from registry.schema import STAGES

from .network import dossier_directorate, involved_directorates, required_directorates

__all__ = [
    "LATE_STAGE",
    "MIN_SHARED_STEMS",
    "MAX_TASK_GROUP",
    "terms",
    "theme_matches",
    "should_involve",
    "late_involvement",
    "cover",
    "person_load",
    "task_clarity",
    "general_task_stems",
    "findings",
    "add_to_report",
    "by_entity",
]

#: Involvement that begins at this stage or a later one is late.
LATE_STAGE = "besluitvorming"
#: Stems a dossier must share with a task (or two tasks with each other) to be about the
#: same thing; one shared word is too weak a signal between two directorates.
MIN_SHARED_STEMS = 2
#: A stem in the tasks of more units than this is skipped when pairing tasks (it would
#: make the pairing quadratic and says little about who does what).
MAX_TASK_GROUP = 25


# -- text -------------------------------------------------------------------------------------
def terms() -> Callable[[str], tuple[str, ...]]:
    """The text normaliser: text → its stems, in order.

    Folds case and diacritics, splits into words, drops Dutch function words and the
    words every DGB title carries, drops numbers and single letters, and stems: all with
    :mod:`registry.text`, the normaliser of search and of the overlap finding
    (:func:`graph.analysis.overlap_keys`).

    >>> norm = terms()
    >>> norm("Materieelprojecten en het DMP")
    ('materieelproject', 'dmp')
    """
    from registry.text import stem

    from .analysis import _words

    memo: dict[str, tuple[str, ...]] = {}  # keywords and task phrases repeat

    def normalise(text: str) -> tuple[str, ...]:
        out = memo.get(text)
        if out is None:
            out = memo[text] = tuple(stem(w) for w in _words(text)
                                     if len(w) > 1 and not w.isdigit())
        return out

    return normalise


def _dossier_stems(d: Dossier, norm: Callable[[str], tuple[str, ...]]) -> frozenset[str]:
    """Stems of a dossier's title and keywords (its description is left out: it names
    neighbouring topics too often to say what the dossier is about)."""
    out: set[str] = set(norm(d.title))
    for kw in d.keywords:
        out.update(norm(kw))
    return frozenset(out)


# -- themes -----------------------------------------------------------------------------------
def theme_matches(reg: Registry, norm: Callable[[str], tuple[str, ...]] | None = None,
                  stems: Mapping[str, frozenset[str]] | None = None) -> dict[str, list[tuple]]:
    """For every active dossier, the themes it matches: dossier id →
    ``[(theme id, [matched words as written in the theme]), ...]``.

    A ``match`` entry matches when all of its stems occur among the stems of the
    dossier's title and keywords ("materieelprojecten" matches ``materieelproject``;
    "gevaarlijke stoffen" needs both words).  Compounds are not split: ``materieel`` does
    not match "Materieelprojecten" (list the compound, or wait for decompounding).
    Time :math:`O(d \\cdot m)` for :math:`d` dossiers and :math:`m` match entries.
    """
    norm = norm or terms()
    if not reg.themes:
        return {}
    rules = [(t.id, word, frozenset(norm(word))) for t in reg.themes.values() for word in t.match]
    rules = [r for r in rules if r[2]]
    out: dict[str, list[tuple]] = {}
    for d in reg.dossiers.values():
        if not d.active:
            continue
        have = stems[d.id] if stems is not None else _dossier_stems(d, norm)
        hits: dict[str, list[str]] = {}
        for tid, word, need in rules:
            if need <= have:
                hits.setdefault(tid, []).append(word)
        if hits:
            out[d.id] = list(hits.items())
    return out


def _involved_externals(reg: Registry) -> dict[str, set[str]]:
    """External units involved in each dossier: listed in ``involved``, or taking part
    (as member or unit) in a collaboration that lists the dossier."""
    out: dict[str, set[str]] = defaultdict(set)
    if not reg.externals:
        return out
    for d in reg.dossiers.values():
        out[d.id].update(i for i in d.involved if i in reg.externals)
    for c in reg.collaborations.values():
        ext = {i for i in (*c.participants, *c.directorates) if i in reg.externals}
        for did in c.dossiers if ext else ():
            out[did] |= ext
    return out


def _is_involved(reg: Registry, did: str, need: str, involved: Mapping[str, frozenset[str]],
                 externals: Mapping[str, set[str]]) -> bool:
    if need in reg.externals:
        return need in externals.get(did, ())
    return need in involved[did]


def should_involve(reg: Registry, involved: Mapping[str, frozenset[str]] | None = None,
                   matches: Mapping[str, list[tuple]] | None = None) -> list[dict]:
    """Who should be involved and is not.

    ``theme`` rows: an active dossier matches a theme (:func:`theme_matches`) and a
    directorate the theme requires is not involved in it — not its own directorate, not
    listed in ``involved`` (itself, a department or a person of it), not represented in a
    collaboration on the dossier (:func:`graph.network.involved_directorates`).  An
    external unit counts as involved when listed in ``involved`` or taking part in such a
    collaboration.  One row per (dossier, theme, missing unit).

    ``absent`` rows: every id an evaluation lists under ``absent``: who should have been
    at the table.

    Every row has ``kind``, ``missing``, ``directorates`` (the dossier's or the
    collaboration's directorates, then the missing one's), ``dossiers``, ``people``
    (the owner, or the lead) and ``reason`` (English); ``theme`` rows add ``theme`` and
    ``matched`` (the theme's words found), ``absent`` rows add ``collaboration`` and
    ``date``.  Sorted by kind (theme first), then dossier or collaboration, then missing.
    """
    involved = involved if involved is not None else involved_directorates(reg)
    matches = matches if matches is not None else theme_matches(reg)
    externals = _involved_externals(reg)
    rows: list[dict] = []
    for did in sorted(matches):
        d = reg.dossiers[did]
        home = dossier_directorate(reg, did)
        owner = [d.owner] if d.owner in reg.people else []
        for tid, words in sorted(matches[did]):
            theme = reg.themes[tid]
            for need in theme.involve:
                if _is_involved(reg, did, need, involved, externals):
                    continue
                label = _label(reg, need)
                rows.append({
                    "kind": "theme", "missing": need, "theme": tid, "matched": list(words),
                    "directorates": [x for x in (home, reg.directorate_of(need)) if x],
                    "dossiers": [did], "people": owner,
                    "reason": f"'{d.title}' matches theme '{theme.name}' "
                              f"({', '.join(words)}), which requires {label}; {label} is "
                              "not involved" + (f". {theme.reason}" if theme.reason else "")})
    for cid in sorted(reg.collaborations):
        c = reg.collaborations[cid]
        lead = [c.lead] if c.lead in reg.people else []
        for e in sorted(c.evaluations, key=lambda e: e.date):
            for who in e.absent:
                label = _label(reg, who)
                rows.append({
                    "kind": "absent", "missing": who, "collaboration": cid,
                    "date": e.date.isoformat(),
                    "directorates": [x for x in (reg.directorate_of(who),) if x],
                    "dossiers": list(c.dossiers), "people": lead,
                    "reason": f"{label} was absent at the table of '{c.name}' "
                              f"(evaluation of {e.date.isoformat()})"})
    return rows


def _label(reg: Registry, id: str) -> str:
    e = reg.get(id)
    if e is None:
        return id
    return getattr(e, "label", None) or getattr(e, "name", None) or id


# -- late involvement -------------------------------------------------------------------------
def _requirements(reg: Registry, d: Dossier,
                  matches: Mapping[str, list[tuple]]) -> dict[str, dict[str, list[str]]]:
    """Unit id → {"processes": [...], "themes": [...]} that require it for dossier *d*."""
    need: dict[str, dict[str, list[str]]] = {}
    proc = reg.processes.get(d.process) if d.process else None
    if proc is not None:
        for x in required_directorates(reg, proc.involve):
            need.setdefault(x, {"processes": [], "themes": []})["processes"].append(proc.id)
    for tid, _words in sorted(matches.get(d.id, ())):
        for x in reg.themes[tid].involve:
            need.setdefault(x, {"processes": [], "themes": []})["themes"].append(tid)
    return need


def _is_late(e: Involvement, start: dt.date | None, limit: int) -> bool:
    """An entry brought in more than *limit* days after *start*, or at a late stage."""
    if e.since is not None and start is not None and (e.since - start).days > limit:
        return True
    return e.stage is not None and STAGES.index(e.stage) >= STAGES.index(LATE_STAGE)


def late_involvement(reg: Registry,
                     matches: Mapping[str, list[tuple]] | None = None) -> list[dict]:
    """Required directorates (or external units) brought into a dossier late.

    For every active dossier, each unit its process or a matching theme requires, other
    than the dossier's own directorate, is looked up among the dossier's ``involved``
    entries (the unit itself, one of its departments or one of its people).  An entry is
    *late* when its ``since`` lies more than ``settings.late_after_days`` after the
    dossier's ``start`` (needs both dates), or its ``stage`` is ``besluitvorming`` or a
    later one.  The unit is reported when it has entries and every one of them is late:
    a bare id, or an entry in time, says nothing late about its first involvement.  A
    required unit that is not listed at all is not late but missing (see
    :func:`should_involve` and the ``process`` missing links).

    Rows: ``dossier``, ``missing`` (the unit), ``directorates`` (the dossier's, the
    unit's), ``dossiers``, ``people`` (the owner), ``processes`` and ``themes`` (what
    requires it), ``start``, ``since`` (the earliest), ``stage`` (the earliest),
    ``days_after_start`` (``None`` without both dates), ``late_after_days`` and
    ``reason``.  Sorted by dossier and unit.  Time :math:`O(d \\cdot r \\cdot i)` for
    :math:`r` required units and :math:`i` involved entries per dossier.
    """
    matches = matches if matches is not None else theme_matches(reg)
    limit = reg.settings.late_after_days
    late_from = STAGES.index(LATE_STAGE)
    rows = []
    for did in sorted(reg.dossiers):
        d = reg.dossiers[did]
        if not d.active or not d.involvements:
            continue  # without since or stage nobody can be late
        home = dossier_directorate(reg, did)
        for need, why in sorted(_requirements(reg, d, matches).items()):
            if need == home:
                continue
            entries = [e for e in d.involvements
                       if e.id == need or reg.directorate_of(e.id) == need]
            if not entries or not all(_is_late(e, d.start, limit) for e in entries):
                continue
            since = min((e.since for e in entries if e.since), default=None)
            stage = min((e.stage for e in entries if e.stage), key=STAGES.index, default=None)
            after = (since - d.start).days if since and d.start else None
            label = _label(reg, need)
            parts = []
            if after is not None and after > limit:
                parts.append(f"{after} days after the start ({d.start.isoformat()}; "
                             f"limit {limit})")
            if stage is not None and STAGES.index(stage) >= late_from:
                parts.append(f"first at stage '{stage}'")
            rows.append({
                "kind": "late", "missing": need,
                "directorates": [x for x in (home, reg.directorate_of(need)) if x],
                "dossiers": [did], "people": [d.owner] if d.owner in reg.people else [],
                "processes": why["processes"], "themes": why["themes"],
                "start": d.start.isoformat() if d.start else None,
                "since": since.isoformat() if since else None, "stage": stage,
                "days_after_start": after, "late_after_days": limit,
                "reason": f"{label} was brought into '{d.title}' late: " + " and ".join(parts)})
    return rows


# -- cover ------------------------------------------------------------------------------------
def person_load(reg: Registry, person_id: str) -> dict:
    """One person's load: active dossiers owned, those without a deputy, active dossiers
    they stand in for, and whether they are above ``settings.max_active_dossiers``."""
    owned = [i for i in reg.dossiers_owned_by(person_id) if reg.dossiers[i].active]
    deputy_for = [i for i in reg.dossiers_naming(person_id)
                  if reg.dossiers[i].active and reg.dossiers[i].deputy == person_id]
    limit = reg.settings.max_active_dossiers
    return {"person": person_id, "directorate": reg.directorate_of(person_id),
            "active_dossiers": len(owned),
            "without_deputy": [i for i in owned if not reg.dossiers[i].deputy],
            "deputy_for": deputy_for, "max_active_dossiers": limit,
            "overloaded": len(owned) > limit}


def _unit_capacity(reg: Registry, directorate_id: str) -> tuple[float | None, int | None]:
    """A directorate's FTE and vacancies: its own figure, else the sum of its
    departments' (``None`` when nobody gives one)."""
    u = reg.units[directorate_id]
    deps = [reg.units[x] for x in u.departments if x in reg.units]

    def total(attr: str):
        own = getattr(u, attr)
        if own is not None:
            return own
        parts = [getattr(x, attr) for x in deps if getattr(x, attr) is not None]
        return sum(parts) if parts else None

    return total("fte"), total("vacancies")


def cover(reg: Registry) -> dict:
    """Who covers for whom (§5.3.5).

    Returns
    -------
    dict
        ``without_deputy``
            Active dossiers without a deputy: ``{"dossier", "owner", "directorate"}``,
            by directorate and dossier.
        ``deputy_problems``
            Deputies who cannot stand in: ``problem`` is ``unknown`` (not a person of
            the register: left, or mistyped) or ``owner`` (the owner is their own
            deputy).
        ``overloaded``
            People owning more active dossiers than ``settings.max_active_dossiers``
            (:func:`person_load`), most loaded first.
        ``directorates``
            Per directorate: ``active_dossiers`` (those whose owner works there,
            :func:`graph.network.dossier_directorate`), ``without_deputy``, ``fte`` and
            ``vacancies`` (the directorate's own figures, else the sum of its
            departments'), ``dossiers_per_fte`` (``None`` without FTE) and ``people``.
        ``max_active_dossiers``
            The threshold used.

    Time :math:`O(n + d)`.
    """
    limit = reg.settings.max_active_dossiers
    without, problems = [], []
    per_dir: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    owned: dict[str, int] = defaultdict(int)
    for did in sorted(reg.dossiers):
        d = reg.dossiers[did]
        if not d.active:
            continue
        home = dossier_directorate(reg, did)
        if home:
            per_dir[home][0] += 1
        if d.owner in reg.people:
            owned[d.owner] += 1
        if not d.deputy:
            without.append({"dossier": did, "owner": d.owner, "directorate": home})
            if home:
                per_dir[home][1] += 1
        elif d.deputy not in reg.people:
            problems.append({"dossier": did, "deputy": d.deputy, "problem": "unknown",
                             "directorate": home})
        elif d.deputy == d.owner:
            problems.append({"dossier": did, "deputy": d.deputy, "problem": "owner",
                             "directorate": home})
    without.sort(key=lambda r: (r["directorate"] or "", r["dossier"]))
    overloaded = [{"person": p, "directorate": reg.directorate_of(p), "active_dossiers": n}
                  for p, n in owned.items() if n > limit]
    overloaded.sort(key=lambda r: (-r["active_dossiers"], r["person"]))
    directorates = []
    for u in reg.directorates:
        fte, vacancies = _unit_capacity(reg, u.id)
        active, no_deputy = per_dir.get(u.id, (0, 0))
        directorates.append({
            "directorate": u.id, "active_dossiers": active, "without_deputy": no_deputy,
            "people": len(reg.people_in(u.id)), "fte": fte, "vacancies": vacancies,
            "dossiers_per_fte": round(active / fte, 3) if fte else None})
    return {"without_deputy": without, "deputy_problems": problems, "overloaded": overloaded,
            "directorates": directorates, "max_active_dossiers": limit}


# -- task clarity -----------------------------------------------------------------------------
def general_task_stems(reg: Registry,
                       task_stems: Mapping[str, list[frozenset[str]]]) -> frozenset[str]:
    """Stems too general to tell whose task something is: those in the tasks of more
    than ``max(2, n / 4)`` of the :math:`n` directorates ("integraal", "beleid",
    "realiseren" in the DGB).  A document-frequency cut, as in tf–idf weighting."""
    seen: dict[str, set[str]] = defaultdict(set)
    for uid, tasks in task_stems.items():
        owner = reg.directorate_of(uid)
        for stems in tasks:
            for s in stems:
                seen[s].add(owner)
    cap = max(2, len(reg.directorates) / 4)
    return frozenset(s for s, dirs in seen.items() if len(dirs) > cap)


def task_clarity(reg: Registry, involved: Mapping[str, frozenset[str]] | None = None,
                 stems: Mapping[str, frozenset[str]] | None = None) -> dict:
    """Whose task is it (§2.1, §5.4).

    Tasks and dossiers are compared by stems (:func:`terms`); a task's stems exclude
    :func:`general_task_stems`.  A task whose stems are all general is not judged.

    Returns
    -------
    dict
        ``uncovered_tasks``
            ``{"unit", "directorate", "task"}`` for each published task that no active
            dossier *of the unit* shares a stem with.  A directorate's dossiers are those
            owned anywhere in it or with it as penvoerder; a department's, those owned by
            its people.  A unit without tasks has nothing to report.
        ``unclear_owner``
            An active dossier sharing at least :data:`MIN_SHARED_STEMS` stems with a
            task of a unit of another directorate that is not involved in it:
            ``{"dossiers": [id], "directorates": [own, other], "people": [owner],
            "units", "tasks", "shared", "reason"}``, one row per (dossier, other
            directorate).
        ``overlapping_tasks``
            Units of different directorates with a task each sharing at least
            :data:`MIN_SHARED_STEMS` stems: ``{"units": [a, b], "directorates": [da,
            db], "tasks": [ta, tb], "shared"}``, one row per unit pair (its most
            overlapping task pair).

    Notes
    -----
    An inverted index stem → tasks makes each comparison touch only tasks that share a
    stem; stems in more than :data:`MAX_TASK_GROUP` tasks are skipped for the pairing.
    Time about :math:`O(T + d \\cdot w \\cdot g)` for :math:`T` task words, :math:`d`
    dossiers of :math:`w` stems and groups of at most :math:`g` tasks.
    """
    norm = terms()
    involved = involved if involved is not None else involved_directorates(reg)
    task_stems = {u.id: [frozenset(norm(t)) for t in u.tasks] for u in reg.units.values()
                  if u.tasks}
    general = general_task_stems(reg, task_stems)
    tasks: list[tuple[str, str, str, frozenset[str]]] = []  # unit, directorate, text, stems
    for uid, stem_sets in task_stems.items():
        u = reg.units[uid]
        for text, s in zip(u.tasks, stem_sets, strict=True):
            specific = s - general
            if specific:
                tasks.append((uid, u.directorate, text, specific))
    if not tasks:
        return {"uncovered_tasks": [], "unclear_owner": [], "overlapping_tasks": []}
    if stems is None:
        stems = {d.id: _dossier_stems(d, norm) for d in reg.dossiers.values() if d.active}
    index: dict[str, list[int]] = defaultdict(list)
    for n, (*_, s) in enumerate(tasks):
        for stem in s:
            index[stem].append(n)

    # Uncovered: the stems of each unit's own active dossiers.
    own_stems: dict[str, set[str]] = defaultdict(set)
    for did, s in stems.items():
        d = reg.dossiers[did]
        home = dossier_directorate(reg, did)
        owner_unit = reg.people[d.owner].unit if d.owner in reg.people else None
        for uid in {home, reg.penvoerder_of(did), owner_unit} - {None}:
            own_stems[uid] |= s
    uncovered = [{"unit": uid, "directorate": dir_, "task": text}
                 for uid, dir_, text, s in tasks if not s & own_stems.get(uid, set())]

    # Unclear owner: a dossier's words match another directorate's task.
    unclear = []
    for did in sorted(stems):
        d = reg.dossiers[did]
        home = dossier_directorate(reg, did)
        shared_with: dict[int, set[str]] = defaultdict(set)
        for stem in stems[did]:
            group = index.get(stem, ())
            if len(group) <= MAX_TASK_GROUP:
                for n in group:
                    shared_with[n].add(stem)
        by_dir: dict[str, list[tuple[int, set[str]]]] = defaultdict(list)
        for n, shared in shared_with.items():
            other = tasks[n][1]
            if len(shared) >= MIN_SHARED_STEMS and other != home and other not in involved[did]:
                by_dir[other].append((n, shared))
        for other in sorted(by_dir):
            hits = sorted(by_dir[other], key=lambda h: (-len(h[1]), h[0]))
            units = list(dict.fromkeys(tasks[n][0] for n, _ in hits))
            words = sorted(set().union(*(s for _, s in hits)))
            unclear.append({
                "dossiers": [did], "directorates": [x for x in (home, other) if x],
                "people": [d.owner] if d.owner in reg.people else [], "units": units,
                "tasks": [tasks[n][2] for n, _ in hits], "shared": words,
                "reason": f"'{d.title}' matches a task of {_label(reg, units[0])} "
                          f"('{tasks[hits[0][0]][2]}'), which is not involved"})

    # Overlapping tasks of units in different directorates.
    pair_shared: dict[tuple[int, int], set[str]] = defaultdict(set)
    for stem, group in index.items():
        if len(group) > MAX_TASK_GROUP:
            continue
        for a, b in combinations(group, 2):
            if tasks[a][1] != tasks[b][1]:
                pair_shared[a, b].add(stem)
    best: dict[tuple[str, str], tuple[int, int, set[str]]] = {}
    for (a, b), shared in pair_shared.items():
        if len(shared) < MIN_SHARED_STEMS:
            continue
        ua, ub = tasks[a][0], tasks[b][0]
        key, pair = ((ua, ub), (a, b)) if ua < ub else ((ub, ua), (b, a))
        old = best.get(key)
        if old is None or (len(shared), -pair[0], -pair[1]) > (len(old[2]), -old[0], -old[1]):
            best[key] = (*pair, shared)
    overlapping = [{"units": list(key),
                    "directorates": [tasks[a][1], tasks[b][1]],
                    "tasks": [tasks[a][2], tasks[b][2]], "shared": sorted(shared)}
                   for key, (a, b, shared) in sorted(best.items())]
    return {"uncovered_tasks": uncovered, "unclear_owner": unclear,
            "overlapping_tasks": overlapping}


# -- the report -------------------------------------------------------------------------------
def findings(reg: Registry, involved: Mapping[str, frozenset[str]] | None = None) -> dict:
    """``should_involve``, ``late_involvement``, ``cover`` and ``task_clarity``, in that
    order (what :func:`add_to_report` adds to a report)."""
    involved = involved if involved is not None else involved_directorates(reg)
    # Hundreds of thousands of small rows and no cycles among them: the cyclic collector
    # would only walk the heap again and again (as in registry.validate.load_registry).
    with paused_gc():
        norm = terms()
        stems = None
        if reg.themes or any(u.tasks for u in reg.units.values()):
            stems = {d.id: _dossier_stems(d, norm) for d in reg.dossiers.values() if d.active}
        matches = theme_matches(reg, norm, stems)
        return {"should_involve": should_involve(reg, involved, matches),
                "late_involvement": late_involvement(reg, matches),
                "cover": cover(reg),
                "task_clarity": task_clarity(reg, involved, stems)}


def add_to_report(out: dict, reg: Registry,
                  involved: Mapping[str, frozenset[str]] | None = None, *,
                  found: dict | None = None) -> dict:
    """Add ``should_involve``, ``late_involvement``, ``cover`` and ``task_clarity`` to a
    report of :func:`graph.analysis.report`, the thresholds to its ``settings`` and the
    display names of every id they use to its ``names``.  ``found`` is :func:`findings`
    when already computed."""
    out.update(found if found is not None else findings(reg, involved))
    with paused_gc():
        out.setdefault("settings", {}).update(
            max_active_dossiers=reg.settings.max_active_dossiers,
            late_after_days=reg.settings.late_after_days)
        names = out.setdefault("names", {})
        for ref in sorted(_ids(out) - names.keys()):
            e = reg.get(ref)
            if e is not None:
                names[ref] = e.title if isinstance(e, Dossier) else _label(reg, ref)
    return out


def _ids(out: dict) -> set[str]:
    """Every id the four findings name (for ``names``)."""
    ids: set[str] = set()

    def take(rows: Iterable[dict], one: tuple[str, ...], many: tuple[str, ...]) -> None:
        for r in rows:
            ids.update(r[k] for k in one if r.get(k))
            for k in many:
                ids.update(r[k])

    rows = out["should_involve"]
    take((r for r in rows if r["kind"] == "theme"), ("missing", "theme"),
         ("directorates", "dossiers", "people"))
    take((r for r in rows if r["kind"] != "theme"), ("missing", "collaboration"),
         ("directorates", "dossiers", "people"))
    take(out["late_involvement"], ("missing",), ("directorates", "dossiers", "people"))
    c = out["cover"]
    take(c["without_deputy"], ("dossier", "owner", "directorate"), ())
    take(c["deputy_problems"], ("dossier", "deputy", "directorate"), ())
    take(c["overloaded"], ("person", "directorate"), ())
    take(c["directorates"], ("directorate",), ())
    tc = out["task_clarity"]
    take(tc["uncovered_tasks"], ("unit", "directorate"), ())
    take(tc["unclear_owner"], (), ("directorates", "dossiers", "people", "units"))
    take(tc["overlapping_tasks"], (), ("units", "directorates"))
    return ids


def by_entity(report: dict) -> dict[str, dict[str, list[dict]]]:
    """The rows of the four findings by the ids they name, for the entity pages:
    id → ``{"should_involve": [...], "late_involvement": [...], "unclear_owner": [...],
    "uncovered_tasks": [...], "overlapping_tasks": [...]}`` (only the keys with rows)."""
    out: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for key in ("should_involve", "late_involvement"):
        for r in report.get(key, ()):
            for i in {*r["dossiers"], r["missing"], r.get("collaboration")} - {None}:
                out[i][key].append(r)
    tc = report.get("task_clarity", {})
    for r in tc.get("unclear_owner", ()):
        for i in {*r["dossiers"], *r["units"]}:
            out[i]["unclear_owner"].append(r)
    for r in tc.get("uncovered_tasks", ()):
        out[r["unit"]]["uncovered_tasks"].append(r)
    for r in tc.get("overlapping_tasks", ()):
        for i in r["units"]:
            out[i]["overlapping_tasks"].append(r)
    return {k: dict(v) for k, v in out.items()}
