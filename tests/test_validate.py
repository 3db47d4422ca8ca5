"""Every validation rule, each with a fixture that pins its code, line and column."""

from __future__ import annotations

import textwrap

import pytest

from registry.validate import CHECKS, registry_from_data
from tests.conftest import load_text

# A small valid register; the cases below change one thing in it.
BASE = """\
schema: 1
organisation:
  id: dgb
  name: Directoraat-Generaal Beleid
settings:
  stale_after_days: 180
directorates:
  - id: cio
    name: Chief Information Office
    abbreviation: CIO
    axis: functional
    head: a-jansen
    reviewed: 2026-10-01
    departments:
      - id: cio-cyber
        name: Afdeling Cyber
        head: b-bakker
        reviewed: 2026-10-01
  - id: dsk
    name: Directie Strategie en Kennis
    axis: integrating
    reviewed: 2026-10-01
people:
  - id: a-jansen
    name: A. Jansen
    unit: cio
    reviewed: 2026-10-01
  - id: b-bakker
    name: B. Bakker
    unit: cio-cyber
    reviewed: 2026-10-01
dossiers:
  - id: cyberstrategie
    title: Defensie Cyber Strategie
    owner: b-bakker
    penvoerder: cio
    involved: [dsk]
    process: strategisch-beleid
    reviewed: 2026-10-01
processes:
  - id: strategisch-beleid
    name: Opstellen strategisch beleid
    penvoerder: dsk
    involve: all
collaborations:
  - id: cyberteam
    name: Werkverband cyber
    kind: werkverband
    lead: a-jansen
    members: [a-jansen, b-bakker]
    start: 2025-03-01
"""


def test_base_is_valid():
    result = load_text(BASE)
    assert result.diagnostics == []
    reg = result.registry
    assert reg.directorate_of("b-bakker") == "cio"
    assert reg.penvoerder_of("cyberstrategie") == "cio"
    assert reg.is_dossier_holder("b-bakker") and not reg.is_dossier_holder("a-jansen")
    assert reg.people_in("cio") == ("a-jansen", "b-bakker")


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


# (case, text, code, line, column, words the message must contain)
CASES = [
    ("yaml syntax", edit("  name: Directoraat-Generaal Beleid", "  name: [unclosed"),
     "E001", 5, 9, "YAML syntax"),
    ("duplicate key", edit("    name: A. Jansen\n", "    name: A. Jansen\n    name: A. J.\n"),
     "E002", 26, 5, "duplicate key 'name' (first at line 25"),
    ("python tag", edit("    name: A. Jansen", "    name: !!python/object:os.system x"),
     "E003", 25, 11, "unsupported YAML tag"),
    ("unknown key", edit("    unit: cio\n", "    unit: cio\n    emial: x@example.org\n"),
     "E005", 27, 5, "unknown key 'emial' in a person (did you mean 'email'?)"),
    ("missing field", edit("    name: A. Jansen\n", ""), "E006", 24, 5,
     "missing required field 'name'"),
    ("wrong type", edit("    involved: [dsk]", "    involved: dsk"), "E007", 37, 15,
     "'involved' must be a list"),
    ("mapping expected", edit("settings:\n  stale_after_days: 180", "settings: 180"),
     "E007", 5, 11, "'settings' must be a mapping"),
    ("dangling reference", edit("    owner: b-bakker", "    owner: b-baker"), "E008", 35, 12,
     "owner 'b-baker' is not a known person (did you mean 'b-bakker'?)"),
    ("dangling in list", edit("    members: [a-jansen, b-bakker]",
                              "    members: [a-jansen, b-bakkr]"),
     "E008", 50, 25, "members 'b-bakkr' is not a known person"),
    ("wrong kind: owner is a directorate", edit("    owner: b-bakker", "    owner: dsk"),
     "E009", 35, 12, "owner 'dsk' is a directorate, not a person"),
    ("wrong kind: penvoerder is a person", edit("    penvoerder: cio", "    penvoerder: a-jansen"),
     "E009", 36, 17, "penvoerder 'a-jansen' is a person, not a directorate"),
    ("bad enum", edit("    axis: functional", "    axis: functionel"), "E010", 11, 11,
     "did you mean 'functional'?"),
    ("impossible date", edit("    reviewed: 2026-10-01\n  - id: dsk",
                             "    reviewed: 2026-02-30\n  - id: dsk"),
     "E011", 18, 19, "'reviewed' is '2026-02-30', not a valid date"),
    ("date as text", edit("    start: 2025-03-01", "    start: maart 2025"), "E011", 51, 12,
     "not a valid date"),
    ("duplicate id", edit("  - id: b-bakker", "  - id: a-jansen"), "E012", 28, 9,
     "duplicate id 'a-jansen' (person); first defined at test.yaml:24:9"),
    ("duplicate id across kinds", edit("  - id: cyberteam", "  - id: cio"), "E012", 46, 9,
     "duplicate id 'cio' (directorate and collaboration)"),
    ("invalid id", edit("  - id: a-jansen", "  - id: A_Jansen"), "E013", 24, 9,
     "invalid id 'A_Jansen'"),
    ("out of range", edit("  stale_after_days: 180", "  stale_after_days: 0"), "E014", 6, 21,
     "'stale_after_days' is 0, must be at least 1"),
    ("end before start",
     edit("    start: 2025-03-01", "    start: 2025-03-01\n    end: 2024-01-01"),
     "E015", 46, 5, "ends (2024-01-01) before it starts (2025-03-01)"),
    ("wrong schema version", edit("schema: 1", "schema: 2"), "E010", 1, 9,
     "'schema' is '2', expected one of: 1"),
    ("stale", edit("    reviewed: 2026-10-01\n  - id: b-bakker", "    reviewed: 2025-01-01\n"
                   "  - id: b-bakker"), "W101", 24, 5,
     "person 'a-jansen' was last reviewed on 2025-01-01, 697 days ago (limit 180)"),
    ("never reviewed", edit("    reviewed: 2026-10-01\n  - id: b-bakker", "  - id: b-bakker"),
     "W102", 24, 5, "person 'a-jansen' has no 'reviewed' date"),
    ("head not in unit", edit("        head: b-bakker", "        head: a-jansen"), "W103", 15, 9,
     "'a-jansen' heads department 'cio-cyber', but works in 'cio'"),
    ("ended without evaluation", edit("    start: 2025-03-01",
                                      "    start: 2025-03-01\n    end: 2026-01-31"),
     "W104", 46, 5, "ended on 2026-01-31 without an evaluation"),
    ("active dossier without owner", edit("    owner: b-bakker\n", ""), "W105", 33, 5,
     "active dossier 'cyberstrategie' has no owner"),
    ("involved before the start",
     edit("    involved: [dsk]", "    start: 2026-03-01\n    involved:\n"
          "      - {id: dsk, since: 2026-01-15}"),
     "W107", 39, 9, "'dsk' is involved in dossier 'cyberstrategie' since 2026-01-15, "
     "before the dossier starts (2026-03-01)"),
    ("placeholder of tvb new", edit("    name: A. Jansen", "    name: N. Nieuw"), "W122", 24, 5,
     "'name' of person 'a-jansen' is still the placeholder 'N. Nieuw' of tvb new: write the "
     "real name"),
    ("listed twice", edit("    members: [a-jansen, b-bakker]",
                          "    members: [a-jansen, b-bakker, a-jansen]"),
     "W106", 50, 35, "'a-jansen' is listed twice in 'members'"),
    # YAML 1.1 reads 0701234567 as the octal number 117782903: the number is not kept
    ("phone as a number", edit("    unit: cio\n", "    unit: cio\n    phone: 0701234567\n"),
     "E007", 27, 12, "'phone' must be text in quotes: YAML read it as the number 117782903"),
    ("email as a number", edit("    unit: cio\n", "    unit: cio\n    email: 12345\n"),
     "E007", 27, 12, "'email' must be text in quotes"),
    ("phone not RFC 3966", edit("    unit: cio\n",
                                '    unit: cio\n    phone: "070-1234567 toestel 12"\n'),
     "W120", 27, 12, "phone '070-1234567 toestel 12' is no international number"),
    ("email syntax", edit("    unit: cio\n", "    unit: cio\n    email: a.jansen(at)example.org\n"),
     "W121", 27, 12, "email 'a.jansen(at)example.org' is not a valid e-mail address"),
    ("synonym in two sets", edit("  stale_after_days: 180\n", "  stale_after_days: 180\n"
                                 "synonyms:\n  - [cao, loon]\n  - [lonen, salaris]\n"),
     "W108", 9, 6, "synonym term 'lonen' is also in another set (at test.yaml:8:11)"),
    ("synonym set too big", edit("  stale_after_days: 180\n", "  stale_after_days: 180\n"
                                 "synonyms:\n  - [" + ", ".join(f"t{i}" for i in range(33))
                                 + "]\n"),
     "W109", 8, 5, "synonym set of 33 terms: search uses only the first 32"),
]


@pytest.mark.parametrize("case,text,code,line,column,words", CASES, ids=[c[0] for c in CASES])
def test_rule_reports_code_and_position(case, text, code, line, column, words):
    result = load_text(text)
    hits = [d for d in result.diagnostics if d.code == code]
    assert hits, f"expected {code}, got:\n" + "\n".join(map(str, result.diagnostics))
    d = hits[0]
    assert (d.loc.line, d.loc.column) == (line, column), str(d)
    assert words in d.message
    assert d.severity == ("error" if code.startswith("E") else "warning")


def test_every_code_in_the_table_is_tested():
    import registry.validate as v

    documented = {line.split()[0] for line in v.__doc__.splitlines()
                  if line[:1] in "EW" and line[1:4].isdigit()}
    tested = {c[2] for c in CASES} | {"E003", "E004"}  # E003/E004 in test_hostile_input.py
    assert documented == tested


def test_all_errors_are_collected_and_sorted():
    text = edit("    owner: b-bakker", "    owner: nobody")
    text = text.replace("    axis: integrating", "    axis: sideways")
    text = text.replace("  - id: cyberteam", "  - id: Cyber Team")
    result = load_text(text)
    codes = [(d.loc.line, d.code) for d in result.errors]
    assert codes == sorted(codes)
    assert {"E008", "E010", "E013"} <= {c for _, c in codes}


def test_duplicate_id_names_both_places():
    result = load_text(edit("  - id: b-bakker", "  - id: a-jansen"))
    (d,) = [d for d in result.errors if d.code == "E012"]
    assert [str(loc) for loc in (d.loc, *d.related)] == ["test.yaml:28:9", "test.yaml:24:9"]


def test_staleness_uses_settings_and_injected_today():
    import datetime as dt

    text = edit("  stale_after_days: 180", "  stale_after_days: 30")
    late = load_text(text, today=dt.date(2026, 11, 29))
    early = load_text(text, today=dt.date(2026, 10, 15))
    assert any(d.code == "W101" for d in late.diagnostics)
    assert not any(d.code == "W101" for d in early.diagnostics)


def test_checks_can_be_skipped_by_name():
    from registry.validate import registry_from_text

    text = textwrap.dedent(edit("    reviewed: 2026-10-01\n  - id: b-bakker", "  - id: b-bakker"))
    assert "reviewed" in CHECKS
    result = registry_from_text(text, skip=["reviewed"])
    assert not any(d.code.startswith("W10") and d.code in ("W101", "W102")
                   for d in result.diagnostics)


def test_model_is_frozen():
    import dataclasses

    reg = load_text(BASE).registry
    with pytest.raises(dataclasses.FrozenInstanceError):
        reg.people["a-jansen"].name = "X"  # type: ignore[misc]
    with pytest.raises(TypeError):
        reg.people["x"] = None  # type: ignore[index]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("owner", 12, "'owner' must be an id"),
    ("keywords", "cyber", "'keywords' must be a list"),
    ("status", "half", "'status' is 'half', expected one of"),
    ("reviewed", "2026-13-01", "'reviewed' is '2026-13-01', not a valid date"),
    ("title", "  ", "'title' must be non-empty text"),
])
def test_each_field_type_has_its_check(field, value, message):
    """Every type of the check table answers with its own message (a check that is
    missing or shadowed would raise instead)."""
    from registry.schema import SPECS
    from registry.validate import _FIELD_CHECKS

    assert {f.type for fields in SPECS.values() for f in fields} - {"schema"} <= \
        set(_FIELD_CHECKS)
    entry = {"id": "d1", "title": "Iets", "owner": "p1", field: value}
    result = registry_from_data({"schema": 1, "directorates": [
        {"id": "dsk", "name": "DSK", "axis": "integrating"}],
        "people": [{"id": "p1", "name": "P", "unit": "dsk"}], "dossiers": [entry]})
    assert any(message in d.message for d in result.errors), result.errors


# -- messages that say what to do (issue 17) ---------------------------------------------------
MAINTAINER_FIXTURES = [
    ("extra indentation", edit("    name: A. Jansen\n", "    name: A. Jansen\n ")),
    ("missing indentation", edit("    name: A. Jansen\n    unit: cio",
                                 "    name: A. Jansen\n  unit: cio")),
    ("Dutch key", edit("    unit: cio\n", "    unit: cio\n    telefoon: 070 123\n")),
    ("invalid date", edit("    reviewed: 2026-10-01\n  - id: b-bakker",
                          "    reviewed: 2026-13-45\n  - id: b-bakker")),
    ("placeholder of tvb new", edit("    name: A. Jansen", "    name: N. Nieuw")),
]


@pytest.mark.parametrize("case, text", MAINTAINER_FIXTURES,
                         ids=[c[0] for c in MAINTAINER_FIXTURES])
def test_each_maintainer_mistake_gives_one_positioned_actionable_line(case, text):
    lines = [str(d) for d in load_text(text).diagnostics]
    assert len(lines) == 1, lines
    expected = {
        "extra indentation": "test.yaml:26:6: error[E001]: indentation: 'unit:' starts at "
                             "column 6, but the keys of the entry above start at column 5 "
                             "(line 25): remove 1 space",
        "missing indentation": "test.yaml:26:3: error[E001]: indentation: 'unit:' starts at "
                               "column 3, but the keys of the entry above start at column 5 "
                               "(line 25): add 2 spaces",
        "Dutch key": "test.yaml:27:5: error[E005]: unknown key 'telefoon' in a person (did you "
                     "mean 'phone'? keys are written in English)",
        "invalid date": "test.yaml:27:15: error[E011]: 'reviewed' is '2026-13-45', not a "
                        "valid date (YYYY-MM-DD)",
        "placeholder of tvb new": "test.yaml:24:5: warning[W122]: 'name' of person "
                                  "'a-jansen' is still the placeholder 'N. Nieuw' of tvb new: "
                                  "write the real name",
    }
    assert lines == [expected[case]]


@pytest.mark.parametrize("key, target", [("naam", "name"), ("eigenaar", "owner"),
                                         ("telephone", "phone"), ("afdeling", "unit")])
def test_unknown_keys_are_suggested_from_aliases(key, target):
    from registry.validate import _key_hint

    assert str(_key_hint(key, ["name", "owner", "phone", "unit"])) == \
        f" (did you mean '{target}'? keys are written in English)"
    assert str(_key_hint("emial", ["email", "name"])) == " (did you mean 'email'?)"
