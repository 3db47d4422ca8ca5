"""`tvb import sheet` and `tvb import roo` (issue 20): a register's first day from an old
staff list and from the Register van Overheidsorganisaties.

Every fixture is made here: workbooks with openpyxl, CSV files in three encodings and two
delimiters, ROO exports validated against the published XSD (``tests/roo/``), and the
hostile inputs (an XML bomb, external entities, a 1 GB file, malformed XML, a million
rows, formulas).  The expected ids and rejected rows are worked out by hand below.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.import_bench import org, write_export
from registry.importers import ImportFailed
from registry.importers.roo import read_subtree
from registry.validate import load_registry
from tests.conftest import ROOT
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


TODAY = "2026-11-30"
XSD = Path(__file__).parent / "roo" / "oo-export-2.6.11.xsd"

REGISTER = """\
schema: 1
organisation: {id: dgb, name: Directoraat-Generaal Beleid}
directorates:
  - id: dsk
    name: Directie Strategie en Kennis
    abbreviation: DSK
    axis: integrating
    departments:
      - id: dsk-strategie
        name: Afdeling Strategie
  - id: cio
    name: Chief Information Office
    abbreviation: CIO
    axis: functional
    departments:
      - id: cio-cyber
        name: Afdeling Cyber
people:
  - id: c-visser
    name: C. Visser
    unit: cio-cyber
    email: c.visser@example.org
    reviewed: 2026-10-01
dossiers:
  - id: cyberstrategie
    title: Cyberstrategie
    owner: c-visser
    reviewed: 2026-10-01
"""

MAP = """\
columns: {name: Naam, unit: Afdeling, function: Functie, email: E-mail, phone: Telefoon,
          dossiers: Onderwerpen}
units: {"Afdeling Strategie": dsk-strategie, "Cyber": cio-cyber}
"""

HEADER = ["Naam", "Afdeling", "Functie", "E-mail", "Telefoon", "Onderwerpen"]
ROWS = [  # row 2 onwards, as a spreadsheet numbers them
    ["José Müller", "Afdeling Strategie", "Beleidsmedewerker", "j.muller@example.org",
     "0612345678", "Klimaat; Cyberstrategie"],                                     # 2
    ["Anna de Boer", "Cyber", "Adviseur", "a.deboer@example.org", "+31 70 000 0001",
     "Klimaat"],                                                                   # 3
    ["", "Cyber", "Secretaris", "", "", ""],                                       # 4
    ["Piet Pan", "Afdeling Onbekend", "", "", "", ""],                             # 5
    ["Anna de Boer", "Cyber", "", "A.deBoer@example.org", "", ""],                 # 6
    ["C. Visser", "cio-cyber", "", "c.visser@example.org", "", ""],                # 7
    ["", "", "", "", "", ""],                                                      # 8
    ["Jan Jansen", "DSK", "Directeur", "", "", ""],                                # 9
    ["José Müller", "Cyber", "", "", "", ""],                                      # 10
    ["Ærøskøbing Ødegård", "Cyber", "Analist", "", "", ""],                        # 11
    ["Kees Formule", "Cyber", "=HYPERLINK(\"http://x\")", "", "", ""],             # 12
]
EXPECTED_IDS = ["jose-muller", "anna-de-boer", "jan-jansen", "jose-muller-2",
                "aeroskobing-odegard"]
EXPECTED_REJECTED = {4: "empty name", 5: "unknown unit 'Afdeling Onbekend'",
                     6: "duplicate of row 3", 7: "already in the register as 'c-visser'",
                     12: "holds a formula"}


@pytest.fixture()
def register(tmp_path) -> Path:
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "_organisatie.yaml").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    return folder


def _small_map(tmp_path: Path) -> Path:
    path = tmp_path / "small-map.yaml"
    path.write_text("columns: {name: Naam, unit: Afdeling}\n", encoding="utf-8")
    return path


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _rejected(stderr: str) -> dict[int, str]:
    out = {}
    for line in stderr.splitlines():
        if ": not imported: " in line:
            where, reason = line.split(": not imported: ", 1)
            out[int(where.rsplit(":", 1)[1])] = reason
    return out


def _check_import(register: Path, sheet: Path, *extra: str) -> str:
    out = register / "mensen.yaml"
    res = _invoke("import", "sheet", str(sheet), "--map", str(register.parent / "map.yaml"),
                  "--data", str(register), "--today", TODAY, "-o", str(out), *extra)
    assert res.exit_code == 0, res.output
    rejected = _rejected(res.stderr)
    assert sorted(rejected) == sorted(EXPECTED_REJECTED), rejected
    for row, reason in EXPECTED_REJECTED.items():
        assert reason in rejected[row]
    result = load_registry(register)
    assert result.ok, [str(e) for e in result.errors]
    reg = result.registry
    new = [p for p in reg.people.values() if p.loc.file == str(out)]
    assert [p.id for p in new] == EXPECTED_IDS
    jose = reg.people["jose-muller"]
    assert (jose.name, jose.unit, jose.phone, jose.email) == \
        ("José Müller", "dsk-strategie", "0612345678", "j.muller@example.org")
    assert reg.people["jan-jansen"].unit == "dsk"  # the directorate's abbreviation
    assert str(reg.people["anna-de-boer"].reviewed) == TODAY
    # one new dossier: 'Klimaat', held by the first to list it; Cyberstrategie exists
    klimaat = reg.dossiers["klimaat"]
    assert (klimaat.owner, klimaat.involved) == ("jose-muller", ("anna-de-boer",))
    assert len(reg.dossiers) == 2
    return res.stderr


# -- sheets ------------------------------------------------------------------------------------
def test_xlsx_made_with_openpyxl_imports_into_a_valid_register(register, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in ROWS:
        ws.append([c if c != "" else None for c in row])
    ws["E3"] = 31700000001  # a phone number typed as a number: kept as text, no ".0"
    path = tmp_path / "wie-is-wie.xlsx"
    wb.save(path)
    _check_import(register, path)
    assert load_registry(register).registry.people["anna-de-boer"].phone == "31700000001"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_in_every_encoding_and_delimiter_imports_the_same(register, tmp_path, encoding,
                                                             delimiter):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(ROWS)
    path = tmp_path / "wie-is-wie.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    stderr = _check_import(register, path)
    assert f"({encoding}, '{delimiter}'-separated)" in stderr
    assert "5 people and 1 dossier from" in stderr and "1 empty row skipped" in stderr


def test_dry_run_and_standard_output_write_nothing(register, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Naam;Afdeling\nJan Jansen;DSK\n", encoding="utf-8")
    before = sorted(os.listdir(register))
    for extra in (["-o", str(register / "x.yaml"), "--dry-run"], []):
        res = _invoke("import", "sheet", str(path), "--map", str(_small_map(tmp_path)),
                      "--data", str(register), "--today", TODAY, *extra)
        assert res.exit_code == 0, res.output
        assert "  - id: jan-jansen\n" in res.stdout
    assert sorted(os.listdir(register)) == before


def test_an_existing_file_is_never_overwritten(register, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Naam;Afdeling\nJan Jansen;DSK\n", encoding="utf-8")
    target = tmp_path / "mensen.yaml"
    target.write_text("# hand-made\n", encoding="utf-8")
    res = _invoke("import", "sheet", str(path), "--map", str(_small_map(tmp_path)),
                  "--data", str(register), "-o", str(target))
    assert res.exit_code == 2 and "already exists" in res.stderr
    assert target.read_text(encoding="utf-8") == "# hand-made\n"


@pytest.mark.parametrize("map_text, message", [
    ("columns: {name: Naam}\n", "'columns' must name the column of 'unit'"),
    ("columns: {name: Naam, unit: Afdeling, salary: Salaris}\n", "unknown field 'salary'"),
    ("columns: [Naam]\n", "'columns' must map fields"),
    ("kolommen: {}\n", "unknown key 'kolommen'"),
    ("columns: !!python/object:os.system {}\n", "error[E"),
])
def test_a_bad_mapping_file_is_one_positioned_line(register, tmp_path, map_text, message):
    (tmp_path / "map.yaml").write_text(map_text, encoding="utf-8")
    path = tmp_path / "s.csv"
    path.write_text("Naam;Afdeling\nJan Jansen;DSK\n", encoding="utf-8")
    res = _invoke("import", "sheet", str(path), "--map", str(tmp_path / "map.yaml"),
                  "--data", str(register))
    assert res.exit_code == 2
    assert message in res.stderr and res.stderr.count("\n") == 1, res.stderr
    assert str(tmp_path / "map.yaml") in res.stderr


def test_a_missing_column_names_the_headers(register, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Name;Department\nJan Jansen;DSK\n", encoding="utf-8")
    res = _invoke("import", "sheet", str(path), "--map", str(tmp_path / "map.yaml"),
                  "--data", str(register))
    assert res.exit_code == 2
    assert "s.csv:1: no column 'Naam' (for 'name')" in res.stderr
    assert "'Name', 'Department'" in res.stderr


def _huge_xlsx(path: Path, rows: int, sheet_xml: bytes | None = None) -> None:
    """A workbook with *rows* rows, written straight into the zip (openpyxl would take
    minutes to write a million rows); or with the sheet *sheet_xml*."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        '"xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id='
        '"rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
        ' Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        if sheet_xml is not None:
            zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
            return
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            fh.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Naam</t></is></c><c r="B1" '
                     b't="inlineStr"><is><t>Afdeling</t></is></c></row>')
            chunk = []
            for r in range(2, rows + 2):
                chunk.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>P{r}</t></is></c>'
                             f'<c r="B{r}" t="inlineStr"><is><t>DSK</t></is></c></row>')
                if len(chunk) == 10_000:
                    fh.write("".join(chunk).encode())
                    chunk = []
            fh.write("".join(chunk).encode())
            fh.write(b"</sheetData></worksheet>")


@pytest.mark.parametrize("kind, rows, message", [
    ("csv", 1_000_000, "more than 50,000 rows"),
    ("xlsx", 1_000_000, "a sheet of 124 MiB unpacked is more than a staff list can be"),
    ("xlsx", 60_000, ":50002: more than 50,000 rows"),  # small enough to count its rows
])
def test_a_million_rows_is_a_one_line_error(register, tmp_path, kind, rows, message):
    path = tmp_path / f"groot.{kind}"
    if kind == "csv":
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("Naam;Afdeling\n")
            fh.writelines(f"P{n};DSK\n" for n in range(rows))
    else:
        _huge_xlsx(path, rows)
    out = tmp_path / "out.yaml"
    res = _invoke("import", "sheet", str(path), "--map", str(_small_map(tmp_path)),
                  "--data", str(register), "-o", str(out))
    assert res.exit_code == 2
    assert message in res.stderr and res.stderr.count("\n") == 1, res.stderr
    assert not out.exists()


def test_formulas_without_a_saved_value_are_refused_row_by_row(register, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Naam", "Afdeling", "Functie"])
    ws.append(["=1+1", "DSK", "x"])                                      # 2
    ws.append(["Jan Jansen", "DSK", '=WEBSERVICE("http://127.0.0.1/")'])  # 3
    ws.append(["Eva Smit", "=A1", "y"])                                  # 4
    ws.append(["Piet Pan", "DSK", "'=1+1"])  # typed with an apostrophe: text in Excel
    path = tmp_path / "f.xlsx"
    wb.save(path)
    (tmp_path / "map.yaml").write_text("columns: {name: Naam, unit: Afdeling, function: "
                                       "Functie}\n", encoding="utf-8")
    out = register / "f.yaml"
    res = _invoke("import", "sheet", str(path), "--map", str(tmp_path / "map.yaml"),
                  "--data", str(register), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert sorted(_rejected(res.stderr)) == [2, 3, 4]
    assert all("holds a formula" in r for r in _rejected(res.stderr).values())
    assert load_registry(register).ok
    assert "=" not in out.read_text(encoding="utf-8").split("people:")[1].replace(
        "'=1+1", "")


def test_a_formula_with_a_saved_value_gives_that_value(register, tmp_path):
    """What Excel shows is what is imported; the formula itself is never evaluated."""
    def c(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{c("A1", "Naam")}{c("B1", "Afdeling")}</row>'
             f'<row r="2">{c("A2", "Jan Jansen")}<c r="B2" t="str"><f>"DS"&amp;"K"</f>'
             '<v>DSK</v></c></row>'
             f'<row r="3">{c("A3", "Eva Smit")}<c r="B3" t="str"><f>A1</f></c></row>'
             '</sheetData></worksheet>').encode()
    path = tmp_path / "saved.xlsx"
    _huge_xlsx(path, 0, sheet)
    res = _invoke("import", "sheet", str(path), "--map", str(_small_map(tmp_path)),
                  "--data", str(register), "--today", TODAY)
    assert res.exit_code == 0, res.output
    assert "  - id: jan-jansen\n    name: Jan Jansen\n    unit: dsk\n" in res.stdout
    assert _rejected(res.stderr) == {3: "column 'Afdeling' holds a formula (=A1); type the "
                                        "value instead"}


def test_a_workbook_with_external_entities_reads_no_file(register, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    sheet = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file://{secret}">]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Naam</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>Afdeling</t></is></c></row><row r="2">'
             '<c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c><c r="B2" t="inlineStr"><is>'
             '<t>DSK</t></is></c></row></sheetData></worksheet>').encode()
    path = tmp_path / "xxe.xlsx"
    _huge_xlsx(path, 0, sheet)
    res = _invoke("import", "sheet", str(path), "--map", str(_small_map(tmp_path)),
                  "--data", str(register))
    assert res.exit_code == 2, res.output
    assert "not a readable .xlsx workbook" in res.stderr and res.stderr.count("\n") == 1
    assert "TOP-SECRET" not in res.stdout + res.stderr


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_1_gb_sheet_is_refused_before_it_is_read(register, tmp_path, kind):
    path = tmp_path / f"groot.{kind}"
    with open(path, "wb") as fh:
        fh.truncate(1024**3)  # sparse: no disk space used
    res = _invoke("import", "sheet", str(path), "--map", str(tmp_path / "map.yaml"),
                  "--data", str(register))
    assert res.exit_code == 2
    assert "1024 MiB is more than a staff list can be" in res.stderr
    assert res.stderr.count("\n") == 1


@pytest.mark.parametrize("name, content, message", [
    ("kapot.xlsx", b"PK\x03\x04 not really a zip", "not a readable .xlsx workbook"),
    ("kapot.xlsx", b"Naam;Afdeling\n", "not a readable .xlsx workbook"),
    ("nul.csv", b"Naam;Afdeling\nJan\0;DSK\n", "nul.csv:2: a NUL character"),
    ("utf16.csv", "Naam;Afdeling\n".encode("utf-16-le"), "utf16.csv:1: a NUL character"),
    ("raar.csv", b"Naam;Afdeling\nJ\x81;DSK\n", "raar.csv:2: neither UTF-8 nor Windows-1252"),
    ("leeg.csv", b"", "the sheet is empty"),
])
def test_broken_sheets_are_one_line(register, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    res = _invoke("import", "sheet", str(path), "--map", str(tmp_path / "map.yaml"),
                  "--data", str(register))
    assert res.exit_code == 2, res.output
    assert message in res.stderr and res.stderr.count("\n") == 1, res.stderr


# -- ROO ----------------------------------------------------------------------------------------
DEFENSIE_TOOI = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1018"


def _oorg(n: int) -> str:
    return f"https://identifier.overheid.nl/tooi/id/oorg/oorg{n}"


def _export_tree(dsk_name: str = "Directie Strategie en Kennis",
                 extra_directorate: bool = False) -> list[dict]:
    directorates = [
        org(20, dsk_name, afkorting="DSK", tooi=_oorg(20),
            taken="- Strategie en kennis voor de krijgsmacht\n- Stakeholders betrekken",
            functies=2, children=[
                org(21, "Afdeling Strategie", type_="Afdeling", tooi=_oorg(21), children=[
                    org(22, "Bureau Toekomstverkenning", type_="Bureau")]),
                org(23, "Afdeling Kennis & Innovatie", type_="Afdeling", tooi=_oorg(23))]),
        org(30, "Chief Information Office", afkorting="CIO", tooi=_oorg(30),
            taken="IT, data en cyber", children=[
                org(31, "Afdeling Cyber", type_="Afdeling", tooi=_oorg(31))]),
    ]
    if extra_directorate:
        directorates.append(org(40, "Directie Internationale Zaken", afkorting="DIZ",
                                tooi=_oorg(40)))
    return [
        org(1, "Ministerie van Defensie", afkorting="Def", type_="Ministerie",
            tooi=DEFENSIE_TOOI, children=[
                org(4958, "Bestuursstaf", type_="Organisatieonderdeel", tooi=_oorg(4958),
                    children=[
                        org(10, "Directoraat-generaal Beleid", afkorting="DGB",
                            type_="Directoraat-generaal", tooi=_oorg(10),
                            children=directorates),
                        org(50, "Directie Juridische Zaken", tooi=_oorg(50))]),
                org(60, "Commando Zeestrijdkrachten", afkorting="CZSK", tooi=_oorg(60),
                    children=[org(61, "Directie Juridische Zaken", tooi=_oorg(61))])]),
        org(2, "Ministerie van Financiën", afkorting="Fin", type_="Ministerie",
            tooi="https://identifier.overheid.nl/tooi/id/ministerie/mnre1090"),
    ]


@pytest.fixture(scope="module")
def xsd():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture()
def export(tmp_path, xsd) -> Path:
    path = tmp_path / "exportOO.xml"
    write_export(path, _export_tree())
    xsd.validate(str(path))  # the fixture is a valid export by the published schema
    return path


@pytest.mark.parametrize("root", ["10", "Directoraat-generaal Beleid", "dgb",
                                  "directoraat-generaal  beleid", _oorg(10)])
def test_roo_subtree_by_id_name_abbreviation_or_tooi(export, root):
    tree = read_subtree(export, root)
    r = tree.root
    assert (r.system_id, r.name, r.abbreviation, r.tooi) == \
        ("10", "Directoraat-generaal Beleid", "DGB", _oorg(10))
    assert (tree.parent_name, tree.parent_uri) == ("Bestuursstaf", _oorg(4958))
    assert [c.name for c in r.children] == ["Directie Strategie en Kennis",
                                            "Chief Information Office"]
    dsk = r.children[0]
    assert dsk.tasks == ["Strategie en kennis voor de krijgsmacht", "Stakeholders betrekken"]
    assert dsk.types == ["Directie"]
    assert [c.name for c in dsk.children] == ["Afdeling Strategie",
                                              "Afdeling Kennis & Innovatie"]
    assert dsk.children[0].children[0].name == "Bureau Toekomstverkenning"


def test_roo_import_writes_a_register_that_validates(export, tmp_path):
    out = tmp_path / "dgb.yaml"
    res = _invoke("import", "roo", str(export), "--root", "DGB", "-o", str(out),
                  "--today", TODAY)
    assert res.exit_code == 0, res.output
    assert "Bureau Toekomstverkenning (systeemId 22)" in res.stderr  # left out, but said
    result = load_registry(out)
    assert result.ok, [str(e) for e in result.errors]
    reg = result.registry
    assert (reg.organisation.id, reg.organisation.uri, reg.organisation.parent,
            reg.organisation.parent_uri) == ("dgb", _oorg(10), "Bestuursstaf", _oorg(4958))
    assert {u.id: (u.name, u.uri, u.parent) for u in reg.units.values()} == {
        "dsk": ("Directie Strategie en Kennis", _oorg(20), None),
        "afdeling-strategie": ("Afdeling Strategie", _oorg(21), "dsk"),
        "afdeling-kennis-innovatie": ("Afdeling Kennis & Innovatie", _oorg(23), "dsk"),
        "cio": ("Chief Information Office", _oorg(30), None),
        "afdeling-cyber": ("Afdeling Cyber", _oorg(31), "cio"),
    }
    assert reg.units["cio"].tasks == ("IT, data en cyber",)
    # the identifier reaches the graph
    from rdflib import URIRef
    from rdflib.namespace import OWL

    from graph.rdf import compile_registry

    g = compile_registry(reg)
    assert len(list(g.subjects(OWL.sameAs, URIRef(_oorg(20))))) == 1
    assert len(list(g.subjects(OWL.sameAs, URIRef(_oorg(10))))) == 1


def test_roo_ambiguous_or_unknown_root_is_one_line(export):
    res = _invoke("import", "roo", str(export), "--root", "Directie Juridische Zaken")
    assert res.exit_code == 2
    assert "names 2 organisations" in res.stderr and "systeemId 50" in res.stderr \
        and "systeemId 61" in res.stderr and res.stderr.count("\n") == 1
    res = _invoke("import", "roo", str(export), "--root", "99999")
    assert res.exit_code == 2 and "no organisation '99999' among the 13" in res.stderr


def _register_from_import(export: Path, folder: Path) -> Path:
    folder.mkdir()
    units = folder / "eenheden.yaml"
    assert _invoke("import", "roo", str(export), "--root", "10", "-o", str(units),
                   "--today", TODAY).exit_code == 0
    # the maintainer's own additions: a comment, a task, people and a dossier
    text = units.read_text(encoding="utf-8")
    text = text.replace("    name: Chief Information Office\n",
                        "    name: Chief Information Office   # CIO van Defensie\n")
    text = text.replace("      - IT, data en cyber\n", "      - IT, data en cyber\n"
                        "      - Eigen taak, met de hand toegevoegd\n")
    units.write_text(text, encoding="utf-8")
    (folder / "mensen.yaml").write_text(textwrap.dedent("""\
        schema: 1
        people:
          - id: c-visser
            name: C. Visser
            unit: afdeling-cyber
            reviewed: 2026-10-01
        dossiers:
          - {id: cyberstrategie, title: Cyberstrategie, owner: c-visser, reviewed: 2026-10-01}
        """), encoding="utf-8")
    assert load_registry(folder).ok
    return units


def test_roo_update_reports_and_changes_nothing_without_write(export, tmp_path, xsd):
    folder = tmp_path / "register"
    units = _register_from_import(export, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    changed = tmp_path / "export2.xml"
    write_export(changed, _export_tree("Directie Strategie, Kennis en Innovatie", True))
    xsd.validate(str(changed))
    res = _invoke("import", "roo", str(changed), "--root", "10", "-o", str(folder))
    assert res.exit_code == 0, res.output
    assert "dsk: name: 'Directie Strategie en Kennis' → 'Directie Strategie, Kennis en " \
        "Innovatie'" in res.stdout
    assert "new in ROO, not in the register (add by hand): Directie Internationale Zaken " \
        "(systeemId 40)" in res.stdout
    assert "nothing written" in res.stderr
    assert "cio: the tasks differ from ROO's 1 (left as they are)" in res.stdout
    assert "dsk: the tasks differ" not in res.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    res = _invoke("import", "roo", str(changed), "--root", "10", "-o", str(folder), "--write")
    assert res.exit_code == 0, res.output
    after = units.read_text(encoding="utf-8")
    old_lines = before["eenheden.yaml"].decode().splitlines()
    new_lines = after.splitlines()
    assert len(old_lines) == len(new_lines)
    assert [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b] == [
        ("    name: Directie Strategie en Kennis",
         "    name: Directie Strategie, Kennis en Innovatie")]
    assert (folder / "mensen.yaml").read_bytes() == before["mensen.yaml"]
    assert "# CIO van Defensie" in after and "Eigen taak, met de hand toegevoegd" in after
    assert load_registry(folder).ok
    # a second run finds nothing to do
    res = _invoke("import", "roo", str(changed), "--root", "10", "-o", str(folder), "--write")
    assert "already match ROO" in res.stdout


def test_roo_update_adds_a_missing_identifier_and_matches_by_name(export, tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "r.yaml").write_text(REGISTER, encoding="utf-8")
    res = _invoke("import", "roo", str(export), "--root", "10", "-o", str(folder), "--write")
    assert res.exit_code == 0, res.output
    reg = load_registry(folder).registry
    assert reg.units["dsk"].uri == _oorg(20) and reg.units["cio"].uri == _oorg(30)
    assert reg.units["cio-cyber"].uri == _oorg(31)  # matched by name
    assert reg.units["dsk-strategie"].uri == _oorg(21)
    assert reg.organisation.uri == _oorg(10)
    assert reg.organisation.name == "Directoraat-generaal Beleid"
    assert reg.people["c-visser"].unit == "cio-cyber"


# -- hostile XML ---------------------------------------------------------------------------------
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<p:overheidsorganisaties xmlns:p="https://organisaties.overheid.nl/static/schema/oo/export/2.6.9">
<p:organisaties><p:organisatie p:systeemId="1"><p:naam>&lol9;</p:naam><p:types/>
</p:organisatie></p:organisaties></p:overheidsorganisaties>
"""


def _xxe(secret: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE p:overheidsorganisaties [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
<p:overheidsorganisaties xmlns:p="https://organisaties.overheid.nl/static/schema/oo/export/2.6.9">
<p:organisaties><p:organisatie p:systeemId="1"><p:naam>&xxe;</p:naam><p:types/>
</p:organisatie></p:organisaties></p:overheidsorganisaties>
"""


def _run_tvb(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tvb", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("case", ["bomb", "xxe", "external dtd", "parameter entity"])
def test_entities_and_dtds_are_refused_never_expanded_or_fetched(tmp_path, case):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    text = {
        "bomb": BOMB,
        "xxe": _xxe(secret),
        "external dtd": f'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file://{secret}">\n'
                        '<overheidsorganisaties/>\n',
        "parameter entity": f'<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY % p SYSTEM '
                            f'"file://{secret}"> %p; ]>\n<overheidsorganisaties/>\n',
    }[case]
    path = tmp_path / "evil.xml"
    path.write_text(text)
    # a child process, so that an expansion could not hide in this one's memory
    res = _run_tvb("import", "roo", str(path), "--root", "1", "-o", str(tmp_path / "o.yaml"))
    assert res.returncode == 2, res.stderr
    assert "refused: the file declares a DTD" in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert "TOP-SECRET" not in res.stdout + res.stderr
    assert not (tmp_path / "o.yaml").exists()


@pytest.mark.parametrize("text, where", [
    ('<?xml version="1.0"?>\n<p:overheidsorganisaties xmlns:p="x">\n<p:organisaties>\n'
     '</p:organisatie>\n', ":4:3: malformed XML (mismatched tag)"),
    ('<?xml version="1.0"?>\n<p:overheidsorganisaties xmlns:p="x">\n<p:organisaties>\n',
     ": malformed XML (no element found)"),
    ("", ":1:1: malformed XML (no element found)"),
    ('<?xml version="1.0"?>\n<html><body>no export</body></html>\n',
     "the root element is <html>"),
    ('<?xml version="1.0"?>\n<overheidsorganisaties>' + "<a>" * 1000 + "</a>" * 1000 +
     "</overheidsorganisaties>", "nested more than 400 deep"),
])
def test_malformed_xml_is_one_positioned_line(tmp_path, text, where):
    path = tmp_path / "kapot.xml"
    path.write_text(text)
    res = _invoke("import", "roo", str(path), "--root", "1")
    assert res.exit_code == 2
    assert where in res.stderr and res.stderr.count("\n") == 1, res.stderr


def test_a_1_gb_export_is_a_bounded_result(tmp_path, export):
    """A valid export followed by a sparse gigabyte of zeros: the parser stops at the first
    zero with a position, having read only what came before it."""
    path = tmp_path / "groot.xml"
    shutil.copy(export, path)
    start = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(1024**3)
    res = _run_tvb("import", "roo", str(path), "--root", "Ministerie van Financiën")
    assert res.returncode == 2
    line = export.read_bytes().count(b"\n") + 1
    assert f"groot.xml:{line}:" in res.stderr and "malformed XML" in res.stderr
    assert res.stderr.count("\n") == 1
    assert start < 1024**3


def test_a_generated_export_gives_the_same_subtree_as_a_small_one(tmp_path):
    """The 20,000-organisation benchmark's generator, at a tenth of the size: the chosen
    directorate-general comes back whole (8 directorates × 6 departments × 7 bureaus)."""
    from benchmarks.import_bench import synthetic

    path = tmp_path / "big.xml"
    write_export(path, synthetic(2_000))
    tree = read_subtree(path, "Directoraat-generaal 1.1")
    counts = [0, 0, 0, 0]
    for depth, _ in tree.root.walk():
        counts[depth] += 1
    assert counts == [1, 8, 48, 336]
    assert tree.organisations_read > 2_000


def test_read_subtree_errors_are_import_failed(tmp_path):
    with pytest.raises(ImportFailed, match="cannot read"):
        read_subtree(tmp_path / "missing.xml", "1")
