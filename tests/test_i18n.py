"""One voice: one catalogue (render/locale/*.po, read with Babel) for the viewer, the
report and the command line; plural forms in both languages; Dutch by default, English
when the reader chooses it (remembered in a cookie) or with ``tvb --lang en``."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser

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

    def handle_data(self, data: str) -> None:
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
