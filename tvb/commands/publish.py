"""``tvb publish URL``: the register's graph into a triple store, through the SPARQL 1.1
Graph Store HTTP Protocol (W3C Recommendation, 2013).

One ``PUT`` of the N-Triples to ``URL?graph=IRI`` replaces the named graph whole, so
publishing again replaces rather than adds, and the store never holds half a register.
The store is the organisation's own — Apache Jena Fuseki (``http://host:3030/DATASET/data``),
Oxigraph server (``http://host:7878/store``), GraphDB (``…/repositories/REPO/rdf-graphs/service``)
— and registers of several organisations can meet there, each in its own graph.

Credentials come from the environment only, never from arguments (which end up in shell
histories and process lists): ``TVB_PUBLISH_TOKEN`` for a bearer token, or
``TVB_PUBLISH_USER`` and ``TVB_PUBLISH_PASSWORD`` for HTTP Basic authentication.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request

import click

from tvb.options import HelpCommand, as_date, load_or_exit, loading_options, say

__all__ = ["command", "graph_store_url", "put_graph", "PublishError"]

_ENV_TOKEN = "TVB_PUBLISH_TOKEN"
_ENV_USER = "TVB_PUBLISH_USER"
_ENV_PASSWORD = "TVB_PUBLISH_PASSWORD"


class PublishError(click.ClickException):
    """The store could not be reached or refused the graph: one line, exit 2."""

    exit_code = 2


def graph_store_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph: ``endpoint?graph=IRI`` (indirect
    graph identification, §4.2), keeping any query the endpoint URL already has."""
    parts = urllib.parse.urlsplit(endpoint)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k not in ("graph", "default")] + [("graph", graph)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _check_endpoint(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.UsageError(say("publish.bad_url", url=repr(url)))
    if parts.username or parts.password:
        raise click.UsageError(say("publish.credentials_in_url", user=_ENV_USER,
                                   password=_ENV_PASSWORD, token=_ENV_TOKEN))


def _authorization() -> str | None:
    token = os.environ.get(_ENV_TOKEN)
    if token:
        return f"Bearer {token}"
    user, password = os.environ.get(_ENV_USER), os.environ.get(_ENV_PASSWORD)
    if user:
        pair = f"{user}:{password or ''}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    return None


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    line = text.splitlines()[0] if text else ""
    return line[:200]


def put_graph(url: str, body: bytes, *, timeout: float) -> int:
    """PUT N-Triples to *url*; returns the HTTP status.  Raises :class:`PublishError`
    with one line for the user when the store cannot be reached or refuses."""
    headers = {"Content-Type": "application/n-triples", "Content-Length": str(len(body))}
    auth = _authorization()
    if auth:
        headers["Authorization"] = auth
    req = urllib.request.Request(url, data=body, headers=headers, method="PUT")
    shown = url.split("?", 1)[0]
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        detail = _first_line(exc.read() or b"")
        hint = ""
        if exc.code in (401, 403):
            hint = "; " + (say("publish.set_credentials", user=_ENV_USER,
                               password=_ENV_PASSWORD, token=_ENV_TOKEN)
                           if not _authorization() else say("publish.check_credentials"))
        raise PublishError(say("publish.refused", store=shown, status=f"HTTP {exc.code} "
                               f"{exc.reason}{': ' + detail if detail else ''}") + hint) from None
    except urllib.error.URLError as exc:
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and \
            exc.reason.strerror else exc.reason
        raise PublishError(say("publish.unreachable", store=shown, reason=reason)) from None
    except TimeoutError:
        raise PublishError(say("publish.timeout", store=shown, seconds=f"{timeout:g}")) from None
    except (ConnectionError, OSError) as exc:
        raise PublishError(say("publish.unreachable", store=shown,
                               reason=exc.strerror or exc)) from None


@click.command("publish", cls=HelpCommand)
@click.argument("url")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="The named graph to replace; default: the organisation's IRI.")
@click.option("--with-ontology", is_flag=True,
              help="Also publish the TVB ontology into the graph.")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True,
              help="Seconds to wait for the store.")
@loading_options
def command(url: str, graph_iri: str | None, with_ontology: bool, timeout: float,
            data: str, today, max_bytes) -> None:
    """Publish the register's graph to a triple store (SPARQL 1.1 Graph Store Protocol).

    URL is the store's graph store endpoint, e.g. http://localhost:7878/store (Oxigraph
    server) or http://localhost:3030/tvb/data (Fuseki).  One PUT replaces the named graph
    whole: publishing again replaces, never duplicates.  Credentials come from the
    environment only: TVB_PUBLISH_TOKEN (bearer), or TVB_PUBLISH_USER and
    TVB_PUBLISH_PASSWORD (basic).  Exit 2 when the store cannot be reached or refuses.
    """
    _check_endpoint(url)
    if graph_iri is not None:
        if not graph_iri.startswith(("http://", "https://", "urn:")) or any(
                c in graph_iri for c in ' <>"{}|\\^`'):
            raise click.UsageError(say("publish.bad_graph", iri=repr(graph_iri)))
    from graph.rdf import entity_iri
    from graph.store import to_ntriples

    reg = load_or_exit([data], as_date(today), max_bytes).registry
    if graph_iri is None:
        org_id = reg.organisation.id if reg.organisation else "organisation"
        graph_iri = str(entity_iri(reg, org_id))
    body = to_ntriples(reg, with_ontology=with_ontology)
    triples = body.count(b"\n")
    status = put_graph(graph_store_url(url, graph_iri), body, timeout=timeout)
    click.echo(say("publish.done", n=triples, store=url.split("?", 1)[0], graph=graph_iri,
                   status=status), err=True)
