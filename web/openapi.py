"""``/openapi.json``: an OpenAPI 3.1 description of the viewer's JSON API.

It describes every JSON twin (``/person/{id}.json`` …), ``/health`` and, when the endpoint
is switched on, ``/sparql`` and ``/sparql.json``.  The shapes are the views' own (see
:mod:`web.entities`, :mod:`web.search` …); ``tests/test_openapi.py`` runs schemathesis
against the app with this description, so the two cannot drift apart unnoticed.

The description is built per request from the app's configuration and its current
snapshot: the ``directorate`` filter lists the directorates there are, and every ``{id}``
parameter carries a real id as its example, so that a client generated from it (and
schemathesis) reaches real pages as well as the 404s.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app

from .render import json_response

__all__ = ["bp", "spec", "OPENAPI_VERSION"]

bp = Blueprint("openapi", __name__)

OPENAPI_VERSION = "3.1.0"
_JSON = "application/json"

# -- reusable pieces ----------------------------------------------------------------------------
_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_NUM = {"type": "number"}
_KINDS = ["organisation", "directorate", "department", "person", "dossier", "process",
          "collaboration", "unit"]


def _opt(schema: dict) -> dict:
    """*schema* or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict:
    """An object with these *required* properties (others allowed)."""
    return {"type": "object", "required": list(required),
            "properties": {**required, **(optional or {})}}


def _arr(items: dict) -> dict:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_DATE = {"type": "string", "format": "date"}
_REFS = _arr(_ref("Ref"))

_TERM = _obj({"iri": _STR, "name": _STR, "curie": _STR,
              "label": {"type": "object", "additionalProperties": _STR},
              "comment": {"type": "object", "additionalProperties": _STR},
              "types": _arr(_STR), "super": _arr(_STR), "domain": _arr(_STR),
              "range": _arr(_STR)})

_SCHEMAS: dict[str, dict] = {
    "Ontology": _obj({"iri": _STR, "title": {"type": "object", "additionalProperties": _STR},
                      "description": {"type": "object", "additionalProperties": _STR},
                      "version": _STR, "classes": _arr(_TERM), "properties": _arr(_TERM),
                      "schemes": _arr(_TERM), "formats": {"type": "object",
                                                          "additionalProperties": _STR}}),
    "Error": {
        "type": "object", "required": ["ok", "error", "status"], "additionalProperties": False,
        "description": "The one error shape of every JSON answer.",
        "properties": {"ok": {"const": False}, "error": _STR,
                       "status": {"type": "integer", "minimum": 400, "maximum": 599}},
    },
    "Ref": {
        "description": "A reference to an entity: its kind is null when the id is unknown.",
        **_obj({"id": _STR, "kind": _opt({"type": "string", "enum": _KINDS}),
                "label": _STR, "url": _opt(_STR)}),
    },
    "Contact": {
        "description": "A person's reference with what it takes to reach them.",
        "allOf": [_ref("Ref"), _obj({}, {
            "function": _opt(_STR), "email": _opt(_STR), "phone": _opt(_STR),
            "unit": _opt(_ref("Ref")), "directorate": _opt(_ref("Ref"))})],
    },
    "Finding": _obj({"kind": _STR, "reason": _STR, "reason_shown": _STR,
                     "directorates": _REFS, "dossiers": _REFS, "people": _REFS}),
    "FactorScore": _obj({"factor": _STR, "score": _NUM, "level": _opt(_INT)}),
    "FactorRow": {
        "description": "One factor of the profile (graph.factors.factor_profile).",
        **_obj({"factor": _STR, "median": _opt(_NUM), "spread": _opt(_NUM), "n": _INT,
                "level": _opt(_INT), "baseline": _opt(_INT), "scorers": _INT,
                "subfactors": _arr(_obj({"key": _STR, "median": _opt(_NUM), "n": _INT,
                                         "level": _opt(_INT), "baseline": _INT}))})},
    "FactorProfile": _obj({"window_days": _INT, "since": _DATE, "evaluations": _INT,
                           "factors": _arr(_ref("FactorRow")),
                           "by_year": _arr(_obj({"year": _INT, "evaluations": _INT,
                                                 "factors": {"type": "object"}}))}),
    "SiloRow": _obj({"directorate": _STR, "ei_index": _opt(_NUM), "flagged": _BOOL},
                    {"people": _INT, "reach": _opt(_NUM), "reached": _INT,
                     "external_per_person": _opt(_NUM), "internal_ties": _INT,
                     "external_ties": _INT, "active_dossiers": _INT,
                     "sectoral_dossiers": _arr(_STR), "sectoral_share": _opt(_NUM),
                     "tied_with": _arr(_STR), "expected": _arr(_STR),
                     "expected_missing": _arr(_STR),
                     # a row the dashboard's JSON twin cut: a page of the ids, the rest by the URL
                     "sectoral_dossiers_count": _INT, "sectoral_dossiers_url": _STR}),
    "SectoralDossiers": _obj({"directorate": _STR, "level": _opt(_STR),
                              "sectoral_dossiers": _arr(_STR),
                              "names": {"type": "object", "additionalProperties": _STR},
                              "pagination": {"type": "object"}}),
    "Health": _obj({
        "ok": _BOOL, "status": {"type": "string", "enum": ["ok", "degraded", "unavailable"]},
        "data_version": _opt(_STR), "today": _opt(_DATE), "loaded_at": _opt(_STR),
        "last_reload_failed": _BOOL, "errors": _INT, "warnings": _INT,
        "watcher": {"type": "string", "enum": ["off", "running", "stalled", "failed", "dead"]},
        "checked_at": _opt(_STR)}),
    "Diagnostic": _obj({"file": _STR, "line": _INT, "column": _INT, "severity": _STR,
                        "code": _STR, "message": _STR}),
    "Status": {"allOf": [_ref("Health"), _obj({
        "sources": _arr(_STR), "last_errors": _arr(_ref("Diagnostic")),
        "warnings_shown": _arr(_ref("Diagnostic"))})]},
    "Search": _obj({
        "query": _STR, "limit": _INT, "words": _arr(_STR), "suggestions": _arr(_STR),
        "corrections": {"type": "object", "additionalProperties": _arr(_STR)},
        "hits": _arr(_obj({"id": _STR, "kind": _STR, "url": _opt(_STR), "label": _STR})),
        "groups": {"type": "object", "additionalProperties": _arr(_STR)},
        "directorates": _arr({"allOf": [_ref("Ref"), _obj({"name": _STR})]}),
        "splits": {"type": "object", "additionalProperties": _arr(_STR)},
        "best": _opt(_obj({"id": _STR, "kind": _STR, "label": _STR})),
        "help": _obj({}, {"units": _arr(_ref("Ref")), "words": _arr(_STR),
                          "contact": _opt(_STR)})}),
    "Suggest": _obj({"query": _STR, "suggestions": _arr(_obj({
        "id": _STR, "kind": _STR, "label": _STR, "hint": _opt(_STR), "url": _opt(_STR)}))}),
    "Organisation": _obj({
        "id": _opt(_STR), "kind": {"const": "organisation"}, "name": _opt(_STR),
        "parent": _opt(_STR), "parent_uri": _opt(_STR),
        "directorates": _arr({"allOf": [_ref("Ref"), _obj({
            "name": _STR, "axis": _STR, "head": _opt(_ref("Contact")), "people": _INT,
            "departments": _REFS, "dossiers": _INT, "ei_index": _opt(_NUM),
            "flags": _arr(_STR)})]})}),
    "Unit": _obj({
        "id": _STR, "kind": {"type": "string", "enum": ["directorate", "department"]},
        "name": _STR, "abbreviation": _opt(_STR), "label": _STR,
        "head": _opt(_ref("Contact")), "tasks": _arr(_STR), "reviewed": _opt(_DATE),
        "people": _arr(_ref("Contact")), "flags": _arr(_STR)}),
    "Directorate": {"allOf": [_ref("Unit"), _obj({
        "axis": _STR,
        "departments": _arr({"allOf": [_ref("Ref"), _obj({"head": _opt(_ref("Ref")),
                                                          "people": _INT})]}),
        "dossiers_owned": _REFS, "dossiers_penvoerder": _REFS, "dossiers_involving": _REFS,
        "collaborations": _REFS, "processes_penvoerder": _REFS, "processes_requiring": _REFS,
        "directorate_ties": _arr(_obj({"directorate": _ref("Ref"), "weight": _NUM,
                                       "person_ties": _INT, "collaborations": _INT,
                                       "dossiers": _INT})),
        "silo": _opt(_obj({"directorate": _STR, "ei_index": _opt(_NUM),
                           "internal_ties": _INT, "external_ties": _INT,
                           "flagged": _BOOL})),
        "findings": _arr(_ref("Finding")),
        # issue 13
        "capacity": _opt({"type": "object"}), "should_involve_it": _arr({"type": "object"}),
        "late_involvement_of_it": _arr({"type": "object"}),
        "uncovered_tasks": _arr({"type": "object"}),
        "overlapping_tasks": _arr({"type": "object"})})]},
    "Department": {"allOf": [_ref("Unit"), _obj({"directorate": _opt(_ref("Ref")),
                                                 "collaborations": _REFS})]},
    "Person": {"allOf": [_ref("Contact"), _obj({
        "name": _STR, "reviewed": _opt(_DATE), "level": {"enum": ["management", "staff"]},
        "head_of": _REFS, "owns": _REFS,
        "deputy_for": _REFS, "involved_in": _REFS, "authority_for": _REFS,
        "collaborations": _arr({"allOf": [_ref("Ref"), _obj({"role": _STR,
                                                             "ended": _BOOL})]}),
        "ties": _arr(_obj({"person": _ref("Ref"), "directorate": _opt(_ref("Ref")),
                           "weight": _NUM})),
        "flags": _arr(_STR), "broker": _opt({"type": "object"}),
        "separates": _arr(_REFS), "findings": _arr(_ref("Finding")),
        "load": _obj({"active_dossiers": _INT, "without_deputy": _REFS, "deputy_for": _REFS,
                      "max_active_dossiers": _INT, "overloaded": _BOOL, "text": _STR})})]},
    "Dossier": _obj({
        "id": _STR, "kind": {"const": "dossier"}, "title": _STR, "label": _STR,
        "description": _opt(_STR), "keywords": _arr(_STR),
        "status": {"type": "string", "enum": ["active", "closed"]},
        "owner": _opt(_ref("Contact")), "deputy": _opt(_ref("Contact")),
        "penvoerder": _opt(_ref("Ref")), "penvoerder_explicit": _BOOL, "involved": _REFS,
        "authority": _opt(_ref("Ref")), "process": _opt(_ref("Ref")),
        "reviewed": _opt(_DATE), "involved_directorates": _REFS, "collaborations": _REFS,
        "findings": _arr(_ref("Finding")),
        # issue 13
        "start": _opt(_DATE), "stage": _opt(_STR),
        "involved_entries": _arr({"allOf": [_ref("Ref"), _obj(
            {"since": _opt(_DATE), "stage": _opt(_STR)})]}),
        "should_involve": _arr(_obj({"missing": _STR, "theme": _STR, "text": _STR})),
        "late_involvement": _arr(_obj({"missing": _STR, "text": _STR})),
        "unclear_owner": _arr(_obj({"units": _arr(_STR), "text": _STR})),
        "no_deputy": _BOOL}),
    "Process": _obj({
        "id": _STR, "kind": {"const": "process"}, "name": _STR, "label": _STR,
        "description": _opt(_STR), "penvoerder": _opt(_ref("Ref")), "involve_all": _BOOL,
        "involve": _REFS, "reviewed": _opt(_DATE), "dossiers": _REFS}),
    "Collaboration": _obj({
        "id": _STR, "kind": {"const": "collaboration"}, "name": _STR, "label": _STR,
        "type": _STR, "mode": _opt(_STR), "lead": _opt(_ref("Contact")),
        "members": _arr(_ref("Contact")), "units": _REFS, "dossiers": _REFS,
        "purpose": _opt(_STR), "start": _opt(_DATE), "end": _opt(_DATE), "ended": _BOOL,
        "reviewed": _opt(_DATE), "represented": _REFS,
        "evaluations": _arr(_obj({"date": _DATE, "worthwhile": _opt(_INT),
                                  "lessons": _arr(_STR),
                                  "factors": _arr(_ref("FactorScore"))},
                                 {"subfactors": {"type": "object",
                                                 "additionalProperties": _INT},
                                  "scored_by": _REFS})),
        "unevaluated": _BOOL}),
    "Network": _obj({
        "view": {"type": "string", "enum": ["people", "directorates"]},
        "directorate": _opt(_STR),
        "nodes": _arr(_obj({"id": _STR, "label": _STR, "title": _STR, "color": _STR,
                            "flags": _arr(_STR), "degree": _INT, "url": _opt(_STR),
                            "faded": _BOOL})),
        "edges": _arr(_obj({"from": _STR, "to": _STR, "value": _NUM},
                           {"title": _STR, "gap": _BOOL})),
        "physics_off_after_stabilisation": _BOOL}),
    "Recent": _obj({
        "head": _opt(_STR), "commits_read": _INT,
        "commits": _arr(_obj({
            "commit": _STR, "author": _STR, "date": {"type": "string", "format": "date-time"},
            "subject": _STR,
            "changes": _arr(_obj({"kind": _STR, "id": _STR, "label": _STR, "old": _opt(_STR),
                                  "new": _opt(_STR), "text": _STR})),
            "findings": _arr(_obj({"change": {"type": "string", "enum": ["new", "resolved"]},
                                   "category": _STR, "about": _REFS, "text": _STR}))}))}),
    "Accessibility": _obj({
        "standard": _STR, "level": _STR, "status": _STR, "tests": _arr(_STR),
        "axe_tags": _arr(_STR), "contact": _STR}),
    "Lessons": _obj({
        "query": _STR,
        "evaluations": _arr(_obj({"collaboration": _ref("Ref"), "type": _STR,
                                  "date": _DATE, "worthwhile": _opt(_INT),
                                  "lessons": _arr(_STR),
                                  "factors": _arr(_ref("FactorScore"))})),
        "factors": _arr(_ref("FactorRow")), "factor_profile": _ref("FactorProfile")}),
    "Report": {
        "description": "The integrator's report: the JSON contract of `tvb report`.",
        **_obj({
            "data_version": _STR, "today": _DATE,
            "summary": {"type": "object", "additionalProperties": _INT},
            "betweenness": {"type": "object"},
            "brokers": _arr(_obj({"person": _STR, "betweenness": _NUM, "degree": _INT})),
            "silos": _arr(_ref("SiloRow")),
            "isolated_dossier_holders": _arr(_obj({"person": _STR, "dossiers": _arr(_STR)})),
            "missing_links": _arr(_obj({"kind": _STR, "directorates": _arr(_STR),
                                        "dossiers": _arr(_STR), "people": _arr(_STR),
                                        "reason": _STR})),
            "process_gaps": _arr(_obj({"kind": _STR, "dossier": _STR,
                                       "directorate": _opt(_STR), "people": _arr(_STR),
                                       "process": _STR, "missing": _arr(_STR),
                                       "reason": _STR})),
            "single_points_of_failure": _arr(_obj({"person": _STR})),
            "upkeep": {"type": "object"},
            "factors": {"type": "object", "additionalProperties": _obj(
                {"mean": _opt(_NUM), "n": _INT})},
            # issue 13
            "should_involve": _arr(_obj({"kind": {"type": "string",
                                                  "enum": ["theme", "absent"]},
                                         "missing": _STR, "directorates": _arr(_STR),
                                         "dossiers": _arr(_STR), "people": _arr(_STR),
                                         "reason": _STR})),
            "late_involvement": _arr(_obj({"missing": _STR, "dossiers": _arr(_STR),
                                           "days_after_start": _opt(_INT),
                                           "stage": _opt(_STR), "reason": _STR})),
            "cover": _obj({"without_deputy": _arr({"type": "object"}),
                           "deputy_problems": _arr({"type": "object"}),
                           "overloaded": _arr({"type": "object"}),
                           "directorates": _arr(_obj({"directorate": _STR,
                                                      "active_dossiers": _INT,
                                                      "fte": _opt(_NUM),
                                                      "vacancies": _opt(_INT),
                                                      "dossiers_per_fte": _opt(_NUM)})),
                           "max_active_dossiers": _INT}),
            "task_clarity": _obj({"uncovered_tasks": _arr({"type": "object"}),
                                  "unclear_owner": _arr({"type": "object"}),
                                  "overlapping_tasks": _arr({"type": "object"})})},
            {"names": {"type": "object", "additionalProperties": _STR},
             "weak_junctions": _arr(_obj({"integrating": _STR, "functional": _STR,
                                          "weight": _INT, "contexts": _INT})),
             "levels": {"type": "object", "additionalProperties": _obj({
                 "summary": {"type": "object"}, "silos": _arr(_ref("SiloRow")),
                 "isolated_dossier_holders": _arr(_obj({"person": _STR})),
                 "brokers": _arr(_obj({"person": _STR, "betweenness": _NUM}))})},
             "factor_profile": _ref("FactorProfile")})},
    "SparqlResults": {
        "description": "W3C SPARQL 1.1 Query Results JSON (a table, or a boolean for ASK).",
        "oneOf": [
            _obj({"head": _obj({"vars": _arr(_STR)}),
                  "results": _obj({"bindings": _arr({
                      "type": "object", "additionalProperties": _obj(
                          {"type": {"type": "string", "enum": ["uri", "literal", "bnode"]},
                           "value": _STR}, {"xml:lang": _STR, "datatype": _STR})})})},
                 {"truncated": _BOOL, "max_rows": _INT}),
            _obj({"head": {"type": "object"}, "boolean": _BOOL}),
        ]},
}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


_ERRORS = {
    "400": _json("Error", "A malformed parameter."),
    "503": _json("Error", "No valid data has been loaded yet (see /status)."),
}
_NOT_FOUND = {"404": _json("Error", "No entity of this kind with this id.")}


def _query(name: str, schema: dict, description: str, **extra: Any) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **extra}


def _choice(values: list[str]) -> dict:
    """One of *values*; an empty value (a form's "any" option) means the default."""
    return {"type": "string", "enum": [*values, ""]}


def _limit(maximum: int) -> dict:
    """A whole number in 1..*maximum* (ASCII digits, as :func:`web.render.arg_int` reads
    it); an empty value means the default."""
    units = "|".join(str(n) for n in range(1, min(maximum, 9) + 1))
    tens = f"[1-{maximum // 10 - 1}][0-9]|" if maximum >= 20 else ""
    return {"type": "string", "pattern": f"^(|0*({units}|{tens}{maximum}))$",
            "description": f"1 to {maximum}"}


_LANG = _query("lang", {"type": "string", "enum": ["nl", "en"]},
               "Language of the texts the page adds (default: Accept-Language, else nl).")


def _page(op_id: str, summary: str, schema: str, params: list[dict] | None = None,
          *, entity: str | None = None, example: str | None = None,
          paged: bool = False) -> dict:
    parameters = list(params or []) + [_LANG]
    responses = {"200": _json(schema, summary), **_ERRORS}
    if entity:
        p = {"name": "id", "in": "path", "required": True, "schema": _STR,
             "description": f"The id of a {entity}."}
        if example:
            p["examples"] = {"existing": {"value": example}}
        parameters.insert(0, p)
        responses.update(_NOT_FOUND)
    if paged:
        responses["404"] = _json("Error", "A page past the last.")
    return {"get": {"operationId": op_id, "summary": summary, "parameters": parameters,
                    "responses": responses, "tags": ["pages"]}}


def _sparql_ops(max_chars: int) -> dict[str, dict]:
    formats = ["json", "csv", "tsv", "xml", "turtle", "ntriples", "rdfxml", "jsonld", "n3",
               "html"]
    query = {"type": "string", "description": f"At most {max_chars:,} characters (else 413)."}
    tables = {m: {"schema": _STR} for m in (
        "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
        "text/turtle", "application/n-triples", "application/rdf+xml", "text/n3",
        "text/html")}
    ok = {"description": "The result, in the format asked for (Accept or ?format=); "
                         "without a query and with an RDF Accept, the service description.",
          "content": {"application/sparql-results+json": {"schema": _ref("SparqlResults")},
                      "application/ld+json": {"schema": {"type": "object"}},
                      **tables}}
    err = {"application/json": {"schema": _ref("Error")}, "text/html": {"schema": _STR},
           "text/plain": {"schema": _STR}}
    responses = {"200": ok, **{code: {"description": text, "content": err} for code, text in (
        ("400", "A syntax error, a query this read-only endpoint refuses (updates, LOAD, "
                "SERVICE, FROM), or two queries."),
        ("406", "No format the client accepts fits the result (Turtle for a SELECT, CSV "
                "for a CONSTRUCT)."),
        ("413", "The query is longer than allowed."),
        ("415", "A POST body of another type than a SPARQL query or a form."),
        ("503", "The query hit its time or memory limit, or too many queries run at "
                "once."))}}
    fmt = _query("format", _choice(formats), "Result format (else chosen by Accept).")

    def op(op_id: str, method: str, summary: str, required: bool) -> dict:
        # where a query is required, a blank one counts as missing (400)
        text = {**query, "pattern": r"\S"} if required else query
        out = {"operationId": op_id, "summary": summary, "responses": responses,
               "tags": ["sparql"]}
        if method == "get":
            out["parameters"] = [_query("query", text, "The SPARQL 1.1 query (read-only).",
                                        required=required), fmt]
        else:
            form = _obj({"query": text}) if required else {
                "type": "object", "properties": {"query": text}}
            out["parameters"] = [fmt]
            out["requestBody"] = {"required": True, "content": {
                # without a query, /sparql answers with the form
                "application/sparql-query": {"schema": text if required else _opt(text)},
                "application/x-www-form-urlencoded": {"schema": form}}}
        return out

    return {
        "/sparql": {
            "get": op("sparqlGet", "get", "Run a query; without one, the query form (HTML).",
                      False),
            "post": op("sparqlPost", "post", "Run a query sent in the body; without one, "
                       "the query form (HTML).", False)},
        "/sparql.json": {
            "get": op("sparqlJsonGet", "get", "Run a query; the result as SPARQL JSON.",
                      True),
            "post": op("sparqlJsonPost", "post", "Run a query sent in the body; SPARQL JSON.",
                       True)},
    }


def spec(app: Any = None) -> dict:
    """The OpenAPI 3.1 document for *app* (the current app by default)."""
    app = app or current_app
    h = app.extensions.get("tvb.snapshots")
    snap = h.current if h is not None else None
    reg = snap.registry if snap is not None else None

    def first(table) -> str | None:
        return next(iter(table), None) if reg is not None else None

    directorates = [u.id for u in reg.directorates] if reg is not None else []
    q = _query("q", _STR, "What was typed: words, names, abbreviations (cut at 500 "
                          "characters).")
    paths: dict[str, dict] = {
        "/health": {"get": {"operationId": "health", "summary": "Is a snapshot online?",
                            "tags": ["status"], "responses": {
                                "200": _json("Health", "A snapshot is online."),
                                "503": _json("Health", "No valid data is loaded.")}}},
        "/health.json": {"get": {"operationId": "healthJson", "summary": "The same as /health.",
                                 "tags": ["status"], "responses": {
                                     "200": _json("Health", "A snapshot is online."),
                                     "503": _json("Health", "No valid data is loaded.")}}},
        "/status.json": _page("status", "The data's status and the last diagnostics.",
                              "Status"),
        "/index.json": _page("home", "Search (the home page).", "Search", [
            q, _query("limit", _limit(100), "Hits at most (default 20).")]),
        "/search.json": _page("search", "Search.", "Search", [
            q, _query("limit", _limit(100), "Hits at most (default 20).")]),
        "/suggest.json": _page("suggest", "A few hits as you type.", "Suggest", [
            q, _query("limit", _limit(20), "Suggestions at most (default 8).")]),
        "/organisation.json": _page("organisation", "The organisation and its directorates.",
                                    "Organisation"),
        "/directorate/{id}.json": _page(
            "directorate", "A directorate.", "Directorate", entity="directorate",
            example=directorates[0] if directorates else None),
        "/department/{id}.json": _page(
            "department", "A department.", "Department", entity="department",
            example=reg.departments[0].id if reg is not None and reg.departments else None),
        "/person/{id}.json": _page("person", "A person.", "Person", entity="person",
                                   example=first(reg.people) if reg else None),
        "/dossier/{id}.json": _page("dossier", "A dossier.", "Dossier", entity="dossier",
                                    example=first(reg.dossiers) if reg else None),
        "/process/{id}.json": _page("process", "A process.", "Process", entity="process",
                                    example=first(reg.processes) if reg else None),
        "/collaboration/{id}.json": _page(
            "collaboration", "A collaboration.", "Collaboration", entity="collaboration",
            example=first(reg.collaborations) if reg else None),
        "/integrator.json": _page("integrator", "Every finding for the integrator.", "Report", [
            _query("page", {"type": "integer", "minimum": 1, "maximum": 10**9},
                   "Which page of every list (MAX_RETURNED_ROWS rows each; "
                   "pagination.next links the next one)."),
            _query("show", _choice(["all"]),
                   "Accepted for old links; pages replaced it.")], paged=True),
        "/integrator/sectoral/{id}.json": _page(
            "sectoral", "Every sectoral dossier of a directorate's silo row, a page at a "
            "time (the dashboard shows the first page).", "SectoralDossiers", [
                _query("level", _choice(["management", "staff"]),
                       "The row of this level (default: the whole network's)."),
                _query("page", {"type": "integer", "minimum": 1, "maximum": 10**9},
                       "Which page (MAX_RETURNED_ROWS ids each).")],
            entity="directorate", example=directorates[0] if directorates else None,
            paged=True),
        "/network.json": _page("network", "Nodes and edges of a network view.", "Network", [
            _query("view", _choice(["people", "directorates"]),
                   "Which network (default people)."),
            _query("directorate", _choice(directorates) if directorates else _STR,
                   "Show this directorate and its neighbours.")]),
        "/recent.json": _page("recent", "Meaningful changes of the data's last commits in "
                              "git, newest first (also as Atom at /recent.atom).", "Recent"),
        "/def/tvb.json": _page("ontology", "The TVB ontology's classes, properties and "
                               "concept schemes (the page of /def/tvb).", "Ontology"),
        "/lessons.json": _page("lessons", "The lessons book and the factor profile.",
                               "Lessons", [_query("q", _STR, "Words every listed evaluation "
                                                  "holds (cut at 200 characters).")]),
        "/toegankelijkheid.json": _page("statement", "The accessibility statement.",
                                        "Accessibility"),
    }
    if app.config.get("SPARQL_ENABLED", True):
        paths.update(_sparql_ops(int(app.config["SPARQL_MAX_QUERY_LENGTH"])))
    for item in paths.values():
        for operation in item.values():
            # every JSON answer may also be one of these
            operation["responses"].setdefault(
                "405", _json("Error", "The method is not allowed: the viewer is read-only."))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "TVB-register viewer (JSON API)",
            "version": "1",
            "description": "Read-only JSON twins of the viewer's pages, its health check and "
                           "its SPARQL 1.1 endpoint. Every error has the shape of `Error`. "
                           "There is no login: put the viewer behind the intranet's own "
                           "access control (see SECURITY.md).",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": _SCHEMAS},
    }


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document of this viewer."""
    return json_response(spec())
