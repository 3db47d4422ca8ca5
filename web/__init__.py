"""The TVB viewer: a read-only Flask app over one compiled snapshot of the register.

``create_app(config)`` is the application factory.  Configuration comes from the defaults
below, then from ``TVB_*`` environment variables (``TVB_DATA``, ``TVB_SPARQL_ENABLED=false``
…, values parsed as JSON where they can be), then from *config*:

==========================  ============================================================
``DATA``                    data file or folder, or a list of them (``data/tvb.yaml``)
``TODAY``                   fixed reference date (a ``date`` or ``YYYY-MM-DD``), for tests
``MAX_BYTES``               refuse data files larger than this (50 MiB)
``CACHE``                   snapshot cache on disk: True (``$XDG_CACHE_HOME/tvb`` when that
                            is set, else ``.cache/tvb`` next to the data), a folder, or
                            off (``TVB_CACHE=0``)
``YAML``                    ``pyyaml`` parses with PyYAML only, without the fast path
``WATCH``                   poll the data files for changes (default: on unless TESTING)
``WATCH_INTERVAL``          seconds between polls (0.5: a stat of each data file)
``SPARQL_ENABLED``          serve ``/sparql`` (True)
``SPARQL_TIMEOUT``          seconds a query may run (5)
``SPARQL_MAX_ROWS``         rows returned at most (10,000)
``SPARQL_MAX_QUERY_LENGTH`` characters a query may have (20,000)
``SPARQL_CONCURRENCY``      queries running at once; more get 503 (2)
``SPARQL_MAX_MEMORY``       bytes of memory a query may add to the server's (512 MiB)
``SEARCH_CONCURRENCY``      searches computed at once (2: a search holds the interpreter
                            lock but for its SQL, and the index has two connections);
                            the others wait their turn, not counting cached answers
``MAX_CONTENT_LENGTH``      largest request body in bytes (256 KiB)
``LANGUAGE``                the viewer's language for a reader who has not chosen one
                            (``nl``; ``?lang=en`` chooses English and a cookie keeps it)
``HISTORY_COMMITS``         commits of the data's git history read for "eerder" and
                            "Recente wijzigingen" (30; 0 turns history off)
``HISTORY_CHECK``           seconds between looks at the repository's HEAD (10)
``MAX_RETURNED_ROWS``       rows of each list on one page of the dashboard and its JSON
                            twin (100); ``?page=`` gives the rest
``SERVER_HEADER_TIMEOUT``   seconds a client has to send a request's headers (10)
``SERVER_REQUEST_TIMEOUT``  seconds a client has to send a whole request (60)
``SERVER_MAX_PER_CLIENT``   open connections from one address, 0 for no bound (64);
                            behind a reverse proxy every client has the proxy's address
``OIDC_ISSUER``             sign in with this OpenID provider (its issuer URL); with
``OIDC_CLIENT_ID``          the client's id and
``OIDC_CLIENT_SECRET``      secret (``TVB_OIDC_CLIENT_SECRET`` or a file named by
                            ``TVB_OIDC_CLIENT_SECRET_FILE``; never a command-line argument)
``OIDC_GROUPS_CLAIM``       the ID token claim that lists the user's groups (``groups``)
``OIDC_SCOPE``              scopes asked for (``openid profile email``)
``OIDC_LEEWAY``             seconds of clock skew allowed on ``exp``/``iat`` (60)
``OIDC_REDIRECT_URI``       the public callback URL (``https://<host>/auth/callback``) when
                            the viewer sits behind a proxy; else built from the request
``PROXY_TRUSTED``           trust a reverse proxy's user headers from these addresses or
                            networks (comma-separated or a list)
``PROXY_USER_HEADER``       the proxy's user header (``X-Remote-User``)
``PROXY_GROUPS_HEADER``     the proxy's groups header, comma-separated (``X-Remote-Groups``)
``ROLES``                   group → role (``lezer``, ``integrator``, ``beheerder``), e.g.
                            ``TVB_ROLES='{"tvb-lezers": "lezer"}'``
``HIDE_PHONES``             hide phone numbers from ``lezer`` (False)
``SESSION_LIFETIME``        seconds a sign-in lasts (8 hours)
``SECRET_KEY``              signs the session cookie (``TVB_SECRET_KEY`` or
                            ``TVB_SECRET_KEY_FILE``; random per process when unset)
==========================  ============================================================

The four sign-in values (issuer, client id, client secret, secret key) can also come
from a file: ``TVB_<NAME>_FILE`` names it, and its content (without the final newline)
is the value.  See ``web/auth.py`` for the sign-in modes.

The app has no write endpoint: every route answers GET (and HEAD), and ``/sparql`` also
POST for queries, as the SPARQL protocol asks.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

__all__ = ["create_app", "DEFAULTS", "SECURITY_HEADERS", "content_security_policy"]

DEFAULTS: dict[str, Any] = {
    "DATA": "data/tvb.yaml",
    "TODAY": None,
    "MAX_BYTES": 50 * 2**20,
    "CACHE": True,
    "YAML": "fast",
    "WATCH": None,
    "WATCH_INTERVAL": 0.5,
    # False: the viewer answers as soon as the registry and search are ready and computes
    # the findings in the background (what `tvb serve` does); True: create_app returns
    # once the findings are there too (tests, `tvb serve --get`).
    "WAIT_FOR_FINDINGS": True,
    "SPARQL_ENABLED": True,
    "SPARQL_TIMEOUT": 5.0,
    "SPARQL_MAX_ROWS": 10_000,
    "SPARQL_MAX_QUERY_LENGTH": 20_000,
    "SPARQL_CONCURRENCY": 2,
    "SPARQL_MAX_MEMORY": 512 * 2**20,
    "SEARCH_CONCURRENCY": 2,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "LANGUAGE": "nl",
    "HISTORY_COMMITS": 30,
    "HISTORY_CHECK": 10.0,
    "MAX_RETURNED_ROWS": 100,
    "SERVER_HEADER_TIMEOUT": 10.0,
    "SERVER_REQUEST_TIMEOUT": 60.0,
    "SERVER_MAX_PER_CLIENT": 64,
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "JSON_AS_ASCII": False,
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_SCOPE": "openid profile email",
    "OIDC_LEEWAY": 60,
    "OIDC_REDIRECT_URI": None,
    "PROXY_TRUSTED": None,
    "PROXY_USER_HEADER": "X-Remote-User",
    "PROXY_GROUPS_HEADER": "X-Remote-Groups",
    "ROLES": {},
    "HIDE_PHONES": False,
    "SESSION_LIFETIME": 8 * 3600,
    "SECRET_KEY": None,
}

#: Headers on every response (the CSP is added per response, see content_security_policy).
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def content_security_policy() -> str:
    """Only this origin's scripts, styles and images (vis-network's stylesheet carries a
    few icons as ``data:`` images); no inline script at all, no plugins, no framing, and
    forms post only here."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


_OFF = ("0", "off", "no", "false")


def _cache_setting(value: Any) -> bool | Path:
    """``CACHE`` as the snapshot holder takes it: False, True (next to the data) or a
    folder; True becomes ``$XDG_CACHE_HOME/tvb`` when that is set."""
    text = str(value).lower()
    if value is None or value is False or text in _OFF:
        return False
    if value is True or text in ("1", "on", "true", "yes"):
        xdg = os.environ.get("XDG_CACHE_HOME")
        return Path(xdg) / "tvb" if xdg else True
    return Path(value)


#: Settings that may be read from a file named by ``<NAME>_FILE``.
FILE_SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "SECRET_KEY")


def _from_files(config: dict[str, Any]) -> None:
    """``<NAME>_FILE`` settings: the named file's content becomes ``<NAME>`` (secrets are
    kept out of the environment and the process list this way)."""
    for name in FILE_SETTINGS:
        key = name + "_FILE"
        if not config.get(key):
            continue
        try:
            config[name] = Path(str(config[key])).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ValueError(f"TVB_{key}: cannot read {config[key]}: "
                             f"{exc.strerror or exc}") from None


def _configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("TVB")
    if config:
        app.config.update(config)
    _from_files(app.config)
    # Debug mode only when the caller's own config asks for it: a FLASK_DEBUG=1 or
    # TVB_DEBUG=1 left in a shell must not reach the intranet server.
    app.config["DEBUG"] = bool((config or {}).get("DEBUG", False))
    if app.config["WATCH"] is None:
        app.config["WATCH"] = not app.config.get("TESTING", False)
    app.config["CACHE"] = _cache_setting(app.config["CACHE"])
    app.config["YAML"] = str(app.config["YAML"]).lower()
    today = app.config["TODAY"]
    if isinstance(today, str):
        app.config["TODAY"] = dt.date.fromisoformat(today)
    elif isinstance(today, dt.datetime):
        app.config["TODAY"] = today.date()
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(
        seconds=int(app.config["SESSION_LIFETIME"]))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the viewer.  *config* overrides the defaults and the ``TVB_*`` environment."""
    app = Flask(__name__)
    _configure(app, config)

    from . import (
        accessibility,
        auth,
        data,
        entities,
        history,
        i18n,
        integrator,
        lessons,
        linkeddata,
        network,
        openapi,
        recent,
        render,
        search,
        sparql,
    )
    from . import status as status_

    i18n.init_app(app)
    auth.init_app(app)  # before the data: nobody signed out makes the viewer work
    render.init_app(app)
    data.init_app(app)
    status_.init_app(app)
    history.init_app(app)
    for module in (search, entities, integrator, network, lessons, sparql, linkeddata,
                   status_, openapi, accessibility, recent):
        app.register_blueprint(module.bp)
    if auth.mode(app) == "oidc":
        app.register_blueprint(auth.bp)

    csp = content_security_policy()

    @app.after_request
    def _headers(resp: Response) -> Response:
        # (what setdefault per header and ``vary.update`` do, with one look at the
        # headers instead of one per name: this runs for every answer)
        headers = resp.headers
        headers["Content-Security-Policy"] = csp
        present = {name.lower() for name in headers.keys()}
        for name, value in SECURITY_HEADERS.items():
            if name.lower() not in present:
                headers.add(name, value)
        if "vary" in present:
            resp.vary.update(("Accept", "Accept-Language"))
        else:
            headers["Vary"] = "Accept, Accept-Language"
        return resp

    @app.context_processor
    def _helpers() -> dict:
        return {"json_url": render.json_url}

    return app
