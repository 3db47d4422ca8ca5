"""Search that answers like a colleague (issue 12): one text normaliser, compounds both
ways, questions, synonyms, ranking, help without a hit, staleness, hostile synonyms."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.analysis import missing_links, overlap_keys
from registry.search import SearchIndex
from registry.text import STOPWORDS, WORDLIST, Decompounder, content_words, load_wordlist, stem
from tests.conftest import SAMPLE, TODAY, _viewer, load_text, make_registry
from tvb.cli import main

HAVE_WDUTCH = bool(load_wordlist(WORDLIST))
needs_wdutch = pytest.mark.skipif(  # .ci/run installs it; without it the check cannot run
    not HAVE_WDUTCH, reason="Debian's wdutch (/usr/share/dict/dutch) is not installed")


# -- the text module ---------------------------------------------------------------------

def test_decompounder_covers_with_linking_sounds():
    d = Decompounder(["fiets", "parkeer", "beleid", "personeel", "tekort", "cyber",
                      "veiligheid", "klimaat", "verandering", "water", "schap", "bestuur"])
    assert d.split("fietsparkeerbeleid") == ("fiets", "parkeer", "beleid")
    assert d.split("personeelstekort") == ("personeel", "tekort")  # -s-
    assert d.split("personeelstekorten") == ("personeel", "tekorten")  # inflected last part
    assert d.split("cyberveiligheid") == ("cyber", "veiligheid")
    assert d.split("beleid") == ()  # a word, no compound
    assert d.split("fietsxbeleid") == ()  # a part not in the dictionary: no split
    # parts shorter than min_part never count: "schap" (5) does, "bel" would not
    assert Decompounder(["bel", "eid"]).split("beleideid") == ()


def test_decompounder_bounded_on_long_and_odd_tokens():
    d = Decompounder(["ab" * 2, "cyber"])
    assert d.split("a" * 10_000) == ()
    assert d.split("cyber2035") == ()  # digits: not a compound


def test_stop_words_are_question_and_function_words():
    for w in "wie wat waar gaat over houdt zich bezig met weet meer moet ik zijn bij voor " \
             "naar de het een".split():
        assert w in STOPWORDS
    assert content_words("Wie houdt zich bezig met vastgoed?") == ["vastgoed"]


def test_one_normaliser_for_search_and_overlap():
    # "Personele strategieën" and "Personeel strategie": the same topic for both.
    a = overlap_keys("Personele strategieën", [])
    b = overlap_keys("Personeel strategie", [])
    assert set(a) == set(b) == {"title:" + stem("personeel"), "title:" + stem("strategie")}


def test_personele_strategieen_overlap_finding():
    reg = make_registry("""
schema: 1
directorates:
  - {id: dsk, name: Directie Strategie en Kennis, axis: integrating}
  - {id: hdp, name: Hoofddirectie Personeel, axis: functional}
people:
  - {id: a, name: A. Aa, unit: dsk}
  - {id: b, name: B. Bee, unit: hdp}
dossiers:
  - {id: d1, title: Personele strategieën, owner: a}
  - {id: d2, title: Personeel strategie, owner: b}
""")
    rows = [r for r in missing_links(reg) if r["kind"] == "overlap"]
    assert [r["dossiers"] for r in rows] == [["d1", "d2"]]
    assert rows[0]["directorates"] == ["dsk", "hdp"]


# -- compounds: a property ------------------------------------------------------------------

# Real Dutch nouns of four or more letters (all in wdutch); titles are compounds of them.
POOL = ["fiets", "parkeer", "beleid", "water", "veiligheid", "klimaat", "haven", "spoor",
        "vracht", "wagen", "heffing", "drink", "voorziening", "lucht", "kwaliteit", "bodem",
        "daling", "zee", "spiegel", "stijging", "school", "gebouw", "energie", "transitie",
        "personeel", "tekort", "brand", "weer", "dienst", "verkeer", "licht", "boom",
        "kaart", "markt", "onderzoek", "programma", "kust", "wacht", "natuur", "herstel"]


@needs_wdutch
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(POOL).flatmap(lambda words: st.lists(
    st.tuples(st.integers(2, 3), st.booleans()), min_size=3, max_size=10).map(
        lambda shapes: _titles(words, shapes))))
def test_every_compound_part_finds_its_dossier(titles):
    # Each pool word is used in one title only, so "its dossier" is well defined.
    dossiers = "\n".join(f"  - {{id: d{i}, title: {t.capitalize()}, owner: p}}"
                         for i, (t, _) in enumerate(titles))
    reg = make_registry(f"""
schema: 1
directorates:
  - {{id: u, name: Directie Één, axis: staff}}
people:
  - {{id: p, name: P. Qwerty, unit: u}}
dossiers:
{dossiers}
""")
    index = SearchIndex.build(reg)
    for i, (_, parts) in enumerate(titles):
        for part in parts:
            if len(part) >= 4:
                top = [h.id for h in index.search(part + " ", limit=3).hits]
                assert f"d{i}" in top, (part, titles[i][0], top)


def _titles(words, shapes):
    out, k = [], 0
    for n, link in shapes:
        parts = words[k:k + n]
        k += n
        if len(parts) < 2:
            break
        # the linking -s- where Dutch would write it after a longer first part
        glue = "s" if link and not parts[0].endswith(("s", "e")) else ""
        out.append((glue.join(parts[:2]) + "".join(parts[2:]), tuple(parts)))
    return out


# -- questions, synonyms, ranking on the sample --------------------------------------------

@pytest.fixture(scope="module")
def sample_index(sample):
    return SearchIndex.build(sample)


def test_question_puts_a_dossier_first(sample_index):
    result = sample_index.search("wie gaat over vastgoed", limit=10)
    assert result.words == ("vastgoed",)
    assert result.hits[0].kind == "dossier"


def test_question_words_are_never_corrected(sample_index):
    result = sample_index.search("wie weet meer over pfas")
    assert result.suggestions == ()
    assert result.hits[0].id == "gevaarlijke-stoffen-beleid"
    assert sample_index.search("wie weet").suggestions == ()


def test_cao_is_a_synonym_not_a_typo_of_cio(sample_index):
    result = sample_index.search("cao")
    assert result.suggestions == ()
    assert result.hits[0].kind == "dossier"
    assert "arbeidsvoorwaarden" in result.hits[0].title.lower()


def test_synonyms_work_both_ways_and_by_stem(sample_index):
    assert sample_index.search("salarissen").hits[0].id == \
        sample_index.search("arbeidsvoorwaarden").hits[0].id
    assert sample_index.search("NATO").hits  # the register writes NAVO


def test_unit_first_only_by_name_or_abbreviation(sample_index):
    assert (sample_index.search("DMV").hits[0].kind, sample_index.search("DMV").hits[0].id) \
        == ("unit", "dmv")
    # "vastgoed" is in DMV's name, but dossiers on vastgoed answer the question
    assert sample_index.search("vastgoed").hits[0].kind == "dossier"


def test_compound_whole_is_split_and_said(sample_index):
    result = sample_index.search("cybervisie")
    assert result.hits and result.splits == {"cybervisie": ("cyber", "visie")}
    assert result.suggestions == ()


# -- no hit: whom to ask ---------------------------------------------------------------------

def test_no_hit_gives_unit_words_and_contact(sample, sample_index):
    result = sample_index.search("plopperdeplopje")
    assert result.hits == ()
    assert result.help["units"] and result.help["units"][0]["id"] in sample.units
    assert result.help["contact"] == sample.settings.contact
    data = json.loads(json.dumps(result.as_dict()))
    assert data["help"]["contact"] and data["best"] is None
    # Not even a word (emoji, punctuation): still whom to ask.
    assert sample_index.search("😀 ?!").help == {"units": [], "words": [],
                                                "contact": sample.settings.contact}


def test_no_hit_unit_by_tasks():
    from pathlib import Path

    reg = make_registry(Path(__file__).parent.joinpath("registers", "dgmw.yaml").read_text())
    # Three slips from "drinkwater": too far for "Bedoelde u" (two), near enough for the
    # help, which names the unit whose tasks hold the word (DWB: "Zoetwater en drinkwater").
    result = SearchIndex.build(reg).search("drinkwatrrrr")
    assert result.hits == () and result.suggestions == ()
    assert result.help["words"][0] == "drinkwater"
    assert result.help["units"][0]["id"] == "dwb"
    assert result.help["contact"] == "Team Wie-is-wie, wieiswie@vwl.example.org"


# -- staleness -------------------------------------------------------------------------------

def test_stale_hit_says_when_last_confirmed(tmp_path):
    from pathlib import Path

    reg = make_registry(Path(__file__).parent.joinpath("registers", "dgmw.yaml").read_text())
    hit = SearchIndex.build(reg).search("hoogwater", today=TODAY).hits[0]
    assert hit.id == "hoogwaterbescherming"
    assert hit.detail["stale"] is True and hit.detail["reviewed"] == "2024-03-01"
    fresh = SearchIndex.build(reg).search("drinkwater", today=TODAY).hits[0]
    assert fresh.detail["stale"] is False


def test_viewer_best_answer_help_and_staleness():
    from pathlib import Path

    app = _viewer(Path(__file__).parent / "registers" / "dgmw.yaml")
    client = app.test_client()
    html = client.get("/?q=wie+gaat+over+hoogwater").get_data(as_text=True)
    best = html.index('id="best-h"')
    assert html.index("Hoogwaterbeschermingsprogramma", best) < html.find('id="kind-', best) \
        or 'id="kind-' not in html[best:]
    assert "laatst bevestigd 2024-03-01" in html
    page = client.get("/dossier/hoogwaterbescherming").get_data(as_text=True)
    assert "laatst bevestigd 2024-03-01" in page
    assert "laatst bevestigd" not in client.get("/dossier/drinkwater").get_data(as_text=True)
    nohit = client.get("/?q=plopperdeplopje").get_data(as_text=True)
    assert "Niets gevonden." in nohit and "wieiswie@vwl.example.org" in nohit
    assert "Deze eenheid heeft taken" in nohit
    data = client.get("/search.json?q=hoogwater").get_json()
    assert data["best"]["id"] == "hoogwaterbescherming"


# -- synonyms in the format --------------------------------------------------------------------

def test_synonym_diagnostics_are_positioned():
    result = load_text("""\
        schema: 1
        synonyms:
          - [cao, salaris]
          - []
          - [loon, 12, [a, b], "", "😀"]
          - [salarissen, beloning]
          - not a list
        """)
    got = sorted((d.loc.line, d.loc.column, d.code) for d in result.diagnostics)
    assert got == [(4, 5, "E006"), (5, 12, "E007"), (5, 16, "E007"), (5, 24, "E007"),
                   (5, 28, "E007"), (6, 6, "W108"), (7, 5, "E007")]


def test_synonyms_alone_in_a_file_of_a_folder(tmp_path):
    from registry.validate import load_registry

    (tmp_path / "org.yaml").write_text("schema: 1\norganisation: {id: x, name: X}\n")
    (tmp_path / "synoniemen.yaml").write_text("synonyms:\n  - [cao, salaris]\n")
    result = load_registry(tmp_path, today=TODAY)
    assert result.ok and result.registry.synonyms == (("cao", "salaris"),)
    assert not result.warnings


def test_synonyms_in_the_json_schema():
    from registry.schema import json_schema

    s = json_schema()["properties"]["synonyms"]
    assert s["type"] == "array" and s["items"]["items"]["type"] == "string"
    assert "contact" in json_schema()["$defs"]["settings"]["properties"]


# -- hostile synonyms ------------------------------------------------------------------------

HOSTILE_SYNONYMS = {
    "a set of 10,000 terms": "synonyms:\n  - [" + ", ".join(f"t{i}" for i in range(10_000))
                             + ", cyber]\n",
    "a 10 KB term": "synonyms:\n  - [cyber, " + "x" * 10_240 + "]\n",
    "a 10 KB term of words": "synonyms:\n  - [cyber, '" + "cyber " * 1700 + "']\n",
    "nested sets": "synonyms:\n  - [cyber, [digitaal, [online]]]\n",
    "looping sets": "synonyms:\n  - [a1, b1]\n  - [b1, c1]\n  - [c1, a1]\n",
    "odd unicode": "synonyms:\n  - [\"cy\\u200dber\", \"\\u202ecyber\", \"ｃｙｂｅｒ\", "
                   "\"e\\u0301\\u0301\\u0301\", \"👩‍👩‍👧\", \"\\U0010FFFF\"]\n",
    "a mapping": "synonyms:\n  - {cyber: digitaal}\n",
    "not a list": "synonyms: cyber\n",
}


@pytest.mark.parametrize("name", HOSTILE_SYNONYMS)
def test_hostile_synonyms_diagnostic_or_results(tmp_path, name):
    path = tmp_path / "tvb.yaml"
    base = SAMPLE.read_text(encoding="utf-8")
    # replace the sample's own synonyms with the hostile ones
    start = base.index("synonyms:")
    end = base.index("\n# ----", start)
    path.write_text(base[:start] + HOSTILE_SYNONYMS[name] + base[end:], encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 1:  # errors: each one positioned in the file
        errors = [line for line in res.output.splitlines() if "fout[" in line]
        assert errors and all(line.startswith(f"{path}:") for line in errors)
        return
    assert res.exit_code == 0
    res = CliRunner().invoke(main, ["search", "cyber", "t9999", "a1", "--json", "--data",
                                    str(path)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["hits"]  # "cyber" is in the sample


def test_big_synonym_set_is_capped(tmp_path):
    reg = make_registry("schema: 1\nsynonyms:\n  - ["
                        + ", ".join(f"t{i}" for i in range(10_000)) + "]\n")
    index = SearchIndex.build(reg)
    assert len(index._synonyms.terms(("t5",))) == 32
    assert index.search("t5").hits == ()


def test_docs_list_the_new_codes():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for code in ("W108", "W109"):
        assert code in (root / "README.md").read_text()
        assert code in (root / "docs" / "format.md").read_text()
