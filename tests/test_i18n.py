"""One voice: one catalogue (render/locale/*.po, read with Babel) for the viewer, the
report and the command line; plural forms in both languages; Dutch by default, English
when the reader chooses it (remembered in a cookie) or with ``tvb --lang en``."""

from __future__ import annotations

import ast
import datetime as dt
import re
import socket
import string
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from render.i18n import LANGUAGES, catalogue, plural_keys, translate
from tests.conftest import SAMPLE
from tvb.cli import main


@pytest.mark.parametrize("key, lang, n, text", [
    ("org.vacancies", "nl", 1, "1 vacature"), ("org.vacancies", "nl", 2, "2 vacatures"),
    ("org.vacancies", "nl", 0, "0 vacatures"), ("org.vacancies", "en", 1, "1 vacancy"),
    ("org.vacancies", "en", 5, "5 vacancies"), ("les.count", "nl", 1, "1 evaluatie"),
    ("les.count", "en", 1, "1 evaluation"), ("sp.rows", "nl", 1, "1 rij"),
    ("sp.rows", "en", 3, "3 rows"), ("cli.n_people", "nl", 1, "1 persoon"),
    ("cli.n_people", "en", 2, "2 people"),
])
def test_plural_forms_in_both_languages(key, lang, n, text):
    assert translate(key, lang, n=n) == text


def test_both_catalogues_have_the_same_keys_and_plurals():
    assert set(catalogue("nl")) == set(catalogue("en"))
    assert {"org.vacancies", "les.count", "sp.rows", "cli.n_people"} <= plural_keys()
    for lang in LANGUAGES:
        for key in plural_keys():  # every plural word has both forms filled in
            values = dict.fromkeys(_fields(catalogue(lang)[key]), "x")
            one, two = (translate(key, lang, **{**values, "n": n}) for n in (1, 2))
            assert one != two, (lang, key)


def _fields(template: str) -> set[str]:
    """The ``{names}`` of a template."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_an_unknown_key_or_language_falls_back():
    assert translate("no.such.key", "en") == "no.such.key"
    assert translate("nav.search", "fr") == "Zoeken"


def test_one_dutch_term_each_in_viewer_and_report(client):
    html = client.get("/integrator").get_data(as_text=True)
    report = CliRunner().invoke(main, ["report", "--data", str(SAMPLE), "--format", "md",
                                       "--today", "2026-11-29"]).output
    for term in ("Makelaars", "Kwetsbare schakels"):
        assert term in html and term in report, term
    for old in ("Verbinders", "Single points of failure"):
        assert old not in html and old not in report, old


def test_the_reader_chooses_english_and_it_is_remembered(app):
    client = app.test_client()
    first = client.get("/organisation?lang=en")
    assert '<html lang="en">' in first.text
    assert "tvb_lang=en" in first.headers["Set-Cookie"]
    assert "HttpOnly" in first.headers["Set-Cookie"]
    # a later page without ?lang= stays English, from the cookie
    assert '<html lang="en">' in client.get("/lessons").text
    client.get("/lessons?lang=nl")
    assert '<html lang="nl">' in client.get("/lessons").text
    assert "Cookie" in first.headers["Vary"]


def test_the_default_language_is_a_setting(tmp_path):
    from tests.conftest import _viewer

    app = _viewer(SAMPLE, LANGUAGE="en", CACHE=False)
    assert '<html lang="en">' in app.test_client().get("/organisation").text
    app.extensions["tvb.snapshots"].stop()


# -- no words of the other language ---------------------------------------------------------------
#: Labels the viewer and the CLI used to show in English; none may appear in Dutch.
OLD_ENGLISH = ["Search", "Organisation", "Brokers", "Single points of failure",
               "This page as JSON", "Report a correction", "Recent changes", "Earlier",
               "directorates", "departments", "collaborations", "warnings", "Lessons"]
#: And the Dutch labels that must not appear in English.
OLD_DUTCH = ["Zoeken", "Organisatie", "Makelaars", "Kwetsbare schakels", "Deze pagina als JSON",
             "Meld een correctie", "Recente wijzigingen", "Eerder", "directies", "afdelingen",
             "samenwerkingen", "waarschuwingen", "Lessen", "Bedoelde u"]


class _Text(HTMLParser):
    """The visible text of a page (no attributes, no script)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _visible(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(p.parts)


def _found(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def _pages(app):
    reg = app.extensions["tvb.snapshots"].current.registry
    return ["/", "/search?q=cyber", "/organisation", "/integrator", "/network", "/lessons",
            "/status", "/recent", f"/directorate/{reg.directorates[0].id}",
            f"/department/{reg.departments[0].id}", f"/person/{next(iter(reg.people))}",
            f"/dossier/{next(iter(reg.dossiers))}", f"/process/{next(iter(reg.processes))}",
            f"/collaboration/{next(iter(reg.collaborations))}"]


def test_every_page_in_dutch_has_no_old_english_label_and_the_reverse(app):
    client = app.test_client()
    # words the data itself holds (a task "… met de functionele directies") are not labels
    import json

    import yaml

    data = json.dumps(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")), default=str,
                      ensure_ascii=False)
    english, dutch = ([w for w in words if not _found(data, [w])]
                      for words in (OLD_ENGLISH, OLD_DUTCH))
    assert len(english) >= 10 and len(dutch) >= 10  # the check keeps its teeth
    for path in _pages(app):
        sep = "&" if "?" in path else "?"
        nl = _visible(client.get(path + sep + "lang=nl").text)
        en = _visible(client.get(path + sep + "lang=en").text)
        # the language switch names the other language in its own words: leave it out
        assert _found(nl.replace("English", ""), english) == [], path
        assert _found(en.replace("Nederlands", ""), dutch) == [], path


def test_the_cli_speaks_dutch_by_default_and_english_on_request():
    args = ["summary", "--data", str(SAMPLE), "--today", "2026-11-29"]
    nl = CliRunner().invoke(main, args).output
    en = CliRunner().invoke(main, ["--lang", "en", *args]).output
    assert "9 directies" in nl and "waarschuwingen" in nl
    assert _found(nl, OLD_ENGLISH) == []
    assert "9 directorates" in en and _found(en, OLD_DUTCH) == []


# -- the validator's messages in the catalogue -------------------------------------------------
REGISTRY = Path(__file__).resolve().parent.parent / "registry"
#: Every code the validator emits (registry/validate.py's table): each must have keyed messages.
CODES = [*(f"E{i:03d}" for i in range(1, 16)), *(f"W{i}" for i in range(101, 110)),
         "W120", "W121", "W122"]
#: Functions that make a key from a value (the kinds, what a field must be, the reference
#: kinds: registry/validate.py, and scaffold's check_given the reference kinds too); their
#: keys are enumerated in :func:`_message_keys`.
_DYNAMIC = {"_a", "kind_text", "_want", "_check_ref", "check_given"}


def _message_keys() -> tuple[dict[str, str], list[str]]:
    """Every (key → English template) the registry modules can put in a diagnostic, read
    from their source, and the places that make a key this test cannot enumerate."""
    from registry import validate
    from registry.schema import KIND_OF_SECTION, SPECS

    keys: dict[str, str] = {}
    unknown: list[str] = []

    def visit(node: ast.AST, where: str, function: str | None) -> None:
        if isinstance(node, ast.FunctionDef):
            function = node.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("text", "msg", "_want"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and len(node.args) > 1:
                prefix = "diag.want." if node.func.id == "_want" else ""
                keys[prefix + first.value] = ast.literal_eval(node.args[1])
            elif function not in _DYNAMIC:
                unknown.append(f"{where}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child, where, function)

    for path in sorted(REGISTRY.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), path.name, None)
    kinds = {*KIND_OF_SECTION.values(), "department", "organisation"}
    for kind in {*kinds, "involvement", "evaluation"} - {"organisation"}:
        t = validate._a(kind)
        keys[t.key] = t.template
    for kind in kinds:
        t = validate.kind_text(kind)
        keys[t.key] = t.template
    for refs in {f.refs for fields in SPECS.values() for f in fields if f.refs}:
        keys["diag.refs." + "-".join(refs)] = validate._KIND_WORDS.get(refs, " or ".join(refs))
    return keys, sorted(set(unknown))


def _catalogue_problems(keys: dict[str, str], nl: dict[str, str],
                        en: dict[str, str]) -> list[str]:
    """What is wrong with the catalogues for these message keys: a key missing from a
    language, placeholders that differ from the code's template, or an English text that
    is not the code's (then ``--lang en`` would say something else than ``str()``)."""
    problems = []
    for key, template in sorted(keys.items()):
        for lang, cat in (("nl", nl), ("en", en)):
            if key not in cat:
                problems.append(f"{key}: missing in {lang}")
            elif _fields(cat[key]) != _fields(template):
                problems.append(f"{key}: {lang} has {sorted(_fields(cat[key]))}, the code "
                                f"{sorted(_fields(template))}")
        if key in en and en[key] != template:
            problems.append(f"{key}: en differs from the code: {en[key]!r} != {template!r}")
    return problems


def test_every_validator_message_has_nl_and_en_texts_with_the_same_placeholders():
    keys, unknown = _message_keys()
    assert unknown == [], "keys made from values this test cannot enumerate"
    assert len(keys) > 100 and {"diag.unknown_key", "diag.hint", "diag.W122"} <= set(keys)
    assert _catalogue_problems(keys, catalogue("nl"), catalogue("en")) == []
    # every code of the validator is emitted somewhere in the registry modules' source
    source = "\n".join(p.read_text(encoding="utf-8") for p in REGISTRY.rglob("*.py"))
    assert [c for c in CODES if f'"{c}"' not in source] == []


def test_the_catalogue_check_finds_a_missing_key_and_a_wrong_placeholder():
    keys = {"diag.x": "unknown key '{key}'{hint}", "diag.y": "no owner"}
    nl = {"diag.x": "onbekende sleutel '{sleutel}'{hint}"}
    en = {"diag.x": "unknown key '{key}'{hint}", "diag.y": "has no owner"}
    assert _catalogue_problems(keys, nl, en) == [
        "diag.x: nl has ['hint', 'sleutel'], the code ['hint', 'key']",
        "diag.y: missing in nl",
        "diag.y: en differs from the code: 'has no owner' != 'no owner'"]


def _bad_registers() -> list[str]:
    """Registers with a problem of (nearly) every kind."""
    from tests.conftest import register

    return [
        register(people=["{id: a, name: A, unit: dsk, telefoon: '+31 70 000 0000'}",
                         "{id: b, name: B, unit: dks, emial: x, phone: 0612, "
                         "reviewed: 2026-02-30}",
                         "{id: A!, name: '', unit: dsk, reviewed: 2026-01-01}",
                         "{id: a, name: C}"],
                 directorates=["{id: dsk, name: DSK, axis: sideways, head: dsk, "
                               "reviewed: 2020-01-01}"],
                 dossiers=["{id: d, title: D, owner: dsk, involved: [dsk, dsk], status: active}"],
                 collaborations=["{id: c, name: C, start: 2026-01-01, end: 2025-01-01, "
                                 "members: [a], lead: a}"],
                 synonyms=[["cao", "cao"], [], ["!!!"]]),
        "schema: 1\npeople:\n  - id: a\n     name: A\n",  # one space too many
        "schema: 1\npeople:\n  - id: a\n    name: A\n    name: B\n",  # duplicate key
        "schema: 1\nsettings: {stale_after_days: -3}\n",
        "[1, 2]\n", "",
    ]


@pytest.mark.parametrize("text", _bad_registers())
def test_every_diagnostic_has_a_key_and_says_the_same_in_english(text):
    from registry.validate import registry_from_text
    from render.diagnostics import line, message

    result = registry_from_text(text, name="t.yaml", today=dt.date(2026, 11, 29))
    assert result.diagnostics
    for d in result.diagnostics:
        assert d.key, str(d)
        assert message(d, "en") == d.message  # the catalogue's English is the code's
        nl = line(d, "nl")
        assert "\n" not in nl and nl.startswith("t.yaml:") and d.code in nl
        assert message(d, "nl") != d.message or d.key in ("diag.a.field",), nl


@pytest.mark.parametrize("text, nl", [
    ("schema: 1\npeople:\n  - {id: a, name: A, telefoon: '+31 70 000 0000'}\n",
     "t.yaml:3:22: fout[E005]: onbekende sleutel 'telefoon' in een persoon (bedoelde u "
     "'phone'? sleutels worden in het Engels geschreven)"),
    ("schema: 1\npeople:\n  - id: a\n     name: A\n",
     "t.yaml:4:6: fout[E001]: inspringing: 'name:' begint in kolom 6, maar de sleutels van het "
     "item erboven beginnen in kolom 5 (regel 3): haal 1 spatie weg"),
    ("schema: 1\npeople:\n  - id: a\n   name: A\n",
     "t.yaml:4:4: fout[E001]: inspringing: 'name:' begint in kolom 4, maar de sleutels van het "
     "item erboven beginnen in kolom 5 (regel 3): voeg 1 spatie toe"),
    ("schema: 1\npeople:\n  - {id: a, name: A, unit: x, reviewed: 2026-02-30}\n",
     "t.yaml:3:41: fout[E011]: 'reviewed' is '2026-02-30', geen geldige datum (JJJJ-MM-DD)"),
    ("schema: 1\ndirectorates:\n  - {id: d, name: D, axis: staff, reviewed: 2026-11-01}\n"
     "people:\n  - {id: n, name: N. Nieuw, unit: d, reviewed: 2026-11-01}\n",
     "t.yaml:5:5: waarschuwing[W122]: 'name' van persoon 'n' is nog de plaatshouder 'N. Nieuw' "
     "van tvb new: vul de echte waarde in"),
])
def test_maintainer_messages_in_dutch(text, nl):
    from registry.validate import registry_from_text
    from render.diagnostics import line

    result = registry_from_text(text, name="t.yaml", today=dt.date(2026, 11, 29))
    assert nl in [line(d, "nl") for d in result.diagnostics]


# -- every command in both languages -----------------------------------------------------------
SMALL = """\
schema: 1
organisation: {id: org, name: Testorganisatie}
directorates:
  - {id: dsk, name: Directie Strategie, abbreviation: DSK, axis: integrating, head: a-de-vries,
     reviewed: 2026-10-01, departments: [{id: dsk-a, name: Afdeling A, reviewed: 2026-10-01}]}
  - {id: dv, name: Directie Veiligheid, abbreviation: DV, axis: functional, head: b-bakker,
     reviewed: 2025-01-01}
people:
  - {id: a-de-vries, name: A. de Vries, unit: dsk, email: a@example.org, reviewed: 2026-10-01}
  - {id: b-bakker, name: B. Bakker, unit: dv, reviewed: 2026-10-01}
  - {id: c-visser, name: C. Visser, unit: dsk-a}
dossiers:
  - {id: cyber, title: Cyberstrategie, keywords: [cyber], owner: c-visser, involved: [dv],
     reviewed: 2026-10-01}
  - {id: vastgoed, title: Vastgoed, owner: b-bakker, reviewed: 2026-10-01}
collaborations:
  - {id: werkgroep, name: Werkgroep cyber, kind: werkgroep, lead: a-de-vries,
     members: [b-bakker, c-visser], start: 2025-01-01, end: 2026-01-01}
"""
#: The small register edited: a move, a hand-over, an evaluation (so the findings change).
EDITED = (SMALL.replace("unit: dsk-a}", "unit: dv}")
          .replace("owner: b-bakker, reviewed", "owner: a-de-vries, reviewed")
          .replace("end: 2026-01-01}", "end: 2026-01-01,\n     evaluations: [{date: 2026-02-01, "
                   "worthwhile: 4, lessons: [Vaker samen]}]}"))
#: ... and with errors, for the comment that says why there is no comparison.
BROKEN = SMALL.replace("owner: b-bakker,", "owner: b-baker,").replace("email:", "emial:")

#: Labels the commands printed in English before they spoke Dutch (collected by running
#: each of them); none may appear in Dutch output.
CLI_ENGLISH = [
    "error", "errors", "warning", "warnings", "found", "unknown key", "did you mean",
    "Did you mean", "was last reviewed", "days ago", "has no", "must be", "without an evaluation",
    "Summary", "Findings", "Brokers", "Single points of failure", "single points of failure",
    "Missing links", "No change in meaning", "No finding appeared", "Changes in the register",
    "Changes in the findings", "People moved", "other directorate", "owner changed",
    "changed", "Collaborations evaluated", "New", "Resolved", "separates", "not evaluated",
    "Upkeep", "re-confirm", "evaluate", "never", "after checking", "groups", "what", "entry",
    "where", "owner", "involved", "lead", "No results", "Closest", "head", "rows", "under",
    "added", "fill in", "wrote", "file", "files", "not imported", "note", "Error",
    "no such file or folder", "file not found", "cannot listen", "cannot reach",
    "is another server running", "people network", "Legend", "register has errors",
    "cannot be compared", "already", "reviewed on", "directorates", "departments",
    "collaborations", "Organisation", "Search", "Lessons", "Integration report", "Whose task",
    "Cover and capacity", "Isolated dossier holders", "betweenness", "Success factors",
]
#: And the Dutch labels that must not appear in English output.
CLI_DUTCH = [
    "fout", "fouten", "waarschuwing", "waarschuwingen", "gevonden", "onbekende sleutel",
    "Bedoelde u", "bedoelde u", "dagen geleden", "heeft geen", "moet", "zonder evaluatie",
    "Samenvatting", "Bevindingen", "Makelaars", "Kwetsbare schakels", "kwetsbare schakels",
    "Ontbrekende verbindingen", "Geen wijziging in betekenis", "Wijzigingen in het register",
    "Personen verplaatst", "andere directie", "gewijzigd", "Nieuw", "Opgelost", "scheidt",
    "niet geëvalueerd", "Onderhoud", "bevestigen", "evalueren", "nooit", "na controle",
    "groepen", "Geen resultaten", "hoofd", "rijen", "onder", "toegevoegd", "geschreven",
    "bestand", "niet geïmporteerd", "let op", "Fout", "bestaat niet", "niet gevonden",
    "kan niet luisteren", "kan de store", "personennetwerk", "Legenda", "bevat fouten",
    "al bevestigd", "directies", "afdelingen", "samenwerkingen", "Organisatie", "Zoeken",
    "Lessen", "Integratierapport", "Wiens taak", "Vervanging", "Geïsoleerde", "tussenpositie",
    "Succesfactoren", "Plaatsvervanger", "Betrokken",
]


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    """Every command of the ``tvb`` group, a subcommand of a group as ``import sheet``."""
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix}{name} ")
        else:
            out.append(prefix + name)
    return sorted(out)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Walk:
    """The files one command case needs, made fresh in *tmp* for each language."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.data = tmp / "tvb.yaml"
        self.data.write_text(SMALL, encoding="utf-8")
        (tmp / "edited.yaml").write_text(EDITED, encoding="utf-8")
        (tmp / "broken.yaml").write_text(BROKEN, encoding="utf-8")

    def __str__(self) -> str:
        return str(self.data)


T = ("--today", "2026-11-29")


def _case_import_sheet(w: _Walk) -> list[list[str]]:
    sheet, mapping = w.tmp / "staf.csv", w.tmp / "map.yaml"
    sheet.write_text("Naam;Afdeling\nD. Dekker;DV\n;DV\nE. Eik;Onbekend\n", encoding="utf-8")
    mapping.write_text("columns: {name: Naam, unit: Afdeling}\nunits: {DV: dv}\n",
                       encoding="utf-8")
    return [["import", "sheet", str(sheet), "--map", str(mapping), "--data", str(w), *T],
            ["import", "sheet", str(sheet), "--map", str(mapping), "--data", str(w),
             "-o", str(w.tmp / "import.yaml"), *T]]


def _case_import_roo(w: _Walk) -> list[list[str]]:
    from benchmarks.import_bench import write_export
    from tests.test_import import _export_tree

    export = w.tmp / "exportOO.xml"
    write_export(export, _export_tree())
    return [["import", "roo", str(export), "--root", "DGB", "-o", str(w.tmp / "dgb.yaml"), *T],
            ["import", "roo", str(export), "--root", "DGB", "-o", str(w.tmp / "dgb.yaml"), *T]]


def _case_serve(w: _Walk) -> list[list[str]]:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    w.busy = busy  # closed by the test
    return [["serve", "--data", str(w), "--get", "/status", *T],
            ["serve", "--data", str(w), "--port", str(busy.getsockname()[1]), *T],
            ["serve", "--data", str(w.tmp / "nowhere.yaml")]]


#: Each command's invocations: its human outputs on the small register, the edited copy,
#: and the common failures (a missing file, errors in the data, an unreachable server).
CASES: dict[str, Callable[[_Walk], list[list[str]]]] = {
    "validate": lambda w: [["validate", str(w), *T], ["validate", str(w.tmp / "broken.yaml"), *T],
                           ["validate", str(w.tmp / "nowhere.yaml")]],
    "schema": lambda w: [["schema", "-o", str(w.tmp / "s.json")],
                         ["schema", "-o", str(w.tmp / "no" / "s.json")]],
    "summary": lambda w: [["summary", "--data", str(w), *T],
                          ["summary", "--data", str(w.tmp / "nowhere.yaml")]],
    "generate": lambda w: [["generate", "--people", "20", "-o", str(w.tmp / "gen.yaml")],
                           ["generate", "--people", "20", "--split"]],
    "diff": lambda w: [["diff", str(w), str(w.tmp / "edited.yaml"), *T],
                       ["diff", str(w), str(w.tmp / "edited.yaml"), "--format", "md", *T],
                       ["diff", str(w), str(w), *T],
                       ["diff", str(w), str(w.tmp / "broken.yaml"), "--format", "md", *T]],
    "touch": lambda w: [["touch", "c-visser", "--data", str(w), "--date", "2026-11-29"],
                        ["touch", "c-visser", "--data", str(w), "--date", "2026-11-29"]],
    "upkeep": lambda w: [["upkeep", "--data", str(w), *T],
                         ["upkeep", "--data", str(w), "--format", "md", *T]],
    "new": lambda w: [["new", "person", "--data", str(w), *T],
                      ["new", "dossier", "--write", "--name", "Klimaat", "--owner", "c-visser",
                       "--data", str(w), *T],
                      ["new", "person", "--write", "--data", str(w), *T]],
    "export": lambda w: [["export", "--format", "csv", "-o", str(w.tmp / "csv"), "--data",
                          str(w), *T],
                         ["export", "--format", "turtle", "-o", str(w.tmp / "x.ttl"), "--data",
                          str(w), *T],
                         ["export", "--format", "network-html", "--data", str(w), *T]],
    "query": lambda w: [["query", "SELECT ?n WHERE { ?p foaf:name ?n }", "--data", str(w), *T],
                        ["query", "ASK { ?s ?p ?o }", "--data", str(w), *T]],
    "search": lambda w: [["search", "cyber", "--data", str(w), *T],
                         ["search", "cybre", "--data", str(w), *T],
                         ["search", "xyzzy", "--data", str(w), *T]],
    "serve": _case_serve,
    "report": lambda w: [["report", "--format", "md", "--data", str(w), *T],
                         ["report", "--format", "html", "--data", str(w), *T]],
    "import sheet": _case_import_sheet,
    "import roo": _case_import_roo,
    "publish": lambda w: [["publish", f"http://127.0.0.1:{_free_port()}/store", "--data",
                           str(w), *T]],
}


def _human(output: str, walk: _Walk) -> str:
    """The words of *output* a person reads: no file names, no HTML markup, none of the
    placeholder data ``tvb new`` writes ("N. Nieuw")."""
    from registry.validate import PLACEHOLDERS

    text = output.replace(str(walk.tmp), "<dir>")
    for value in PLACEHOLDERS.values():
        text = text.replace(value, "<data>")
    if "<html" in text:
        text = _visible(text)
    return text


def _cli_words(words: list[str], data: str) -> list[str]:
    return [w for w in words if not _found(data, [w])]


def test_every_command_has_a_case_in_the_language_walk():
    assert _commands(main) == sorted(CASES)


@pytest.mark.parametrize("command", sorted(CASES))
def test_every_command_speaks_dutch_by_default_and_english_on_request(command, tmp_path):
    import json

    import yaml

    data = " ".join(json.dumps(yaml.safe_load(t), default=str, ensure_ascii=False)
                    for t in (SMALL, EDITED, BROKEN))
    english, dutch = _cli_words(CLI_ENGLISH, data), _cli_words(CLI_DUTCH, data)
    assert len(english) >= 60 and len(dutch) >= 60  # the check keeps its teeth
    said = {}
    for lang in ("nl", "en"):
        walk = _Walk(tmp_path / lang)
        outputs = []
        try:
            for args in CASES[command](walk):
                result = CliRunner().invoke(main, ["--lang", lang, *args])
                assert not isinstance(result.exception, AssertionError | TypeError | KeyError |
                                      AttributeError | ValueError), result.exception
                outputs.append(_human(result.output, walk))
        finally:
            if hasattr(walk, "busy"):
                walk.busy.close()
        said[lang] = "\n".join(outputs)
    assert said["nl"].strip() and said["en"].strip()
    assert said["nl"] != said["en"], "the language made no difference"
    assert _found(said["nl"], english) == []
    assert _found(said["en"], dutch) == []


def test_status_shows_the_validator_messages_in_the_readers_language(tmp_path):
    from tests.conftest import _viewer

    path = tmp_path / "tvb.yaml"
    path.write_text(SMALL.replace("email:", "telefoon:"), encoding="utf-8")
    app = _viewer(path, CACHE=False)
    try:
        client = app.test_client()
        nl = client.get("/status.json").get_json()["last_errors"]
        en = client.get("/status.json?lang=en").get_json()["last_errors"]
        assert [d["code"] for d in nl] == [d["code"] for d in en] == ["E005"]  # keys: the API
        assert nl[0]["message"].startswith("onbekende sleutel 'telefoon' in een persoon")
        assert en[0]["message"].startswith("unknown key 'telefoon' in a person")
        page = _visible(client.get("/status?lang=nl").text)  # the cookie says en by now
        assert "fout[E005]" in page and "onbekende sleutel 'telefoon'" in page
    finally:
        app.extensions["tvb.snapshots"].stop()
