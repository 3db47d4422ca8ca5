"""A register split over a folder of YAML files (e.g. one per directorate): merged into one
registry, with every diagnostic naming the right file, line and column."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.load import ReadError, expand_paths
from registry.validate import load_registry
from tests.conftest import TODAY
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


ORG = """\
schema: 1
organisation:
  id: dgb
  name: Directoraat-Generaal Beleid
settings:
  stale_after_days: 180
"""

DSK = """\
schema: 1
# Directie Strategie en Kennis: its own file, its own code owners
directorates:
  - id: dsk
    name: Directie Strategie en Kennis
    axis: integrating
    head: c-visser
    reviewed: 2026-10-01
people:
  - id: c-visser
    name: C. Visser
    unit: dsk
    reviewed: 2026-10-01
dossiers:
  - id: kennisagenda
    title: Kennisagenda
    owner: c-visser
    involved: [cio]
    reviewed: 2026-10-01
"""

CIO = """\
schema: 1
directorates:
  - id: cio
    name: Chief Information Office
    axis: functional
    head: a-jansen
    reviewed: 2026-10-01
people:
  - id: a-jansen
    name: A. Jansen
    unit: cio
    reviewed: 2026-10-01
  - id: b-bakker
    name: B. Bakker
    unit: cio
    reviewed: 2026-10-01
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def split(tmp_path):
    return _write(tmp_path / "register", {"00-organisatie.yaml": ORG, "cio.yml": CIO,
                                          "dsk/dsk.yaml": DSK})


def test_folder_is_merged_in_sorted_order(split):
    result = load_registry(split, today=TODAY)
    assert result.ok, [str(d) for d in result.errors]
    reg = result.registry
    # files sorted by path: 00-organisatie.yaml, cio.yml, dsk/dsk.yaml; lists concatenated
    assert list(reg.people) == ["a-jansen", "b-bakker", "c-visser"]
    assert [u.id for u in reg.directorates] == ["cio", "dsk"]
    assert reg.organisation.id == "dgb"
    assert reg.sources == (str(split / "00-organisatie.yaml"), str(split / "cio.yml"),
                           str(split / "dsk" / "dsk.yaml"))
    # a reference across files resolves: kennisagenda (dsk.yaml) involves cio (cio.yml)
    assert reg.dossiers["kennisagenda"].involved == ("cio",)


def test_every_entry_knows_its_file_line_and_column(split):
    reg = load_registry(split, today=TODAY).registry
    # c-visser is the first person in dsk/dsk.yaml: "  - id: c-visser" on line 10; the
    # mapping starts at its first key, column 5
    loc = reg.people["c-visser"].loc
    assert (Path(loc.file).name, loc.line, loc.column) == ("dsk.yaml", 10, 5)
    loc = reg.people["b-bakker"].loc
    assert (Path(loc.file).name, loc.line, loc.column) == ("cio.yml", 13, 5)
    loc = reg.units["dsk"].loc
    assert (Path(loc.file).name, loc.line, loc.column) == ("dsk.yaml", 4, 5)


def test_diagnostic_points_into_the_right_file(split):
    (split / "cio.yml").write_text(CIO.replace("unit: cio\n    reviewed: 2026-10-01\n  - id: b",
                                               "unit: cio-cybr\n    reviewed: 2026-10-01\n"
                                               "  - id: b"), encoding="utf-8")
    result = load_registry(split, today=TODAY)
    [err] = result.errors
    # "    unit: cio-cybr" is line 11 of cio.yml; the value starts at column 11
    assert (Path(err.loc.file).name, err.loc.line, err.loc.column) == ("cio.yml", 11, 11)
    assert err.code == "E008"
    assert str(err).startswith(f"{split / 'cio.yml'}:11:11: error[E008]: unit 'cio-cybr'")


def test_duplicate_id_across_files_names_both(split):
    _write(split, {"dv.yaml": """\
        schema: 1
        people:
          - id: b-bakker
            name: B. Bakker (DV)
            unit: cio
        """})
    result = load_registry(split, today=TODAY)
    [err] = [d for d in result.errors if d.code == "E012"]
    # The later file (dv.yaml sorts after cio.yml and dsk/) is the duplicate; the message
    # and `related` name the first place: cio.yml line 13, column 9 (the id's value,
    # after "  - id: ").
    assert (Path(err.loc.file).name, err.loc.line, err.loc.column) == ("dv.yaml", 3, 9)
    first = f"{split / 'cio.yml'}:13:9"
    assert f"first defined at {first}" in err.message
    assert [str(r) for r in err.related] == [first]


def test_organisation_or_settings_twice_names_both(split):
    _write(split, {"zz.yaml": """\
        schema: 1
        settings:
          stale_after_days: 90
        """})
    result = load_registry(split, today=TODAY)
    [err] = result.errors
    assert err.code == "E004"
    assert Path(err.loc.file).name == "zz.yaml" and err.loc.line == 2
    first = f"{split / '00-organisatie.yaml'}:5:1"
    assert f"'settings' is given twice (first at {first})" in err.message
    assert [str(r) for r in err.related] == [first]


def test_each_file_needs_schema(split):
    _write(split, {"zz.yaml": "people: []\n"})
    [err] = load_registry(split, today=TODAY).errors
    assert (Path(err.loc.file).name, err.code) == ("zz.yaml", "E006")
    assert "missing required field 'schema'" in err.message


def test_hidden_and_other_files_are_skipped(split):
    _write(split, {".github/workflows/ci.yml": "on: push\n",
                   ".pre-commit-config.yaml": "repos: []\n",
                   "README.md": "# data\n",
                   "notes.txt": "x\n"})
    files = [p.relative_to(split).as_posix() for p in expand_paths([split])]
    assert files == ["00-organisatie.yaml", "cio.yml", "dsk/dsk.yaml"]
    assert load_registry(split, today=TODAY).ok


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReadError) as exc:
        load_registry(tmp_path / "empty", today=TODAY)
    assert exc.value.diagnostic.code == "E003"
    assert "holds no .yaml or .yml files" in exc.value.diagnostic.message


def test_files_and_folders_mixed(split, tmp_path):
    extra = _write(tmp_path / "extra", {"dv.yaml": """\
        schema: 1
        directorates:
          - {id: dv, name: Directie Veiligheid, axis: functional, reviewed: 2026-10-01}
        """})
    result = load_registry([split, extra / "dv.yaml"], today=TODAY)
    assert result.ok
    assert [u.id for u in result.registry.directorates] == ["cio", "dsk", "dv"]


def test_cli_validate_folder_lists_files(split):
    (split / "dsk" / "dsk.yaml").write_text(DSK.replace("owner: c-visser", "owner: c-vissr"),
                                            encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(split), "--today", "2026-11-29"])
    assert res.exit_code == 1
    assert (f"{split / 'dsk' / 'dsk.yaml'}:17:12: error[E008]: owner 'c-vissr' is not a known "
            "person (did you mean 'c-visser'?)") in res.output
    res = CliRunner().invoke(main, ["validate", str(split), "--format", "github"])
    assert f"::error file={split / 'dsk' / 'dsk.yaml'},line=17,col=12,title=E008::" \
        in res.output
