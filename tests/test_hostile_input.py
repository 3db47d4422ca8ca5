"""Hostile and broken inputs give a clear one-line diagnostic and exit 1 or 2, never a
traceback, and stay within a small memory budget."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from registry.validate import registry_from_text


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


MEMORY_LIMIT = 1536 * 1024 * 1024  # address space allowed to the `tvb validate` process

BOMB = "schema: 1\n" + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_validate(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tvb", "validate", str(path)], capture_output=True, text=True,
        timeout=60, preexec_fn=_limit_memory)


def _big_file(path) -> None:
    line = b"# " + b"x" * 97 + b"\n"
    with open(path, "wb") as fh:
        fh.write(b"schema: 1\n")
        for _ in range(60 * 1024 * 1024 // len(line) + 1):
            fh.write(line)


CASES = [
    # name, content (bytes) or writer, exit code, words in the message
    ("alias bomb", BOMB.encode(), 1, "alias bomb"),
    ("recursive alias", b"schema: 1\na: &a [*a]\n", 1, "nesting deeper than"),
    ("60 MB file", _big_file, 2, "over the limit of 50.0 MiB"),
    ("invalid UTF-8", b"schema: 1\norganisation:\n  name: caf\xe9\n", 2, "not valid UTF-8"),
    ("NUL byte", b"schema: 1\norganisation:\n  name: a\x00b\n", 2, "NUL byte"),
    ("empty file", b"", 1, "E004"),
    ("list at top level", b"- schema: 1\n- people: []\n", 1, "top level must be a mapping"),
    ("scalar at top level", b"hello\n", 1, "top level must be a mapping"),
    ("1000-deep nesting", b"schema: 1\nx: " + b"[" * 1000 + b"]" * 1000 + b"\n", 1,
     "exceeded maximum nesting depth"),
    ("python object tag", b"schema: 1\nx: !!python/object/apply:os.system [ls]\n", 1,
     "unsupported YAML tag"),
    ("missing file", None, 2, "file not found"),
]


@pytest.mark.parametrize("name,content,code,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_gives_clear_error(tmp_path, name, content, code, words):
    path = tmp_path / "tvb.yaml"
    if callable(content):
        content(path)
    elif content is not None:
        path.write_bytes(content)
    proc = run_validate(path)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    assert words in proc.stdout


def test_alias_bomb_is_refused_before_expansion():
    result = registry_from_text(BOMB)
    assert [d.code for d in result.errors] == ["E003"]


def test_small_aliases_are_allowed():
    text = """\
schema: 1
directorates:
  - id: dsk
    name: Directie Strategie en Kennis
    axis: integrating
    tasks: &tasks [Strategie]
  - id: dobp
    name: Directie Operationeel Beleid en Plannen
    axis: integrating
    tasks: *tasks
"""
    result = registry_from_text(text)
    assert result.ok
    assert result.registry.units["dobp"].tasks == ("Strategie",)
