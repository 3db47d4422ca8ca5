"""`tvb new`: skeletons that validate, printed or added to the right list of the file."""

from __future__ import annotations

import difflib

import pytest
from click.testing import CliRunner

from registry.validate import load_registry
from tests.conftest import TODAY, load_text
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


REGISTER = """\
schema: 1
# Register with comments that must survive

directorates:
  - id: dsk
    name: Directie Strategie en Kennis
    axis: integrating
    reviewed: 2026-10-01

people:
  - id: c-visser
    name: C. Visser
    unit: dsk
    reviewed: 2026-10-01

  - id: d-smit
    name: D. Smit
    unit: dsk
    reviewed: 2026-10-01

dossiers:
    -   id: kennisagenda
        title: Kennisagenda
        owner: c-visser
        reviewed: 2026-10-01
# trailing comment
"""

KINDS = ("person", "dossier", "collaboration")
#: What --write needs for each kind (the register cannot guess it).
GIVEN = {"person": ["--name", "A. de Vries", "--unit", "dsk"],
         "dossier": ["--name", "Kennis en innovatie", "--owner", "d-smit"],
         "collaboration": ["--name", "Werkgroep kennis", "--owner", "d-smit"]}


def _new(tmp_path, text, *args):
    path = tmp_path / "tvb.yaml"
    path.write_text(text, encoding="utf-8")
    if "--write" in args and "--name" not in args:
        args = (*args, *GIVEN[args[0]])
    res = CliRunner().invoke(main, ["new", *args, "--data", str(path), "--today", "2026-11-29"])
    return path, res


@pytest.mark.parametrize("kind", KINDS)
def test_printed_skeleton_validates(tmp_path, kind):
    path, res = _new(tmp_path, REGISTER, kind, *GIVEN[kind])
    assert res.exit_code == 0, res.output
    first, *lines = res.output.splitlines()
    section = {"person": "people", "dossier": "dossiers", "collaboration": "collaborations"}
    assert first == f"# under '{section[kind]}:' in {path}"
    assert "    reviewed: 2026-11-29" in lines
    # Pasted under its list, the register has no error and no warning about the entry.
    if kind == "person":
        text = REGISTER.replace("\ndossiers:", "\n".join(lines) + "\n\ndossiers:")
    elif kind == "dossier":  # that list of REGISTER is indented by four
        text = REGISTER.replace("# trailing", "\n".join("  " + x for x in lines) + "\n# trailing")
    else:
        text = REGISTER + "collaborations:\n" + "\n".join(lines) + "\n"
    result = load_text(text)
    assert result.ok, [str(d) for d in result.errors]
    new_id = lines[0].split("id: ")[1]
    assert result.registry.get(new_id) is not None
    assert not [d for d in result.diagnostics if f"'{new_id}'" in d.message]


def test_skeleton_required_fields():
    from registry.scaffold import skeleton_fields
    from registry.schema import SPECS
    from tests.conftest import make_registry

    reg = make_registry(REGISTER)
    for kind in KINDS:
        fields = skeleton_fields(reg, kind, f"nieuw-{kind}", TODAY)
        written = {k for k, _, commented in fields if not commented}
        required = {f.name for f in SPECS[kind] if f.required}
        assert required <= written, kind
        assert ("reviewed", "2026-11-29", False) in fields


@pytest.mark.parametrize("kind", KINDS)
def test_write_appends_and_keeps_the_rest(tmp_path, kind):
    path, res = _new(tmp_path, REGISTER, kind, "--write", "--id", f"nieuw-{kind}")
    assert res.exit_code == 0, res.output
    new = path.read_text(encoding="utf-8")
    result = load_registry(path, today=TODAY)
    assert result.ok, [str(d) for d in result.errors]
    entry = result.registry.get(f"nieuw-{kind}")
    assert entry is not None and entry.reviewed == TODAY
    assert res.output == f"{entry.loc}: added {kind} 'nieuw-{kind}'; fill in the commented fields\n"
    # Only whole lines were added: the rest of the file is there, byte for byte.
    ops = difflib.SequenceMatcher(a=REGISTER.splitlines(keepends=True),
                                  b=new.splitlines(keepends=True), autojunk=False).get_opcodes()
    assert {tag for tag, *_ in ops} == {"equal", "insert"}


def test_write_person_goes_after_the_last_person_with_the_same_layout(tmp_path):
    path, res = _new(tmp_path, REGISTER, "person", "--write")
    assert res.exit_code == 0, res.output
    expected = REGISTER.replace(
        "    unit: dsk\n    reviewed: 2026-10-01\n\ndossiers:",
        "    unit: dsk\n    reviewed: 2026-10-01\n"
        "\n"  # the entries of this list are separated by a blank line, so is the new one
        "  - id: nieuwe-persoon\n"
        "    name: A. de Vries\n"
        "    unit: dsk\n"
        "    # function: Beleidsmedewerker\n"
        "    # email: n.nieuw@example.org\n"
        "    # phone: \"+31 70 000 0000\"\n"
        "    reviewed: 2026-11-29\n"
        "\ndossiers:")
    assert path.read_text(encoding="utf-8") == expected


def test_write_dossier_keeps_odd_indentation_and_trailing_comment(tmp_path):
    path, res = _new(tmp_path, REGISTER, "dossier", "--write", "--id", "d-nieuw")
    assert res.exit_code == 0, res.output
    text = path.read_text(encoding="utf-8")
    # the list is written "    -   id:": dash at column 5, keys at column 9
    assert ("        reviewed: 2026-10-01\n"
            "    -   id: d-nieuw\n"
            "        title: Kennis en innovatie\n") in text
    assert text.endswith("        reviewed: 2026-11-29\n# trailing comment\n")


def test_write_new_section_and_empty_section(tmp_path):
    text = "schema: 1\ndirectorates:\n  - {id: dv, name: DV, axis: functional}\npeople:\n"
    path, res = _new(tmp_path, text, "person", "--write", "--id", "p-een", "--name", "P. Een",
                     "--unit", "dv")
    assert res.exit_code == 0, res.output
    assert path.read_text() == text + (
        "  - id: p-een\n    name: P. Een\n    unit: dv\n    # function: Beleidsmedewerker\n"
        "    # email: n.nieuw@example.org\n    # phone: \"+31 70 000 0000\"\n"
        "    reviewed: 2026-11-29\n")
    path, res = _new(tmp_path, path.read_text(), "collaboration", "--write", "--id", "c-een",
                     "--name", "Een", "--owner", "p-een")
    assert res.exit_code == 0, res.output
    result = load_registry(path, today=TODAY)
    assert result.ok and result.registry.collaborations["c-een"].lead == "p-een"
    assert "reviewed: 2026-11-29\n\ncollaborations:\n  - id: c-een\n" in path.read_text()


def test_write_into_split_folder_uses_the_file_with_that_list(write_register):
    folder = write_register("register/a.yaml",
                           directorates=["{id: dv, name: DV, axis: functional}"]).parent
    write_register("register/b.yaml", people=["{id: p, name: P, unit: dv}"])
    res = CliRunner().invoke(main, ["new", "person", "--write", "--data", str(folder),
                                    "--name", "Q", "--unit", "dv"])
    assert res.exit_code == 0, res.output
    assert (folder / "a.yaml").read_text().count("\n") == 3
    assert "  - id: nieuwe-persoon\n" in (folder / "b.yaml").read_text()


def test_refusals(tmp_path):
    _, res = _new(tmp_path, REGISTER, "person", "--id", "c-visser")
    assert res.exit_code == 2 and "id 'c-visser' is already used by a person" in res.output
    _, res = _new(tmp_path, REGISTER, "person", "--id", "Niet Goed")
    assert res.exit_code == 2 and "invalid id 'Niet Goed'" in res.output
    _, res = _new(tmp_path, REGISTER, "team")
    assert res.exit_code == 2
    flow = "schema: 1\ndirectorates: [{id: dv, name: DV, axis: functional}]\n" \
           "people: [{id: p, name: P, unit: dv}]\n"
    path, res = _new(tmp_path, flow, "person", "--write", "--name", "Q", "--unit", "dv")
    assert res.exit_code == 1 and "flow style" in res.output
    assert path.read_text() == flow
    path, res = _new(tmp_path, "schema: 1\n", "person")
    assert res.exit_code == 2 and "no directorate yet" in res.output


def test_default_ids_do_not_collide(tmp_path):
    path, res = _new(tmp_path, REGISTER, "person", "--write")
    assert res.exit_code == 0
    res = CliRunner().invoke(main, ["new", "person", "--write", "--data", str(path),
                                    *GIVEN["person"]])
    assert res.exit_code == 0, res.output
    assert "added person 'nieuwe-persoon-2'" in res.output


def test_write_keeps_crlf_line_endings(tmp_path):
    text = REGISTER.replace("\n", "\r\n")
    path = tmp_path / "tvb.yaml"
    path.write_bytes(text.encode())
    res = CliRunner().invoke(main, ["new", "dossier", "--write", "--data", str(path),
                                    "--today", "2026-11-29", *GIVEN["dossier"]])
    assert res.exit_code == 0, res.output
    raw = path.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.startswith(text.split("# trailing")[0].encode())
    assert raw.endswith(b"        status: active\r\n        reviewed: 2026-11-29\r\n"
                        b"# trailing comment\r\n")
    assert load_registry(path, today=TODAY).ok


@pytest.mark.parametrize("kind, missing", [("person", "--name and --unit"),
                                           ("dossier", "--name and --owner"),
                                           ("collaboration", "--name and --owner")])
def test_write_needs_what_cannot_be_guessed(tmp_path, kind, missing):
    path = tmp_path / "tvb.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    res = CliRunner().invoke(main, ["new", kind, "--write", "--data", str(path)])
    assert res.exit_code == 2
    assert f"Error: tvb new {kind} --write needs {missing}: the register cannot guess" \
        in res.output
    assert path.read_text(encoding="utf-8") == REGISTER


def test_given_references_must_exist(tmp_path):
    _, res = _new(tmp_path, REGISTER, "person", "--write", "--name", "A", "--unit", "dskk")
    assert res.exit_code == 2
    assert "--unit 'dskk' is not a unit (directorate or department) of the register " \
        "(did you mean 'dsk'?)" in res.output
    _, res = _new(tmp_path, REGISTER, "dossier", "--write", "--name", "X", "--owner", "dsk")
    assert res.exit_code == 2 and "--owner 'dsk' is not a person" in res.output


def test_the_values_given_are_written(tmp_path):
    path, res = _new(tmp_path, REGISTER, "dossier", "--write", "--id", "kib",
                     "--name", "Kennis: innovatie & beleid", "--owner", "d-smit")
    assert res.exit_code == 0, res.output
    reg = load_registry(path, today=TODAY).registry
    assert (reg.dossiers["kib"].title, reg.dossiers["kib"].owner) == \
        ("Kennis: innovatie & beleid", "d-smit")


def test_a_printed_placeholder_is_flagged_until_replaced(tmp_path):
    _, res = _new(tmp_path, REGISTER, "person")
    lines = res.output.splitlines()[1:]
    text = REGISTER.replace("\ndossiers:", "\n".join(lines) + "\n\ndossiers:")
    flagged = [str(d) for d in load_text(text).diagnostics if d.code == "W122"]
    assert flagged == ["test.yaml:20:5: warning[W122]: 'name' of person 'nieuwe-persoon' is "
                       "still the placeholder 'N. Nieuw' of tvb new: write the real name"]
    assert not [d for d in load_text(text.replace("N. Nieuw", "A. de Vries")).diagnostics
                if d.code == "W122"]
