"""The snapshot cache unpickles a file only when nobody but this user can have written it
(issue 21, break 9): a planted pickle never runs from a 0666 entry, from a private folder
under a world-writable ``.cache/``, from a folder of another user, or through a symlink.

Each planted entry is a valid entry (right magic, format, key and digest) whose payload
makes a folder when it is unpickled; the control tests show that it does run when the
entry is trusted, so a missing marker means the file was not unpickled.
"""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from graph.cache import SnapshotCache, cache_dir, trusted_folder

KEY = bytes(range(32))


class _Planted:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def _plant(folder, marker, mode: int = 0o600):
    cache = SnapshotCache(folder)
    path = cache.write(KEY, pickle.dumps(_Planted(marker)))
    assert path is not None
    path.chmod(mode)
    return cache, path


def test_control_a_trusted_planted_entry_does_run(tmp_path):
    """Without a reason to distrust it, the entry is unpickled (what the cache is for):
    the marker proves the payload would run."""
    marker = tmp_path / "ran"
    cache, _ = _plant(tmp_path / "cache", marker)
    assert cache.load_snapshot(KEY) is None  # not a snapshot, but it was unpickled
    assert marker.exists()


def test_a_0666_entry_in_a_private_folder_is_not_unpickled(tmp_path):
    marker = tmp_path / "ran"
    cache, path = _plant(tmp_path / "cache", marker, 0o666)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert cache.load_snapshot(KEY) is None
    assert not marker.exists()
    assert not path.exists()  # the untrusted entry is removed


def test_a_group_writable_entry_is_not_unpickled(tmp_path):
    marker = tmp_path / "ran"
    cache, _ = _plant(tmp_path / "cache", marker, 0o620)
    assert cache.load_snapshot(KEY) is None and not marker.exists()


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757], ids=["0777", "0775", "0757"])
def test_a_private_folder_under_a_writable_cache_folder_is_not_trusted(tmp_path, mode):
    data = tmp_path / "data" / "tvb.yaml"
    data.parent.mkdir()
    data.write_text("schema: 1\n")
    folder = cache_dir([data])
    assert folder == data.parent / ".cache" / "tvb"
    marker = tmp_path / "ran"
    cache, _ = _plant(folder, marker)
    folder.parent.chmod(mode)  # anyone may now swap .cache/tvb for a folder of their own
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not trusted_folder(folder)
    assert cache.load_snapshot(KEY) is None and not marker.exists()


def test_a_sticky_writable_folder_above_is_trusted(tmp_path):
    """Like /tmp: others may add to a sticky folder but never rename what is ours."""
    marker = tmp_path / "ran"
    above = tmp_path / "shared"
    above.mkdir()
    cache, _ = _plant(above / "tvb", marker)
    above.chmod(0o1777)
    assert trusted_folder(above / "tvb")
    cache.load_snapshot(KEY)
    assert marker.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="changing a folder's owner needs root")
def test_a_folder_of_another_user_is_not_trusted(tmp_path):
    marker = tmp_path / "ran"
    folder = tmp_path / "cache"
    cache, _ = _plant(folder, marker)
    os.chown(folder, 65534, 65534)  # nobody; mode still 0700
    try:
        assert cache.load_snapshot(KEY) is None and not marker.exists()
    finally:
        os.chown(folder, 0, 0)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="changing a file's owner needs root")
def test_an_entry_of_another_user_is_not_trusted(tmp_path):
    marker = tmp_path / "ran"
    cache, path = _plant(tmp_path / "cache", marker)
    os.chown(path, 65534, 65534)
    assert cache.load_snapshot(KEY) is None and not marker.exists()


def test_an_entry_that_is_a_symlink_is_not_followed(tmp_path):
    marker = tmp_path / "ran"
    elsewhere = tmp_path / "elsewhere"
    _, planted = _plant(elsewhere, marker)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    cache = SnapshotCache(folder)
    cache._path(KEY, ".snap").symlink_to(planted)
    assert cache.load_snapshot(KEY) is None and not marker.exists()


def test_missing_folders_are_made_private_whatever_the_umask(tmp_path):
    data = tmp_path / "data" / "tvb.yaml"
    data.parent.mkdir()
    old = os.umask(0o002)  # a user-private-group system: folders 0775 by default
    try:
        cache = SnapshotCache(cache_dir([data]))
        assert cache.write(KEY, pickle.dumps({"ok": 1})) is not None
    finally:
        os.umask(old)
    for d in (data.parent / ".cache", data.parent / ".cache" / "tvb"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    assert cache.read(KEY) is not None
