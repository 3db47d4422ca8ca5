"""Read-only SPARQL: what is refused, what comes back, in which formats."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from graph.export import serialize
from graph.rdf import compile_registry
from graph.sparql import (
    EXAMPLES,
    QueryFailed,
    QueryRefused,
    QuerySyntaxError,
    check_query,
    prologue,
    run_query,
)
from render.sparql_results import format_result, to_csv, to_json
from tests.conftest import SAMPLE, make_registry
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


B = "https://tvb.example.org/id/"

REG = """\
    schema: 1
    organisation: {id: dgb, name: Directoraat-Generaal Beleid}
    directorates:
      - id: dsk
        name: Directie Strategie en Kennis
        abbreviation: DSK
        axis: integrating
        departments:
          - {id: dsk-strategie, name: Afdeling Strategie}
      - {id: dbe, name: Directie Bedrijfsvoering en Evaluatie, abbreviation: DBE,
         axis: integrating}
      - {id: dmv, name: Directie Materieel en Vastgoed, abbreviation: DMV, axis: functional}
      - {id: dv, name: Directie Veiligheid, abbreviation: DV, axis: functional}
      - {id: cio, name: Chief Information Office, abbreviation: CIO, axis: functional}
    people:
      - {id: h-steenwijker, name: H. Steenwijker, unit: dsk-strategie,
         email: h.steenwijker@example.org}
      - {id: l-vree, name: L. Vree, unit: dbe, email: l.vree@example.org}
      - {id: m-veld, name: M. Veld, unit: dmv}
      - {id: p-dam, name: P. Dam, unit: dv}
    dossiers:
      - {id: vastgoedstrategie, title: Vastgoedstrategie Defensie, owner: m-veld}
      - {id: afstoten, title: Afstoten terreinen, keywords: [vastgoed], owner: l-vree}
      - {id: oud-vastgoed, title: Oud vastgoed, owner: p-dam, status: closed}
      - {id: kazernes, title: Kazernes, description: Onderhoud van VASTGOED en kazernes.,
         owner: p-dam, penvoerder: dmv}
      - {id: strategie, title: Strategie, owner: h-steenwijker}
    collaborations:
      - {id: team-a, name: Team A, kind: projectteam, lead: h-steenwijker, members: [l-vree],
         start: 2024-01-01}
      - {id: team-b, name: Team B, kind: overleg, members: [h-steenwijker, m-veld],
         directorates: [cio], start: 2024-01-01}
      - {id: team-c, name: Team C, kind: netwerk, members: [p-dam], start: 2024-01-01}
"""


@pytest.fixture(scope="module")
def g() -> Graph:
    return compile_registry(make_registry(REG), with_ontology=True)


def values(result) -> list[tuple]:
    """Rows as plain Python values (IRIs and literals as strings, numbers as ints)."""
    def plain(t):
        if isinstance(t, Literal) and isinstance(t.toPython(), int):
            return t.toPython()
        return None if t is None else str(t)
    return [tuple(plain(t) for t in row) for row in result.rows]


# -- refusals -------------------------------------------------------------------------------
@pytest.mark.parametrize("query,message", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "this is an update (INSERT DATA)"),
    ("DELETE WHERE { ?s ?p ?o }", "this is an update"),
    ("PREFIX x: <urn:x#>\nDELETE { ?s x:p ?o } INSERT { ?s x:q ?o } WHERE { ?s x:p ?o }",
     "this is an update"),
    ("CLEAR ALL", "this is an update (CLEAR)"),
    ("DROP GRAPH <urn:g>", "this is an update (DROP)"),
    ("LOAD <file:///etc/passwd>", "LOAD is not allowed: it would read a file or URL"),
    ("LOAD <http://example.org/data.ttl> INTO GRAPH <urn:g>", "LOAD is not allowed"),
    ("DELETE WHERE { ?s ?p ?o ", "DELETE starts an update"),  # malformed, still refused
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
     "FROM <file:///etc/passwd> is not allowed"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
     "FROM NAMED <http://example.org/g> is not allowed"),
    ("CONSTRUCT { ?s ?p ?o } FROM <http://example.org/x> WHERE { ?s ?p ?o }", "FROM <"),
    ("ASK FROM <file:///x> { ?s ?p ?o }", "FROM <file:///x>"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
     "SERVICE <http://example.org/sparql> is not allowed"),
    ("SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE SILENT <http://x.example/q> { ?a ?d ?e } } }",
     "SERVICE <http://x.example/q>"),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://y.example/q> { ?s ?p ?o } } } }",
     "SERVICE <http://y.example/q>"),
])
def test_refused(g, query, message):
    with pytest.raises(QueryRefused) as exc:
        run_query(g, query)
    assert message in str(exc.value)


def test_keywords_inside_strings_and_comments_are_not_refused(g):
    query = """\
        # LOAD <file:///etc/passwd> and FROM <x> in a comment are harmless
        SELECT ?s WHERE { ?s ?p "SERVICE <http://x> INSERT DATA FROM" }"""
    assert run_query(g, query).rows == []


def test_syntax_error_names_line_and_column(g):
    with pytest.raises(QuerySyntaxError) as exc:
        run_query(g, "SELECT ?s\nWHERE { ?s ?p }")
    msg = str(exc.value)
    assert msg.startswith("SPARQL syntax error at line 2, column")
    assert "WHERE { ?s ?p }" in msg


def test_syntax_error_at_the_end_of_the_text(g):
    with pytest.raises(QuerySyntaxError, match="line 2, column 1"):
        run_query(g, "SELECT * WHERE { ?s ?p ?o\n")


def test_absurdly_nested_query_is_refused_not_crashed(g):
    with pytest.raises(QueryRefused, match="nested too deeply"):
        run_query(g, "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }")


def test_unknown_prefix_says_which_are_predeclared(g):
    with pytest.raises(QuerySyntaxError, match=r"unknown prefix 'schema:'.*foaf"):
        run_query(g, "SELECT * WHERE { ?s schema:name ?n }")


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_query(text):
    with pytest.raises(QuerySyntaxError, match="empty"):
        check_query(text)


def test_overlong_query_is_refused():
    with pytest.raises(QueryRefused, match="limit is 100"):
        check_query("SELECT * WHERE { ?s ?p ?o } " + "#" * 200, max_chars=100)


# -- results --------------------------------------------------------------------------------
def test_select_with_predeclared_prefixes(g):
    r = run_query(g, "SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name")
    assert r.kind == "SELECT" and r.vars == ["name"]
    assert values(r) == [("H. Steenwijker",), ("L. Vree",), ("M. Veld",), ("P. Dam",)]
    assert not r.truncated


def test_row_cap(g):
    r = run_query(g, "SELECT ?p WHERE { ?p a foaf:Person } ORDER BY ?p", max_rows=3)
    assert len(r.rows) == 3 and r.truncated
    assert "cut off by the limit of 3" in format_result(r, "table", lang="en")
    doc = to_json(r)
    assert doc["truncated"] is True and doc["max_rows"] == 3
    assert len(doc["results"]["bindings"]) == 3
    exact = run_query(g, "SELECT ?p WHERE { ?p a foaf:Person }", max_rows=4)
    assert len(exact.rows) == 4 and not exact.truncated


def test_ask(g):
    r = run_query(g, "ASK { id:h-steenwijker org:memberOf id:dsk-strategie }")
    assert r.kind == "ASK" and r.boolean is True
    assert to_json(r) == {"head": {}, "boolean": True}
    assert format_result(r, "table", lang="en") == "true\n"  # the viewer's words
    assert format_result(r, "table") == "waar\n"
    assert to_csv(r) == "boolean\r\ntrue\r\n"


def test_construct_rows_are_triples(g):
    r = run_query(g, "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p foaf:name ?n }", max_rows=2)
    assert r.kind == "CONSTRUCT" and r.vars == ["subject", "predicate", "object"]
    assert len(r.rows) == 2 and r.truncated


def test_describe(g):
    r = run_query(g, "DESCRIBE id:m-veld")
    assert (URIRef(B + "m-veld"), URIRef("http://xmlns.com/foaf/0.1/name"),
            Literal("M. Veld")) in r.rows


def test_json_is_the_w3c_results_format(g):
    r = run_query(g, """SELECT ?d ?title ?mbox WHERE {
        ?d tvb:owner id:l-vree ; skos:prefLabel ?title .
        OPTIONAL { ?d tvb:nothing ?mbox } }""")
    doc = json.loads(format_result(r, "json"))
    assert doc["head"]["vars"] == ["d", "title", "mbox"]
    # Hand-worked: l-vree owns one dossier, "afstoten"; ?mbox is unbound, so absent.
    assert doc["results"]["bindings"] == [{
        "d": {"type": "uri", "value": B + "afstoten"},
        "title": {"type": "literal", "value": "Afstoten terreinen", "xml:lang": "nl"},
    }]
    assert "truncated" not in doc


def test_rdflib_errors_while_running_become_query_errors(g):
    # An aggregate inside BIND gets past rdflib's parser and then crashes its evaluator.
    with pytest.raises(QueryFailed, match="failed while running"):
        run_query(g, "SELECT ?x WHERE { BIND(COUNT(1) AS ?x) }")


def test_rdflib_default_prefixes_are_not_predeclared(g):
    # rdflib alone would resolve schema: (one of its defaults); other stores would not.
    with pytest.raises(QuerySyntaxError, match="unknown prefix 'schema:'"):
        run_query(g, "SELECT * WHERE { ?s schema:name ?n }")
    declared = "PREFIX schema: <https://schema.org/> SELECT * WHERE { ?s schema:name ?n }"
    assert run_query(g, declared).rows == []


def test_json_typed_literal(g):
    r = run_query(g, "SELECT ?n WHERE { BIND(42 AS ?n) }")
    (binding,) = to_json(r)["results"]["bindings"]
    assert binding["n"] == {"type": "literal", "value": "42",
                            "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_csv_is_the_w3c_results_format(g):
    r = run_query(g, "SELECT ?d ?title WHERE { ?d tvb:owner id:l-vree ; skos:prefLabel ?title }")
    rows = list(csv.reader(io.StringIO(to_csv(r))))
    assert rows == [["d", "title"], [B + "afstoten", "Afstoten terreinen"]]


def test_table_shortens_iris_with_the_prefixes(g):
    r = run_query(g, "SELECT ?d WHERE { ?d tvb:owner id:l-vree }")
    text = format_result(r, "table", dict(g.namespaces()), lang="en")
    assert text.splitlines() == ["d", "-----------", "id:afstoten", "(1 row)"]


def test_unknown_format(g):
    with pytest.raises(ValueError, match="table, json, csv"):
        format_result(run_query(g, "ASK {}"), "xml")


# -- the README examples, on a registry whose answers are worked out by hand ---------------
def test_example_owners_of_topic(g):
    r = run_query(g, EXAMPLES["owners-of-topic"])
    # "vastgoed" (any case) in title, keyword or description of an active dossier:
    # afstoten (keyword), kazernes (description, upper case), vastgoedstrategie (title);
    # oud-vastgoed is closed.  Owners' directorates: l-vree DBE, p-dam DV, m-veld DMV.
    assert values(r) == [
        ("Afstoten terreinen", "L. Vree", "DBE", "mailto:l.vree@example.org"),
        ("Kazernes", "P. Dam", "DV", None),
        ("Vastgoedstrategie Defensie", "M. Veld", "DMV", None),
    ]


def test_example_reach_of_person(g):
    r = run_query(g, EXAMPLES["reach-of-person"])
    # h-steenwijker (DSK, via the department dsk-strategie) leads team-a with l-vree (DBE)
    # and is a member of team-b with m-veld (DMV), which also lists CIO. team-c is not hers.
    rows = [(d, n) for d, n, _ in values(r)]
    assert rows == [("DSK", 2), ("CIO", 1), ("DBE", 1), ("DMV", 1)]


def test_example_dossiers_per_penvoerder(g):
    r = run_query(g, EXAMPLES["dossiers-per-penvoerder"])
    # Active dossiers: vastgoedstrategie (owner m-veld, so DMV), afstoten (l-vree: DBE),
    # kazernes (written: DMV), strategie (h-steenwijker: DSK).  oud-vastgoed is closed.
    assert values(r) == [("DMV", "functional", 2), ("DBE", "integrating", 1),
                         ("DSK", "integrating", 1)]


def test_readme_shows_the_examples():
    readme = (SAMPLE.parent.parent / "README.md").read_text(encoding="utf-8")
    for name, query in EXAMPLES.items():
        body = query.split("\n", 1)[1]  # without the leading comment line
        assert body.strip() in readme, name


def test_examples_run_on_the_sample(sample):
    graph = compile_registry(sample, with_ontology=True)
    for name, query in EXAMPLES.items():
        assert run_query(graph, query).rows, name


# -- the same checked query on Oxigraph (the future /sparql store) ---------------------------
def test_checked_query_runs_the_same_on_oxigraph(g):
    query = "SELECT ?name WHERE { ?c tvb:member ?p . ?p foaf:name ?name } ORDER BY ?name"
    check_query(query)
    ours = [str(row[0]) for row in run_query(g, query).rows]
    store = ox.Store()
    store.load(serialize(g, "ntriples"), format=ox.RdfFormat.N_TRIPLES)
    theirs = [s["name"].value for s in store.query(prologue(dict(g.namespaces())) + query)]
    # Members (lead not included): l-vree (team-a), h-steenwijker and m-veld (team-b),
    # p-dam (team-c).
    assert ours == theirs == ["H. Steenwijker", "L. Vree", "M. Veld", "P. Dam"]


# -- the command line -----------------------------------------------------------------------
def test_cli_query_table():
    result = CliRunner().invoke(main, [
        "query", "--data", str(SAMPLE),
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a tvb:Dossier }"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "(1 row)"


def test_cli_query_json_and_max_rows():
    result = CliRunner().invoke(main, [
        "query", "--data", str(SAMPLE), "--format", "json", "--max-rows", "2",
        "SELECT ?p WHERE { ?p a foaf:Person }"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["results"]["bindings"]) == 2 and doc["truncated"] is True


def test_cli_query_from_stdin_as_csv():
    result = CliRunner().invoke(main, ["query", "--data", str(SAMPLE), "--format", "csv", "-"],
                                input="ASK { ?s a org:Organization }")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["boolean", "true"]


@pytest.mark.parametrize("query,message", [
    ("LOAD <file:///etc/passwd>", "LOAD is not allowed"),
    ("SELECT * WHERE { ?s ?p", "syntax error"),
])
def test_cli_query_refusals_exit_2(query, message):
    result = CliRunner().invoke(main, ["query", "--data", str(SAMPLE), query])
    assert result.exit_code == 2
    assert message in result.output
