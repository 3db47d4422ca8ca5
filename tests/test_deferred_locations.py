"""Locations placed when first read (``Loc.deferred``, ``load_registry(defer=True)``, as
``tvb validate`` loads) equal the ones placed at once; and ``tvb validate`` run as a
process, which ends without freeing the register, prints all it says and exits as before."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest
from click.testing import CliRunner

from registry.diagnostics import Loc
from registry.generate import dump, generate
from registry.validate import load_registry
from tests.conftest import ROOT, SAMPLE, TODAY
from tvb.cli import main


def _locations(reg) -> list[tuple]:
    """Every location the registry holds: entities, involvements, evaluations."""
    out = []
    for e in reg:
        out.append((e.id, e.loc))
        for inv in getattr(e, "involvements", ()):
            out.append((e.id, inv.id, inv.loc))
        for ev in getattr(e, "evaluations", ()):
            out.append((e.id, ev.date, ev.loc))
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "r.yaml"
    path.write_text(dump(generate(people=120, seed=5)), encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("which", ["sample", "generated"])
def test_deferred_locations_equal_the_placed_ones(fast, which, generated):
    path = SAMPLE if which == "sample" else generated
    placed = load_registry([path], today=TODAY, fast=fast)
    deferred = load_registry([path], today=TODAY, fast=fast, defer=True)
    assert deferred.diagnostics == placed.diagnostics
    want, got = _locations(placed.registry), _locations(deferred.registry)
    assert len(got) == len(want) > 100
    assert any(loc._where is not None for *_, loc in got)  # not placed yet ...
    for a, b in zip(want, got, strict=True):
        assert a == b  # ... and the same once read
        assert (str(a[-1]), repr(a[-1])) == (str(b[-1]), repr(b[-1]))
    assert all(loc._where is None for *_, loc in got)
    assert list(placed.registry) == list(deferred.registry)


def test_a_deferred_location_behaves_as_a_plain_one(generated):
    reg = load_registry([generated], today=TODAY, defer=True).registry
    people = list(reg.people.values())
    loc = people[7].loc
    copied = pickle.loads(pickle.dumps(people[7]))  # placed on the way: no parse inside
    assert copied.loc._where is None and copied.loc == loc and hash(copied.loc) == hash(loc)
    later = people[9].loc
    assert copy.deepcopy(later) == later and later.line > loc.line
    assert Loc(loc.file, loc.path, loc.line, loc.column) == loc
    assert Loc(loc.file, loc.path, loc.line + 1, loc.column) != loc
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.path = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.line = 3  # type: ignore[misc]


@pytest.mark.parametrize("args", [
    ["validate", "{data}", "--today", "2026-11-29"],
    ["--lang", "en", "validate", "{data}", "--today", "2031-01-01", "--format", "json"],
    ["validate", "{data}", "--today", "2031-01-01", "--strict", "--format", "github"],
    ["validate", "{broken}"],
    ["validate", "{missing}"],
])
def test_validate_as_a_process_says_all_and_exits_as_when_called(args, generated, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(generated.read_text(encoding="utf-8").replace("owner: p-", "owner: q-"))
    raw = args
    args = [a.format(data=generated, broken=broken, missing=tmp_path / "none.yaml")
            for a in args]
    called = CliRunner().invoke(main, args)
    proc = subprocess.run([sys.executable, "-m", "tvb", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == called.exit_code == {"{broken}": 1, "{missing}": 2}.get(
        raw[1], 1 if "--strict" in raw else 0)
    assert proc.stdout == called.stdout
    assert len(proc.stdout) > 200 or called.exit_code == 2
