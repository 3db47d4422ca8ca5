"""The viewer's words: Dutch by default, English on request.

The language comes from ``?lang=nl|en`` (kept on every link the page makes and remembered
in the ``tvb_lang`` cookie), else from that cookie, else from the ``LANGUAGE`` setting
(Dutch): a browser's ``Accept-Language`` does not switch the viewer to English, so staff
on an English Windows read the same Dutch as their colleagues.  Domain terms that are Dutch
in both languages (penvoerder, dossierhouder, TVB) stay Dutch in English too.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, url_for
from werkzeug.exceptions import BadRequest

from render.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, translate

__all__ = ["LANGUAGES", "STRINGS", "t", "select_language", "lang_url", "init_app"]


#: UI strings by language, read from the one catalogue (:mod:`render.i18n`); every language
#: has the same keys (a test checks it).
STRINGS: dict[str, dict[str, str]] = {lang: catalogue(lang) for lang in LANGUAGES}


def t(key: str, **values: object) -> str:
    """The UI string for *key* in the request's language, with ``{name}`` filled in (and
    the plural form chosen by ``n`` for a word that has them)."""
    return translate(key, g.get("lang", DEFAULT_LANGUAGE), **values)


COOKIE = "tvb_lang"


def select_language() -> str:
    """``?lang=`` if given (400 when unknown), else the reader's earlier choice (the
    cookie), else the ``LANGUAGE`` setting."""
    # (``in`` first: a missing key makes werkzeug's ``get`` raise and catch inside)
    asked = request.args["lang"] if "lang" in request.args else None
    if asked is not None:
        if asked not in LANGUAGES:
            raise BadRequest(f"unknown language {asked[:20]!r}; use one of "
                             f"{', '.join(LANGUAGES)}")
        g.remember_lang = asked
        return asked
    chosen = request.cookies[COOKIE] if COOKIE in request.cookies else None
    if chosen in LANGUAGES:
        return chosen
    default = current_app.config.get("LANGUAGE", DEFAULT_LANGUAGE)
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    """Pick the language before each request and keep ``?lang=`` on generated links."""

    @app.before_request
    def _language() -> None:
        g.lang = "nl"  # so an error page for a bad ?lang= can still be rendered
        g.lang = select_language()

    @app.after_request
    def _remember(resp):
        asked = g.get("remember_lang")
        if asked and request.cookies.get(COOKIE) != asked:
            resp.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
        resp.vary.add("Cookie")
        return resp

    @app.url_defaults
    def _keep_language(endpoint: str, values: dict) -> None:
        if (endpoint != "static" and has_request_context() and "lang" in request.args
                and "lang" not in values):
            values["lang"] = g.get("lang", "nl")

    # Globals, so that imported macros see them too.
    app.jinja_env.globals.update(t=t, lang_url=lang_url)

    @app.context_processor
    def _words() -> dict:
        return {"lang": g.get("lang", "nl")}


def lang_url(code: str) -> str:
    """This page in language *code* (the home page when the URL matched no route)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    endpoint = request.endpoint
    if not endpoint or request.method != "GET" or endpoint == "static":
        return url_for("search.home", lang=code)
    return url_for(endpoint, **(request.view_args or {}), **args, lang=code)
