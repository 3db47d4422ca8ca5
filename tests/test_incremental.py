"""Incremental snapshots (issue 18): a version loaded by reusing the unchanged entries of
the one before equals a fresh full build of the same data — the registry's objects, the
diagnostics with their positions, the search results and the findings."""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.lookups import build_lookups, updated_lookups
from graph.snapshot import SnapshotHolder, build_live, build_snapshot, complete
from registry.incremental import IncrementalLoader, split_entries
from registry.validate import load_registry

from .conftest import SAMPLE, TODAY, register

BASE = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
TABLES = ("units", "people", "dossiers", "processes", "collaborations", "themes", "externals")
QUERIES = ("cyber", "vastgoed", "strategie", "personeel", "navo", "inkoop", "veiligheid",
           "evaluatie", "beleid", "j. de")


def _same(got, want) -> None:
    """Two load results are equal: every object of the registry in the same order, and the
    diagnostics with their positions."""
    assert [str(d) for d in got.diagnostics] == [str(d) for d in want.diagnostics]
    assert got.diagnostics == want.diagnostics
    assert got.ok == want.ok
    if not want.ok:
        return
    a, b = got.registry, want.registry
    for table in TABLES:
        assert list(getattr(a, table).items()) == list(getattr(b, table).items()), table
    assert a.organisation == b.organisation
    assert a.settings == b.settings
    assert a.synonyms == b.synonyms
    assert a.data_version == b.data_version
    assert a.sources == b.sources
    for name in DERIVED:  # derived from the version before (Registry._derive_from)
        assert getattr(a, name) == getattr(b, name), name


DERIVED = ("_directorate_of", "_people_in", "_heads", "_owned", "_pen", "_named",
           "_penvoerder", "_collabs")


# -- writing a register in the styles the splitter meets ----------------------------------------
def _block(data: dict, indent: bool) -> str:
    """Block style, list items at column 1 (PyYAML's way) or indented by two."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    if not indent:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        # every line below a top-level key moves right by two: the items and their keys
        out.append(line if not line[:1].strip() == "" and not line.startswith("- ")
                   and not line.startswith("  ") else "  " + line)
    return "".join(out)


def _flow(data: dict) -> str:
    """One flow mapping per entry (tests/conftest.register)."""
    return register(**{k: v for k, v in data.items() if k != "schema"})


STYLES = ("column1", "indented", "flow")


def _text(data: dict, style: str) -> str:
    return _flow(data) if style == "flow" else _block(data, style == "indented")


def _write(folder: Path, data: dict, style: str, split: bool) -> list[Path]:
    """The register as one file or split over three (settings and units; people; the rest)
    and the paths to load."""
    if not split:
        path = folder / "tvb.yaml"
        _atomic(path, _text(data, style))
        return [path]
    parts = {
        "a-units.yaml": ("organisation", "settings", "synonyms", "directorates"),
        "b-people.yaml": ("people",),
        "c-rest.yaml": ("processes", "themes", "external", "dossiers", "collaborations"),
    }
    for name, keys in parts.items():
        part = {"schema": 1, **{k: data[k] for k in keys if k in data}}
        _atomic(folder / name, _text(part, style))
    return [folder]


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# -- the edits ----------------------------------------------------------------------------------
def _ids(data: dict, section: str) -> list[str]:
    return [e["id"] for e in data.get(section) or ()]


def _units(data: dict) -> list[str]:
    return [x for d in data["directorates"] for x in
            (d["id"], *(dep["id"] for dep in d.get("departments") or ()))]


def _replace(value, old: str, new: str):
    if value == old:
        return new
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    return value


def _apply(data: dict, edit: tuple) -> dict:
    kind, a, b = edit
    data = copy.deepcopy(data)
    people, dossiers = data["people"], data["dossiers"]
    if kind == "add-person":
        data["people"].insert(a % (len(people) + 1), {
            "id": f"n-{b}", "name": f"N. Nieuwe {b}", "unit": _units(data)[a % len(_units(data))],
            "function": "Beleidsmedewerker", "reviewed": dt.date(2026, 9, 1)})
    elif kind == "add-dossier":
        owner = people[b % len(people)]["id"]
        dossiers.insert(a % (len(dossiers) + 1), {
            "id": f"nieuw-{a}-{b}", "title": f"Nieuw onderwerp {b}", "keywords": ["inkoop"],
            "owner": owner, "reviewed": dt.date(2026, 9, 1)})
    elif kind == "remove":
        section = ("people", "dossiers")[b % 2]
        if data[section]:
            del data[section][a % len(data[section])]
    elif kind == "rename":
        section = ("people", "dossiers")[b % 2]
        old = data[section][a % len(data[section])]["id"]
        data = _replace(data, old, f"{old}-x{b}")
    elif kind == "move":
        p = people[a % len(people)]
        p["unit"] = _units(data)[b % len(_units(data))]
    elif kind == "hand-over":
        d = dossiers[a % len(dossiers)]
        d["owner"] = people[b % len(people)]["id"]
    elif kind == "collab":  # ends long ago (ties no one now) or runs on; lists a dossier
        c = data["collaborations"][a % len(data["collaborations"])]
        if b % 2:
            c["end"] = dt.date(2023, 1, 1)
        else:
            c.pop("end", None)
        if b % 3 == 0:
            c["dossiers"] = [dossiers[b % len(dossiers)]["id"]]
    elif kind == "settings":  # outside the entity lists: the head is parsed anew
        data["settings"]["stale_after_days"] = 30 + b % 400
    return data


EDITS = st.tuples(st.sampled_from(("add-person", "add-dossier", "remove", "rename", "move",
                                   "hand-over", "collab", "settings")),
                  st.integers(0, 10_000), st.integers(0, 10_000))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=5), style=st.sampled_from(STYLES),
       split=st.booleans())
def test_incremental_load_equals_a_full_load(tmp_path_factory, edits, style, split):
    folder = tmp_path_factory.mktemp("reg")
    loader = IncrementalLoader()
    data = BASE
    paths = _write(folder, data, style, split)
    _same(loader.load(paths, today=TODAY), load_registry(paths, today=TODAY))
    for edit in edits:
        data = _apply(data, edit)
        paths = _write(folder, data, style, split)
        want = load_registry(paths, today=TODAY)
        _same(loader.load(paths, today=TODAY), want)
        # Valid data never takes the full path: the comparison is of the incremental one.
        assert loader.stats["full"] == (not want.ok)


def test_an_edit_reuses_every_other_entry(tmp_path):
    """The incremental path is really taken: one changed entry is checked, the rest reused,
    also when an entry added above moves all the others down."""
    loader = IncrementalLoader()
    paths = _write(tmp_path, BASE, "indented", False)
    loader.load(paths, today=TODAY)
    entries = loader.stats["checked"]
    assert entries > 150 and loader.stats["reused"] == 0 and not loader.stats["full"]
    data = _apply(BASE, ("hand-over", 3, 7))
    paths = _write(tmp_path, data, "indented", False)
    _same(loader.load(paths, today=TODAY), load_registry(paths, today=TODAY))
    assert loader.stats == {"reused": entries - 1, "checked": 1, "files_split": 1,
                            "files_whole": 0, "files_resplit": 1, "full": False}
    # The registry's derived facts were redone for the one dossier, not derived anew.
    before = loader._registry
    data = _apply(data, ("hand-over", 5, 9))
    paths = _write(tmp_path, data, "indented", False)
    _same(loader.load(paths, today=TODAY), load_registry(paths, today=TODAY))
    after = loader._registry
    assert after._people_in is before._people_in and after._collabs is before._collabs
    assert after._owned is not before._owned
    data = _apply(data, ("add-person", 0, 1))  # first in the list: every entry below moves
    paths = _write(tmp_path, data, "indented", False)
    _same(loader.load(paths, today=TODAY), load_registry(paths, today=TODAY))
    assert (loader.stats["reused"], loader.stats["checked"]) == (entries, 1)
    assert loader.stats["files_resplit"] == 1  # only the new entry's text was split


def test_an_unchanged_file_of_a_split_register_is_not_split_again(tmp_path):
    loader = IncrementalLoader()
    paths = _write(tmp_path, BASE, "column1", True)
    loader.load(paths, today=TODAY)
    plans = dict(loader._plans)
    data = _apply(BASE, ("move", 5, 9))  # people only
    _write(tmp_path, data, "column1", True)
    _same(loader.load(paths, today=TODAY), load_registry(paths, today=TODAY))
    assert loader.stats["checked"] == 1
    changed = {name for name, plan in loader._plans.items() if plans.get(name) is not plan}
    assert changed == {str(tmp_path / "b-people.yaml")}


def test_an_error_falls_back_to_the_full_load(tmp_path):
    loader = IncrementalLoader()
    paths = _write(tmp_path, BASE, "indented", False)
    loader.load(paths, today=TODAY)
    data = copy.deepcopy(BASE)
    data["dossiers"][2]["owner"] = "nobody-at-all"
    paths = _write(tmp_path, data, "indented", False)
    got = loader.load(paths, today=TODAY)
    assert loader.stats["full"] and not got.ok
    _same(got, load_registry(paths, today=TODAY))


@pytest.mark.parametrize("text", [
    "schema: 1\npeople: &p\n  - id: a\n",  # an anchor
    "schema: 1\npeople:\n  - id: a\n\tname: x\n",  # a tab
    "---\nschema: 1\npeople:\n  - id: a\n",  # a document marker
    "schema: 1\npeople:\n  - id: a\n name: b\n",  # a line between the items' indentation
    "schema: 1\npeople: [{id: a}]\n",  # a flow list: nothing to split
])
def test_text_that_does_not_split_safely_is_refused(text):
    assert split_entries(text) is None


def test_split_entries_keeps_lines_and_the_head():
    text = ("schema: 1\n# people\npeople:\n  - id: a\n    name: A\n\n  # between\n  - id: b\n"
            "    name: B\nsettings:\n  stale_after_days: 9\n")
    chunks, head, line_map = split_entries(text)
    assert [(c.section, c.line, c.column) for c in chunks] == [("people", 4, 3), ("people", 8, 3)]
    assert chunks[0].text == "  - id: a\n    name: A\n\n  # between\n"
    assert head == "schema: 1\n# people\npeople:\nsettings:\n  stale_after_days: 9\n"
    assert line_map[:5] == [1, 2, 3, 10, 11]


# -- the snapshot: search and findings ------------------------------------------------------------
def _search(snap) -> list:
    out = []
    for q in QUERIES:
        hits = snap.search.search(q, 20, today=snap.today).as_dict()["hits"]
        out.append([(h["kind"], h["id"], h["score"]) for h in hits])
    return out


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=3), split=st.booleans())
def test_live_and_completed_snapshots_equal_a_fresh_build(tmp_path_factory, edits, split):
    folder = tmp_path_factory.mktemp("snap")
    loader = IncrementalLoader()
    data = BASE
    paths = _write(folder, data, "indented", split)
    snap = build_snapshot(paths, TODAY, loader=loader)
    for edit in edits:
        data = _apply(data, edit)
        paths = _write(folder, data, "indented", split)
        fresh = load_registry(paths, today=TODAY)
        if not fresh.ok:
            continue  # the holder keeps the last good version; nothing to compare
        live = build_live(paths, snap, TODAY, loader=loader)
        want = build_snapshot(paths, TODAY)
        assert live.findings_pending and live.findings_version == snap.data_version
        assert _search(live) == _search(want)
        # The live lookups (redone where the edit reaches) equal those built whole.
        assert live.lookups == build_lookups(live.registry, live.report)
        done = complete(live)
        assert not done.findings_pending
        assert done.report == want.report
        assert _search(done) == _search(want)
        assert done.lookups == want.lookups
        snap = done


def _until(condition, limit: float = 120) -> bool:
    import time

    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def test_the_holder_serves_live_first_then_the_findings(tmp_path):
    """The dashboard says "worden bijgewerkt" while the findings are an earlier version's,
    its JSON carries both versions, and both clear once the worker is done."""
    from .conftest import _viewer

    path = tmp_path / "tvb.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    app = _viewer(path, PRIME_AFTER=0)
    holder = app.extensions["tvb.snapshots"]
    client = app.test_client()
    assert _until(lambda: holder.incremental_ready) and holder.wait_for_findings(120)
    first = holder.current.data_version
    page = client.get("/integrator?lang=nl").get_data(as_text=True)
    assert "worden bijgewerkt" not in page
    text = path.read_text(encoding="utf-8")
    _atomic(path, text.replace("reviewed: 2026-10-01", "reviewed: 2026-10-02", 1))
    # Holding the holder's lock keeps the worker from swapping its result in: the live
    # snapshot is what readers see until it is released.
    assert holder.refresh()
    with holder._lock:
        live = holder.current
        assert live.findings_pending and live.data_version != first
        page = client.get("/integrator?lang=nl").get_data(as_text=True)
        assert "worden bijgewerkt" in page and first[:12] in page
        got = client.get("/integrator.json").get_json()
        assert got["data_version"] == first and got["registry_version"] == live.data_version
        assert got["findings"]["pending"] is True
        dossier = client.get("/organisation?lang=en").get_data(as_text=True)
        assert "being updated" in dossier
    assert holder.wait_for_findings(120)
    got = client.get("/integrator.json").get_json()
    assert got["data_version"] == got["registry_version"] == live.data_version
    assert got["findings"]["pending"] is False
    assert "worden bijgewerkt" not in client.get("/integrator?lang=nl").get_data(as_text=True)
    holder.stop()


def test_the_holder_primes_the_loader_after_a_start_from_the_cache(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    first = SnapshotHolder([path], TODAY, cache=cache)
    first.refresh(force=True)  # live first, then the findings, then the cache entry
    assert first.wait_for_findings(120) and first.current.cache is not None
    first.stop()
    again = SnapshotHolder([path], TODAY, cache=cache)
    again.prime_after = 0.1
    again.refresh(force=True)
    assert again.current.from_cache and not again.incremental_ready
    assert _until(lambda: again.incremental_ready)
    _atomic(path, path.read_text(encoding="utf-8").replace("reviewed: 2026-10-01",
                                                           "reviewed: 2026-10-03", 1))
    assert again.refresh()
    assert again.loader.stats["checked"] == 1 and not again.loader.stats["full"]
    again.stop()


def _hits(index, today=TODAY) -> list:
    return [[(h["kind"], h["id"], h["score"], h["tier"])
             for h in index.search(q, 20, today=today).as_dict()["hits"]] for q in QUERIES]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(("move", "hand-over")), st.integers(0, 10_000),
                                st.integers(0, 10_000)), min_size=1, max_size=4))
def test_search_index_update_equals_a_fresh_index(tmp_path_factory, edits):
    """Hand-overs and moves replace the documents in place: same ids, order and scores as
    an index built anew; the old index is left as it was."""
    from registry.search import SearchIndex

    folder = tmp_path_factory.mktemp("search")
    paths = _write(folder, BASE, "indented", False)
    loader = IncrementalLoader()  # unchanged entities stay the same objects: compared by identity
    index = SearchIndex.build(loader.load(paths, today=TODAY).registry)
    first, before = index, _hits(index)
    data, updated = BASE, 0
    for edit in edits:
        data = _apply(data, edit)
        paths = _write(folder, data, "indented", False)
        reg = (loader if len(edits) % 2 else IncrementalLoader()).load(paths, today=TODAY).registry
        new = index.updated(reg)
        fresh = SearchIndex.build(reg)
        if new is None:  # the vocabulary changed: only a fresh index is exact
            index = fresh
            continue
        updated += 1
        assert _hits(new) == _hits(fresh)
        assert new.vocabulary_size == fresh.vocabulary_size
        # the document counts (ties in "Bedoelde u", completions) recounted for the
        # changed documents' terms only
        assert new._words == fresh._words and new._stems == fresh._stems
        index = new
    assert _hits(first) == before  # the old version's readers saw no change
    assert updated or len(edits) < 3  # moves and hand-overs of known people: mostly in place


def test_search_index_update_refuses_what_moves_rowids(tmp_path):
    from registry.search import SearchIndex

    paths = _write(tmp_path, BASE, "indented", False)
    index = SearchIndex.build(load_registry(paths, today=TODAY).registry)
    handed = _apply(BASE, ("hand-over", 4, 11))
    reg = load_registry(_write(tmp_path, handed, "indented", False), today=TODAY).registry
    new = index.updated(reg)
    assert new is not None and _hits(new) == _hits(SearchIndex.build(reg))
    added = _apply(BASE, ("add-person", 4, 11))
    reg = load_registry(_write(tmp_path, added, "indented", False), today=TODAY).registry
    assert index.updated(reg) is None


def _shape(reg) -> tuple:
    """What of units, processes and settings the lookups read."""
    return (reg.settings, [(u.id, u.head, u.parent, u.kind, u.axis) for u in reg.units.values()],
            [(p.id, p.penvoerder, p.involve) for p in reg.processes.values()])


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=4))
def test_lookups_update_equals_a_fresh_build(tmp_path_factory, edits):
    """Lookups redone for what an edit reaches equal lookups built whole, for every kind
    of edit that leaves the units alone; the old lookups are left as they were."""
    from graph.analysis import report as full_report

    folder = tmp_path_factory.mktemp("lookups")
    loader = IncrementalLoader()
    reg = loader.load(_write(folder, BASE, "indented", False), today=TODAY).registry
    report = full_report(reg, TODAY)
    lookups = build_lookups(reg, report)
    first, before = lookups, build_lookups(reg, report)
    data = BASE
    for edit in edits:
        data = _apply(data, edit)
        got = loader.load(_write(folder, data, "indented", False), today=TODAY)
        if not got.ok:
            continue
        new = updated_lookups(reg, lookups, got.registry, report, report)
        want = build_lookups(got.registry, report)
        if new is None:  # only when units, processes or settings changed: built whole
            assert _shape(reg) != _shape(got.registry), edit
            new = want
        assert new == want, edit
        reg, lookups = got.registry, new
    assert first == before


def test_lookups_update_redoes_only_what_the_edit_reaches(tmp_path):
    """A hand-over touches the two directorates' lists and leaves every other list the
    very same object: the fast path cannot silently become a full build."""
    from graph.analysis import report as full_report

    loader = IncrementalLoader()
    reg = loader.load(_write(tmp_path, BASE, "indented", False), today=TODAY).registry
    report = full_report(reg, TODAY)
    old = build_lookups(reg, report)
    data = copy.deepcopy(BASE)
    dossier = data["dossiers"][0]
    owner = reg.people[dossier["owner"]]
    other = next(p for p in reg.people.values()
                 if reg.directorate_of(p.id) != reg.directorate_of(owner.id))
    dossier["owner"] = other.id
    new_reg = loader.load(_write(tmp_path, data, "indented", False), today=TODAY).registry
    new = updated_lookups(reg, old, new_reg, report, report)
    assert new == build_lookups(new_reg, report)
    homes = {reg.directorate_of(owner.id), reg.directorate_of(other.id)}
    assert dossier["id"] in new.dossiers_owned_in[reg.directorate_of(other.id)]
    kept = [k for k in old.dossiers_owned_in if k not in homes]
    assert kept and all(new.dossiers_owned_in[k] is old.dossiers_owned_in[k] for k in kept)
    assert new.heads is old.heads and new.findings is old.findings
    assert new.collaborations_in is not old.collaborations_in  # copied, not edited in place
    assert old == build_lookups(reg, report)


def test_the_loader_adopts_the_served_objects(tmp_path):
    """After priming, the loader keeps the served version's objects instead of its own
    equal copies, so the next version shares every unchanged entity with the one served
    (what the search and lookup updates compare by identity)."""
    paths = _write(tmp_path, BASE, "indented", False)
    served = load_registry(paths, today=TODAY).registry  # the first version, built in full
    loader = IncrementalLoader()
    own = loader.load(paths, today=TODAY).registry
    assert own.people and all(own.people[k] is not p for k, p in served.people.items())
    entities = sum(len(t) for t in (served.units, served.people, served.dossiers,
                                    served.processes, served.collaborations, served.themes,
                                    served.externals))
    assert loader.adopt(served) == entities
    data = copy.deepcopy(BASE)
    data["dossiers"][2]["owner"] = next(p["id"] for p in data["people"]
                                        if p["id"] != data["dossiers"][2].get("owner"))
    paths = _write(tmp_path, data, "indented", False)
    new = loader.load(paths, today=TODAY)
    _same(new, load_registry(paths, today=TODAY))
    changed = [k for k, d in new.registry.dossiers.items() if served.dossiers[k] is not d]
    assert changed == [data["dossiers"][2]["id"]]
    assert all(new.registry.people[k] is p for k, p in served.people.items())
    other = load_registry(_write(tmp_path / "..", BASE, "indented", False), today=TODAY)
    assert loader.adopt(other.registry) == 0  # another version: nothing taken over
