"""``tvb serve``: the viewer."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tvb.options import (
    HelpCommand,
    as_date,
    data_hint,
    diagnostics_text,
    lang,
    loading_options,
    say,
)

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command("serve", cls=HelpCommand)
@loading_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1/localhost/::1 makes the "
              "viewer reachable from other machines, which needs sign-in (TVB_OIDC_* or "
              "TVB_PROXY_TRUSTED) or --no-auth.")
@click.option("--no-auth", is_flag=True,
              help="Serve on a non-loopback address without sign-in: everyone who reaches "
              "the port sees everything (a warning is printed).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="Port to listen on.")
@click.option("--no-watch", is_flag=True,
              help="Do not reload when the data files change.")
@click.option("--no-sparql", is_flag=True, help="Switch the /sparql endpoint off.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Worker threads of the server.")
@click.option("--get", "get_path", metavar="PATH", default=None,
              help="Answer one request for PATH (e.g. '/integrator.json'), print the body "
              "and exit (1 if the status is 400 or more), without starting a server.")
def command(data, today, max_bytes, host, port, no_watch, no_sparql, no_auth, threads,
            get_path) -> None:
    """Serve the viewer with waitress (no debug server), by default on 127.0.0.1:5000.

    The data file is watched: a valid change is live within a few seconds; a change with
    errors keeps the last good version online and shows the diagnostics on /status.

    Sign-in is configured in the environment (never by arguments): TVB_OIDC_ISSUER,
    TVB_OIDC_CLIENT_ID, TVB_OIDC_CLIENT_SECRET(_FILE) and TVB_ROLES for OpenID Connect,
    or TVB_PROXY_TRUSTED and TVB_ROLES behind an authenticating proxy.
    """
    if not Path(data).exists():
        click.echo(f"{data}: {say('cli.no_such_path')} ({data_hint()})", err=True)
        sys.exit(2)
    from web import create_app

    # Serving: live as soon as the registry and search are ready, the findings computed
    # in the background; one request (--get) is answered with them.
    config = {"DATA": data, "WATCH": not no_watch and get_path is None,
              "WAIT_FOR_FINDINGS": get_path is not None}
    if today:
        config["TODAY"] = as_date(today)
    if max_bytes:
        config["MAX_BYTES"] = max_bytes
    if no_sparql:
        config["SPARQL_ENABLED"] = False
    from click.core import ParameterSource

    # `tvb --lang en serve` (or TVB_LANG=en): English for readers who have not chosen;
    # without it the viewer keeps its own LANGUAGE setting (Dutch by default).
    if click.get_current_context().find_root().get_parameter_source("lang") in (
            ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
        config["LANGUAGE"] = lang()
    from web.auth import AuthSettingsError, mode

    try:
        app = create_app(config)
    except (AuthSettingsError, ValueError) as exc:
        click.echo(f"{say('cli.error')}: {exc}", err=True)
        sys.exit(2)
    auth = mode(app)
    if host not in _LOCAL_HOSTS and get_path is None and auth == "open" and not no_auth:
        app.extensions["tvb.snapshots"].stop()
        click.echo(f"{say('cli.error')}: {say('serve.no_sign_in', host=host)}", err=True)
        sys.exit(2)
    holder = app.extensions["tvb.snapshots"]
    if holder.current is None:
        from render.diagnostics import line

        holder.stop()
        unreadable = [d for d in holder.errors if d.code == "E003"]
        if unreadable:  # refused or unreadable input: one line, as every command says it
            click.echo(line(unreadable[0], lang()), err=True)
            sys.exit(2)
        click.echo(diagnostics_text(holder.errors), err=True)
        sys.exit(1)
    if get_path is not None:
        if not get_path.startswith("/"):
            raise click.UsageError(say("serve.get_path"))
        resp = app.test_client().get(get_path)
        click.echo(resp.get_data(as_text=True), nl=False)
        sys.exit(0 if resp.status_code < 400 else 1)
    if host not in _LOCAL_HOSTS and auth == "open":
        click.echo(f"{say('cli.warning')}: {say('serve.no_auth', host=host)}", err=True)
    import errno
    import socket

    from web import server

    shown = f"[{host}]" if ":" in host else host

    def cannot_listen(exc: OSError) -> None:
        holder.stop()
        name = errno.errorcode.get(exc.errno or 0, "")
        why = say(f"serve.reason.{name}") if name in ("EADDRINUSE", "EADDRNOTAVAIL", "EACCES") \
            else os.strerror(exc.errno) if exc.errno else str(exc)
        click.echo(say("serve.cannot_listen", address=f"{shown}:{port}", reason=why.lower()),
                   err=True)
        sys.exit(2)

    # Try the address first, so a busy port is one line rather than waitress's traceback
    # after the banner; the except below catches the port taken in between.
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        socket.create_server((host, port), family=family).close()
    except socket.gaierror:
        pass  # a host name: waitress resolves it and says what is wrong
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            cannot_listen(exc)
    click.echo(say("serve.started", url=f"http://{shown}:{port}/", data=data,
                   auth=say(f"serve.auth.{auth}")), err=True)
    # waitress behind a thin layer: header timeout, connections per client, security
    # headers on its own errors, no Content-Length with Transfer-Encoding (web/server.py)
    try:
        server.serve(app, host=host, port=port, **server.server_options(app, threads))
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        cannot_listen(exc)
