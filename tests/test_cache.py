"""The snapshot cache on disk: used when nothing changed, invalidated by any change to the
data, and never trusted when a file is truncated, corrupt or stale."""

from __future__ import annotations

import os
import stat

import pytest

from graph.cache import SnapshotCache
from graph.snapshot import build_snapshot
from registry.generate import generate, write
from tests.conftest import TODAY
from tests.test_validate import BASE


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def _build(path, cache, today=TODAY):
    return build_snapshot([path], today, cache=cache)


def _entries(folder, suffix=".snap"):
    return sorted(folder.glob("*" + suffix))


def test_second_build_comes_from_the_cache(data, tmp_path):
    folder = tmp_path / "cache"
    first = _build(data, folder)
    (entry,) = _entries(folder)
    second = _build(data, folder)
    # A thawed snapshot: the same registry and findings, built before (not now).
    assert not first.from_cache and second.from_cache
    assert dict(second.registry.people) == dict(first.registry.people)
    assert second.report == first.report
    assert [str(d) for d in second.warnings] == [str(d) for d in first.warnings]
    assert second.search.search("cyber").hits == first.search.search("cyber").hits
    assert _entries(folder) == [entry]


def test_folder_is_private(data, tmp_path):
    folder = tmp_path / "cache"
    _build(data, folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_one_byte_edit_invalidates(data, tmp_path):
    folder = tmp_path / "cache"
    _build(data, folder)
    data.write_bytes(data.read_bytes().replace(b"A. Jansen", b"A. Jansan"))
    second = _build(data, folder)
    assert not second.from_cache
    assert second.registry.people["a-jansen"].name == "A. Jansan"
    assert len(_entries(folder)) == 2


def test_another_day_is_another_snapshot(data, tmp_path):
    import datetime as dt

    folder = tmp_path / "cache"
    first = _build(data, folder)
    later = _build(data, folder, today=TODAY + dt.timedelta(days=400))
    assert not later.from_cache
    assert later.today != first.today and len(later.warnings) > len(first.warnings)


def test_a_new_file_in_a_split_folder_invalidates(tmp_path):
    folder = tmp_path / "cache"
    split = tmp_path / "split"
    write(generate(40, seed=5), split, split=True)
    build_snapshot([split], TODAY, cache=folder)
    assert build_snapshot([split], TODAY, cache=folder).from_cache
    (split / "zz-extra.yaml").write_text("schema: 1\n", encoding="utf-8")
    second = build_snapshot([split], TODAY, cache=folder)
    assert not second.from_cache
    assert "zz-extra.yaml" in " ".join(second.registry.sources)


@pytest.mark.parametrize("damage", ["truncate-payload", "truncate-header", "garbage",
                                    "flip-a-byte", "empty"])
def test_a_damaged_entry_is_rebuilt_not_trusted(data, tmp_path, damage):
    folder = tmp_path / "cache"
    first = _build(data, folder)
    (entry,) = _entries(folder)
    raw = entry.read_bytes()
    if damage == "truncate-payload":
        entry.write_bytes(raw[: len(raw) - 100])
    elif damage == "truncate-header":
        entry.write_bytes(raw[:20])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(raw)))
    elif damage == "flip-a-byte":  # in the index (registry, warnings, directory of parts)
        at = 200
        entry.write_bytes(raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:])
    else:
        entry.write_bytes(b"")
    second = _build(data, folder)
    assert not second.from_cache  # rebuilt
    assert dict(second.registry.people) == dict(first.registry.people)
    # ... and written again, whole: the next start reads it.
    assert _build(data, folder).from_cache


def test_an_entry_in_a_folder_others_can_write_is_not_trusted(data, tmp_path):
    folder = tmp_path / "cache"
    _build(data, folder)
    folder.chmod(0o777)
    try:
        assert not _build(data, folder).from_cache
    finally:
        folder.chmod(0o700)


def test_an_entry_renamed_to_another_key_is_not_trusted(data, tmp_path):
    folder = tmp_path / "cache"
    _build(data, folder)
    (entry,) = _entries(folder)
    cache = SnapshotCache(folder)
    other = b"\x01" * 32
    entry.rename(cache._path(other, ".snap"))
    assert cache.read(other) is None


def test_rdf_is_cached_with_the_snapshot(data, tmp_path):
    folder = tmp_path / "cache"
    first = _build(data, folder)
    nt = first.ntriples()
    assert _entries(folder, ".nt")
    second = _build(data, folder)
    assert "_ntriples" not in second.__dict__
    assert second.ntriples() == nt
    assert len(second.store) == len(first.store) > 0


def test_a_file_over_the_size_limit_is_not_served_from_the_cache(data, tmp_path):
    from graph.snapshot import SnapshotError

    folder = tmp_path / "cache"
    _build(data, folder)
    assert _build(data, folder).from_cache
    with pytest.raises(SnapshotError) as err:
        build_snapshot([data], TODAY, cache=folder, max_bytes=10)
    assert err.value.diagnostics[0].code == "E003"


def test_default_folder_is_next_to_the_data(data):
    from graph.cache import cache_dir

    assert cache_dir([data]) == data.parent / ".cache" / "tvb"
    assert cache_dir([data], data.parent / "elsewhere") == data.parent / "elsewhere"


@pytest.mark.parametrize(("env", "xdg", "want"), [
    (None, None, True), (None, "xdg", "xdg/tvb"), ("0", "xdg", False), ("off", None, False),
    ("false", None, False), ("1", None, True), ("folder", "xdg", "folder")])
def test_viewer_reads_tvb_cache_and_xdg_cache_home(data, monkeypatch, env, xdg, want):
    """The environment is read by create_app only and handed down as CACHE."""
    from web import create_app

    for name, value in (("TVB_CACHE", env), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            literal = value in ("0", "off", "false", "1")
            monkeypatch.setenv(name, value if literal else str(data.parent / value))
    app = create_app({"DATA": str(data), "TODAY": TODAY, "WATCH": False, "TESTING": True})
    want = want if isinstance(want, bool) else data.parent / want
    assert app.config["CACHE"] == want
    assert app.extensions["tvb.snapshots"].cache == want


def test_parts_are_thawed_not_rebuilt(data, tmp_path, monkeypatch):
    import graph.analysis
    import graph.network
    from registry.search import SearchIndex

    folder = tmp_path / "cache"
    first = _build(data, folder)

    def boom(*args, **kwargs):
        raise AssertionError("rebuilt instead of read from the cache")

    monkeypatch.setattr(graph.analysis, "report", boom)
    monkeypatch.setattr(graph.network, "people_network", boom)
    monkeypatch.setattr(SearchIndex, "build", boom)
    second = _build(data, folder)
    assert second.from_cache
    assert second.report == first.report
    assert second.ties == first.ties
    assert sorted(second.directorate_network.edges(data=True)) == \
        sorted(first.directorate_network.edges(data=True))
    assert second.lookups == first.lookups
    assert second.search.search("cyber").hits == first.search.search("cyber").hits


def test_a_damaged_part_is_rebuilt_not_unpickled(data, tmp_path):
    folder = tmp_path / "cache"
    first = _build(data, folder)
    (entry,) = _entries(folder)
    raw = entry.read_bytes()
    # The last bytes belong to the last part stored; flip one of them.
    entry.write_bytes(raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:])
    second = build_snapshot([data], TODAY, cache=folder, warm=False)
    assert second.from_cache
    second.warm()
    # Every part is right; the damaged one was built again (its bytes never unpickled),
    # and the entry is gone, so the next start writes a whole one.
    assert second.report == first.report and second.lookups == first.lookups
    assert second.search.search("cyber").hits == first.search.search("cyber").hits
    assert not entry.exists()


# -- issue 18: one entry per file however it is typed, two versions kept, compact ------------
def test_relative_and_absolute_paths_are_one_entry(data, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.chdir(data.parent)
    first = _build("tvb.yaml", folder)
    second = _build(data.resolve(), folder)
    third = _build(f"../{data.parent.name}/./{data.name}", folder)
    assert not first.from_cache and second.from_cache and third.from_cache
    assert len(_entries(folder)) == 1


def test_at_most_two_versions_are_kept(data, tmp_path):
    folder = tmp_path / "cache"
    kept = []
    for name in ("A. Jansan", "A. Jansin", "A. Janson"):
        data.write_text(BASE.replace("A. Jansen", name), encoding="utf-8")
        snap = _build(data, folder)
        snap.ntriples()  # the RDF entry of this version too
        kept.append(snap.cache[0]._path(snap.cache[1], ".snap"))
        os.utime(kept[-1], (len(kept), len(kept)))  # mtimes one second apart, in order
    # Pruning ran on the third write; it keeps the two newest of each kind.
    assert len(_entries(folder)) == 2 and len(_entries(folder, ".nt")) == 2
    snap = _build(data, folder)
    assert snap.from_cache and snap.registry.people["a-jansen"].name == "A. Janson"


def test_entries_are_stored_compressed(data, tmp_path):
    import pickle
    import zlib

    from graph.cache import _HEADER

    folder = tmp_path / "cache"
    snap = _build(data, folder)
    nt = snap.ntriples()
    raw = _entries(folder, ".nt")[0].read_bytes()
    length = _HEADER.unpack(raw[:_HEADER.size])[3]
    stored = raw[_HEADER.size:_HEADER.size + length]
    assert zlib.decompress(stored) == nt and len(stored) < len(nt) / 3
    raw = _entries(folder)[0].read_bytes()
    length = _HEADER.unpack(raw[:_HEADER.size])[3]
    index = pickle.loads(zlib.decompress(raw[_HEADER.size:_HEADER.size + length]))
    assert index["parts"]  # each part is a zlib stream of its pickle
    offset, n, _ = index["parts"]["report"]
    start = _HEADER.size + length
    kind, report = pickle.loads(zlib.decompress(raw[start + offset:start + offset + n]))
    assert kind == "value" and report == snap.report


def test_the_store_is_the_one_copy_of_the_rdf(data, tmp_path):
    """Issue 18: production holds one RDF store (Oxigraph); neither the N-Triples it was
    loaded from nor an rdflib graph stay in the snapshot."""
    import rdflib

    for cache in (False, tmp_path / "cache"):
        snap = build_snapshot([data], TODAY, cache=cache)
        assert len(snap.store) > 0
        held = list(vars(snap).values())
        assert not any(isinstance(v, bytes | rdflib.Graph) for v in held)
