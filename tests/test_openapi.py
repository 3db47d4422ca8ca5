"""The OpenAPI 3.1 description of the JSON API (``/openapi.json``), checked against the
app itself with schemathesis: no 5xx, every answer in the documented shape and content
type, undocumented methods refused, invalid parameters answered with 4xx.

The examples are bounded (and derandomised, so a run is reproducible); the app is the
sample viewer with a short SPARQL time limit.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import SAMPLE, _viewer

APP = _viewer(SAMPLE, SPARQL_TIMEOUT=2.0)
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schemathesis.serializer("application/sparql-query")
def _sparql_body(ctx, value) -> bytes | None:
    """A query sent as the POST body, as the SPARQL protocol allows."""
    return None if value is None else str(value).encode("utf-8")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_description(case):
    # A SPARQL text can fit the schema (a non-blank string) and still be a syntax error,
    # which is a 400 by design: there the "valid data is accepted" check does not apply.
    excluded = [positive_data_acceptance] if case.path.startswith("/sparql") else []
    case.call_and_validate(excluded_checks=excluded)


# -- the description itself -------------------------------------------------------------------
def _doc(app=APP) -> dict:
    r = app.test_client().get("/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return json.loads(r.data)


def test_it_is_openapi_3_1_with_valid_json_schemas():
    doc = _doc()
    assert doc["openapi"] == "3.1.0"
    for name, sub in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(sub), name
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(doc["components"]["schemas"])


def test_every_json_route_is_described():
    """Every JSON twin, /health and /sparql: a new page must be added to web/openapi.py."""
    doc = _doc()
    described = set(doc["paths"])
    routes = set()
    for rule in APP.url_map.iter_rules():
        path = rule.rule.replace("<id>", "{id}")
        if path.endswith(".json") or path in ("/health", "/sparql"):
            routes.add(path)
    routes.discard("/openapi.json")
    assert routes - described == set()
    assert described - routes == set()
    assert set(doc["paths"]["/sparql"]) == {"get", "post"}
    for item in doc["paths"].values():
        assert "put" not in item and "delete" not in item and "patch" not in item


def test_examples_are_real_ids():
    doc = _doc()
    client = APP.test_client()
    for path, item in doc["paths"].items():
        for p in item["get"].get("parameters", []):
            if p["in"] == "path":
                value = p["examples"]["existing"]["value"]
                assert client.get(path.replace("{id}", value)).status_code == 200, path


def test_without_sparql_the_description_leaves_it_out(tmp_path):
    app = _viewer(SAMPLE, SPARQL_ENABLED=False)
    doc = _doc(app)
    assert not any(p.startswith("/sparql") for p in doc["paths"])


@pytest.mark.parametrize("path", ["/openapi.json"])
def test_description_has_the_security_headers(path):
    r = APP.test_client().get(path)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
