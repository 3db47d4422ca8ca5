"""One message catalogue for the viewer, ``tvb report`` and the command line.

The words live in gettext catalogues, ``render/locale/<lang>/LC_MESSAGES/tvb.po``, one per
language, edited with any PO editor.  A message id is the key the code uses
(``nav.search``); a word with plural forms has a ``msgid_plural`` (``org.people`` /
``org.people.plural``) and ``msgstr[0]``/``msgstr[1]`` chosen by the language's
``Plural-Forms`` rule for the value ``n``.  The ``.po`` files are compiled with Babel the
first time a language is used (in memory, so a fresh clone needs no build step).

Dutch is the default everywhere; English on request.  Domain terms that are Dutch in both
languages (penvoerder, dossierhouder, TVB) stay Dutch in English too.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "translate", "catalogue", "plural_keys",
           "translations", "LOCALE_DIR"]

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "tvb"


@functools.cache
def _catalog(lang: str, domain: str = DOMAIN):
    from babel.messages.pofile import read_po

    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


@functools.cache
def translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalogue of *lang* (``.po`` compiled to ``.mo`` in memory); for
    another *domain* (``click``: click's own messages, whose ids are its English texts)
    the identity when the language has no file for it."""
    from babel.messages.mofile import write_mo

    if not (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").exists():
        return gettext.NullTranslations()
    buf = io.BytesIO()
    write_mo(buf, _catalog(lang, domain))
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@functools.cache
def plural_keys() -> frozenset[str]:
    """Keys with plural forms (in the Dutch catalogue, the reference)."""
    return frozenset(m.id[0] for m in _catalog(DEFAULT_LANGUAGE)
                     if m.id and isinstance(m.id, tuple))


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of *lang* with its text (the plural form "more than one" for a word with
    plural forms)."""
    out = {}
    for m in _catalog(lang):
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            out[m.id[0]] = m.string[-1]
        else:
            out[m.id] = m.string
    return out


def translate(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for *key* in *lang* with ``{name}`` filled in from *values*; a key with
    plural forms picks its form by ``n``.  An unknown language is Dutch; a key missing
    in a language falls back to Dutch, then to the key itself.

    >>> translate("org.vacancies", "nl", n=1), translate("org.vacancies", "en", n=3)
    ('1 vacature', '3 vacancies')
    """
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    n = values.get("n")
    if key in plural_keys() and isinstance(n, int):
        text = translations(lang).ngettext(key, key + ".plural", n)
        if text in (key, key + ".plural") and lang != DEFAULT_LANGUAGE:
            text = translations(DEFAULT_LANGUAGE).ngettext(key, key + ".plural", n)
    else:
        text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    if text in (key, key + ".plural"):
        return key
    return text.format(**values) if values else text
