"""Search: who owns a topic — Dutch-aware, typo-tolerant, as-you-type, never an error."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.search import (
    KINDS,
    SearchIndex,
    SearchUnavailable,
    check_fts5,
    fold,
    match_expression,
    stem,
    tokenize,
)
from tests.conftest import make_registry, register

# -- the sample register ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_index(sample):
    return SearchIndex.build(sample)


# (query, expected top hit as "kind:id").  Grouped by what they exercise.
SAMPLE_QUERIES = [
    # exact titles
    ("Defensievisie 2035", "dossier:defensievisie-2035"),
    ("Herijking Defensiestrategie", "dossier:herijking-defensiestrategie"),
    ("Integrale beveiliging", "dossier:integrale-beveiliging"),
    ("Rechtspositie reservisten", "dossier:rechtspositie-reservisten"),
    ("Veiligheidsmanagementsysteem (VMS)", "dossier:veiligheidsmanagementsysteem"),
    # single keywords
    ("munitie", "dossier:munitiestrategie"),
    ("woo", "dossier:woo-verzoeken-dgb"),
    ("archiefwet", "dossier:archiefwet-informatiemanagement"),
    ("privacy", "dossier:gegevensbescherming-avg"),
    ("pfas", "dossier:gevaarlijke-stoffen-beleid"),
    # plurals and other inflections
    ("reservist", "dossier:rechtspositie-reservisten"),
    ("kamerbrief", "dossier:kamerstukken-kwaliteit"),
    ("gevaarlijke stof", "dossier:gevaarlijke-stoffen-beleid"),
    ("kazerne", "dossier:vastgoedstrategie"),
    ("veiligheidsincident", "dossier:veiligheidsincidenten"),
    ("oefenterrein", "dossier:ruimtelijke-behoefte"),
    ("beleidsevaluaties", "dossier:evaluatieprogrammering"),
    # missing or extra diacritics (the data writes Coördinatie, geïntegreerd)
    ("coordinatie", "dossier:woo-verzoeken-dgb"),
    ("geintegreerd optreden", "dossier:multidomein-concepten"),
    ("cybér", "dossier:cyberstrategie"),
    ("mùnitie", "dossier:munitiestrategie"),
    # one- and two-letter typos
    ("defensievisei", "dossier:defensievisie-2035"),
    ("archiefwt", "dossier:archiefwet-informatiemanagement"),
    ("luchtverdedeging", "dossier:luchtverdediging-capaciteit"),
    ("gegevensbeshcermig", "dossier:gegevensbescherming-avg"),
    ("rservisetn", "dossier:rechtspositie-reservisten"),
    # abbreviations find their unit
    ("DMV", "unit:dmv"),
    ("CIO", "unit:cio"),
    ("dsk", "unit:dsk"),
    ("HDP", "unit:hdp"),
    ("DV", "unit:dv"),
    # person names
    ("Oudelande", "person:l-oudelande"),
    ("Kortenhoeve", "person:a-kortenhoeve"),
    ("oudeland", "person:l-oudelande"),
    # partial words as typed
    ("defensiest", "dossier:herijking-defensiestrategie"),
    ("luchtverd", "dossier:luchtverdediging-capaciteit"),
    ("gegevensbes", "dossier:gegevensbescherming-avg"),
    ("munit", "dossier:munitiestrategie"),
    # a question around the topic
    ("wie is de eigenaar van het woo dossier", "dossier:woo-verzoeken-dgb"),
]


@pytest.mark.parametrize(("query", "expected"), SAMPLE_QUERIES)
def test_sample_top_hit(sample_index, query, expected):
    result = sample_index.search(query, limit=5)
    assert result.hits, f"no hits for {query!r}"
    top = result.hits[0]
    assert f"{top.kind}:{top.id}" == expected, [f"{h.kind}:{h.id}" for h in result.hits]


def test_sample_typo_suggests(sample_index):
    result = sample_index.search("defensievisei")
    assert result.suggestions[0] == "defensievisie"
    assert result.hits[0].tier == "fuzzy"


def test_sample_dossier_hit_answers_whom_to_call(sample, sample_index):
    hit = sample_index.search("munitie").hits[0]
    d = sample.dossiers["munitiestrategie"]
    owner = sample.people[d.owner]
    assert hit.detail["owner"]["name"] == owner.name
    assert hit.detail["owner"]["email"] == owner.email
    assert hit.detail["owner"]["phone"] == owner.phone
    assert hit.detail["owner"]["function"] == owner.function
    assert hit.detail["penvoerder"]["id"] == sample.penvoerder_of(d.id)


# -- a small register with hand-checked answers ---------------------------------------

SMALL = """\
schema: 1
organisation: {id: dgb, name: Directoraat-Generaal Beleid}
directorates:
  - id: dmv
    name: Directie Materieel en Vastgoed
    abbreviation: DMV
    axis: functional
    head: a-jansen
    tasks: [Vastgoedbeleid en huisvesting]
    reviewed: 2026-10-01
    departments:
      - id: dmv-vastgoed
        name: Afdeling Vastgoed
        head: b-bakker
        reviewed: 2026-10-01
  - id: dv
    name: Directie Veiligheid
    abbreviation: DV
    axis: functional
    reviewed: 2026-10-01
people:
  - id: a-jansen
    name: A. Jansen
    unit: dmv
    function: Directeur
    email: a.jansen@example.org
    phone: "+31 70 000 0001"
    reviewed: 2026-10-01
  - id: b-bakker
    name: B. Bakker
    unit: dmv-vastgoed
    function: Hoofd Afdeling Vastgoed
    email: b.bakker@example.org
    phone: "+31 70 000 0002"
    reviewed: 2026-10-01
  - id: c-visser
    name: C. Visser
    unit: dv
    function: Senior beleidsmedewerker
    email: c.visser@example.org
    phone: "+31 70 000 0003"
    reviewed: 2026-10-01
dossiers:
  - id: beleid-stof
    title: Beleid stof
    owner: c-visser
    reviewed: 2026-10-01
  - id: gevaarlijke-stoffen
    title: Gevaarlijke stoffen
    description: Eén lijn voor financiële risico's.
    keywords: [chroom-6]
    owner: c-visser
    deputy: b-bakker
    penvoerder: dv
    involved: [dmv, a-jansen]
    authority: a-jansen
    reviewed: 2026-10-01
  - id: stofzuigers
    title: Stofzuigers
    owner: b-bakker
    reviewed: 2026-10-01
  - id: opslag
    title: Opslag
    description: Opslag van stoffen op kazernes.
    owner: b-bakker
    reviewed: 2026-10-01
  - id: strategieen
    title: Strategieën voor personeel
    keywords: [operationele plannen]
    owner: a-jansen
    reviewed: 2026-10-01
collaborations:
  - id: werkverband-stoffen
    name: Werkverband opslag
    kind: werkverband
    lead: c-visser
    members: [c-visser, b-bakker]
    purpose: Samen de opslag regelen.
    start: 2025-01-01
    evaluations:
      - date: 2025-06-01
        lessons: [Zeldzaamheidswoord komt niet in de index.]
"""


@pytest.fixture(scope="module")
def small():
    return make_registry(SMALL)


@pytest.fixture(scope="module")
def index(small):
    return SearchIndex.build(small)


def ids(result):
    return [h.id for h in result.hits]


def test_title_matches_first_then_tiers(index):
    # "stof": 'Beleid stof' has the word in its title (exact); 'Gevaarlijke stoffen' has
    # it by the stem stof and 'Stofzuigers' as the compound part stof (stem tier, the
    # shorter title first by BM25); 'Opslag' has "stoffen" only in its description, so
    # it comes after every dossier whose title holds the word.
    result = index.search("stof")
    assert ids(result)[:4] == ["beleid-stof", "stofzuigers", "gevaarlijke-stoffen", "opslag"]
    assert [h.tier for h in result.hits[:4]] == ["exact", "stem", "stem", "stem"]


def test_word_hit_never_falls_back_to_fuzzy(index):
    # "stof" is indexed, so nothing is fuzzy and nothing is suggested, although "stok"
    # or "stoffen" are one or two edits away.
    result = index.search("stof ")  # a trailing space: the word is finished, no prefix
    assert {h.tier for h in result.hits} == {"exact", "stem"}
    assert result.suggestions == ()
    # 'Stofzuigers' is found by its part stof, not as a prefix.
    assert [h.tier for h in result.hits if h.id == "stofzuigers"] == ["stem"]


def test_exact_keyword_beats_stem(index):
    # "stoffen": the title 'Gevaarlijke stoffen' holds the very word (exact), 'Beleid
    # stof' and 'Opslag' match by stem only.
    result = index.search("stoffen")
    assert result.hits[0].id == "gevaarlijke-stoffen" and result.hits[0].tier == "exact"
    assert {h.tier for h in result.hits[1:]} <= {"stem", "prefix"}


def test_fuzzy_suggests_closest_indexed_word(index):
    # "stofen" is no indexed word; "stoffen" is one insertion away, "stof" two: only
    # the nearest, "stoffen", is suggested.  It is searched as written first
    # (the title 'Gevaarlijke stoffen', the description of 'Opslag'), then by its stem
    # stof ('Beleid stof', and 'Stofzuigers' by its part); titles come before the
    # description of 'Opslag'.
    result = index.search("stofen")
    assert result.suggestions == ("stoffen",)
    assert result.corrections == {"stofen": ("stoffen",)}
    got = ids(result)
    assert (got[0], set(got[1:3]), got[3]) == ("gevaarlijke-stoffen",
                                               {"stofzuigers", "beleid-stof"}, "opslag")
    assert result.hits and {h.tier for h in result.hits} == {"fuzzy"}


def test_suggestion_in_context_of_other_words(index):
    result = index.search("gevaarlijke stofen")
    assert result.suggestions[0] == "gevaarlijke stoffen"
    assert ids(result) == ["gevaarlijke-stoffen"]


def test_suggestions_come_from_the_index_only(index):
    # Evaluation lessons are not indexed: their words are never suggested.
    result = index.search("zeldzaamheidswoorden")
    assert result.hits == () and result.suggestions == ()


def test_no_suggestion_for_far_words(index):
    result = index.search("xylofoon")
    assert result.hits == () and result.suggestions == ()


def test_abbreviation_finds_unit_first(index):
    for q in ("DMV", "dmv", "DV"):
        top = index.search(q).hits[0]
        assert (top.kind, top.id) == ("unit", q.lower())
    # The department of DMV carries its directorate's abbreviation in its body: found,
    # but below the directorate itself (exact tier).
    result = index.search("DMV")
    assert result.hits[0].tier == "exact" and result.hits[1].tier == "stem"
    assert "dmv-vastgoed" in ids(result)


def test_person_by_name_and_prefix(index):
    assert index.search("Visser").hits[0].id == "c-visser"
    assert index.search("viss").hits[0].id == "c-visser"
    assert index.search("Vissre").suggestions == ("visser",)


def test_diacritics_both_ways(index):
    # The data writes "Eén", "financiële", "Strategieën"; queries without them (or with
    # others) find the same dossier.
    assert ids(index.search("een lijn"))[0] == "gevaarlijke-stoffen"
    assert ids(index.search("financiele"))[0] == "gevaarlijke-stoffen"
    assert ids(index.search("financieel"))[0] == "gevaarlijke-stoffen"
    assert ids(index.search("strategie"))[0] == "strategieen"
    assert ids(index.search("strategieën"))[0] == "strategieen"
    assert ids(index.search("persóneel"))[0] == "strategieen"


def test_inflections(index):
    # operationele ~ operationeel, plannen ~ plan, kazernes ~ kazerne.
    assert ids(index.search("operationeel plan"))[0] == "strategieen"
    assert ids(index.search("kazerne"))[0] == "opslag"


def test_dossier_hit_carries_the_answer(index):
    hit = index.search("gevaarlijke stoffen").hits[0]
    d = hit.detail
    assert hit.kind == "dossier" and hit.title == "Gevaarlijke stoffen"
    assert d["owner"] == {"id": "c-visser", "kind": "person", "name": "C. Visser",
                          "label": "C. Visser", "function": "Senior beleidsmedewerker",
                          "unit": {"id": "dv", "kind": "directorate",
                                   "name": "Directie Veiligheid", "abbreviation": "DV",
                                   "label": "DV"},
                          "email": "c.visser@example.org", "phone": "+31 70 000 0003"}
    assert d["deputy"]["email"] == "b.bakker@example.org"
    assert d["penvoerder"]["id"] == "dv"
    assert [i["id"] for i in d["involved"]] == ["dmv", "a-jansen"]
    assert d["authority"]["name"] == "A. Jansen"


def test_penvoerder_is_effective(index):
    # 'Opslag' names no penvoerder: it is the owner's directorate (B. Bakker, in a
    # department of DMV), as Registry.penvoerder_of says.
    hit = next(h for h in index.search("opslag").hits if h.id == "opslag")
    assert hit.detail["penvoerder"]["id"] == "dmv"


def test_owner_and_penvoerder_names_are_searchable(index):
    # "bakker" is in no dossier title; the dossiers B. Bakker owns are found through
    # the owner's name, after the person.
    result = index.search("bakker")
    assert result.hits[0].id == "b-bakker"
    assert {"stofzuigers", "opslag"} <= set(ids(result))


def test_groups_by_kind_in_rank_order(index):
    result = index.search("opslag")
    groups = result.groups()
    assert set(groups) <= set(KINDS)
    assert list(groups) == list(dict.fromkeys(h.kind for h in result.hits))
    assert [h.id for h in groups["dossier"]] == [h.id for h in result.hits
                                                 if h.kind == "dossier"]
    assert "werkverband-stoffen" in [h.id for h in groups["collaboration"]]


def test_prefix_with_many_completions(small, monkeypatch):
    import registry.search as rs

    # "sto" begins stof, stoffen, stofzuigers.  Listed when few; beyond the limit
    # FTS5's prefix query (complete) while postings are few, else the most frequent.
    assert SearchIndex.build(small)._completions("sto") == ("stof", "stoffen", "stofzuigers")
    monkeypatch.setattr(rs, "_MAX_COMPLETIONS", 1)
    full = SearchIndex.build(small)
    assert full._completions("sto") == ()
    assert {"beleid-stof", "stofzuigers"} <= set(ids(full.search("sto")))
    monkeypatch.setattr(rs, "_PREFIX_POSTINGS", 0)
    top = SearchIndex.build(small)
    # The term stof is in three documents ('Beleid stof', and as the stem of stoffen in
    # 'Gevaarlijke stoffen' and 'Opslag'), stoffen in two, stofzuigers in one.
    assert top._completions("sto") == ("stof",)
    assert "stofzuigers" not in ids(top.search("sto"))


def test_limit(index):
    assert len(index.search("stof", limit=2).hits) == 2
    assert index.search("stof", limit=0).hits == ()


def test_as_dict_is_json(index):
    data = json.loads(json.dumps(index.search("gevaarlijke stofen").as_dict()))
    assert data["suggestions"][0] == "gevaarlijke stoffen"
    assert data["hits"][0]["owner"]["phone"] == "+31 70 000 0003"
    assert data["groups"] == {"dossier": ["gevaarlijke-stoffen"]}


# -- the building blocks ----------------------------------------------------------------

def test_fold_and_tokenize():
    assert fold("Financiële Coördinatie") == "financiele coordinatie"
    assert tokenize("Eén lijn: chroom-6, PFAS & ÿ!") == ["een", "lijn", "chroom", "6",
                                                        "pfas", "y"]
    assert tokenize("Øresund Straße") == ["oresund", "strasse"]


@pytest.mark.parametrize(("a", "b"), [
    ("stoffen", "stof"), ("kazernes", "kazerne"), ("strategieen", "strategie"),
    ("personele", "personeel"), ("financiele", "financieel"),
    ("operationele", "operationeel"), ("evaluaties", "evaluatie"),
])
def test_stem_brings_forms_together(a, b):
    assert stem(a) == stem(b)


def test_fts5_missing_is_named():
    class NoFts5:
        def execute(self, sql, *args):
            raise sqlite3.OperationalError("no such module: fts5")

    with pytest.raises(SearchUnavailable, match="FTS5"):
        check_fts5(NoFts5())
    check_fts5()  # this Python has it


# -- hostile input: results or nothing, never an error -----------------------------------

HOSTILE = [
    '"', '""', '"cyber', "cyber\"", "'", "*", "**", "cyber*", "*cyber", "AND", "OR", "NOT",
    "NEAR", "NEAR(stof opslag)", "NEAR(stof opslag, 2)", "stof AND", "AND stof", "OR OR",
    "stof NOT opslag", "(", ")", "((stof", "stof))", "(stof OR", "{title}: stof",
    "title:stof", "title : stof", "-stof", "+stof", "^stof", "stof^", ":", "{", "}",
    "[stof]", "😀", "🙈 stof", "stof 🚀🚀", "👩‍👩‍👧", "x" * 10_000, "stof " * 2_000,
    "\x00", "stof\x00opslag", "\n\t\r", "' OR 1=1 --", "%", "_", "\\", "ﬁnanciële",
    "½", "İstanbul", "ß", "ﺍﻟﺤﻜﻮﻣﺔ", "国防", "e\u0301", "\u200d", "\u202estof",
    "\ud800", "stof\udfff", "\u0870\u0870", "stof\u0870opslag", "\U0001F600" * 500,
    "NEAR/3", "stof + opslag", "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "0", "100", "-1", "1e9", "NULL",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(index, query):
    result = index.search(query)
    assert isinstance(result.hits, tuple)
    json.dumps(result.as_dict())
    expr = match_expression(query)
    index._conn.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expr or '""',))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_builds_a_valid_expression(text):
    expr = match_expression(text)
    if expr:
        _PROBE.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expr,)).fetchone()


@settings(max_examples=200, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
       | st.lists(st.sampled_from(["stof", "AND", "OR", "NEAR", '"', "*", "(", ")", "😀",
                                   "stoffen", "vastgoed", "dmv", "é", ":", "{x}"]))
       .map(" ".join))
def test_any_text_searches(index, text):
    result = index.search(text, limit=5)
    assert len(result.hits) <= 5


def _probe() -> sqlite3.Connection:
    # An empty table of the same shape as the index: a bad expression fails here too.
    reg = make_registry(register(organisation={"id": "dgb", "name": "DGB"}))
    return SearchIndex.build(reg)._conn


_PROBE = _probe()


# -- the command line ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "tvb.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_cli_human(small_file):
    from tvb.cli import main

    res = CliRunner().invoke(main, ["search", "gevaarlijke", "stofen", "--data",
                                    str(small_file)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Bedoelde u: gevaarlijke stoffen" in out
    assert "Gevaarlijke stoffen" in out
    assert "Dossierhouder:   C. Visser, Senior beleidsmedewerker, DV · c.visser@example.org · " \
           "+31 70 000 0003" in out
    assert "Penvoerder:      DV" in out
    assert "Betrokken:       DMV, A. Jansen" in out
    english = CliRunner().invoke(main, ["--lang", "en", "search", "gevaarlijke", "stofen",
                                        "--data", str(small_file)]).output
    assert "Did you mean: gevaarlijke stoffen?" in english
    assert "Penvoerder:            DV" in english and "Involved:              DMV" in english


def test_cli_json_and_limit(small_file):
    from tvb.cli import main

    res = CliRunner().invoke(main, ["search", "stof", "--json", "--limit", "2", "--data",
                                    str(small_file)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    # The exact title word first, then the best title match by stem or part.
    assert [h["id"] for h in data["hits"]] == ["beleid-stof", "stofzuigers"]


def test_cli_nothing_found_and_usage(small_file):
    from tvb.cli import main

    res = CliRunner().invoke(main, ["search", '"((', "--data", str(small_file)])
    assert res.exit_code == 0 and "Geen resultaten" in res.output
    res = CliRunner().invoke(main, ["search", "--data", str(small_file)])
    assert res.exit_code == 2  # a query is required
    res = CliRunner().invoke(main, ["search", "stof", "--limit", "0", "--data",
                                    str(small_file)])
    assert res.exit_code == 2
