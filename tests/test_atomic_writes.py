"""Atomic, checked writes (issue 21, break 3): a register file is always its old version or
its new one, byte for byte — after ``kill -9``, on a full disk, on a read-only file system
and when someone else saves at the same time."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry import generate
from registry.atomic import ANY, WriteError, check_yaml, lock_path, write_atomic
from registry.touch import apply_touch, plan_touch
from registry.validate import load_registry
from tests.conftest import ROOT, SAMPLE, TODAY
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


ON = "2026-11-30"


def _tvb(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tvb", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _run(*args: str, **kw) -> tuple[int, str]:
    proc = _tvb(*args, **kw)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".lock", ".tvb-tmp")))


# -- the module itself --------------------------------------------------------------------
def test_new_file_follows_the_umask_and_existing_mode_is_kept(tmp_path):
    new = tmp_path / "new.txt"
    old_umask = os.umask(0o027)
    try:
        write_atomic(new, b"one\n")
    finally:
        os.umask(old_umask)
    assert new.read_bytes() == b"one\n"
    assert stat.S_IMODE(new.stat().st_mode) == 0o640

    kept = tmp_path / "kept.yaml"
    kept.write_bytes(b"schema: 1\n")
    kept.chmod(0o604)
    write_atomic(kept, b"schema: 1\n# two\n", expected=b"schema: 1\n", check=check_yaml)
    assert kept.read_bytes() == b"schema: 1\n# two\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604
    assert _leftovers(tmp_path) == []


def test_a_symlink_stays_a_link_and_its_target_changes(tmp_path):
    real = tmp_path / "real.yaml"
    real.write_bytes(b"a\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_atomic(link, b"b\n", expected=b"a\n")
    assert link.is_symlink() and real.read_bytes() == b"b\n"


def test_a_changed_original_is_kept_and_the_write_refused(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_bytes(b"theirs\n")
    with pytest.raises(WriteError, match="changed by someone else"):
        write_atomic(f, b"mine\n", expected=b"planned on\n")
    assert f.read_bytes() == b"theirs\n"
    with pytest.raises(WriteError, match="already exists"):
        write_atomic(f, b"mine\n", expected=None)
    assert f.read_bytes() == b"theirs\n"
    with pytest.raises(WriteError, match="was removed"):
        write_atomic(tmp_path / "gone.yaml", b"mine\n", expected=b"x")
    assert not (tmp_path / "gone.yaml").exists()
    assert _leftovers(tmp_path) == []


def test_content_that_does_not_parse_is_refused(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_bytes(b"schema: 1\n")
    with pytest.raises(WriteError, match="does not parse"):
        write_atomic(f, b"schema: [1\n", expected=b"schema: 1\n", check=check_yaml)
    assert f.read_bytes() == b"schema: 1\n"
    assert _leftovers(tmp_path) == []


def test_a_held_lock_refuses_a_second_writer(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_bytes(b"schema: 1\n")
    lock_path(f).write_text(f"{os.getpid()}\n")
    with pytest.raises(WriteError, match=f"held by process {os.getpid()}"):
        write_atomic(f, b"schema: 2\n", expected=ANY)
    assert f.read_bytes() == b"schema: 1\n"
    assert lock_path(f).exists()  # someone else's lock is never removed
    lock_path(f).write_text("")  # a writer killed between taking the lock and naming itself
    with pytest.raises(WriteError, match="naming no process"):
        write_atomic(f, b"schema: 2\n", expected=ANY)
    assert f.read_bytes() == b"schema: 1\n"


def test_a_stale_temporary_file_is_cleared_by_the_next_writer(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_bytes(b"a\n")
    (tmp_path / ".f.yaml.tvb-tmp").write_bytes(b"half of a kill -9")
    write_atomic(f, b"b\n")
    assert f.read_bytes() == b"b\n" and _leftovers(tmp_path) == []


def test_file_size_limit_is_a_one_line_error_everywhere(tmp_path):
    """RLIMIT_FSIZE (EFBIG) stands in for a full disk on machines where no tmpfs can be
    mounted; Python ignores SIGXFSZ, so the write fails instead of killing the process."""
    data = tmp_path / "tvb.yaml"
    shutil.copy(SAMPLE, data)
    before = data.read_bytes()

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    code, err = _run("touch", "dsk", "--data", str(data), "--date", ON, preexec_fn=limit)
    assert code == 2, err
    assert err.strip().count("\n") == 0 and "larger than this process may write" in err
    assert data.read_bytes() == before
    assert _leftovers(tmp_path) == []


# -- touch and new: the CLI -------------------------------------------------------------------
def test_touch_on_an_aliased_date_is_a_one_line_error(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("schema: 1\norganisation: {id: org, name: Org}\ndirectorates:\n"
                 "  - id: dir-a\n    name: Directie A\n    axis: staff\n"
                 "    reviewed: &d 2025-01-01\npeople:\n  - id: p-one\n    name: P. One\n"
                 "    unit: dir-a\n    reviewed: *d\n")
    before = f.read_bytes()
    for entry in ("p-one", "dir-a"):
        res = CliRunner().invoke(main, ["touch", entry, "--data", str(f), "--date", ON])
        assert res.exit_code == 1, res.output
        assert "YAML anchor or alias" in res.output and res.output.count("\n") == 1
        assert not isinstance(res.exception, Exception) or isinstance(res.exception,
                                                                     SystemExit)
    assert f.read_bytes() == before


def test_touch_refuses_when_someone_saved_after_planning(tmp_path):
    data = tmp_path / "tvb.yaml"
    shutil.copy(SAMPLE, data)
    result = load_registry(data, today=TODAY)
    plans = plan_touch(result.registry, result.sources, ["dsk"], TODAY)
    theirs = data.read_bytes() + b"# saved by a colleague\n"
    data.write_bytes(theirs)
    with pytest.raises(WriteError, match="changed by someone else"):
        apply_touch(plans)
    assert data.read_bytes() == theirs


def test_touch_and_new_refused_while_another_writer_holds_the_lock(tmp_path):
    data = tmp_path / "tvb.yaml"
    shutil.copy(SAMPLE, data)
    before = data.read_bytes()
    lock_path(data).write_text("1\n")  # pid 1 is alive: a writer at work
    for args in (["touch", "dsk"], ["new", "person", "--write", "--name", "N", "--unit", "dsk"]):
        res = CliRunner().invoke(main, [*args, "--data", str(data), "--today", ON]
                                 if args[0] == "new" else [*args, "--data", str(data)])
        assert res.exit_code == 2, res.output
        assert "another write is in progress" in res.output
        assert res.output.count("\n") == 1
    assert data.read_bytes() == before


def _big_register(folder: Path, people: int = 600) -> Path:
    path = folder / "big.yaml"
    generate.write(generate.generate(people, seed=3), path)
    return path


def test_a_concurrent_save_is_never_lost(tmp_path):
    """An editor saves (an atomic replace, as editors do) while `tvb touch` writes: the
    editor's version must survive every time — touch either wrote before the save, or
    refuses with a one-line message and a non-zero exit."""
    data = _big_register(tmp_path)
    original = data.read_bytes()
    theirs = original + b"# a colleague's save\n"
    lock = lock_path(data)
    refused = 0
    for _trial in range(6):
        data.write_bytes(original)
        proc = _tvb("touch", "p-000001", "--data", str(data), "--date", ON)
        deadline = time.monotonic() + 60
        while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
            pass
        tmp = tmp_path / "editor.tmp"
        tmp.write_bytes(theirs)
        os.replace(tmp, data)
        _out, err = proc.communicate(timeout=60)
        assert data.read_bytes() == theirs, "the colleague's save was lost"
        if proc.returncode != 0:
            refused += 1
            assert proc.returncode == 2 and "changed by someone else" in err
            assert err.strip().count("\n") == 0
        assert not lock.exists()
    assert refused >= 1  # the save landed inside touch's write at least once


@pytest.mark.parametrize("command", [["touch", "p-000001", "--date", ON],
                                     ["new", "person", "--write", "--today", ON,
                                      "--name", "N. de Vries", "--unit", "dsk"]])
def test_kill_9_during_writes_leaves_the_old_or_the_new_file(tmp_path, command):
    data = _big_register(tmp_path)
    original = data.read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    target = work / "big.yaml"
    # the version a finished run writes, and how long a write holds the lock here
    lock = lock_path(target)
    held = []
    for _calibration in range(2):
        target.write_bytes(original)
        proc = _tvb(*command, "--data", str(target))
        while not lock.exists() and proc.poll() is None:
            pass
        start = time.monotonic()
        while lock.exists():
            pass
        held.append(time.monotonic() - start)
        proc.communicate(timeout=60)
        assert proc.returncode == 0
    new = target.read_bytes()
    assert new != original
    rng = random.Random(21)
    outcomes = {"old": 0, "new": 0, "killed while writing": 0}
    for _trial in range(8):
        target.write_bytes(original)
        proc = _tvb(*command, "--data", str(target))
        while not lock.exists() and proc.poll() is None:
            pass  # the write begins when the lock appears
        time.sleep(rng.uniform(0, 1.3 * min(held)))  # some after the write, most inside
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        now = target.read_bytes()
        assert now in (original, new), f"a kill -9 left {len(now)} bytes of something else"
        outcomes["old" if now == original else "new"] += 1
        if lock.exists():
            outcomes["killed while writing"] += 1
            # the next writer is refused, and names the dead holder when the kill came
            # after the lock had its pid written into it
            held_by = "no longer running" if lock.read_text().strip() else "is held"
            with pytest.raises(WriteError, match=f"another write is in progress.*{held_by}"):
                write_atomic(target, b"x", expected=now)
            assert target.read_bytes() == now
            lock.unlink()
    # the kills land inside the write (the lock was left behind), not only before it
    assert outcomes["killed while writing"] >= 2, outcomes
    # once the lock is gone the next write clears any temporary file a kill left behind
    target.write_bytes(original)
    assert _run(*command, "--data", str(target))[0] == 0
    assert target.read_bytes() == new and _leftovers(work) == []


# -- real file systems: a full tmpfs and a read-only mount -------------------------------------
@pytest.fixture()
def mount(tmp_path):
    """Mount a file system for the test (root with CAP_SYS_ADMIN only); skip otherwise."""
    mounted: list[Path] = []

    def _mount(name: str, *args: str) -> Path:
        point = tmp_path / name
        point.mkdir(exist_ok=True)
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a file system needs root and mount(8)")
        res = subprocess.run(["mount", *args, str(point)], capture_output=True, text=True)
        if res.returncode != 0:
            pytest.skip(f"cannot mount here ({res.stderr.strip() or res.returncode})")
        mounted.append(point)
        return point

    yield _mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


_WRITERS = [
    ["touch", "dsk", "--date", ON],
    ["new", "person", "--write", "--today", ON, "--name", "N. de Vries", "--unit", "dsk"],
]


def test_full_disk_is_a_one_line_error_and_the_original_is_untouched(mount):
    point = mount("full", "-t", "tmpfs", "-o", "size=256k", "tmpfs")
    data = point / "tvb.yaml"
    shutil.copy(SAMPLE, data)
    before = data.read_bytes()
    fd = os.open(point / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill the rest of the disk
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    for command in _WRITERS:
        code, err = _run(*command, "--data", str(data))
        assert code == 2, err
        assert err.strip().count("\n") == 0 and "the disk is full" in err, err
        assert data.read_bytes() == before
        assert _leftovers(point) == []
    for out in (["schema", "-o", str(point / "s.json")],
                ["export", "--data", str(data), "-o", str(point / "x.ttl")],
                ["report", "--data", str(data), "--today", ON, "-o", str(point / "r.json")]):
        code, err = _run(*out)
        assert code == 2 and "the disk is full" in err and err.strip().count("\n") == 0, err
        assert not Path(out[out.index("-o") + 1]).exists()


def test_read_only_file_system_is_a_one_line_error(mount, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(SAMPLE, source / "tvb.yaml")
    point = mount("ro", "--bind", "-o", "ro", str(source))
    if os.access(point, os.W_OK) and subprocess.run(["touch", str(point / "probe")]).returncode \
            == 0:
        pytest.skip("the bind mount did not become read-only here")
    data = point / "tvb.yaml"
    before = data.read_bytes()
    for command in _WRITERS:
        code, err = _run(*command, "--data", str(data))
        assert code == 2, err
        assert err.strip().count("\n") == 0 and "read-only" in err, err
        assert data.read_bytes() == before
