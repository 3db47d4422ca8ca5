"""Exports: RDF serialisations (checked with an independent parser) and CSV tables."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph.export import TABLES, serialize, tables, write_rdf
from graph.rdf import compile_registry
from render.tables import cell as neutralise
from render.tables import write_csv
from tests.conftest import SAMPLE, make_registry
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

TINY = """\
    schema: 1
    organisation: {id: dgb, name: Directoraat-Generaal Beleid}
    directorates:
      - id: dsk
        name: Directie Strategie en Kennis
        abbreviation: DSK
        axis: integrating
        head: a-jansen
        tasks: [Strategie, Kennis]
        departments:
          - {id: dsk-kennis, name: Afdeling Kennis}
      - {id: dv, name: Directie Veiligheid, abbreviation: DV, axis: functional}
    people:
      - id: a-jansen
        name: A. Jansen
        unit: dsk
        function: Directeur
        phone: "+31 70 000 0001"
      - id: b-bakker
        name: "=HYPERLINK(\\"http://evil.example.org\\")"
        unit: dsk-kennis
        function: "-2+3"
        email: "@b.bakker@example.org"
      - {id: c-visser, name: C. Visser, unit: dv}
    dossiers:
      - id: kennisagenda
        title: Kennisagenda
        keywords: [kennis, innovatie]
        owner: b-bakker
        involved: [dv, c-visser]
        process: kennisproces
    processes:
      - {id: kennisproces, name: Kennisagenda opstellen, penvoerder: dsk, involve: all}
    collaborations:
      - id: netwerk-kennis
        name: Netwerk Kennis
        kind: netwerk
        lead: a-jansen
        members: [a-jansen, b-bakker]
        directorates: [dv]
        dossiers: [kennisagenda]
        start: 2024-01-01
        evaluations:
          - {date: 2024-06-01, worthwhile: 2}
          - {date: 2025-06-01, worthwhile: 5}
"""


@pytest.fixture(scope="module")
def tiny():
    return make_registry(TINY)


@pytest.fixture(scope="module")
def sample_graph(sample) -> Graph:
    return compile_registry(sample)


# -- RDF ------------------------------------------------------------------------------------
def _from_oxigraph(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def test_turtle_parses_with_oxigraph_into_an_isomorphic_graph(sample_graph):
    data = serialize(sample_graph, "turtle")
    theirs = Graph()
    for q in ox.parse(data, format=ox.RdfFormat.TURTLE):
        theirs.add((_from_oxigraph(q.subject), _from_oxigraph(q.predicate),
                    _from_oxigraph(q.object)))
    assert len(theirs) == len(sample_graph)
    assert isomorphic(theirs, sample_graph)


def test_ntriples_agree_with_oxigraph_line_for_line(sample_graph):
    # Canonical comparison without rdflib: oxigraph reads our Turtle and writes N-Triples,
    # which must be the same set of lines as our own N-Triples export.
    ours = set(serialize(sample_graph, "ntriples").decode().splitlines())
    quads = ox.parse(serialize(sample_graph, "turtle"), format=ox.RdfFormat.TURTLE)
    theirs = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                          format=ox.RdfFormat.N_TRIPLES)
    assert set(theirs.decode().splitlines()) == ours


# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph inside.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("ntriples", "nt"),
                                        ("jsonld", "json-ld")])
def test_rdf_formats_round_trip(tiny, fmt, parser):
    g = compile_registry(tiny)
    back = Graph().parse(data=serialize(g, fmt), format=parser)
    assert isomorphic(back, g)


def test_turtle_writer_escapes_what_it_must():
    # The Turtle writer is our own: literals with quotes, backslashes, line breaks and
    # astral characters, local names that start with a digit or hold a dot, a blank node,
    # an IRI that no prefix covers, rdf:type as a subject.
    ex = "https://tvb.example.org/id/"
    g = Graph(bind_namespaces="none")
    g.bind("id", ex)
    node = BNode()
    g.add((URIRef(ex + "2024-plan"), RDF.type, URIRef(ex + "plan")))
    g.add((URIRef(ex + "2024-plan"), URIRef(ex + "p"),
           Literal('quote " back \\ nl \n cr \r tab \t ü 𝄞', lang="nl")))
    g.add((URIRef(ex + "a.b"), URIRef(ex + "q"), node))
    g.add((node, URIRef(ex + "r"), URIRef(ex + "dgb/role/x")))
    g.add((RDF.type, URIRef(ex + "q"), Literal(5)))
    g.add((URIRef(ex + "x"), URIRef(ex + "q"), Literal("")))
    data = serialize(g, "turtle")
    assert isomorphic(Graph().parse(data=data, format="turtle"), g)
    assert len(list(ox.parse(data, format=ox.RdfFormat.TURTLE))) == len(g)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_rdf_exports_are_the_same_bytes_every_time(tiny, fmt):
    assert serialize(compile_registry(tiny), fmt) == serialize(compile_registry(tiny), fmt)


def test_jsonld_uses_the_prefixes_as_context(tiny):
    import json

    doc = json.loads(serialize(compile_registry(tiny), "jsonld"))
    assert doc["@context"]["org"] == "http://www.w3.org/ns/org#"
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids)


def test_unknown_rdf_format_is_refused(tiny):
    with pytest.raises(ValueError, match="turtle"):
        serialize(compile_registry(tiny), "rdfxml")


def test_write_rdf_to_a_path(tiny, tmp_path):
    n = write_rdf(tiny, "turtle", tmp_path / "tvb.ttl")
    assert n == len(Graph().parse(tmp_path / "tvb.ttl"))


# -- CSV ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,cell", [
    ("=1+1", "'=1+1"),
    ("+31 70 000 0001", "'+31 70 000 0001"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("a=1", "a=1"),
    ("gewoon", "gewoon"),
    ("", ""),
    (None, ""),
    (3, "3"),
])
def test_neutralise(value, cell):
    assert neutralise(value) == cell


def _read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_folder_has_one_table_per_kind(tiny, tmp_path):
    names = write_csv(tiny, tmp_path / "tables")
    assert names == [f"{t}.csv" for t in TABLES]
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == sorted(names)
    people = _read_csv((tmp_path / "tables" / "people.csv").read_bytes())
    assert [p["id"] for p in people] == ["a-jansen", "b-bakker", "c-visser"]
    # b-bakker works in dsk-kennis, a department of dsk.
    assert people[1]["unit"] == "dsk-kennis" and people[1]["directorate"] == "dsk"
    assert people[0]["iri"] == "https://tvb.example.org/id/a-jansen"


def test_csv_neutralises_formulas(tiny, tmp_path):
    write_csv(tiny, tmp_path)
    people = _read_csv((tmp_path / "people.csv").read_bytes())
    b = people[1]
    assert b["name"] == "'=HYPERLINK(\"http://evil.example.org\")"
    assert b["function"] == "'-2+3"
    assert b["email"] == "'@b.bakker@example.org"
    assert people[0]["phone"] == "'+31 70 000 0001"
    # The name appears neutralised wherever it is copied.
    dossiers = _read_csv((tmp_path / "dossiers.csv").read_bytes())
    assert dossiers[0]["owner_name"] == b["name"]
    for name in TABLES:
        for row in _read_csv((tmp_path / f"{name}.csv").read_bytes()):
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)


def test_csv_table_contents(tiny):
    t = {name: (header, list(rows)) for name, (header, rows) in tables(tiny).items()}
    units = {r[0]: dict(zip(t["units"][0], r, strict=True)) for r in t["units"][1]}
    # dsk counts its own a-jansen and b-bakker of its department: 2 people.
    assert units["dsk"]["people"] == 2 and units["dsk-kennis"]["people"] == 1
    assert units["dsk"]["tasks"] == '["Strategie", "Kennis"]'
    assert units["dsk-kennis"]["directorate"] == "dsk"
    dossier = dict(zip(t["dossiers"][0], t["dossiers"][1][0], strict=True))
    # No penvoerder written: the owner's (b-bakker's) directorate, dsk.
    assert dossier["penvoerder"] == "dsk"
    assert dossier["involved"] == '["dv", "c-visser"]'
    collab = dict(zip(t["collaborations"][0], t["collaborations"][1][0], strict=True))
    assert collab["evaluations"] == 2
    assert str(collab["latest_evaluation"]) == "2025-06-01" and collab["latest_worthwhile"] == 5


def test_processes_table(tiny):
    header, rows = tables(tiny)["processes"]
    (row,) = [dict(zip(header, r, strict=True)) for r in rows]
    assert row["id"] == "kennisproces" and row["penvoerder"] == "dsk"
    assert row["penvoerder_name"] == "Directie Strategie en Kennis"
    # 'involve: all' is every directorate (none is staff here), spelt out
    assert row["involve_all"] is True and json.loads(row["must_involve"]) == ["dsk", "dv"]
    assert json.loads(row["dossiers"]) == ["kennisagenda"]
    assert str(row["iri"]) == "https://tvb.example.org/id/kennisproces"


def test_list_cells_are_unambiguous(tmp_path):
    tasks = ["Beleid; plannen", 'Een "citaat", met komma', "[geen lijst]", "=1+1"]
    reg = make_registry("schema: 1\ndirectorates:\n  - id: dsk\n    name: DSK\n"
                        "    axis: integrating\n    tasks: " + json.dumps(tasks) + "\n")
    write_csv(reg, tmp_path)
    (unit,) = _read_csv((tmp_path / "units.csv").read_bytes())
    assert json.loads(unit["tasks"]) == tasks  # every item back, exactly
    reg2 = make_registry("schema: 1\ndirectorates: [{id: dsk, name: DSK, axis: staff}]\n")
    (row,) = tables(reg2)["units"][1]
    assert row[tables(reg2)["units"][0].index("tasks")] == "[]"


def test_memberships_table(tiny):
    header, rows = tables(tiny)["memberships"]
    got = {(r[0], r[2], r[3]) for r in rows}
    # Unit memberships (3 people), heads (a-jansen heads dsk), and the collaboration:
    # a-jansen leads it (one row, not also "member"), b-bakker is a member.
    assert got == {
        ("a-jansen", "member", "dsk"), ("b-bakker", "member", "dsk-kennis"),
        ("c-visser", "member", "dv"), ("a-jansen", "head", "dsk"),
        ("a-jansen", "lead", "netwerk-kennis"), ("b-bakker", "member", "netwerk-kennis"),
    }
    assert header[:4] == ("person", "person_name", "role", "organisation")


def test_csv_zip_is_stable_and_complete(tiny, tmp_path):
    write_csv(tiny, tmp_path / "a.zip")
    write_csv(tiny, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.namelist() == [f"{t}.csv" for t in TABLES]
        assert len(_read_csv(zf.read("collaborations.csv"))) == 1


def test_csv_refuses_an_existing_file(tiny, tmp_path):
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(ValueError, match="folder or a .zip"):
        write_csv(tiny, tmp_path / "plain.txt")


# -- the command line -----------------------------------------------------------------------
def test_cli_export_turtle_to_a_file(tmp_path):
    out = tmp_path / "tvb.ttl"
    result = CliRunner().invoke(main, ["export", "--data", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(out)) > 1000


def test_cli_export_ntriples_to_stdout(sample_graph):
    result = CliRunner().invoke(main, ["export", "--format", "ntriples", "--data",
                                       str(SAMPLE)])
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(data=result.stdout, format="nt"), sample_graph)


def test_cli_export_csv_needs_an_output(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--data", str(SAMPLE)])
    assert result.exit_code == 2
    assert "-o FOLDER" in result.output


def test_cli_export_csv_zip(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--data", str(SAMPLE),
                                       "-o", str(tmp_path / "t.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "t.zip") as zf:
        assert len(zf.namelist()) == len(TABLES) == 6


def test_cli_export_graphml(tmp_path):
    import networkx as nx

    out = tmp_path / "tvb.graphml"
    result = CliRunner().invoke(main, ["export", "--format", "graphml", "--data", str(SAMPLE),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(out, force_multigraph=True).number_of_nodes() > 100


def test_cli_export_bad_data_exits_1(write_register):
    bad = write_register(people=["{id: x, name: X, unit: nergens}"])
    result = CliRunner().invoke(main, ["export", "--data", str(bad)])
    assert result.exit_code == 1
