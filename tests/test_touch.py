"""`tvb touch`: set `reviewed:` and change nothing else, byte for byte."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from registry.touch import TouchError, UnknownIdError, apply_touch, plan_touch
from registry.validate import load_registry
from tests.conftest import SAMPLE, TODAY
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


ON = dt.date(2026, 11, 29)

# A file full of comments and odd formatting.  Every case the editor has to get right is
# here: quoted dates, a `reviewed:` without a value, entries without one (at the end of a
# list, before a comment, after a folded scalar, with departments after it), one-line
# {...} entries, uneven indentation, a header comment, blank lines and no final newline.
MESSY = """\
# yaml-language-server: $schema=tvb.schema.json
schema: 1   # format 1

directorates:
  - id: dsk   # Directie Strategie en Kennis
    name: 'Directie Strategie en Kennis'
    axis: integrating
    departments:
      - {id: dsk-a, name: "Afdeling A"}
      - id: dsk-b
        name: Afdeling B
        reviewed: '2020-01-01'  # old, single quotes
  - id: cio
    name: Chief Information Office
    axis: functional
    reviewed: "2025-03-04"
    tasks: [IT, data, cyber]

people:
  -   id: p-een
      name: P. Een
      unit: dsk
      # p-een has no reviewed yet

  - id: p-twee
    name: P. Twee
    unit: dsk-a
    reviewed:
  - {id: p-drie, name: "Drie, P.", unit: dsk, reviewed: "2021-02-03"}
  - {id: p-vier, name: P. Vier, unit: cio}
  - id: p-vijf
    name: P. Vijf
    unit: cio
    function: >
      Senior beleidsmedewerker
      cyber
  # the last person
  - id: p-zes
    name: P. Zes
    unit: cio
    reviewed: 2026-01-15 # plain, with a comment
dossiers:
- id: d1
  title: Dossier één
  owner: p-een"""


def _touch(tmp_path, text: str | bytes, ids, name="tvb.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    result = load_registry(path, today=TODAY)
    assert result.ok, [str(d) for d in result.errors]
    plans = plan_touch(result.registry, result.sources, ids, ON)
    apply_touch(plans)
    return path.read_bytes(), plans


def _replace_lines(text: str, changes: dict[int, str | list[str]]) -> str:
    """*text* with 1-based line n replaced by changes[n] (a list inserts lines)."""
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines, 1):
        new = changes.get(n, line)
        out.extend(new if isinstance(new, list) else [new])
    return "\n".join(out)


def test_touch_every_kind_of_layout(tmp_path):
    ids = ["dsk", "dsk-a", "dsk-b", "cio", "p-een", "p-twee", "p-drie", "p-vier", "p-vijf",
           "p-zes", "d1"]
    got, plans = _touch(tmp_path, MESSY, ids)
    expected = _replace_lines(MESSY, {
        # dsk has none: a line after its last one (its departments), at its key indentation
        12: ["        reviewed: '2026-11-29'  # old, single quotes",
             "    reviewed: 2026-11-29"],
        9: '      - {id: dsk-a, name: "Afdeling A", reviewed: 2026-11-29}',
        16: '    reviewed: "2026-11-29"',
        # p-een: after its last line, before the comment and the blank line
        22: ["      unit: dsk", "      reviewed: 2026-11-29"],
        28: "    reviewed: 2026-11-29",
        29: '  - {id: p-drie, name: "Drie, P.", unit: dsk, reviewed: "2026-11-29"}',
        30: "  - {id: p-vier, name: P. Vier, unit: cio, reviewed: 2026-11-29}",
        # p-vijf: after the folded scalar's last line, before the comment
        36: ["      cyber", "    reviewed: 2026-11-29"],
        41: "    reviewed: 2026-11-29 # plain, with a comment",
        # d1: the file has no final newline, and still has none
        45: ["  owner: p-een", "  reviewed: 2026-11-29"],
    })
    assert got.decode("utf-8") == expected
    assert plans[0].changed == ids
    after = load_registry(tmp_path / "tvb.yaml", today=TODAY)
    assert after.ok
    assert all(after.registry.get(i).reviewed == ON for i in ids)


def test_only_the_touched_entries_change(tmp_path):
    got, _ = _touch(tmp_path, MESSY, ["p-zes"])
    assert got.decode() == MESSY.replace("reviewed: 2026-01-15 # plain",
                                         "reviewed: 2026-11-29 # plain")


def test_crlf_line_endings_and_bom_are_kept(tmp_path):
    text = "\ufeff" + MESSY.replace("\n", "\r\n") + "\r\n"
    got, _ = _touch(tmp_path, text.encode("utf-8"), ["p-een", "p-zes", "d1"])
    expected = ("\ufeff" + _replace_lines(MESSY, {
        22: ["      unit: dsk", "      reviewed: 2026-11-29"],
        41: "    reviewed: 2026-11-29 # plain, with a comment",
        45: ["  owner: p-een", "  reviewed: 2026-11-29"],
    }).replace("\n", "\r\n") + "\r\n").encode("utf-8")
    assert got == expected
    assert b"\n" not in got.replace(b"\r\n", b"")  # no bare LF slipped in


def test_already_on_that_date_is_left_alone(tmp_path):
    text = MESSY.replace("reviewed: 2026-01-15", "reviewed: 2026-11-29")
    got, plans = _touch(tmp_path, text, ["p-zes"])
    assert got.decode() == text
    assert plans[0].already == ["p-zes"] and not plans[0].modified


def test_unknown_ids_suggest_the_closest(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(MESSY, encoding="utf-8")
    result = load_registry(path, today=TODAY)
    with pytest.raises(UnknownIdError) as exc:
        plan_touch(result.registry, result.sources, ["p-eem", "zzz-nothing-alike"], ON)
    msg = str(exc.value)
    assert "unknown id 'p-eem' (did you mean 'p-een'?)" in msg
    assert "unknown id 'zzz-nothing-alike'" in msg
    assert path.read_text(encoding="utf-8") == MESSY


def test_file_changed_on_disk_is_refused(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(MESSY, encoding="utf-8")
    result = load_registry(path, today=TODAY)
    path.write_text(MESSY + "\n", encoding="utf-8")
    with pytest.raises(TouchError, match="changed on disk"):
        plan_touch(result.registry, result.sources, ["p-een"], ON)


def test_flow_list_of_entries(tmp_path):
    text = ("schema: 1\ndirectorates: [{id: dv, name: DV, axis: functional}]\n"
            "people: [{id: p, name: P, unit: dv, reviewed: 2020-01-01}, {id: q, name: Q,\n"
            "  unit: dv}]\n")
    got, _ = _touch(tmp_path, text, ["dv", "p", "q"])
    assert got.decode() == (
        "schema: 1\ndirectorates: [{id: dv, name: DV, axis: functional, reviewed: 2026-11-29}]\n"
        "people: [{id: p, name: P, unit: dv, reviewed: 2026-11-29}, {id: q, name: Q,\n"
        "  unit: dv, reviewed: 2026-11-29}]\n")


def test_split_folder_edits_each_file(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "a.yaml").write_text("schema: 1\ndirectorates:\n"
                                   "  - {id: dv, name: DV, axis: functional}\n")
    (folder / "b.yaml").write_text("schema: 1\npeople:\n  - id: p\n    name: P\n    unit: dv\n")
    result = load_registry(folder, today=TODAY)
    plans = plan_touch(result.registry, result.sources, ["p", "dv"], ON)
    assert sorted((p.file.rsplit("/", 1)[-1], p.changed[0]) for p in plans) == [
        ("a.yaml", "dv"), ("b.yaml", "p")]
    apply_touch(plans)
    assert (folder / "b.yaml").read_text() == (
        "schema: 1\npeople:\n  - id: p\n    name: P\n    unit: dv\n    reviewed: 2026-11-29\n")


def test_touch_all_of_the_sample_changes_only_reviewed_lines(tmp_path):
    if not SAMPLE.exists():
        pytest.skip("the sample register data/tvb.yaml is not there yet")
    original = SAMPLE.read_bytes()
    result = load_registry(SAMPLE, today=TODAY)
    from registry.touch import TOUCHABLE_KINDS

    ids = [e.id for e in result.registry if e.kind in TOUCHABLE_KINDS]
    [plan] = plan_touch(result.registry, result.sources, ids, ON)
    old_lines = original.decode().splitlines()
    new_lines = plan.new.decode().splitlines()
    # every line that is gone or new is a `reviewed:` line, and the rest is in order
    import difflib

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_lines, b=new_lines,
                                                       autojunk=False).get_opcodes():
        if tag != "equal":
            for line in old_lines[i1:i2] + new_lines[j1:j2]:
                assert line.strip().startswith("reviewed:"), line
    (tmp_path / "tvb.yaml").write_bytes(plan.new)
    after = load_registry(tmp_path / "tvb.yaml", today=TODAY)
    assert after.ok
    assert not [d for d in after.diagnostics if d.code in ("W101", "W102")]


def test_cli_touch(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(MESSY, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["touch", "p-zes", "p-een", "--data", str(path),
                               "--date", "2026-11-29", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "-    reviewed: 2026-01-15 # plain, with a comment" in res.output
    assert "+    reviewed: 2026-11-29 # plain, with a comment" in res.output
    assert path.read_text(encoding="utf-8") == MESSY  # a dry run writes nothing
    res = runner.invoke(main, ["touch", "p-zes", "p-een", "--data", str(path),
                               "--date", "2026-11-29"])
    assert res.exit_code == 0, res.output
    assert res.output == f"{path}: reviewed: 2026-11-29 on p-zes, p-een\n"
    res = runner.invoke(main, ["touch", "p-zes", "--data", str(path), "--date", "2026-11-29"])
    assert res.output == f"{path}: already reviewed on 2026-11-29: p-zes\n"
    res = runner.invoke(main, ["touch", "p-zez", "--data", str(path)])
    assert res.exit_code == 2
    assert "unknown id 'p-zez' (did you mean 'p-zes'?)" in res.output
    assert runner.invoke(main, ["touch", "--data", str(path)]).exit_code == 2  # no ids


def test_cli_touch_refuses_a_register_with_errors(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(MESSY.replace("owner: p-een", "owner: p-eeen"), encoding="utf-8")
    res = CliRunner().invoke(main, ["touch", "p-zes", "--data", str(path)])
    assert res.exit_code == 1
    assert "error[E008]" in res.output
