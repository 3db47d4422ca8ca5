"""Who is asking, and may they see this page?

Three modes, chosen by the configuration that :func:`web.create_app` reads:

``open``
    No sign-in (nothing configured).  Meant for one person on their own machine:
    ``tvb serve`` refuses any address but the loopback one in this mode unless
    ``--no-auth`` is given.  Everyone is ``beheerder``.
``oidc``
    Sign-in with the organisation's OpenID provider (``OIDC_ISSUER``, ``OIDC_CLIENT_ID``,
    ``OIDC_CLIENT_SECRET``): the authorization code flow with PKCE (S256); ``state`` and
    ``nonce`` are kept in the signed session and checked by Authlib; the ID token's
    signature is checked against the provider's JWKS (from its discovery document), its
    issuer, audience, expiry and issue time by :func:`_claims_options`.  The groups come
    from the claim ``OIDC_GROUPS_CLAIM``; a token without it is refused.
``proxy``
    A reverse proxy that has already authenticated the user passes ``X-Remote-User``
    and ``X-Remote-Groups`` (``PROXY_USER_HEADER``, ``PROXY_GROUPS_HEADER``).  They are
    honoured only from the addresses in ``PROXY_TRUSTED``; from anywhere else they are
    ignored and logged.

Roles come from groups through ``ROLES`` (group → role); the highest one counts.  Each
page needs at least the role :func:`required_role` names, on the page and its JSON twin
alike (they share a blueprint); templates hide links through :func:`may`.

CSRF: a ``POST`` with a form body (``application/x-www-form-urlencoded`` or
``multipart/form-data``) that carries the session cookie must carry the session's token
too (field ``csrf_token`` or header ``X-CSRF-Token``), and a cross-site ``Origin`` is
refused.  A SPARQL-protocol ``POST`` with ``Content-Type: application/sparql-query`` and
no session cookie (a script, not a browser) is not affected: a browser cannot send that
type cross-site without a CORS preflight, which the viewer never grants.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import Forbidden, Unauthorized

from .i18n import t
from .render import error_response, render, wants_json

__all__ = ["ROLES", "BLUEPRINT_ROLE", "ENDPOINT_ROLE", "bp", "init_app", "mode",
           "required_role", "may", "role_from_groups", "csrf_token", "AuthSettingsError"]

#: Roles, least to most.
ROLES = ("lezer", "integrator", "beheerder")
_RANK = {r: i for i, r in enumerate(ROLES, 1)}

#: The least role each blueprint's pages need; None: anyone, also before signing in.
BLUEPRINT_ROLE: dict[str, str | None] = {
    "search": "lezer", "entities": "lezer", "lessons": "lezer", "openapi": "lezer",
    "linkeddata": "lezer",
    "integrator": "integrator", "network": "integrator", "sparql": "integrator",
    "status": "beheerder", "auth": None, "accessibility": None,
}
#: Endpoints that differ from their blueprint.
ENDPOINT_ROLE: dict[str, str | None] = {
    "static": None, "status.health": None, "status.health_json": None,
}
#: A blueprint nobody listed (a new one) is for the beheerder until someone decides.
UNLISTED = "beheerder"

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_log = logging.getLogger(__name__)


class AuthSettingsError(ValueError):
    """The sign-in settings contradict each other or miss a value."""


# -- roles -------------------------------------------------------------------------------------
def required_role(endpoint: str | None) -> str | None:
    """The least role *endpoint* needs (None: public).

    >>> required_role("status.status"), required_role("status.health")
    ('beheerder', None)
    >>> required_role("network.network_json"), required_role("someone.new")
    ('integrator', 'beheerder')
    """
    if endpoint is None:
        return "lezer"  # no route matched: a 404, but only for someone signed in
    if endpoint in ENDPOINT_ROLE:
        return ENDPOINT_ROLE[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    return BLUEPRINT_ROLE.get(blueprint, UNLISTED)


def role_from_groups(groups: Iterable[str], mapping: Mapping[str, str]) -> str | None:
    """The highest role any of *groups* maps to, or None.

    >>> role_from_groups(["a", "b"], {"a": "lezer", "b": "integrator", "c": "beheerder"})
    'integrator'
    >>> role_from_groups(["x"], {"a": "lezer"}) is None
    True
    """
    roles = [mapping[gr] for gr in groups if mapping.get(gr) in _RANK]
    return max(roles, key=_RANK.__getitem__) if roles else None


def _allows(role: str | None, needed: str | None) -> bool:
    return needed is None or (role is not None and _RANK[role] >= _RANK[needed])


def may(endpoint: str) -> bool:
    """Whether the current user may open *endpoint* (templates hide links with it)."""
    if "role" not in g:  # an error page raised before the guard ran
        _identify()
    return _allows(g.get("role"), required_role(endpoint))


def mode(app: Flask | None = None) -> str:
    """``open``, ``oidc`` or ``proxy``."""
    return (app or current_app).extensions["tvb.auth"]["mode"]


# -- settings ----------------------------------------------------------------------------------
def _groups(value: Any) -> list[str]:
    """A groups claim or header as a list: a JSON list, or text split at commas."""
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _networks(value: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    items = _groups(value)
    try:
        return [ipaddress.ip_network(i, strict=False) for i in items]
    except ValueError as exc:
        raise AuthSettingsError(f"PROXY_TRUSTED: {exc}") from None


def _settings(app: Flask) -> dict[str, Any]:
    cfg = app.config
    oidc = bool(cfg.get("OIDC_ISSUER"))
    proxy = bool(cfg.get("PROXY_TRUSTED"))
    if oidc and proxy:
        raise AuthSettingsError("both TVB_OIDC_ISSUER and TVB_PROXY_TRUSTED are set; "
                                "choose one sign-in mode")
    roles = cfg.get("ROLES") or {}
    if not isinstance(roles, Mapping):
        raise AuthSettingsError("TVB_ROLES must map group names to roles, e.g. "
                                '{"tvb-lezers": "lezer"}')
    wrong = sorted({str(r) for r in roles.values()} - set(ROLES))
    if wrong:
        raise AuthSettingsError(f"TVB_ROLES: unknown role(s) {', '.join(wrong)}; use "
                                f"{', '.join(ROLES)}")
    if oidc:
        missing = [k for k in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not cfg.get(k)]
        if missing:
            raise AuthSettingsError("TVB_OIDC_ISSUER is set but "
                                    + " and ".join("TVB_" + m for m in missing)
                                    + " is not")
    if (oidc or proxy) and not roles:
        raise AuthSettingsError("sign-in is configured but TVB_ROLES maps no group to a "
                                "role, so nobody could see anything")
    return {"mode": "oidc" if oidc else "proxy" if proxy else "open",
            "roles": {str(k): str(v) for k, v in roles.items()},
            "trusted": _networks(cfg.get("PROXY_TRUSTED")) if proxy else []}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked ``Secure`` whenever the request came over HTTPS, the
    public callback URL is HTTPS (TLS ends at a proxy), or ``SESSION_COOKIE_SECURE``
    says so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        public = str(app.config.get("OIDC_REDIRECT_URI") or "")
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure \
            or public.startswith("https:")


# -- the guard ---------------------------------------------------------------------------------
def _trusted(addr: str | None) -> bool:
    if not addr:
        return False
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in current_app.extensions["tvb.auth"]["trusted"])


def _identify() -> None:
    """Set ``g.user`` and ``g.role`` for this request."""
    state = current_app.extensions["tvb.auth"]
    g.user, g.role = None, None
    if state["mode"] == "open":
        g.role = "beheerder"
        return
    if state["mode"] == "proxy":
        cfg = current_app.config
        user = request.headers.get(cfg["PROXY_USER_HEADER"])
        groups = request.headers.get(cfg["PROXY_GROUPS_HEADER"])
        if user is None and groups is None:
            return
        if not _trusted(request.remote_addr):
            _log.warning("ignored %s/%s from %s: not a trusted proxy (TVB_PROXY_TRUSTED)",
                         cfg["PROXY_USER_HEADER"], cfg["PROXY_GROUPS_HEADER"],
                         request.remote_addr)
            return
        if not user:
            return
        role = role_from_groups(_groups(groups), state["roles"])
        g.user = {"name": user, "sub": user}
        g.role = role
        return
    user = session.get("user")
    if user:
        g.user = user
        g.role = user.get("role") if user.get("role") in _RANK else None


def _check_csrf() -> None:
    if request.method != "POST" or request.mimetype not in _FORM_TYPES:
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise Forbidden(t("auth.csrf"))
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return  # no session to ride on: a script, not a signed-in browser
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not hmac.compare_digest(sent, session.get("csrf", "")) or not sent:
        raise Forbidden(t("auth.csrf"))


def _guard() -> Response | None:
    _identify()
    _check_csrf()
    needed = required_role(request.endpoint)
    if _allows(g.role, needed):
        return None
    if g.user is None:
        state = current_app.extensions["tvb.auth"]
        if state["mode"] == "oidc" and request.method == "GET" and not wants_json():
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        raise Unauthorized(t("auth.needed.oidc" if state["mode"] == "oidc"
                             else "auth.needed.proxy"))
    if g.role is None:
        raise Forbidden(t("auth.norole"))
    raise Forbidden(t("auth.forbidden"))


def csrf_token() -> str:
    """This session's token for forms that post ("" in open mode, which has no session and
    sets no cookie: there is nothing for a forged request to ride on)."""
    if mode() == "open":
        return ""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


# -- OpenID Connect ----------------------------------------------------------------------------
bp = Blueprint("auth", __name__, url_prefix="/auth")


def _client():
    return current_app.extensions["tvb.auth"]["oauth"].create_client("idp")


def _claims_options() -> dict[str, Any]:
    cfg = current_app.config
    return {"iss": {"essential": True, "values": [str(cfg["OIDC_ISSUER"])]},
            "aud": {"essential": True, "values": [str(cfg["OIDC_CLIENT_ID"])]},
            "exp": {"essential": True}, "iat": {"essential": True},
            "sub": {"essential": True}}


def _local(target: str | None) -> str:
    """*target* if it is a path on this site, else the home page (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc:
        return target
    return url_for("search.home")


def _refuse(message: str, status: int = 403) -> Response:
    session.clear()  # a refused sign-in also ends the session it ran in
    g.user, g.role = None, None
    _log.warning("sign-in refused: %s", message)
    return error_response(status, t("auth.refused", reason=message))


@bp.route("/login")
def login() -> Response:
    if mode() != "oidc":
        raise Forbidden(t("auth.not_oidc"))
    session["next"] = _local(request.args.get("next"))
    # Behind a proxy that terminates TLS the request's own URL is not the public one.
    redirect_uri = current_app.config.get("OIDC_REDIRECT_URI") or \
        url_for("auth.callback", _external=True, lang=None)
    try:
        return _client().authorize_redirect(redirect_uri)
    except Exception as exc:  # the provider cannot be reached or answers nonsense
        _log.warning("OpenID provider unavailable: %s", exc)
        return error_response(503, t("auth.idp_down"))


@bp.route("/callback")
def callback() -> Response:
    from authlib.integrations.base_client import OAuthError

    if mode() != "oidc":
        raise Forbidden(t("auth.not_oidc"))
    client = _client()
    try:
        token = client.authorize_access_token(claims_options=_claims_options(),
                                              leeway=int(current_app.config["OIDC_LEEWAY"]))
    except OAuthError as exc:
        return _refuse(f"{exc.error}: {exc.description}" if exc.description else exc.error)
    except Exception as exc:  # a bad signature, a claim that fails, a broken answer
        return _refuse(f"{type(exc).__name__}: {exc}")
    claims = token.get("userinfo")
    if not claims:
        return _refuse("the provider sent no ID token")
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        return _refuse("the discovery document names another issuer")
    claim = current_app.config["OIDC_GROUPS_CLAIM"]
    if claim not in claims:
        return _refuse(t("auth.nogroups", claim=claim))
    groups = _groups(claims.get(claim))
    role = role_from_groups(groups, current_app.extensions["tvb.auth"]["roles"])
    if role is None:
        return _refuse(t("auth.norole"))
    target = session.pop("next", None)
    session.clear()
    session.permanent = True
    session["user"] = {"sub": claims["sub"], "role": role, "groups": groups,
                       "name": claims.get("name") or claims.get("preferred_username")
                       or claims.get("email") or claims["sub"]}
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(_local(target))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Forget the session (CSRF-checked like every form post)."""
    session.clear()
    g.user, g.role = None, None
    return render("signed_out.html", {"ok": True, "signed_out": True})


# -- wiring ------------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    """Read the sign-in settings, install the guard and the session cookie."""
    state = _settings(app)
    app.extensions["tvb.auth"] = state
    cfg = app.config
    if not cfg.get("SECRET_KEY"):
        # Sessions then last as long as the process; set TVB_SECRET_KEY(_FILE) to keep
        # them over a restart or to share them between processes.
        cfg["SECRET_KEY"] = secrets.token_bytes(32)
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    # The cookie is written only when the session changes (sign-in, sign-out): the
    # lifetime counts from signing in, and a late answer to an old request cannot bring
    # back a session that sign-out or a refused sign-in has just ended.
    cfg["SESSION_REFRESH_EACH_REQUEST"] = False
    app.session_interface = _SessionInterface()
    if state["mode"] == "oidc":
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(app)
        oauth.register(
            "idp",
            client_id=str(cfg["OIDC_CLIENT_ID"]),
            client_secret=str(cfg["OIDC_CLIENT_SECRET"]),
            server_metadata_url=str(cfg["OIDC_ISSUER"]).rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": str(cfg["OIDC_SCOPE"]), "code_challenge_method": "S256",
                           "timeout": 10},
        )
        state["oauth"] = oauth
    app.before_request(_guard)
    app.jinja_env.globals.update(may=may, csrf_token=csrf_token)

    @app.context_processor
    def _who() -> dict:
        return {"auth_mode": state["mode"], "user": g.get("user"), "role": g.get("role")}

    @app.after_request
    def _private(resp: Response) -> Response:
        if state["mode"] != "open":
            resp.headers.setdefault("Cache-Control", "private, no-store")
            resp.vary.add("Cookie")
        return resp
